package dev.peregrine.capture.convert;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Converts events of old captures to the layouts of the current event table, as libscap's savefile engine does before
 * libsinsp sees them, so that current rules match old captures.
 *
 * <p>For each event read, {@link #convert(EventView)} says what to deliver:
 * <ul>
 *   <li>{@link Result#PASS}: the event is current; deliver it unchanged.</li>
 *   <li>{@link Result#CONVERTED}: deliver {@link #converted()} instead (valid until the next call).</li>
 *   <li>{@link Result#DROP}: deliver nothing. Enter events the current driver no longer emits are dropped, their
 *       parameters kept per thread to complete the matching exit event (an old {@code READ_E} + {@code READ_X}
 *       pair becomes one {@code READ_X} with {@code fd} and {@code size}); unused and old enter events are dropped.</li>
 *   <li>{@link Result#ERROR}: the event cannot be converted; {@link #error()} says why. libscap stops reading here.</li>
 * </ul>
 *
 * <p>The rules are libscap's conversion table (about 250 rules keyed by event code and parameter count): events
 * with fewer parameters than the current layout get empty or default values, old event versions
 * ({@code EF_OLD_VERSION}) change to their current codes, generic syscall exits ({@code PPME_GENERIC_X}) get the
 * syscall id of their enter event, so {@code evt.type = madvise} resolves on them ({@link #syscallName}).
 *
 * <p>One deliberate deviation from libscap: when the enter event stashed for a thread belongs to another syscall
 * (an enter whose exit never came, then this exit), libscap fails the whole read; the converter treats the enter event
 * as missing, fills defaults and counts it ({@link #mismatchedEnterCount()}).
 *
 * <p>A converter is single-threaded and keeps state across events (the stashed enter events): use one per stream and
 * {@link #reset()} it at a new capture section.
 */
public final class EventConverter {
    /*
     * Implementation notes.
     *
     * Flow (libscap's savefile next() and scap_convert_event): an event is first classified by its flags
     * (EF_UNUSED, EF_CONVERTER_MANAGED, EF_OLD_VERSION, direction) and parameter count. Events that need a
     * conversion are rewritten by the rule for (code, nparams), then classified again, up to
     * MAX_CONVERSIONS rounds: an old layout may climb several versions (EXECVE_13 -> 14 -> ... -> 19).
     *
     * Memory: the event is copied into one of two work arrays and each round writes the other one (ping-pong), so
     * a conversion allocates nothing once the arrays have grown to the largest event. The stash of enter events is
     * a per-thread byte array in an open-addressing map keyed by tid (no boxing); a slot is marked empty when its
     * exit consumes it, and keeps its array for the thread's next syscall. The map holds at most MAX_STASHED_THREADS
     * threads; beyond that it is cleared (enter events whose exit never came, e.g. of threads that died).
     *
     * Values: parameters copied from the old or the enter event are capped to the largest length the new
     * parameter type allows (a PT_INT64 going into a PT_ENUMFLAGS32 keeps its first 4 bytes, little-endian low
     * half), as libscap does. Default values are zeros of the type's fixed size, except uid/gid which default to
     * 0xFFFFFFFF (-1); variable-size types default to an empty value.
     */

    /** Conversion rounds per event before giving up (libscap's MAX_CONVERSION_BOUNDARY). */
    static final int MAX_CONVERSIONS = 50;
    /** Largest event converted (the scap reader accepts events up to 64 MiB); bounds the work arrays. */
    static final long MAX_EVENT_BYTES = 256L << 20;
    /** Threads with a stashed enter event at most; beyond, the stash is cleared. */
    static final int MAX_STASHED_THREADS = 1 << 16;
    /** Initial size of each work array in bytes; arrays grow to the largest converted event. */
    private static final int INITIAL_BUFFER_BYTES = 1 << 16;
    private static final int TID_AT = 8;
    private static final int LEN_AT = 16;
    private static final int TYPE_AT = 20;
    private static final int NPARAMS_AT = 22;
    private static final int UNSIGNED_BYTE = 0xFF;
    /** Parameter counts per code remembered by {@link #outcome}: the low 8 bits, as libscap keys its rules. */
    private static final int OUTCOME_COUNTS = 256;
    /** Highest parameter length with 16-bit lengths. */
    private static final int MAX_U16_LENGTH = 0xFFFF;

    /** What to do with the event just converted. */
    public enum Result {
        /** Deliver the event unchanged. */
        PASS,
        /** Deliver {@link #converted()}. */
        CONVERTED,
        /** Deliver nothing. */
        DROP,
        /** The event cannot be converted; see {@link #error()}. */
        ERROR
    }

    private enum Check { PASS, DROP, CONTINUE, ERROR }

    private static final class Holder {
        static final Shapes STANDARD = new Shapes(EventTable.get());
    }

    /** What the converter precomputes from the event table (immutable, shared by converters). */
    private static final class Shapes {
        final EventTable table;
        final ConversionTable rules;
        final boolean[] unused;
        final boolean[] managed;
        final boolean[] old;
        final boolean[] enter;
        final boolean[] large;
        final int[] nparams;
        final int[][] minLength;
        final long[][] maxLength16;
        final boolean[][] idType;

        Shapes(EventTable table) {
            this.table = table;
            this.rules = ConversionTable.load(table);
            int n = table.size();
            unused = new boolean[n];
            managed = new boolean[n];
            old = new boolean[n];
            enter = new boolean[n];
            large = new boolean[n];
            nparams = new int[n];
            minLength = new int[n][];
            maxLength16 = new long[n][];
            idType = new boolean[n][];
            for (int code = 0; code < n; code++) {
                EventTable.EventInfo e = table.byCode(code);
                unused[code] = e.hasFlag("EF_UNUSED");
                managed[code] = e.hasFlag("EF_CONVERTER_MANAGED");
                old[code] = e.hasFlag("EF_OLD_VERSION");
                enter[code] = e.direction() == EventTable.Direction.ENTER;
                large[code] = e.hasFlag("EF_LARGE_PAYLOAD");
                nparams[code] = e.params().size();
                int p = e.params().size();
                minLength[code] = new int[p];
                maxLength16[code] = new long[p];
                idType[code] = new boolean[p];
                for (int i = 0; i < p; i++) {
                    String type = e.params().get(i).type();
                    int fixed = ParamTypeSizes.fixedBytes(type);
                    minLength[code][i] = Math.max(fixed, 0);
                    maxLength16[code][i] = fixed >= 0 ? fixed : -1;
                    idType[code][i] = type.equals("PT_UID") || type.equals("PT_GID");
                }
            }
        }

        long maxLength(int code, int param) {
            long fixed = maxLength16[code][param];
            if (fixed >= 0) {
                return fixed;
            }
            return large[code] ? 0xFFFF_FFFFL : MAX_U16_LENGTH;
        }
    }

    private final Shapes shapes;
    private final EventView out;
    private final TidStash stash = new TidStash(MAX_STASHED_THREADS);
    private byte[] bufA = new byte[INITIAL_BUFFER_BYTES];
    private byte[] bufB = new byte[INITIAL_BUFFER_BYTES];
    private MemorySegment segA = MemorySegment.ofArray(bufA);
    private MemorySegment segB = MemorySegment.ofArray(bufB);
    /** {@link #outcome} per code and parameter count (low 8 bits, as the rules are keyed), plus 2; 0 = not known. */
    private int[] outcomes;
    private String error;
    private long dropped;
    private long convertedCount;
    private long mismatchedEnters;

    private EventConverter(Shapes shapes) {
        this.shapes = shapes;
        this.out = EventView.forTable(shapes.table);
    }

    /** {@return a converter for Peregrine's bundled event table and libscap's conversion rules} */
    public static EventConverter standard() {
        return new EventConverter(Holder.STANDARD);
    }

    /** {@return the number of conversion rules known} */
    public int ruleCount() {
        return shapes.rules.size();
    }

    /**
     * Converts the event {@code in} points at (a well-formed event of a code the table knows).
     *
     * @return what to deliver; after {@link Result#CONVERTED} the event is {@link #converted()}
     */
    public Result convert(EventView in) {
        requireNonNull(in, "in is null");
        error = null;
        int code = in.type();
        if (code >= shapes.nparams.length) {
            error = "unknown event code " + code;
            return Result.ERROR;
        }
        switch (check(code, in.nparams())) {
            case PASS -> {
                return Result.PASS;
            }
            case DROP -> {
                dropped++;
                return Result.DROP;
            }
            case ERROR -> {
                return Result.ERROR;
            }
            case CONTINUE -> {
                // converted below
            }
        }
        long len = in.len();
        if (len > MAX_EVENT_BYTES) {
            error = "event " + describe(code) + " of " + len + " bytes exceeds the " + MAX_EVENT_BYTES
                    + "-byte conversion limit";
            return Result.ERROR;
        }
        ensure(true, len);
        MemorySegment.copy(in.segment(), in.offset(), segA, 0, len);
        boolean inA = true;
        Check check = Check.CONTINUE;
        boolean passUnchanged = false;
        int rounds = 0;
        while (check == Check.CONTINUE && rounds < MAX_CONVERSIONS) {
            rounds++;
            byte[] src = inA ? bufA : bufB;
            int type = le16(src, TYPE_AT);
            int nparams = le32(src, NPARAMS_AT);
            ConversionTable.Rule rule = shapes.rules.rule(type, nparams);
            if (rule == null) {
                error = "conversion required for event " + describe(type) + " with " + Integer.toUnsignedString(nparams)
                        + " parameters, but no rule handles it";
                return Result.ERROR;
            }
            switch (rule.action()) {
                case STORE -> {
                    stash.store(le64(src, TID_AT), src, le32(src, LEN_AT));
                    dropped++;
                    return Result.DROP;
                }
                case PASS -> {
                    check = Check.PASS;
                    passUnchanged = true;
                }
                case STORE_AND_PASS -> {
                    stash.store(le64(src, TID_AT), src, le32(src, LEN_AT));
                    check = Check.PASS;
                    passUnchanged = true;
                }
                case ADD_PARAMS, CHANGE_TYPE -> {
                    check = apply(rule, inA);
                    if (check == Check.ERROR) {
                        return Result.ERROR;
                    }
                    inA = !inA;
                }
            }
        }
        if (check == Check.CONTINUE) {
            error = "event " + describe(in.type()) + " still needs conversion after " + MAX_CONVERSIONS + " rounds";
            return Result.ERROR;
        }
        if (check == Check.DROP) {
            dropped++;
            return Result.DROP;
        }
        if (check == Check.ERROR) {
            return Result.ERROR;
        }
        if (passUnchanged && rounds == 1) {
            return Result.PASS;
        }
        out.pointAt(inA ? segA : segB, 0, in.cpu());
        convertedCount++;
        return Result.CONVERTED;
    }

    /** {@return the converted event, valid after {@link Result#CONVERTED} until the next call} */
    public EventView converted() {
        return out;
    }

    /** {@return why the last event could not be converted, or null} */
    public String error() {
        return error;
    }

    /** {@return how many events were dropped so far} */
    public long droppedCount() {
        return dropped;
    }

    /** {@return how many events were delivered converted so far} */
    public long convertedCount() {
        return convertedCount;
    }

    /**
     * {@return how many exit events found a stashed enter event of another syscall for their thread and were
     * completed with defaults instead} libscap stops reading a capture at the first one.
     */
    public long mismatchedEnterCount() {
        return mismatchedEnters;
    }

    /** Forgets the stashed enter events (a new capture section starts). */
    public void reset() {
        stash.clear();
    }

    /**
     * {@return the syscall name of a generic syscall event ({@code PPME_GENERIC_E/X}) from its {@code ID} parameter,
     * which {@code evt.type} shows for it; null when the event is not generic or the id is missing or unknown}
     */
    public static String syscallName(EventView event, EventTable table) {
        int type = event.type();
        if ((type != EventTable.GENERIC_E && type != EventTable.GENERIC_X) || event.nparams() < 1
                || event.paramLength(0) < Short.BYTES) {
            return null;
        }
        return table.syscallName(event.paramU16(0));
    }

    /**
     * {@return what {@link #convert} would do with an event of {@code code} with {@code nparams} parameters, as far
     * as the conversion rules alone decide it: {@code (finalCode << 1) | 1} when it would deliver an event of
     * {@code finalCode}, {@code code << 1} when it would drop it (an enter event kept for its exit, or unused), -1
     * when it would fail or the code is unknown} Values of the event can still make a conversion fail (a parameter
     * missing from the stashed enter event); this does not look at them. Allocates nothing after the first call
     * for a code and count.
     */
    public int outcome(int code, int nparams) {
        if (code < 0 || code >= shapes.nparams.length) {
            return -1;
        }
        int key = code * OUTCOME_COUNTS + (nparams & (OUTCOME_COUNTS - 1));
        if (outcomes == null) {
            outcomes = new int[shapes.nparams.length * OUTCOME_COUNTS];
        }
        int known = outcomes[key];
        if (known == 0 || (nparams & ~(OUTCOME_COUNTS - 1)) != 0) {
            int computed = computeOutcome(code, nparams);
            if ((nparams & ~(OUTCOME_COUNTS - 1)) != 0) {
                return computed;
            }
            outcomes[key] = computed + 2;
            return computed;
        }
        return known - 2;
    }

    private int computeOutcome(int code, int nparams) {
        int type = code;
        long n = Integer.toUnsignedLong(nparams);
        for (int rounds = 0; rounds < MAX_CONVERSIONS; rounds++) {
            if (type < 0 || type >= shapes.nparams.length) {
                return -1;
            }
            Check c = classify(type, n);
            switch (c) {
                case PASS -> {
                    return type << 1 | 1;
                }
                case DROP -> {
                    return type << 1;
                }
                case ERROR -> {
                    return -1;
                }
                case CONTINUE -> {
                    // by the rule below
                }
            }
            ConversionTable.Rule rule = shapes.rules.rule(type, (int) n);
            if (rule == null) {
                return -1;
            }
            switch (rule.action()) {
                case STORE -> {
                    return type << 1;
                }
                case PASS, STORE_AND_PASS -> {
                    return type << 1 | 1;
                }
                case ADD_PARAMS -> n += rule.instructions().length;
                case CHANGE_TYPE -> {
                    type = rule.target();
                    n = rule.instructions().length;
                }
            }
            if (n > shapes.nparams[type]) {
                return -1;
            }
        }
        return -1;
    }

    private Check check(int code, int nparams) {
        Check c = classify(code, Integer.toUnsignedLong(nparams));
        if (c == Check.ERROR) {
            if (shapes.managed[code]) {
                error = "event " + describe(code) + " has more parameters (" + Integer.toUnsignedLong(nparams)
                        + ") than expected (" + shapes.nparams[code] + ")";
            } else {
                error = "old exit event " + describe(code) + " is not handled by the conversion rules";
            }
        }
        return c;
    }

    /** Classifies an event by its flags and parameter count, as libscap does before each conversion round. */
    private Check classify(int code, long have) {
        if (shapes.unused[code]) {
            return Check.DROP;
        }
        if (!shapes.managed[code]) {
            if (!shapes.old[code]) {
                return Check.PASS;
            }
            if (shapes.enter[code]) {
                return Check.DROP;
            }
            return Check.ERROR;
        }
        if (shapes.enter[code]) {
            return Check.CONTINUE;
        }
        if (have > shapes.nparams[code]) {
            return Check.ERROR;
        }
        return shapes.old[code] || have != shapes.nparams[code] ? Check.CONTINUE : Check.PASS;
    }

    /** Applies an ADD_PARAMS or CHANGE_TYPE rule from one work array into the other. */
    private Check apply(ConversionTable.Rule rule, boolean inA) {
        byte[] src = inA ? bufA : bufB;
        int srcType = le16(src, TYPE_AT);
        int srcN = le32(src, NPARAMS_AT);
        int srcLen = le32(src, LEN_AT);
        long tid = le64(src, TID_AT);
        boolean add = rule.action() == ConversionTable.Action.ADD_PARAMS;
        int newType = add ? srcType : rule.target();
        int first = add ? srcN : 0;
        int newN = first + rule.instructions().length;
        if (newN > shapes.nparams[newType]) {
            error = "conversion of " + describe(srcType) + " would give " + describe(newType) + " " + newN
                    + " parameters, more than its " + shapes.nparams[newType];
            return Check.ERROR;
        }
        int srcLenBytes = shapes.large[srcType] ? Integer.BYTES : Short.BYTES;
        int dstLenBytes = shapes.large[newType] ? Integer.BYTES : Short.BYTES;
        long worst = (long) EventView.HEADER_BYTES + (long) newN * dstLenBytes + srcLen + stash.maxLength(tid)
                + (long) rule.instructions().length * 16 + 1024;
        ensure(!inA, worst);
        byte[] dst = inA ? bufB : bufA;
        System.arraycopy(src, 0, dst, 0, EventView.HEADER_BYTES);
        put16(dst, TYPE_AT, newType);
        put32(dst, NPARAMS_AT, newN);
        int lensAt = EventView.HEADER_BYTES;
        int valuesAt = lensAt + newN * dstLenBytes;
        int srcValuesAt = EventView.HEADER_BYTES + srcN * srcLenBytes;
        int at = valuesAt;
        if (add) {
            for (int i = 0; i < srcN; i++) {
                putLength(dst, lensAt, i, dstLenBytes, length(src, EventView.HEADER_BYTES, i, srcLenBytes));
            }
            int values = srcLen - srcValuesAt;
            if (values < 0) {
                error = "event " + describe(srcType) + " of len " + srcLen + " is shorter than its length table";
                return Check.ERROR;
            }
            System.arraycopy(src, srcValuesAt, dst, at, values);
            at += values;
        }
        boolean usedEnter = false;
        boolean mismatched = false;
        ConversionTable.Instruction[] instructions = rule.instructions();
        for (int k = 0; k < instructions.length; k++) {
            int p = first + k;
            ConversionTable.Instruction ins = instructions[k];
            byte[] from = null;
            switch (ins.source()) {
                case EMPTY -> {
                    putLength(dst, lensAt, p, dstLenBytes, 0);
                    continue;
                }
                case DEFAULT -> {
                    at = pushDefault(dst, lensAt, p, dstLenBytes, at, newType);
                    continue;
                }
                case CALLBACK -> {
                    at = pushContainerJson(dst, lensAt, p, dstLenBytes, at, src, srcType, srcN, ins, newType);
                    if (at < 0) {
                        return Check.ERROR;
                    }
                    continue;
                }
                case ENTER -> {
                    byte[] entered = stash.find(tid);
                    if (entered != null && le16(entered, TYPE_AT) != srcType - 1) {
                        // the thread's last enter event belongs to another syscall (its exit never came, or
                        // this exit's enter was not captured): libscap fails the read here, we treat the enter
                        // event as missing
                        entered = null;
                        mismatched = true;
                    }
                    if (entered != null) {
                        int enterType = le16(entered, TYPE_AT);
                        if (Integer.toUnsignedLong(le32(entered, NPARAMS_AT)) <= ins.param()) {
                            error = "parameter " + ins.param() + " is wanted from enter event " + describe(enterType)
                                    + ", which has only " + le32(entered, NPARAMS_AT);
                            return Check.ERROR;
                        }
                        usedEnter = true;
                        from = entered;
                    }
                }
                case OLD -> {
                    if (Integer.toUnsignedLong(srcN) <= ins.param()) {
                        error = "parameter " + ins.param() + " is wanted from old event " + describe(srcType)
                                + ", which has only " + srcN;
                        return Check.ERROR;
                    }
                    from = src;
                }
            }
            if (from == null) {
                if (ins.fallbackEmpty()) {
                    putLength(dst, lensAt, p, dstLenBytes, 0);
                } else {
                    at = pushDefault(dst, lensAt, p, dstLenBytes, at, newType);
                }
                continue;
            }
            int fromType = le16(from, TYPE_AT);
            int fromN = le32(from, NPARAMS_AT);
            int fromLenBytes = shapes.large[fromType] ? Integer.BYTES : Short.BYTES;
            int valueAt = EventView.HEADER_BYTES + fromN * fromLenBytes;
            for (int i = 0; i < ins.param(); i++) {
                valueAt += length(from, EventView.HEADER_BYTES, i, fromLenBytes);
            }
            long length = Math.min(length(from, EventView.HEADER_BYTES, ins.param(), fromLenBytes),
                    shapes.maxLength(newType, p));
            System.arraycopy(from, valueAt, dst, at, (int) length);
            at += (int) length;
            putLength(dst, lensAt, p, dstLenBytes, (int) length);
        }
        if (usedEnter) {
            stash.remove(tid);
        }
        if (mismatched) {
            mismatchedEnters++;
        }
        put32(dst, LEN_AT, at);
        return check(newType, newN);
    }

    private int pushDefault(byte[] dst, int lensAt, int p, int lenBytes, int at, int type) {
        int size = shapes.minLength[type][p];
        byte fill = shapes.idType[type][p] ? (byte) UNSIGNED_BYTE : 0;
        for (int i = 0; i < size; i++) {
            dst[at + i] = fill;
        }
        putLength(dst, lensAt, p, lenBytes, size);
        return at + size;
    }

    /**
     * libscap's callback for old {@code CONTAINER_E} events: a JSON object from id, type, name and image. A missing
     * or empty string makes libscap's callback fail, and the parameter falls back.
     */
    private int pushContainerJson(byte[] dst, int lensAt, int p, int lenBytes, int at, byte[] src, int srcType,
            int srcN, ConversionTable.Instruction ins, int newType) {
        int lb = shapes.large[srcType] ? Integer.BYTES : Short.BYTES;
        String json = null;
        if (srcN >= 4) {
            int[] starts = new int[4];
            int[] lens = new int[4];
            int v = EventView.HEADER_BYTES + srcN * lb;
            for (int i = 0; i < 4; i++) {
                starts[i] = v;
                lens[i] = length(src, EventView.HEADER_BYTES, i, lb);
                v += lens[i];
            }
            if (lens[0] > 0 && lens[2] > 0 && lens[3] > 0 && lens[1] <= Integer.BYTES) {
                long ty = 0;
                for (int i = 0; i < lens[1]; i++) {
                    ty |= (long) (src[starts[1] + i] & UNSIGNED_BYTE) << (8 * i);
                }
                json = "{\"id\":\"" + cString(src, starts[0], lens[0]) + "\",\"type\":" + ty + ",\"name\":\""
                        + cString(src, starts[2], lens[2]) + "\",\"image\":\"" + cString(src, starts[3], lens[3])
                        + "\"}";
            }
        }
        if (json == null) {
            if (ins.fallbackEmpty()) {
                putLength(dst, lensAt, p, lenBytes, 0);
                return at;
            }
            return pushDefault(dst, lensAt, p, lenBytes, at, newType);
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (bytes.length + 1 > shapes.maxLength(newType, p)) {
            error = "container JSON of " + (bytes.length + 1) + " bytes exceeds the parameter limit";
            return -1;
        }
        System.arraycopy(bytes, 0, dst, at, bytes.length);
        dst[at + bytes.length] = 0;
        putLength(dst, lensAt, p, lenBytes, bytes.length + 1);
        return at + bytes.length + 1;
    }

    private static String cString(byte[] b, int at, int len) {
        // libscap drops the last byte (the NUL terminator) of each string
        return new String(b, at, len - 1, StandardCharsets.UTF_8);
    }

    private String describe(int code) {
        return code < shapes.nparams.length ? shapes.table.byCode(code).codeName() : "code " + code;
    }

    private void ensure(boolean a, long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("event of " + bytes + " bytes is too large to convert");
        }
        if (a && bufA.length < bytes) {
            bufA = new byte[(int) Math.max(bytes, Math.min((long) bufA.length * 2, Integer.MAX_VALUE - 8))];
            segA = MemorySegment.ofArray(bufA);
        } else if (!a && bufB.length < bytes) {
            bufB = new byte[(int) Math.max(bytes, Math.min((long) bufB.length * 2, Integer.MAX_VALUE - 8))];
            segB = MemorySegment.ofArray(bufB);
        }
    }

    private static int length(byte[] b, int lensAt, int i, int lenBytes) {
        return lenBytes == Integer.BYTES ? le32(b, lensAt + 4 * i) : le16(b, lensAt + 2 * i);
    }

    private static void putLength(byte[] b, int lensAt, int i, int lenBytes, int v) {
        if (lenBytes == Integer.BYTES) {
            put32(b, lensAt + 4 * i, v);
        } else {
            put16(b, lensAt + 2 * i, v);
        }
    }

    static int le16(byte[] b, int at) {
        return (b[at] & UNSIGNED_BYTE) | (b[at + 1] & UNSIGNED_BYTE) << 8;
    }

    static int le32(byte[] b, int at) {
        return le16(b, at) | le16(b, at + 2) << 16;
    }

    static long le64(byte[] b, int at) {
        return Integer.toUnsignedLong(le32(b, at)) | (long) le32(b, at + 4) << 32;
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    static void put32(byte[] b, int at, int v) {
        put16(b, at, v);
        put16(b, at + 2, v >>> 16);
    }
}
