package dev.peregrine.capture.scap;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An input stream that reads its source on a thread of its own, a bounded number of chunks ahead of the reader: for a
 * gzip capture, inflation runs on a second core while the reader's thread decodes events.
 *
 * <p>The reader sees exactly the bytes and the failure of the source, in order: the bytes read before an
 * {@link IOException} are delivered first, then the same exception is thrown (again on every later read). One thread
 * reads; the stream is not safe for concurrent readers. {@link #close()} stops the read-ahead thread and closes the
 * source.
 */
final class ReadAheadInputStream extends InputStream {
    /* Implementation notes:
     * - Two queues of the same CHUNKS chunks: the producer takes a free chunk, fills it from the source and puts it on
     *   the full queue; the reader gives it back when drained. Chunks are created on demand (64 KiB, then
     *   doubling to CHUNK_BYTES), so a small capture allocates little; then no allocation, and memory stays under
     *   CHUNKS * CHUNK_BYTES whatever the file size.
     * - A chunk is filled by several reads of the source until full or the source ends: GZIPInputStream returns at
     *   most one inflate call's worth per read, and handing over tiny chunks would make the queue the hot path.
     * - A failure travels as the last chunk (with the bytes read before it), so nothing read before it is lost and
     *   the reader's offsets stay exact. End of stream is a chunk of length -1.
     * - The thread is a daemon so an abandoned stream cannot keep the JVM alive; close() interrupts it and waits for
     *   it, then the producer closes the source itself so that two threads never use the source at once. */

    /** Bytes per chunk handed from the read-ahead thread to the reader. */
    static final int CHUNK_BYTES = 1 << 20;
    /** Chunks in flight: bounds the read-ahead memory to CHUNKS * CHUNK_BYTES (16 MiB). */
    static final int CHUNKS = 16;

    /** Bytes of the first chunk; each next one doubles up to CHUNK_BYTES, so a small file costs little memory. */
    static final int FIRST_CHUNK_BYTES = 1 << 16;

    private static final class Chunk {
        final byte[] data;
        int length;
        IOException failure;

        Chunk(int bytes) {
            data = new byte[bytes];
        }
    }

    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(CHUNKS);
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS);
    private final Thread producer;
    /** Chunks created so far, at most CHUNKS; written by the producer thread only. */
    private int allocated;
    private Chunk current;
    private int position;
    private boolean ended;
    private IOException failure;
    private boolean closed;

    /** Starts reading {@code source} ahead; {@code name} names the thread. */
    ReadAheadInputStream(InputStream source, String name) {
        requireNonNull(source, "source is null");
        producer = Thread.ofPlatform().daemon().name("read-ahead " + name).unstarted(() -> produce(source));
        producer.start();
    }

    private void produce(InputStream source) {
        try (source) {
            while (true) {
                Chunk chunk = nextFree();
                chunk.length = 0;
                chunk.failure = null;
                boolean end = false;
                try {
                    int size = chunk.data.length;
                    while (chunk.length < size) {
                        int n = source.read(chunk.data, chunk.length, size - chunk.length);
                        if (n < 0) {
                            end = true;
                            break;
                        }
                        chunk.length += n;
                    }
                } catch (IOException e) {
                    chunk.failure = e;
                } catch (RuntimeException e) {
                    chunk.failure = new IOException(e);
                }
                if (chunk.length == 0 && end) {
                    chunk.length = -1;
                }
                full.put(chunk);
                if (chunk.failure != null || chunk.length < 0) {
                    return;
                }
                if (end) {
                    Chunk last = nextFree();
                    last.length = -1;
                    last.failure = null;
                    full.put(last);
                    return;
                }
            }
        } catch (InterruptedException | IOException e) {
            // closed by the reader (interrupt), or the source failed to close: nothing is waiting for more data
        }
    }

    /** {@return a drained chunk, or a new one while fewer than CHUNKS exist} (producer thread only) */
    private Chunk nextFree() throws InterruptedException {
        Chunk chunk = free.poll();
        if (chunk != null) {
            return chunk;
        }
        if (allocated < CHUNKS) {
            int bytes = (int) Math.min(CHUNK_BYTES, (long) FIRST_CHUNK_BYTES << Math.min(allocated, 16));
            allocated++;
            return new Chunk(bytes);
        }
        return free.take();
    }

    /** {@return whether a byte is available: false at the end of the stream}, throwing a failure of the source */
    private boolean fill() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        while (current == null || position >= current.length) {
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return false;
            }
            if (current != null) {
                free.add(current);
                current = null;
            }
            Chunk next;
            try {
                next = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the read-ahead thread");
            }
            if (next.length < 0) {
                ended = true;
                free.add(next);
                continue;
            }
            failure = next.failure;
            current = next;
            position = 0;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return current.data[position++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current.data, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.interrupt();
        try {
            producer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
