package dev.peregrine.outputs.delivery;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback HTTP server that plays a flaky alert sink: it answers 200 and records the body, or answers a set status
 * without recording, and it can go away (stop listening) and come back on the same port.
 */
final class HttpSink implements AutoCloseable {
    private final int port;
    private final List<String> bodies = new ArrayList<>();
    private volatile int status = 200;
    private int requests;
    private HttpServer server;

    HttpSink() throws IOException {
        start(0);
        this.port = server.getAddress().getPort();
    }

    private HttpSink(int port) {
        this.port = port;
    }

    private void start(int p) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 64);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int s = status;
            synchronized (this) {
                requests++;
                if (s / 100 == 2) {
                    bodies.add(new String(body, StandardCharsets.UTF_8));
                }
                notifyAll();
            }
            ex.sendResponseHeaders(s, -1);
            ex.close();
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** Answers this status from now on (a 2xx records the body). */
    void status(int s) {
        status = s;
    }

    /** Stops listening (after answering the requests in progress): connections are refused. */
    void goAway() {
        server.stop(1);
    }

    /** Listens again on the same port. */
    void comeBack() throws IOException {
        start(port);
    }

    synchronized List<String> bodies() {
        return List.copyOf(bodies);
    }

    synchronized int requests() {
        return requests;
    }

    /** Waits until {@code n} bodies were recorded or the timeout passed. */
    synchronized List<String> awaitBodies(int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (bodies.size() < n && System.currentTimeMillis() < deadline) {
            wait(Math.max(1, deadline - System.currentTimeMillis()));
        }
        return List.copyOf(bodies);
    }

    synchronized void awaitRequests(int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (requests < n && System.currentTimeMillis() < deadline) {
            wait(Math.max(1, deadline - System.currentTimeMillis()));
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
