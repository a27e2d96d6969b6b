package dev.peregrine.state.container.meta;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A minimal HTTP/1.1 client for the REST APIs container runtimes serve on unix sockets: one {@code GET} per
 * connection ({@code Connection: close}), a deadline for the whole exchange, a bound on the answer's size.
 *
 * <p>Thread-safe; meant to run on virtual threads (blocking channel I/O parks them instead of a carrier thread).
 */
public final class UnixHttp {
    /* Implementation notes: why not a library. docker-java (with its zerodep transport, which also speaks to podman's
     * docker-compatible API) pulls docker-java-core with Guava, Bouncy Castle and commons-*, and its unix socket
     * goes through JNA: native calls pin a virtual thread's carrier, so a stalled runtime would tie up carriers.
     * The JDK has had unix domain SocketChannels since 16, Jackson (already a dependency) reads the JSON, and the
     * exchange is one GET: a hundred lines here beat a dozen transitive jars. The deadline is enforced by closing
     * the channel from a scheduler, which makes a blocked read fail at once (AsynchronousCloseException). */

    /** Largest answer read: inspect documents are a few KiB; this bounds memory when a peer misbehaves. */
    public static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
    private static final int READ_CHUNK_BYTES = 16 * 1024;

    /**
     * An answer.
     *
     * @param status the HTTP status code
     * @param body the body, de-chunked, as UTF-8 text
     */
    public record Response(int status, String body) {
        public Response {
            requireNonNull(body, "body is null");
        }
    }

    private final ScheduledExecutorService watchdog;

    /** Creates a client whose deadlines are enforced by tasks on {@code watchdog}. */
    public UnixHttp(ScheduledExecutorService watchdog) {
        this.watchdog = requireNonNull(watchdog, "watchdog is null");
    }

