package dev.peregrine.outputs.channel;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Falco's {@code http_output}: each alert POSTed to {@code url} as Falco sends it, the alert document with
 * {@code Content-Type: application/json} when {@code json_output} is on (what Falcosidekick's {@code /} endpoint
 * takes), the text line with {@code text/plain} otherwise. 2xx is success; 408, 429 and 5xx and connection failures
 * are retried; other statuses reject the alert.
 */
public final class HttpTarget implements AlertTarget {
    /* Implementation notes (Falco 0.42 userspace/falco/outputs_http.cpp): libcurl with the user agent, the content
     * type chosen by json_output, CURLOPT_CAINFO from ca_cert or else ca_bundle, else CURLOPT_CAPATH, peer and host
     * verification off with insecure, client certificate and key with mtls, the response echoed to stdout with
     * echo, chunked upload with compress_uploads (libcurl's CURLOPT_TRANSFER_ENCODING), TCP keep-alive probes with
     * keep_alive, and up to max_consecutive_timeouts repeats of a timed-out request. Here the JDK HttpClient keeps
     * connections open between alerts (HTTP/1.1 persistent connections) in every case; the timeout repeats are the
     * delivery layer's retries. A CA path that is the system's default (/etc/ssl/certs) means the JDK's trust
     * store; another directory is read as PEM files. The client key must be PKCS#8 PEM (BEGIN PRIVATE KEY). */

    /** The system CA directory, Falco's default {@code ca_path}: the JDK's own trust store stands for it. */
    public static final String SYSTEM_CA_PATH = "/etc/ssl/certs";

    /**
     * {@code http_output} settings.
     *
     * @param json whether alerts are JSON documents ({@code json_output}): the content type
     * @param connectTimeout the longest wait for a connection
     * @param timeout the longest wait for a response (Falco's {@code output_timeout})
     */
    public record Options(URI url, String userAgent, boolean json, Tls tls, boolean echo, boolean compressUploads,
            Duration connectTimeout, Duration timeout) {
        public Options {
            requireNonNull(url, "url is null");
            requireNonNull(userAgent, "userAgent is null");
            requireNonNull(tls, "tls is null");
            requireNonNull(connectTimeout, "connectTimeout is null");
            requireNonNull(timeout, "timeout is null");
        }

        /** {@return plain defaults for a URL: Falco's user agent, JSON, the system's CAs, 2 s timeouts} */
        public static Options of(URI url) {
            return new Options(url, "falcosecurity/falco", true, Tls.systemDefaults(), false, false,
                    Duration.ofSeconds(2), Duration.ofSeconds(2));
        }
    }

    /**
     * {@code http_output}'s TLS settings, with Falco's names: {@code insecure}, {@code ca_cert}, {@code ca_bundle},
     * {@code ca_path}, {@code mtls}, {@code client_cert}, {@code client_key} (file paths; "" for none).
     */
    public record Tls(boolean insecure, String caCert, String caBundle, String caPath, boolean mtls,
            String clientCert, String clientKey) {
        public Tls {
            requireNonNull(caCert, "caCert is null");
            requireNonNull(caBundle, "caBundle is null");
            requireNonNull(caPath, "caPath is null");
            requireNonNull(clientCert, "clientCert is null");
            requireNonNull(clientKey, "clientKey is null");
        }

        /** {@return verification against the system's CAs, no client certificate} */
        public static Tls systemDefaults() {
            return new Tls(false, "", "", SYSTEM_CA_PATH, false, "", "");
        }
    }

    private final Options options;
    private final PrintWriter echoOut;
    private final HttpClient client;

