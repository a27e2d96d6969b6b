package dev.peregrine.state.container.meta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A container runtime's API socket for tests: answers GETs from a map of paths to JSON bodies (chunked or with a
 * length), or, when stalled, accepts connections and never answers. A body for a path containing "/events" is
 * streamed: sent chunked, cut in the middle of a line, and the connection then held open.
 */
final class FakeRuntimeSocket implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final Map<String, String> bodies;
    private final boolean stalled;
    private final boolean chunked;
    private final List<SocketChannel> held = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    private FakeRuntimeSocket(Path path, Map<String, String> bodies, boolean stalled, boolean chunked)
            throws IOException {
        this.path = path;
        this.bodies = bodies;
        this.stalled = stalled;
        this.chunked = chunked;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    static FakeRuntimeSocket answering(Path path, Map<String, String> bodies, boolean chunked) throws IOException {
        return new FakeRuntimeSocket(path, bodies, false, chunked);
    }

    static FakeRuntimeSocket stalled(Path path) throws IOException {
        return new FakeRuntimeSocket(path, Map.of(), true, false);
    }

    Path path() {
        return path;
    }

    List<String> requests() {
        return requests;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                accepted.incrementAndGet();
                if (stalled) {
                    held.add(ch); // never read, never answer
                } else {
                    Thread.ofVirtual().start(() -> serve(ch));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (!req.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") && ch.read(buf) >= 0) {
                buf.flip();
                req.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
            String line = req.toString(StandardCharsets.ISO_8859_1).split("\r\n")[0];
            String target = line.split(" ")[1];
            requests.add(target);
            String body = bodies.get(target);
            String answer;
            if (body == null) {
                String msg = "{\"message\":\"no such container\"}";
                answer = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: "
                        + msg.length() + "\r\n\r\n" + msg;
            } else if (target.contains("/events")) {
                int half = body.length() / 2;
                String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(half) + "\r\n" + body.substring(0, half) + "\r\n"
                        + Integer.toHexString(body.length() - half) + "\r\n" + body.substring(half) + "\r\n";
                ByteBuffer out = ByteBuffer.wrap(head.getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                held.add(ch);
                while (server.isOpen()) {
                    Thread.sleep(50); // keep the stream open, as a runtime does
                }
                return;
            } else if (chunked) {
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                int half = b.length / 2;
                answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(half) + "\r\n" + new String(b, 0, half, StandardCharsets.UTF_8)
                        + "\r\n" + Integer.toHexString(b.length - half) + "\r\n"
                        + new String(b, half, b.length - half, StandardCharsets.UTF_8) + "\r\n0\r\n\r\n";
            } else {
                answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
            }
            ByteBuffer out = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away: nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel ch : held) {
            ch.close();
        }
        acceptor.interrupt();
        Files.deleteIfExists(path);
    }
}