    /**
     * Sends {@code GET target} to the server on {@code socket} and reads its answer.
     *
     * @param target the request target, e.g. {@code /containers/abc/json}
     * @param timeout the deadline for connecting, sending and reading the whole answer
     * @throws SocketTimeoutException when the answer is not complete within {@code timeout}
     * @throws IOException when the socket cannot be reached or the answer is not HTTP
     */
    public Response get(Path socket, String target, Duration timeout) throws IOException {
        requireNonNull(socket, "socket is null");
        requireNonNull(target, "target is null");
        AtomicBoolean expired = new AtomicBoolean();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ScheduledFuture<?> alarm = alarm(ch, timeout, expired);
            try {
                send(ch, socket, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
                        + "Connection: close\r\n\r\n");
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                ByteBuffer in = ByteBuffer.allocate(READ_CHUNK_BYTES);
                while (ch.read(in) >= 0) {
                    in.flip();
                    raw.write(in.array(), 0, in.limit());
                    in.clear();
                    if (raw.size() > MAX_RESPONSE_BYTES) {
                        throw new IOException("answer from " + socket + " exceeds " + MAX_RESPONSE_BYTES + " bytes");
                    }
                    if (complete(raw.toByteArray())) {
                        break;
                    }
                }
                return parse(raw.toByteArray(), socket);
            } catch (ClosedChannelException e) {
                throw expired.get() ? timedOut(socket, timeout) : e;
            } finally {
                alarm.cancel(false);
            }
        }
    }

    /**
     * Sends {@code GET target} and hands each line of the streamed answer (newline-delimited JSON, as the runtimes'
     * event endpoints send) to {@code onLine}, until the server closes the stream or the calling thread is
     * interrupted (which closes the channel).
     *
     * @param timeout the deadline for connecting and receiving the answer's header
     * @throws SocketTimeoutException when the header does not come within {@code timeout}
     * @throws IOException when the socket cannot be reached, the status is not 200 or the stream is not HTTP
     */
    public void stream(Path socket, String target, Duration timeout, Consumer<String> onLine) throws IOException {
        requireNonNull(onLine, "onLine is null");
        AtomicBoolean expired = new AtomicBoolean();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ScheduledFuture<?> alarm = alarm(ch, timeout, expired);
            InputStream in;
            boolean chunked = false;
            try {
                send(ch, socket, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                in = new BufferedInputStream(Channels.newInputStream(ch));
                String status = readLine(in);
                if (!status.startsWith("HTTP/1.") || !status.contains(" 200")) {
                    throw new IOException("stream " + target + " from " + socket + " answered: " + status);
                }
                for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
                    String l = h.toLowerCase(Locale.ROOT);
                    chunked |= l.startsWith("transfer-encoding:") && l.contains("chunked");
                }
            } catch (ClosedChannelException e) {
                throw expired.get() ? timedOut(socket, timeout) : e;
            } finally {
                alarm.cancel(false);
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                long size = Long.MAX_VALUE;
                if (chunked) {
                    String sizeLine = readLine(in);
                    int semi = sizeLine.indexOf(';');
                    try {
                        size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                    } catch (NumberFormatException e) {
                        throw new IOException("stream from " + socket + " has a bad chunk size: " + sizeLine, e);
                    }
                    if (size == 0) {
                        return;
                    }
                }
                for (long i = 0; i < size; i++) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    if (b == '\n') {
                        if (line.size() > 0) {
                            onLine.accept(line.toString(StandardCharsets.UTF_8));
                        }
                        line.reset();
                    } else if (line.size() < MAX_RESPONSE_BYTES) {
                        line.write(b);
                    }
                }
                if (chunked) {
                    readLine(in); // the CRLF after the chunk's data
                }
            }
        }
    }

    /** Closes {@code ch} after {@code timeout}, which makes a blocked connect, read or write fail at once. */
    private ScheduledFuture<?> alarm(SocketChannel ch, Duration timeout, AtomicBoolean expired) {
        return watchdog.schedule(() -> {
            expired.set(true);
            try {
                ch.close();
            } catch (IOException e) {
                // closing is all the alarm does; a failure leaves nothing to clean
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static void send(SocketChannel ch, Path socket, String request) throws IOException {
        ch.connect(UnixDomainSocketAddress.of(socket));
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            ch.write(out);
        }
    }

    private static SocketTimeoutException timedOut(Path socket, Duration timeout) {
        return new SocketTimeoutException("no answer from " + socket + " within " + timeout.toMillis() + " ms");
    }

    /** {@return the next CRLF- or LF-terminated line, without its end} @throws IOException at end of stream */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("stream ended inside a line");
            }
            if (b != '\r' && sb.length() < READ_CHUNK_BYTES) {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    /** Whether a keep-alive server has sent the whole answer (we asked to close, but not every server does). */
    private static boolean complete(byte[] raw) {
        int headerEnd = headerEnd(raw);
        if (headerEnd < 0) {
            return false;
        }
        String head = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int cl = head.indexOf("\ncontent-length:");
        if (cl >= 0) {
            int end = head.indexOf('\r', cl + 1);
            if (end < 0) {
                end = head.length();
            }
            try {
                long length = Long.parseLong(head.substring(cl + "\ncontent-length:".length(), end).trim());
                return raw.length - (headerEnd + 4) >= length;
            } catch (NumberFormatException e) {
                return true; // malformed: stop reading, parse() says what is wrong
            }
        }
        if (head.contains("\ntransfer-encoding: chunked")) {
            try {
                return dechunk(raw, headerEnd + 4, null) != null;
            } catch (IOException e) {
                return true; // malformed: stop reading, parse() says what is wrong
            }
        }
        return false;
    }

    private static int headerEnd(byte[] raw) {
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    static Response parse(byte[] raw, Path socket) throws IOException {
        int headerEnd = headerEnd(raw);
        if (headerEnd < 0) {
            throw new IOException("answer from " + socket + " has no complete HTTP header (" + raw.length
                    + " bytes)");
        }
        String head = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("answer from " + socket + " is not HTTP/1.x: " + lines[0]);
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new IOException("answer from " + socket + " has a bad status line: " + lines[0], e);
        }
        boolean chunked = false;
        long length = -1;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].toLowerCase(Locale.ROOT);
            if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                chunked = true;
            } else if (l.startsWith("content-length:")) {
                try {
                    length = Long.parseLong(l.substring("content-length:".length()).trim());
                } catch (NumberFormatException e) {
                    throw new IOException("answer from " + socket + " has a bad Content-Length: " + lines[i], e);
                }
            }
        }
        int start = headerEnd + 4;
        byte[] body;
        if (chunked) {
            body = dechunk(raw, start, socket);
            if (body == null) {
                throw new IOException("answer from " + socket + " ends before its last chunk, at byte "
                        + raw.length);
            }
        } else {
            int end = length < 0 ? raw.length : (int) Math.min(raw.length, start + length);
            body = java.util.Arrays.copyOfRange(raw, start, end);
        }
        return new Response(code, new String(body, StandardCharsets.UTF_8));
    }

    /** {@return the chunks' data, or null when the last (zero-size) chunk is not there yet} */
    private static byte[] dechunk(byte[] raw, int pos, Path socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (pos < raw.length) {
            int lineEnd = pos;
            while (lineEnd + 1 < raw.length && !(raw[lineEnd] == '\r' && raw[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            if (lineEnd + 1 >= raw.length) {
                return null; // the size line is not complete yet
            }
            String sizeText = new String(raw, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
            int semi = sizeText.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi >= 0 ? sizeText.substring(0, semi) : sizeText).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("answer from " + socket + " has a bad chunk size at byte " + pos + ": "
                        + sizeText, e);
            }
            if (size == 0) {
                return out.toByteArray();
            }
            int data = lineEnd + 2;
            if (data + size > raw.length) {
                return null;
            }
            out.write(raw, data, size);
            pos = data + size + 2;
        }
        return null;
    }
}
