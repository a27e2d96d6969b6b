package dev.peregrine.capture.scap;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.capture.CaptureSource;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * A capture file read, converted and filtered on a thread of its own, a bounded number of batches ahead of the
 * consumer: the same events and state blocks, in the same order, as {@link ScapFileSource#open(Path, Consumer)}
 * delivers them, with the reading and the conversion of old layouts off the consumer's thread.
 *
 * <p>The listener receives the state blocks on the consumer's thread, from {@link #next()}, before the events that
 * follow them, as with {@link ScapFileSource}; an exception it throws propagates out of {@code next()}. Damage ends
 * the stream after every event before it, with the same {@link #problem()}.
 */
public final class PipelinedSource implements CaptureSource {
    /* Implementation notes.
     *
     * Handoff: the reader thread copies each delivered event (it lives in the reader's buffers, overwritten by the
     * next one) into a batch: one byte array of events back to back, plus per item its offset, CPU and the source's
     * count of events left out so far. A state block is an item too, so blocks and events keep their order. Full
     * batches go through a bounded blocking queue (BATCHES_AHEAD): the reader blocks when the consumer is behind,
     * the consumer blocks when the reader is; nobody spins. Consumed batches go back through a second queue and
     * are reused, so a steady replay allocates nothing per event.
     *
     * A batch is handed over when it holds BATCH_EVENTS items or BATCH_BYTES bytes; an event larger than a batch gets
     * a batch of its own size. The last batch carries the end: the problem, if any, and the final counts.
     *
     * Close: the consumer may stop early. It raises the stop flag, drains the queue so that a blocked reader wakes
     * up, interrupts the reader and waits for it; the reader closes the underlying source itself, so that the file
     * is never closed under a read in progress. */

    /** Items (events and blocks) per batch at most. */
    static final int BATCH_EVENTS = 4096;
    /** Bytes of events per batch before it is handed over. */
    static final int BATCH_BYTES = 1 << 20;
    /** Batches queued ahead of the consumer at most: bounds the memory at about this many times BATCH_BYTES. */
    static final int BATCHES_AHEAD = 4;
    /** Longest wait of {@link #close()} for the reader thread. */
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private static final class Batch {
        byte[] data = new byte[BATCH_BYTES];
        final int[] offsets = new int[BATCH_EVENTS];
        final int[] cpus = new int[BATCH_EVENTS];
        final long[] leftOut = new long[BATCH_EVENTS];
        final ScapBlock[] blocks = new ScapBlock[BATCH_EVENTS];
        int count;
        int bytes;
        boolean end;
        CaptureProblem problem;
        long finalLeftOut;

        void clear() {
            for (int i = 0; i < count; i++) {
                blocks[i] = null;
            }
            count = 0;
            bytes = 0;
            end = false;
            problem = null;
        }

        boolean full(int moreBytes) {
            return count == BATCH_EVENTS || (count > 0 && bytes + moreBytes > data.length);
        }
    }

    private final ScapFileSource inner;
    private final Consumer<? super ScapBlock> listener;
    private final BlockingQueue<Batch> ready = new ArrayBlockingQueue<>(BATCHES_AHEAD);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES_AHEAD + 2);
    private final EventView view = EventView.forTable(EventTable.get());
    private final Thread reader;
    private volatile boolean stopping;

    // reader thread only
    private Batch filling;

    // consumer thread only
    private Batch reading;
    private int position;
    private MemorySegment readingSegment;
    private long delivered;
    private long leftOut;
    private boolean finished;
    private CaptureProblem problem;
    private boolean closed;

    private PipelinedSource(Path path, boolean asWritten, IntPredicate wanted, Consumer<? super ScapBlock> listener)
            throws IOException {
        this.listener = requireNonNull(listener, "listener is null");
        this.inner = asWritten ? ScapFileSource.openAsWritten(path, this::relay)
                : ScapFileSource.open(path, this::relay);
        if (wanted != null) {
            inner.skipEventsNotNeeded(wanted);
        }
        this.reader = Thread.ofPlatform().daemon().name("scap-reader " + path.getFileName()).unstarted(this::read);
    }

    /**
     * Opens a capture file as {@link ScapFileSource#open(Path, Consumer)} does (or
     * {@link ScapFileSource#openAsWritten} when {@code asWritten}) and starts reading it ahead.
     *
     * @param wanted when not null, the events to deliver (see {@link ScapFileSource#skipEventsNotNeeded})
     * @param listener receives every non-event block, on the consumer's thread, before the events after it
     * @throws IOException when the file cannot be opened (damage inside it is reported by {@link #problem()})
     */
    public static PipelinedSource open(Path path, boolean asWritten, IntPredicate wanted,
            Consumer<? super ScapBlock> listener) throws IOException {
        requireNonNull(path, "path is null");
        PipelinedSource source = new PipelinedSource(path, asWritten, wanted, listener);
        source.reader.start();
        return source;
    }

    @Override
    public Next next() {
        while (true) {
            if (finished) {
                return Next.EOF;
            }
            if (reading == null || position == reading.count) {
                if (reading != null) {
                    if (reading.end) {
                        finish(reading);
                        return Next.EOF;
                    }
                    recycle(reading);
                    reading = null;
                }
                reading = take();
                if (reading == null) {
                    finished = true;
                    return Next.EOF;
                }
                position = 0;
                readingSegment = MemorySegment.ofArray(reading.data);
                continue;
            }
            int i = position++;
            ScapBlock block = reading.blocks[i];
            if (block != null) {
                listener.accept(block);
                continue;
            }
            view.pointAt(readingSegment, reading.offsets[i], reading.cpus[i]);
            leftOut = reading.leftOut[i];
            delivered++;
            return Next.EVENT;
        }
    }

    @Override
    public EventView event() {
        return view;
    }

    @Override
    public Optional<CaptureProblem> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public long eventCount() {
        return delivered;
    }

    @Override
    public long eventsLeftOut() {
        return leftOut;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        finished = true;
        stopping = true;
        ready.clear();
        reader.interrupt();
        try {
            reader.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finish(Batch end) {
        finished = true;
        problem = end.problem;
        leftOut = end.finalLeftOut;
    }

    private Batch take() {
        try {
            return ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = new CaptureProblem(CaptureProblem.Kind.IO_ERROR, inner.name(), -1, -1, -1, "unknown",
                    "interrupted while waiting for the capture reader");
            return null;
        }
    }

    private void recycle(Batch b) {
        b.clear();
        free.offer(b);
    }

    // ------------------------------------------------------------------------------------------ reader thread

    private void read() {
        try (inner) {
            filling = newBatch();
            while (!stopping) {
                Next next = inner.next();
                if (next == Next.EOF) {
                    filling.end = true;
                    filling.problem = inner.problem().orElse(null);
                    filling.finalLeftOut = inner.eventsLeftOut();
                    hand(filling);
                    return;
                }
                if (next == Next.EVENT) {
                    copy(inner.event());
                }
            }
        } catch (InterruptedException e) {
            // closing: the consumer no longer reads
        } catch (RuntimeException | Error e) {
            // a bug in the reader: end the stream with it rather than leave the consumer waiting
            Batch last = filling != null ? filling : new Batch();
            last.end = true;
            last.problem = new CaptureProblem(CaptureProblem.Kind.IO_ERROR, inner.name(), -1, -1, -1, "unknown",
                    "capture reader failed: " + e);
            last.finalLeftOut = inner.eventsLeftOut();
            try {
                hand(last);
            } catch (InterruptedException closing) {
                // the consumer is gone
            }
            throw e;
        }
    }

    /** Called by the inner source on the reader thread for each state block. */
    private void relay(ScapBlock block) {
        try {
            if (filling.full(0)) {
                hand(filling);
                filling = newBatch();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int i = filling.count++;
        filling.blocks[i] = block;
    }

    private void copy(EventView e) throws InterruptedException {
        int len = (int) e.len();
        if (filling.full(len)) {
            hand(filling);
            filling = newBatch();
        }
        if (filling.data.length - filling.bytes < len) {
            // an event larger than a whole batch: this (empty) batch grows to hold it
            filling.data = new byte[len];
        }
        int at = filling.bytes;
        MemorySegment.copy(e.segment(), ValueLayout.JAVA_BYTE, e.offset(), filling.data, at, len);
        int i = filling.count++;
        filling.offsets[i] = at;
        filling.cpus[i] = e.cpu();
        filling.leftOut[i] = inner.eventsLeftOut();
        filling.bytes = at + len;
    }

    private void hand(Batch b) throws InterruptedException {
        while (!stopping) {
            if (ready.offer(b, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
        throw new InterruptedException("closing");
    }

    private Batch newBatch() {
        Batch b = free.poll();
        return b != null ? b : new Batch();
    }
}
