package dev.peregrine.forwarders;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP server on 127.0.0.1 (the JDK's {@code com.sun.net.httpserver}) that records every request and answers
 * with queued responses (then {@code 200 {}} by default). Tests check the exact request each API expects.
 */
public final class LoopbackHttpServer implements AutoCloseable {
    /** One request as received: headers keyed in lower case, body decoded from gzip when so encoded. */
    public record Request(String method, String path, String query, Map<String, String> headers, byte[] rawBody,
            String body) {
        /** {@return a header's value, or null} */
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A canned response; {@code delay} holds the answer back (to provoke client timeouts). */
    public record Response(int status, String body, Duration delay) {
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Response> responses = new ArrayDeque<>();
    private Response fallback = new Response(200, "{}", Duration.ZERO);

    public LoopbackHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@return {@code http://127.0.0.1:<port>} followed by {@code path}} */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** {@return the port} */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Queues the next responses, one per request. */
    public synchronized LoopbackHttpServer respond(int status, String body) {
        responses.add(new Response(status, body, Duration.ZERO));
        return this;
    }

    /** Queues a response held back for {@code delay}. */
    public synchronized LoopbackHttpServer respondAfter(Duration delay, int status, String body) {
        responses.add(new Response(status, body, delay));
        return this;
    }

    /** Sets the answer used once the queue is empty. */
    public synchronized LoopbackHttpServer respondByDefault(int status, String body) {
        fallback = new Response(status, body, Duration.ZERO);
        return this;
    }

    /** {@return the requests received so far, in order} */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT),
                String.join(",", v)));
        byte[] decoded = raw;
        if ("gzip".equals(headers.get("content-encoding"))) {
            try (InputStream z = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                decoded = z.readAllBytes();
            }
        }
        URI uri = exchange.getRequestURI();
        Response response;
        synchronized (this) {
            requests.add(new Request(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(), headers, raw,
                    new String(decoded, StandardCharsets.UTF_8)));
            response = responses.isEmpty() ? fallback : responses.poll();
        }
        if (!response.delay().isZero()) {
            try {
                Thread.sleep(response.delay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (response.status() == 204) {
            exchange.sendResponseHeaders(204, -1);
        } else {
            exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
