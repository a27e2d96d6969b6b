package dev.peregrine.outputs.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP output over TLS against a loopback HTTPS server with a self-signed certificate made by keytool. */
class HttpTargetTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final FormattedAlert ALERT = new FormattedAlert("{\"rule\":\"r\"}", "r", Priority.WARNING,
            "syscall", List.of(), 1L, "o", Map.of());

    @TempDir
    static Path dir;

    private static HttpsServer server;
    private static final List<String> BODIES = Collections.synchronizedList(new ArrayList<>());
    private static Path caPem;

    /** One certificate and server for the class: keytool takes seconds on a loaded machine. */
    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", new String(PASSWORD));
        caPem = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(), "-storepass",
                new String(PASSWORD), "-file", caPem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", ex -> {
            BODIES.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void clear() {
        BODIES.clear();
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private HttpTarget target(boolean insecure, String caCert) {
        HttpTarget.Options o = HttpTarget.Options.of(URI.create("https://127.0.0.1:" + server.getAddress().getPort()
                + "/"));
        HttpTarget.Tls tls = new HttpTarget.Tls(insecure, caCert, "", HttpTarget.SYSTEM_CA_PATH, false, "", "");
        return new HttpTarget(new HttpTarget.Options(o.url(), o.userAgent(), true, tls, false, false,
                o.connectTimeout(), o.timeout()), new PrintWriter(new StringWriter()));
    }

    @Test
    void https_selfSignedWithoutTrust_failsHandshakeRetryably() {
        try (HttpTarget t = target(false, "")) {
            assertThatThrownBy(() -> t.deliver(List.of(ALERT)))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.maybeDelivered()).isFalse();
                    }).hasMessageStartingWith("TLS handshake with https://127.0.0.1:");
        }
        assertThat(BODIES).isEmpty();
    }

    @Test
    void https_caCert_trustsTheServer() throws Exception {
        try (HttpTarget t = target(false, caPem.toString())) {
            t.deliver(List.of(ALERT));
        }
        assertThat(BODIES).containsExactly("{\"rule\":\"r\"}");
    }

    @Test
    void https_insecure_acceptsAnyCertificate() throws Exception {
        try (HttpTarget t = target(true, "")) {
            t.deliver(List.of(ALERT));
        }
        assertThat(BODIES).containsExactly("{\"rule\":\"r\"}");
    }
}
