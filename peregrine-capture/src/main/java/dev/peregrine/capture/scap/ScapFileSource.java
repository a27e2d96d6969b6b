package dev.peregrine.capture.scap;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.capture.CaptureSource;
import dev.peregrine.capture.convert.EventConverter;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a scap capture file (the format of {@code sysdig -w} and {@code falco -o capture}), plain or gzip-compressed.
 *
 * <p>{@link #next()} walks the blocks in file order. State blocks (section header, machine info, process, fd,
 * interface and user lists) are decoded into {@link ScapBlock} records and handed to the listener given at open, before
 * the events that follow them; unknown blocks are skipped by their length and reported as {@link ScapBlock.Unknown};
 * event blocks become the next event. Concatenated sections are read one after the other.
 *
 * <p>Old event blocks (version 1, without a parameter count) are rewritten in the reader's buffer to the current
 * header, with the count found from the event table as libscap does. Then, for sources opened with
 * {@link #open(Path, Consumer)}, each event goes through an {@link EventConverter}, as in Falco: old layouts become
 * the current ones, enter events the current driver no longer emits are dropped (their parameters complete the exit
 * event), so what {@link #event()} shows is what current rules expect. {@link #openAsWritten(Path, Consumer)} and the
 * overloads taking {@link EventShapes} deliver events in the layouts they were written with. Events whose code the
 * event table does not know, from a newer driver, are skipped and counted ({@link #skippedEvents()}); events the
 * converter drops are counted in {@link #droppedEvents()}; an event the converter cannot convert ends the stream with
 * a problem, as libscap stops there.
 *
 * <p>Damage (truncation, contradicting lengths, a broken gzip stream) ends the stream: every event before the damaged
 * block is delivered, then {@code next()} returns {@link Next#EOF} and {@link #problem()} names the byte offset and
 * block. No input makes a method throw; an exception thrown by the listener propagates out of {@code next()}.
 *
 * <p>A new {@link ScapBlock.SectionHeader} in the middle of the stream starts a new section whose state blocks
 * replace the earlier ones (libscap restarts its state there); consumers that keep state should reset it.
 */
public final class ScapFileSource implements CaptureSource {
    /*
     * Implementation notes.
     *
     * Buffering: one reusable byte array holds the current event block; the EventView points into a heap segment
     * over it, so delivering an event allocates nothing. The array grows only for large event blocks (EV_V2_LARGE),
     * up to MAX_EVENT_BLOCK_BYTES. State blocks are read into a second reusable array and decoded into records (they
     * are rare and their records are kept by the state engine anyway).
     *
     * Version-1 events are 4 bytes shorter in the header (no nparams). The body is read at EVENT_BODY_AT = 4 so the
     * 22-byte header can be moved 4 bytes towards the start and nparams written after it, in place: the parameter
     * lengths and values do not move. libscap makes the same conversion with a memmove of the tail instead.
     *
     * Offsets are counted on the decompressed stream, which is what a scap reader sees; for plain files they are file
     * offsets. java.util.zip's GZIPInputStream reads concatenated gzip members as one stream, as zlib's gzread does.
     * Reading, and for gzip files inflation, runs on a read-ahead thread (ReadAheadInputStream) a bounded number of
     * chunks ahead: inflation is about a third of the work of a replay, and a second core takes it off the event path;
     * the reader's many small reads then come from a plain array, without BufferedInputStream's lock.
     *
     * Deviations from libscap, on purpose: the block trailer is checked for every block (libscap skips the check for
     * event blocks); state blocks found after the first event of a section are decoded and delivered (libscap treats
     * them as an unexpected block); a byte-swapped section is reported as unsupported rather than "invalid magic";
     * a capture without events is an empty stream, not an error.
     */

    /** Bytes of a block header: type and total length, both u32. */
    static final int BLOCK_HEADER_BYTES = 8;
    /** Bytes of a block trailer: the total length again. */
    static final int BLOCK_TRAILER_BYTES = 4;
    /** Bytes of a section header body before its options: magic, major, minor, section length. */
    static final int SECTION_HEADER_BODY_BYTES = 16;
    /** Byte order magic of a section written on a little-endian host (the only kind Peregrine reads). */
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    /** Format major version this reader understands. */
    static final int SUPPORTED_MAJOR_VERSION = 1;
    /** Largest body plus trailer of a non-large event block; libscap's READER_BUF_SIZE (64 KiB). */
    static final int MAX_EVENT_BLOCK_READ_BYTES = 1 << 16;
    /** Largest event block accepted (EV_V2_LARGE): bounds the buffer a corrupt length can make us allocate. */
    static final int MAX_EVENT_BLOCK_BYTES = 64 << 20;
    /** Largest state block accepted: process lists of big hosts reach a few MiB; bounds a corrupt length. */
    static final int MAX_STATE_BLOCK_BYTES = 256 << 20;
    /** Where the event block body starts in the event buffer; room to rewrite a version-1 header in place. */
    private static final int EVENT_BODY_AT = 4;
    /** Bytes of the CPU ("device id") before each event. */
    private static final int DEVID_BYTES = 2;
    /** Bytes of the flags of EVF blocks. */
    private static final int EVENT_FLAGS_BYTES = 4;
    private static final int STREAM_BUFFER_BYTES = 1 << 16;
    private static final int GZIP_MAGIC = 0x8b1f;

    private final String name;
    private final InputStream in;
    private final EventShapes shapes;
    private final Consumer<? super ScapBlock> listener;
    private final EventView view;
    private final EventConverter converter;
    private EventView current;
    private long droppedEvents;
    private final byte[] header = new byte[BLOCK_HEADER_BYTES];
    /** Blocks read per known type, by ordinal: counted for every event block, so an array, not a map. */
    private final long[] knownCounts = new long[BlockType.values().length];
    private final Map<Integer, long[]> unknownCounts = new TreeMap<>();

    private byte[] eventBuffer = new byte[EVENT_BODY_AT + MAX_EVENT_BLOCK_READ_BYTES];
    private MemorySegment eventSegment = MemorySegment.ofArray(eventBuffer);
    private byte[] stateBuffer = new byte[1 << 16];
    private long offset;
    private long blockOffset = -1;
    private int blockType = -1;
    private boolean sawSection;
    private boolean finished;
    private boolean closed;
    private long events;
    private long skippedEvents;
    private int eventFlags;
    private CaptureProblem problem;
    /** By code as read: true when no code of the same event name is wanted (see {@link #skipEventsNotNeeded}). */
    private boolean[] unwantedName;
    private IntPredicate wanted;
    private long unneededEvents;

    private ScapFileSource(String name, InputStream in, EventShapes shapes, EventConverter converter,
            Consumer<? super ScapBlock> listener) {
        this.name = name;
        this.in = in;
        this.shapes = shapes;
        this.converter = converter;
        this.listener = listener;
        this.view = new EventView(shapes::largePayload);
        this.current = view;
    }

    /**
     * Opens a capture file with the event table bundled with Peregrine, detecting gzip compression by its magic bytes,
     * and converts its events to the current layouts ({@link EventConverter#standard()}), as Falco reads captures.
     *
     * @param listener receives every non-event block, in file order, before the events after it
     * @throws IOException when the file cannot be opened (damage inside it is reported by {@link #problem()})
     */
    public static ScapFileSource open(Path path, Consumer<? super ScapBlock> listener) throws IOException {
        requireNonNull(path, "path is null");
        return open(Files.newInputStream(path), path.toString(), TableEventShapes.standard(),
                EventConverter.standard(), listener);
    }

    /**
     * Opens a capture file with the event table bundled with Peregrine and delivers its events in the layouts they
     * were written with (no conversion): what {@code sysdig -r} of an older libscap shows, and what a writer needs
     * to copy a capture unchanged.
     *
     * @param listener receives every non-event block, in file order, before the events after it
     * @throws IOException when the file cannot be opened (damage inside it is reported by {@link #problem()})
     */
    public static ScapFileSource openAsWritten(Path path, Consumer<? super ScapBlock> listener) throws IOException {
        return open(path, TableEventShapes.standard(), listener);
    }

    /**
     * Opens a capture file, detecting gzip compression by its magic bytes.
     *
     * @param listener receives every non-event block, in file order, before the events after it
     * @throws IOException when the file cannot be opened (damage inside it is reported by {@link #problem()})
     */
    public static ScapFileSource open(Path path, EventShapes shapes, Consumer<? super ScapBlock> listener)
            throws IOException {
        requireNonNull(path, "path is null");
        return open(Files.newInputStream(path), path.toString(), shapes, listener);
    }

    /**
     * Reads a capture from a stream, plain or gzip-compressed; the source closes the stream.
     *
     * @param name how problems name the input
     */
    public static ScapFileSource open(InputStream stream, String name, EventShapes shapes,
            Consumer<? super ScapBlock> listener) {
        return open(stream, name, shapes, null, listener);
    }

    /**
     * Reads a capture from a stream, plain or gzip-compressed, converting its events with {@code converter} (whose
     * event table must be the one {@code shapes} describes); the source closes the stream.
     *
     * @param name how problems name the input
     */
    public static ScapFileSource open(InputStream stream, String name, EventShapes shapes, EventConverter converter,
            Consumer<? super ScapBlock> listener) {
        requireNonNull(stream, "stream is null");
        requireNonNull(name, "name is null");
        requireNonNull(shapes, "shapes is null");
        requireNonNull(listener, "listener is null");
        BufferedInputStream buffered = new BufferedInputStream(stream, STREAM_BUFFER_BYTES);
        InputStream effective = buffered;
        IOException failure = null;
        try {
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            if (b0 >= 0 && b1 >= 0 && (b0 | b1 << 8) == GZIP_MAGIC) {
                effective = new ReadAheadInputStream(new GZIPInputStream(buffered, STREAM_BUFFER_BYTES), name);
            } else {
                effective = new ReadAheadInputStream(buffered, name);
            }
        } catch (IOException e) {
            failure = e;
        }
        ScapFileSource source = new ScapFileSource(name, effective, shapes, converter, listener);
        if (failure != null) {
            source.fail(failure);
        }
        return source;
    }

    @Override
    public Next next() {
        if (finished) {
            return Next.EOF;
        }
        try {
            while (true) {
                blockOffset = offset;
                blockType = -1;
                int n = readFully(header, 0, BLOCK_HEADER_BYTES);
                if (n == 0) {
                    blockOffset = -1;
                    return endOfStream();
                }
                if (n < BLOCK_HEADER_BYTES) {
                    return fail(CaptureProblem.Kind.TRUNCATED,
                            "the file ends inside a block header (" + n + " of " + BLOCK_HEADER_BYTES + " bytes)");
                }
                blockType = le32(header, 0);
                long total = Integer.toUnsignedLong(le32(header, 4));
                BlockType type = BlockType.ofCode(blockType);
                if (!sawSection && type != BlockType.SHB) {
                    return fail(CaptureProblem.Kind.CORRUPT, "not a scap capture: the first block has type 0x"
                            + Integer.toHexString(blockType) + ", not a section header");
                }
                if (total < BLOCK_HEADER_BYTES + BLOCK_TRAILER_BYTES) {
                    return fail(CaptureProblem.Kind.CORRUPT, "block length " + total + " is less than the "
                            + (BLOCK_HEADER_BYTES + BLOCK_TRAILER_BYTES) + " bytes of header and trailer");
                }
                long bodyBytes = total - BLOCK_HEADER_BYTES - BLOCK_TRAILER_BYTES;
                count(type);
                if (type == null) {
                    skipBody(bodyBytes, total);
                    if (finished) {
                        return Next.EOF;
                    }
                    listener.accept(new ScapBlock.Unknown(blockOffset, blockType, total));
                    continue;
                }
                switch (type.kind()) {
                    case EVENTS -> {
                        if (readEvent(type, bodyBytes, total) && deliverable()) {
                            events++;
                            return Next.EVENT;
                        }
                    }
                    case SECTION -> {
                        if (!readSection(bodyBytes, total)) {
                            return Next.EOF;
                        }
                    }
                    case MACHINE, PROCESSES, FDS, INTERFACES, USERS -> {
                        if (!readState(type, bodyBytes, total)) {
                            return Next.EOF;
                        }
                    }
                }
                if (finished) {
                    return Next.EOF;
                }
            }
        } catch (IOException e) {
            return fail(e);
        }
    }

    @Override
    public EventView event() {
        return current;
    }

    /**
     * Leaves out, from the next event on, the events nobody needs: those whose code, after conversion, is not
     * {@code wanted} (the consumer's state and rules), decided from the block's event header before the event is
     * converted. Each event left out that would have been delivered counts in {@link #eventsLeftOut()}, so that
     * event numbers stay those of the whole capture.
     *
     * <p>An event is left out only when no code of its event name is wanted (an {@code mprotect} enter or exit
     * when nobody wants {@code mprotect}), so an exit never misses its enter event. Events left out are still
     * checked for damage, but not converted: a conversion that would have failed on an unneeded event (a parameter
     * missing from its enter event) no longer ends the stream.
     */
    public void skipEventsNotNeeded(IntPredicate wanted) {
        requireNonNull(wanted, "wanted is null");
        EventTable table = EventTable.get();
        Set<String> wantedNames = new HashSet<>();
        for (EventTable.EventInfo e : table.all()) {
            if (wanted.test(e.code())) {
                wantedNames.add(e.name());
            }
        }
        boolean[] unwanted = new boolean[table.size()];
        for (EventTable.EventInfo e : table.all()) {
            unwanted[e.code()] = !wantedNames.contains(e.name());
        }
        this.wanted = wanted;
        this.unwantedName = unwanted;
    }

    /**
     * {@return how many events were left out as not needed (see {@link #skipEventsNotNeeded}) that would otherwise
     * have been delivered}
     */
    @Override
    public long eventsLeftOut() {
        return unneededEvents;
    }

    /** Whether the event just read is left out as unneeded; counts it when it would have been delivered. */
    private boolean leftOut(int code) {
        if (unwantedName == null || code >= unwantedName.length || !unwantedName[code]) {
            return false;
        }
        int outcome = converter == null ? code << 1 | 1 : converter.outcome(code, view.nparams());
        if (outcome < 0) {
            return false;
        }
        int finalCode = outcome >>> 1;
        if (finalCode != code && (finalCode >= unwantedName.length || !unwantedName[finalCode]
                || wanted.test(finalCode))) {
            return false;
        }
        unneededEvents += outcome & 1;
        return true;
    }

    /** {@return the number of events the converter dropped (enter events of exit-only syscalls, unused events)} */
    public long droppedEvents() {
        return droppedEvents;
    }

    /** Runs the event just read through the converter; false when there is nothing to deliver. */
    private boolean deliverable() {
        current = view;
        if (converter == null) {
            return true;
        }
        return switch (converter.convert(view)) {
            case PASS -> true;
            case CONVERTED -> {
                current = converter.converted();
                yield true;
            }
            case DROP -> {
                droppedEvents++;
                yield false;
            }
            case ERROR -> {
                fail(CaptureProblem.Kind.CORRUPT, "cannot convert the event to the current layout: "
                        + converter.error());
                yield false;
            }
        };
    }

    @Override
    public Optional<CaptureProblem> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public long eventCount() {
        return events;
    }

    /**
     * {@return the 32 flags of the current event's block (EVF blocks: libscap's {@code SCAP_DF_*} dump flags), 0 for
     * blocks without flags}
     */
    public int eventFlags() {
        return eventFlags;
    }

    /** {@return the number of events skipped because the event table does not know their code} */
    public long skippedEvents() {
        return skippedEvents;
    }

    /**
     * {@return how many blocks of each type were read so far, by block type name ({@code 0x...} for unknown types),
     * in the order of {@link BlockType} then by code}
     */
    public Map<String, Long> blockInventory() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (BlockType t : BlockType.values()) {
            if (knownCounts[t.ordinal()] > 0) {
                out.put(t.name(), knownCounts[t.ordinal()]);
            }
        }
        unknownCounts.forEach((t, c) -> out.put(BlockType.nameOf(t), c[0]));
        return out;
    }

    /** {@return the name problems use for this input} */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        finished = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was written; a failing close of a read stream loses nothing
        }
    }

    private boolean readEvent(BlockType type, long bodyBytes, long total) throws IOException {
        long readBytes = bodyBytes + BLOCK_TRAILER_BYTES;
        long limit = type.isLarge() ? MAX_EVENT_BLOCK_BYTES : MAX_EVENT_BLOCK_READ_BYTES;
        if (readBytes > limit) {
            fail(CaptureProblem.Kind.CORRUPT, "event block length " + total + " exceeds the " + limit
                    + "-byte limit of " + type + " blocks");
            return false;
        }
        int need = EVENT_BODY_AT + (int) readBytes;
        if (eventBuffer.length < need) {
            eventBuffer = new byte[Math.max(need, eventBuffer.length * 2)];
            eventSegment = MemorySegment.ofArray(eventBuffer);
        }
        if (!readBlockRest(eventBuffer, EVENT_BODY_AT, (int) bodyBytes, total)) {
            return false;
        }
        byte[] b = eventBuffer;
        int eventAt = EVENT_BODY_AT + DEVID_BYTES + (type.hasEventFlags() ? EVENT_FLAGS_BYTES : 0);
        int bodyEnd = EVENT_BODY_AT + (int) bodyBytes;
        int available = bodyEnd - eventAt;
        int headerBytes = type.version() >= 2 ? EventView.HEADER_BYTES : EventView.HEADER_BYTES_V1;
        if (available < headerBytes) {
            fail(CaptureProblem.Kind.CORRUPT, "event block of " + total + " bytes cannot hold an event header of "
                    + headerBytes + " bytes");
            return false;
        }
        int cpu = le16(b, EVENT_BODY_AT);
        int flags = type.hasEventFlags() ? le32(b, EVENT_BODY_AT + DEVID_BYTES) : 0;
        int code = le16(b, eventAt + 20);
        int tableParams = shapes.nparams(code);
        if (tableParams < 0) {
            skippedEvents++;
            return false;
        }
        if (type.version() < 2) {
            eventAt = upgradeV1(eventAt, available, code, tableParams);
            if (eventAt < 0) {
                return false;
            }
            available += EventView.HEADER_BYTES - EventView.HEADER_BYTES_V1;
        }
        view.pointAt(eventSegment, eventAt, cpu);
        eventFlags = flags;
        String malformation = view.findMalformation(available);
        if (malformation != null) {
            fail(CaptureProblem.Kind.CORRUPT, "invalid event: " + malformation);
            return false;
        }
        return !leftOut(code);
    }

    /**
     * Rewrites the version-1 event at {@code eventAt} to the current header in place.
     *
     * @return the new start of the event, or -1 after recording a problem
     */
    private int upgradeV1(int eventAt, int available, int code, int tableParams) {
        byte[] b = eventBuffer;
        long len = Integer.toUnsignedLong(le32(b, eventAt + 16));
        if (shapes.v1LengthOverstated(code) && len >= EventView.HEADER_BYTES_V1 + 3) {
            len -= 3;
        }
        if (len < EventView.HEADER_BYTES_V1 || len > available) {
            fail(CaptureProblem.Kind.CORRUPT, "invalid event: len " + len + " outside " + EventView.HEADER_BYTES_V1
                    + ".." + available + " bytes of the block");
            return -1;
        }
        int newAt = eventAt - (EventView.HEADER_BYTES - EventView.HEADER_BYTES_V1);
        System.arraycopy(b, eventAt, b, newAt, EventView.HEADER_BYTES_V1);
        len += EventView.HEADER_BYTES - EventView.HEADER_BYTES_V1;
        int lensAt = newAt + EventView.HEADER_BYTES;
        long end = newAt + len;
        int nparams = -1;
        for (int candidate = tableParams; candidate >= 0; candidate--) {
            long valuesAt = lensAt + 2L * candidate;
            if (valuesAt > end) {
                continue;
            }
            long valuesEnd = valuesAt;
            for (int i = 0; i < candidate; i++) {
                valuesEnd += le16(b, lensAt + 2 * i);
            }
            if (valuesEnd < end) {
                // libscap gives up here too: fewer parameters can only make the event end earlier
                break;
            }
            if (valuesEnd == end) {
                nparams = candidate;
                break;
            }
        }
        if (nparams < 0) {
            fail(CaptureProblem.Kind.CORRUPT, "cannot find the parameter count of an old (version 1) event of type "
                    + code + ": its parameter lengths do not add up to its len " + (len - 4));
            return -1;
        }
        putLe32(b, newAt + 16, (int) len);
        putLe32(b, newAt + 22, nparams);
        return newAt;
    }

    private boolean readSection(long bodyBytes, long total) throws IOException {
        if (bodyBytes < SECTION_HEADER_BODY_BYTES) {
            fail(CaptureProblem.Kind.CORRUPT, "section header block length " + total + " is less than "
                    + (SECTION_HEADER_BODY_BYTES + BLOCK_HEADER_BYTES + BLOCK_TRAILER_BYTES));
            return false;
        }
        if (bodyBytes > MAX_STATE_BLOCK_BYTES) {
            fail(CaptureProblem.Kind.CORRUPT, "section header block length " + total + " is implausible");
            return false;
        }
        byte[] body = stateBody((int) bodyBytes);
        if (!readBlockRest(body, 0, (int) bodyBytes, total)) {
            return false;
        }
        int magic = le32(body, 0);
        if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            fail(CaptureProblem.Kind.UNSUPPORTED, "the section was written on a big-endian machine");
            return false;
        }
        if (magic != BYTE_ORDER_MAGIC) {
            fail(CaptureProblem.Kind.CORRUPT, "invalid byte order magic 0x" + Integer.toHexString(magic));
            return false;
        }
        int major = le16(body, 4);
        int minor = le16(body, 6);
        long sectionLength = le64(body, 8);
        if (major > SUPPORTED_MAJOR_VERSION) {
            fail(CaptureProblem.Kind.UNSUPPORTED, "format version " + major + "." + minor
                    + " is newer than the 1.x this reader knows");
            return false;
        }
        if (sawSection && converter != null) {
            converter.reset();
        }
        sawSection = true;
        listener.accept(new ScapBlock.SectionHeader(blockOffset, major, minor, sectionLength));
        return true;
    }

    private boolean readState(BlockType type, long bodyBytes, long total) throws IOException {
        if (bodyBytes > MAX_STATE_BLOCK_BYTES) {
            fail(CaptureProblem.Kind.CORRUPT, type + " block length " + total + " exceeds the "
                    + MAX_STATE_BLOCK_BYTES + "-byte limit of state blocks");
            return false;
        }
        byte[] body = stateBody((int) bodyBytes);
        if (!readBlockRest(body, 0, (int) bodyBytes, total)) {
            return false;
        }
        ScapBlock block;
        try {
            block = StateBlockDecoder.decode(type, blockOffset, body, (int) bodyBytes);
        } catch (CorruptBlockException e) {
            problem = new CaptureProblem(CaptureProblem.Kind.CORRUPT, name,
                    blockOffset + BLOCK_HEADER_BYTES + e.position(), blockOffset, blockType,
                    BlockType.nameOf(blockType), e.getMessage());
            finished = true;
            return false;
        }
        listener.accept(block);
        return true;
    }

    private byte[] stateBody(int bytes) {
        if (stateBuffer.length < bytes + BLOCK_TRAILER_BYTES) {
            stateBuffer = new byte[Math.max(bytes + BLOCK_TRAILER_BYTES, stateBuffer.length * 2)];
        }
        return stateBuffer;
    }

    /** Reads a block body into {@code dst} at {@code at}, then its trailer (into the 4 bytes after the body). */
    private boolean readBlockRest(byte[] dst, int at, int bodyBytes, long total) throws IOException {
        int want = bodyBytes + BLOCK_TRAILER_BYTES;
        int n = readFully(dst, at, want);
        if (n < want) {
            fail(CaptureProblem.Kind.TRUNCATED, "the file ends inside a block of " + total + " bytes ("
                    + (BLOCK_HEADER_BYTES + n) + " present)");
            return false;
        }
        return checkTrailer(le32(dst, at + bodyBytes), total);
    }

    private void skipBody(long bodyBytes, long total) throws IOException {
        byte[] scratch = stateBody(0);
        long left = bodyBytes;
        while (left > 0) {
            int chunk = (int) Math.min(left, scratch.length);
            int n = readFully(scratch, 0, chunk);
            if (n < chunk) {
                fail(CaptureProblem.Kind.TRUNCATED, "the file ends inside a block of " + total + " bytes");
                return;
            }
            left -= n;
        }
        int n = readFully(header, 0, BLOCK_TRAILER_BYTES);
        if (n < BLOCK_TRAILER_BYTES) {
            fail(CaptureProblem.Kind.TRUNCATED, "the file ends inside the trailer of a block of " + total
                    + " bytes");
            return;
        }
        checkTrailer(le32(header, 0), total);
    }

    private boolean checkTrailer(int trailer, long total) {
        if (Integer.toUnsignedLong(trailer) != total) {
            fail(CaptureProblem.Kind.CORRUPT, "block trailer says " + Integer.toUnsignedLong(trailer)
                    + " bytes, header says " + total);
            return false;
        }
        return true;
    }

    private Next endOfStream() {
        finished = true;
        return Next.EOF;
    }

    private Next fail(CaptureProblem.Kind kind, String message) {
        if (problem == null) {
            problem = new CaptureProblem(kind, name, offset, blockOffset, blockType,
                    blockType == -1 ? "unknown" : BlockType.nameOf(blockType), message);
        }
        finished = true;
        return Next.EOF;
    }

    private Next fail(IOException e) {
        return switch (e) {
            case EOFException eof -> fail(CaptureProblem.Kind.TRUNCATED, "the compressed stream ends early ("
                    + eof.getMessage() + ")");
            case ZipException zip -> fail(CaptureProblem.Kind.CORRUPT, "the gzip stream is corrupt ("
                    + zip.getMessage() + ")");
            default -> fail(CaptureProblem.Kind.IO_ERROR, "read failed: " + e);
        };
    }

    private void count(BlockType type) {
        if (type != null) {
            knownCounts[type.ordinal()]++;
        } else {
            unknownCounts.computeIfAbsent(blockType, t -> new long[1])[0]++;
        }
    }

    private int readFully(byte[] dst, int at, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(dst, at + done, len - done);
            if (n < 0) {
                break;
            }
            done += n;
            offset += n;
        }
        return done;
    }

    static int le16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    static long le64(byte[] b, int at) {
        return Integer.toUnsignedLong(le32(b, at)) | (long) le32(b, at + 4) << 32;
    }

    static void putLe32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
