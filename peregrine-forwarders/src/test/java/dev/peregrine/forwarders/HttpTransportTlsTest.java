package dev.peregrine.forwarders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.peregrine.outputs.delivery.DeliveryException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code checkcert} against a real HTTPS server on loopback whose certificate is self-signed (made with the JDK's
 * keytool): verified by default (a TLS failure, not retried), accepted with {@code checkcert: false}.
 */
class HttpTransportTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static HttpsServer server;
    private static final AtomicInteger REQUESTS = new AtomicInteger();

    @BeforeAll
    static void startServer(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=peregrine-test", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            REQUESTS.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    private static URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/falco");
    }

    @Test
    void send_selfSignedWithCheckcert_failsWithoutRetry() {
        try (HttpTransport t = new HttpTransport("webhook", Duration.ofSeconds(5), true)) {
            assertThatThrownBy(() -> t.send("POST", uri(), HttpTransport.display(uri()), Map.of(), new byte[] {'{',
                    '}'}))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageStartingWith("webhook: TLS with " + HttpTransport.display(uri()) + " failed: ")
                    .hasMessageEndingWith("; check the server certificate (or set checkcert: false)");
        }
    }

    @Test
    void send_selfSignedWithoutCheckcert_isDelivered() throws Exception {
        int before = REQUESTS.get();
        try (HttpTransport t = new HttpTransport("webhook", Duration.ofSeconds(5), false)) {
            t.send("POST", uri(), HttpTransport.display(uri()), Map.of(), new byte[] {'{', '}'});
        }
        assertThat(REQUESTS.get()).isEqualTo(before + 1);
    }
}
