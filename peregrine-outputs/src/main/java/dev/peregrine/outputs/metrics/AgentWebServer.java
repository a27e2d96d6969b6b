package dev.peregrine.outputs.metrics;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * Falco's web server: {@code GET <healthz>} answers {@code {"status": "ok"}}, {@code GET /versions} the versions
 * document, and, when enabled, {@code GET /metrics} the Prometheus text of {@link AgentMetrics}.
 */
public final class AgentWebServer implements AutoCloseable {
    /** Falco's content type of /metrics. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4";

    private final HttpServer server;

    private AgentWebServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts listening.
     *
     * @param port 0 for any free port (see {@link #port()})
     * @param versionsJson the body of {@code /versions}
     * @param metrics the metrics of {@code /metrics}, or null to leave {@code /metrics} out (Falco's
     *     {@code prometheus_metrics_enabled: false})
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static AgentWebServer start(String address, int port, String healthzPath, String versionsJson,
            AgentMetrics metrics) {
        requireNonNull(address, "address is null");
        requireNonNull(healthzPath, "healthzPath is null");
        requireNonNull(versionsJson, "versionsJson is null");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.ofLiteral(address.strip()), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(healthzPath, ex -> answer(ex, "application/json", "{\"status\": \"ok\"}"));
        server.createContext("/versions", ex -> answer(ex, "application/json", versionsJson));
        if (metrics != null) {
            server.createContext("/metrics", ex -> answer(ex, PROMETHEUS_CONTENT_TYPE, metrics.prometheus()));
        }
        server.start();
        return new AgentWebServer(server);
    }

    /** {@return the port listened on} */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, String contentType, String body) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            if (!ex.getRequestMethod().equals("GET")) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
