package dev.peregrine.forwarders;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.delivery.DeliveryException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One HTTP client for one forwarder ({@link java.net.http.HttpClient}, HTTP/1.1, connect and request timeouts), and
 * the rule that turns an HTTP outcome into a delivery result: 2xx is accepted; 408, 425, 429, 5xx, timeouts, refused
 * connections and other I/O errors are retryable {@link DeliveryException}s; redirects, other 4xx and TLS failures
 * are not, and their message says what to fix.
 */
public final class HttpTransport implements AutoCloseable {
    /*
     * Implementation notes:
     * - The delivery layer owns threads, queues and retries: send() blocks the caller's sender thread and never
     *   retries by itself. HttpClient's own selector thread is the only thread a forwarder starts.
     * - Redirects are not followed: a webhook that moved should be reconfigured, and following a redirect would turn
     *   a POST into a GET for 301/302.
     * - HTTP/1.1 only: an h2c upgrade attempt on plain http confuses some proxies, and each alert is one small request.
     * - checkcert: false installs a trust manager that accepts any chain and skips the host name check (an
     *   X509ExtendedTrustManager is responsible for endpoint identification), as Go's InsecureSkipVerify does.
     * - Messages show the address without its query and user info; chat webhooks whose path is a secret pass a
     *   redacted form to show instead.
     */

    /** The per-request timeout when the {@code timeout} option is absent. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The most characters of a response body a message quotes. */
    static final int MAX_QUOTED_BODY_CHARS = 300;

    private final String target;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param target the forwarder's name, first word of every message
     * @param timeout connect timeout and the time allowed for a whole response
     * @param checkCert whether TLS certificates and host names are verified
     */
    public HttpTransport(String target, Duration timeout, boolean checkCert) {
        this.target = requireNonNull(target, "target is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout);
        if (!checkCert) {
            builder.sslContext(trustingEverything());
        }
        this.client = builder.build();
    }

    /**
     * The options every HTTP forwarder shares with Falcosidekick ({@code checkcert}, default true; {@code mutualtls},
     * only false) and Peregrine's {@code timeout} (default 10s).
     */
    public record Settings(Duration timeout, boolean checkCert) {
        public Settings {
            requireNonNull(timeout, "timeout is null");
        }

        /** {@return the settings read from a forwarder's options} */
        public static Settings read(ForwarderOptions options) {
            options.onlyValue("mutualtls", "false", "client certificates are not implemented; terminate mutual "
                    + "TLS in a proxy");
            boolean checkCert = options.bool("checkcert", true);
            Duration timeout = options.duration("timeout", DEFAULT_TIMEOUT);
            return new Settings(timeout, checkCert);
        }

        /** {@return a transport with these settings} */
        public HttpTransport open(String target) {
            return new HttpTransport(target, timeout, checkCert);
        }
    }

    /** {@return the request timeout} */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Sends one request and returns the body of a 2xx response.
     *
     * @param shownAs how messages name the address (see {@link #display(URI)})
     * @param headers sent as given (custom headers may override defaults such as {@code Content-Type})
     * @throws DeliveryException for anything but a 2xx response
     */
    public String send(String method, URI uri, String shownAs, Map<String, String> headers, byte[] body)
            throws DeliveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> h : headers.entrySet()) {
            request.setHeader(h.getKey(), h.getValue());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new DeliveryException(target + ": no response from " + shownAs + " within " + seconds(timeout)
                    + "; will retry", true, e);
        } catch (ConnectException e) {
            throw new DeliveryException(target + ": cannot connect to " + shownAs + " ("
                    + (e.getMessage() == null ? "connection refused" : e.getMessage()) + "); will retry", true, e);
        } catch (SSLException e) {
            throw new DeliveryException(target + ": TLS with " + shownAs + " failed: " + e.getMessage()
                    + "; check the server certificate (or set checkcert: false)", false, e);
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String what = cause instanceof UnknownHostException ? "unknown host " + uri.getHost()
                    : String.valueOf(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
            throw new DeliveryException(target + ": cannot send to " + shownAs + " (" + what + "); will retry", true,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(target + ": interrupted while sending to " + shownAs, true, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        String quoted = quote(response.body());
        if (status >= 500 || status == 408 || status == 425 || status == 429) {
            throw new DeliveryException(target + ": HTTP " + status + " from " + shownAs + quoted + "; will retry",
                    true, null);
        }
        String hint = switch (status) {
            case 301, 302, 303, 307, 308 -> "redirected to " + response.headers().firstValue("Location")
                    .orElse("?") + "; configure the final address";
            case 400, 422 -> "the server rejected the request";
            case 401 -> "check the credentials";
            case 403 -> "the credentials lack the permission";
            case 404 -> "check the address and the endpoint path";
            case 413 -> "the request is too large";
            default -> "the server refused the request";
        };
        throw new DeliveryException(target + ": HTTP " + status + " from " + shownAs + quoted + " (" + hint
                + "); not retried", false, null);
    }

    /** {@return the address as messages show it: scheme, host, port and path, without user info and query} */
    public static String display(URI uri) {
        StringBuilder sb = new StringBuilder();
        sb.append(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() >= 0) {
            sb.append(':').append(uri.getPort());
        }
        return sb.append(uri.getRawPath() == null ? "" : uri.getRawPath()).toString();
    }

    /** {@return the address with its path hidden, for webhooks whose path is a secret (Slack, Teams)} */
    public static String displayHost(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + "/…";
    }

    /**
     * {@return {@code text} parsed as an absolute http(s) URI} @throws IllegalArgumentException naming the option
     */
    public static URI httpUri(ForwarderOptions options, String option, String text) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw options.error(option, "'" + text + "' is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
                || uri.getScheme().equalsIgnoreCase("https")) || uri.getHost() == null) {
            throw options.error(option, "'" + text + "' is not an http:// or https:// URL with a host");
        }
        return uri;
    }

    @Override
    public void close() {
        client.close();
    }

    private static String quote(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return ": " + (flat.length() > MAX_QUOTED_BODY_CHARS ? flat.substring(0, MAX_QUOTED_BODY_CHARS) + "…" : flat);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static SSLContext trustingEverything() {
        TrustManager trustAll = new X509ExtendedTrustManager() {
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

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS implementation: " + e.getMessage(), e);
        }
    }
}
