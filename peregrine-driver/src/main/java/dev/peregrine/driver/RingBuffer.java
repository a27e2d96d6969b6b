package dev.peregrine.driver;

import dev.peregrine.driver.libbpf.Libbpf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One {@code BPF_MAP_TYPE_RINGBUF} map read directly from its mapped memory, without libbpf's callback API.
 *
 * <p>The kernel maps the consumer position page (read-write), the producer position page and the data pages (read
 * only; the data pages twice in a row so that a record that wraps around is contiguous). {@link #peek()} finds the
 * next committed record at the consumer position without consuming it; {@link #consume()} moves past it. Positions
 * are read with acquire and the consumer position written with release semantics, as the kernel's ring protocol
 * requires.
 *
 * <p>Single consumer; not thread-safe.
 */
@SuppressWarnings("restricted") // sizes the mmap results, which native code returns with length 0
public final class RingBuffer implements AutoCloseable {
    /** Bytes of the record header the kernel writes before each record: u32 length with flag bits, u32 page offset. */
    public static final int RECORD_HEADER_BYTES = 8;
    private static final int BUSY_BIT = 1 << 31;
    private static final int DISCARD_BIT = 1 << 30;
    private static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    private static final int PUBLISH_EVERY_RECORDS = 64;

    private static final VarHandle LONG_AT = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT_AT = ValueLayout.JAVA_INT.varHandle();

    /*
     * Implementation notes.
     *
     * The consumer position is cached in a field and published to the shared page (release) every
     * PUBLISH_EVERY_RECORDS records and whenever the ring is found empty: the kernel only needs it to know the free
     * space, and a store per record would bounce the page's cache line between the reader and the producing CPU.
     * The producer position is re-read (acquire) only when the cached one is reached, so a batch of records costs
     * one acquire on the producer page; peekKnown() never re-reads it, which lets a reader merging several rings
     * drain a snapshot of all of them before touching the producers' cache lines again.
     */

    private final int fd;
    private final long size;
    private final long mask;
    private final long pageSize;
    private final MemorySegment consumerPage;
    private final MemorySegment producerAndData;
    private final MemorySegment data;
    private long consumerPos;
    private long producerPos;
    private long pendingLength = -1;
    private long publishedPos;
    private int unpublished;
    private boolean closed;

    private RingBuffer(int fd, long size, long pageSize, MemorySegment consumerPage, MemorySegment producerAndData) {
        this.fd = fd;
        this.size = size;
        this.mask = size - 1;
        this.pageSize = pageSize;
        this.consumerPage = consumerPage;
        this.producerAndData = producerAndData;
        this.data = producerAndData.asSlice(pageSize, 2 * size);
        this.consumerPos = (long) LONG_AT.getAcquire(consumerPage, 0L);
        this.producerPos = consumerPos;
        this.publishedPos = consumerPos;
    }

    /**
     * Creates a ring buffer map of {@code size} bytes (a power of two, a multiple of the page size) and maps it.
     *
     * @throws BpfException when the kernel refuses the map or the mapping
     */
    public static RingBuffer create(String name, long size) {
        if (Long.bitCount(size) != 1 || size < Libbpf.pageSize()) {
            throw new IllegalArgumentException("ring size must be a power of two of at least a page, got " + size);
        }
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = Libbpf.bpfMapCreate(Libbpf.BPF_MAP_TYPE_RINGBUF, a.allocateFrom(name), 0, 0, (int) size);
        }
        if (fd < 0) {
            throw new BpfException("cannot create ring buffer " + name + ": " + BpfException.errnoName(fd), "");
        }
        return map(fd, size);
    }

    /** Maps an existing ring buffer map of {@code size} bytes by its fd (the ring takes ownership of the fd). */
    public static RingBuffer map(int fd, long size) {
        long page = Libbpf.pageSize();
        MemorySegment cons = Libbpf.mmap(page, Libbpf.PROT_READ | Libbpf.PROT_WRITE, Libbpf.MAP_SHARED, fd, 0);
        if (cons.address() == -1L) {
            int errno = Libbpf.lastErrno();
            Libbpf.close(fd);
            throw new BpfException("cannot map ring buffer consumer page: " + BpfException.errnoName(errno), "");
        }
        long rest = page + 2 * size;
        MemorySegment prod = Libbpf.mmap(rest, Libbpf.PROT_READ, Libbpf.MAP_SHARED, fd, page);
        if (prod.address() == -1L) {
            int errno = Libbpf.lastErrno();
            Libbpf.munmap(cons, page);
            Libbpf.close(fd);
            throw new BpfException("cannot map ring buffer data pages: " + BpfException.errnoName(errno), "");
        }
        return new RingBuffer(fd, size, page, cons.reinterpret(page), prod.reinterpret(rest));
    }

    /** {@return the map's file descriptor (to store in the array of rings, or to poll)} */
    public int fd() {
        return fd;
    }

    /** {@return the data size in bytes} */
    public long size() {
        return size;
    }

    /** {@return the data pages, mapped twice in a row (records are contiguous in this segment)} */
    public MemorySegment data() {
        return data;
    }

    /**
     * Finds the next committed record, skipping discarded ones, without consuming it; reads the producer position
     * again when the records known so far are consumed.
     *
     * @return the offset in {@link #data()} of the record's payload, or -1 when none is ready (empty, or the next
     *     record is still being written)
     */
    public long peek() {
        long off = peekKnown();
        if (off < 0 && refresh()) {
            off = peekKnown();
        }
        return off;
    }

    /**
     * Reads the producer position: the records committed up to now become known to {@link #peekKnown()}. When
     * there are none, publishes the consumer position.
     *
     * @return whether records are known and not yet consumed
     */
    public boolean refresh() {
        producerPos = (long) LONG_AT.getAcquire(producerAndData, 0L);
        if (consumerPos == producerPos) {
            publish();
            return false;
        }
        return true;
    }

    /**
     * Like {@link #peek()}, but only among the records known at the last {@link #refresh()} (or at the last
     * {@code peek()} that reached them): no read of the producer position, which the producing CPU keeps writing.
     *
     * @return the offset in {@link #data()} of the record's payload, or -1 when the known records are consumed or
     *     the next one is still being written
     */
    public long peekKnown() {
        while (true) {
            if (consumerPos == producerPos) {
                return -1;
            }
            long at = consumerPos & mask;
            int header = (int) INT_AT.getAcquire(data, at);
            if ((header & BUSY_BIT) != 0) {
                return -1;
            }
            int length = header & LENGTH_MASK;
            if ((header & DISCARD_BIT) != 0) {
                advance(length);
                continue;
            }
            pendingLength = length;
            return at + RECORD_HEADER_BYTES;
        }
    }

    /** {@return the payload length of the record {@link #peek()} last found} */
    public long peekedLength() {
        return pendingLength;
    }

    /** Consumes the record {@link #peek()} last returned; the kernel may overwrite it from now on. */
    public void consume() {
        if (pendingLength < 0) {
            throw new IllegalStateException("no peeked record to consume");
        }
        advance(pendingLength);
        pendingLength = -1;
    }

    private void advance(long length) {
        consumerPos += (length + RECORD_HEADER_BYTES + 7) & ~7L;
        if (++unpublished >= PUBLISH_EVERY_RECORDS) {
            publish();
        }
    }

    /** Makes the consumed records' space available to the kernel. */
    public void publish() {
        if (publishedPos != consumerPos) {
            LONG_AT.setRelease(consumerPage, 0L, consumerPos);
            publishedPos = consumerPos;
        }
        unpublished = 0;
    }

    /** {@return bytes produced but not yet consumed} */
    public long backlog() {
        return (long) LONG_AT.getAcquire(producerAndData, 0L) - consumerPos;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libbpf.munmap(consumerPage, pageSize);
            Libbpf.munmap(producerAndData, pageSize + 2 * size);
            Libbpf.close(fd);
        }
    }
}