    /**
     * @param echoOut where responses go with {@code echo} (Falco's stdout)
     * @throws IllegalArgumentException when the TLS files cannot be read, naming the file and the reason
     */
    public HttpTarget(Options options, PrintWriter echoOut) {
        this.options = requireNonNull(options, "options is null");
        this.echoOut = requireNonNull(echoOut, "echoOut is null");
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER);
        if ("https".equalsIgnoreCase(options.url().getScheme())) {
            b.sslContext(sslContext(options.tls()));
        }
        this.client = b.build();
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        for (FormattedAlert a : batch) {
            post(a);
        }
    }

    private void post(FormattedAlert a) throws DeliveryException {
        byte[] body = a.line().getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = options.compressUploads()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest request = HttpRequest.newBuilder(options.url()).timeout(options.timeout())
                .header("Content-Type", options.json() ? "application/json" : "text/plain")
                .header("User-Agent", options.userAgent()).POST(publisher).build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new DeliveryException("cannot connect to " + options.url() + ": " + describe(e), true, false, e);
        } catch (javax.net.ssl.SSLHandshakeException e) {
            throw new DeliveryException("TLS handshake with " + options.url() + " failed: " + describe(e), true, false,
                    e);
        } catch (HttpTimeoutException e) {
            throw new DeliveryException("no response from " + options.url() + " within " + options.timeout(), true,
                    true, e);
        } catch (IOException e) {
            throw new DeliveryException("POST " + options.url() + ": " + describe(e), true, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while posting to " + options.url(), true, true, e);
        }
        if (options.echo() && response.body().length > 0) {
            synchronized (echoOut) {
                echoOut.print(new String(response.body(), StandardCharsets.UTF_8));
                echoOut.flush();
            }
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        boolean retryable = status == 408 || status == 429 || status / 100 == 5;
        throw new DeliveryException("HTTP " + status + " from " + options.url(), retryable, false, null);
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        client.close();
    }

    // ---- TLS ------------------------------------------------------------------------------------------------

    private static SSLContext sslContext(Tls o) {
        try {
            TrustManager[] trust = o.insecure() ? new TrustManager[] {new TrustingManager()} : trustManagers(o);
            javax.net.ssl.KeyManager[] keys = o.mtls() ? keyManagers(o) : null;
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("http_output: cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(Tls o) throws GeneralSecurityException, IOException {
        List<Certificate> certs = new ArrayList<>();
        String file = !o.caCert().isEmpty() ? o.caCert() : o.caBundle();
        if (!file.isEmpty()) {
            certs.addAll(readCertificates(Path.of(file)));
        } else if (!o.caPath().isEmpty() && !o.caPath().equals(SYSTEM_CA_PATH)) {
            try (Stream<Path> s = Files.list(Path.of(o.caPath()))) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    try {
                        certs.addAll(readCertificates(p));
                    } catch (GeneralSecurityException | IOException e) {
                        // not a certificate: CA directories also hold other files
                    }
                }
            }
        } else {
            return null;
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        for (int i = 0; i < certs.size(); i++) {
            ks.setCertificateEntry("ca-" + i, certs.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    private static List<Certificate> readCertificates(Path p) throws GeneralSecurityException, IOException {
        try (InputStream in = Files.newInputStream(p)) {
            List<Certificate> out = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (out.isEmpty()) {
                throw new IOException(p + " holds no certificate");
            }
            return out;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no such file: " + p, e);
        }
    }

    private static javax.net.ssl.KeyManager[] keyManagers(Tls o) throws GeneralSecurityException, IOException {
        List<Certificate> chain = readCertificates(Path.of(o.clientCert()));
        String pem = Files.readString(Path.of(o.clientKey()));
        Optional<byte[]> der = pemBlock(pem, "PRIVATE KEY");
        if (der.isEmpty()) {
            throw new IOException(o.clientKey() + ": expected a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        PrivateKey key = null;
        for (String alg : List.of("RSA", "EC", "Ed25519")) {
            try {
                key = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der.get()));
                break;
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        if (key == null) {
            throw new IOException(o.clientKey() + ": not an RSA, EC or Ed25519 key");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] none = new char[0];
        ks.setKeyEntry("client", key, none, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        return kmf.getKeyManagers();
    }

    private static Optional<byte[]> pemBlock(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            return Optional.empty();
        }
        return Optional.of(Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e)));
    }

    /** {@code insecure}: accepts any server certificate and name, as libcurl without peer and host checks. */
    private static final class TrustingManager extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
