package dev.peregrine.event;

import static java.util.Objects.requireNonNull;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.IntPredicate;

/**
 * A flyweight over one event in Falco's wire layout, re-pointed at each event without allocating.
 *
 * <p>The layout is the driver's {@code ppm_evt_hdr} (little-endian, packed): {@code ts} (u64, nanoseconds since the
 * epoch), {@code tid} (u64), {@code len} (u32, whole event including the header), {@code type} (u16, the event code),
 * {@code nparams} (u32); then {@code nparams} parameter lengths (u16 each, or u32 each for event types with the
 * {@code EF_LARGE_PAYLOAD} flag); then the parameter values back to back.
 *
 * <p>A view is owned by one reader thread. Whoever points it (a capture engine) guarantees the memory stays unchanged
 * until the next {@link #pointAt}; callers must not keep the view, or slices of it, past that point. Call
 * {@link #findMalformation(long)} once after pointing at untrusted bytes: every accessor assumes a well-formed event.
 * Use {@link Event#copyOf(EventView)} to keep an event.
 */
public final class EventView {
    /** Bytes of the event header ({@code ppm_evt_hdr}) before the parameter lengths. */
    public static final int HEADER_BYTES = 26;

    /** Bytes of the header of old captures (event blocks version 1), which lacks {@code nparams}. */
    public static final int HEADER_BYTES_V1 = 22;

    /*
     * Implementation notes.
     *
     * Decoding is on demand, in the style of the ClassFile API's bound elements: pointAt stores only the segment and
     * offset. Parameter offsets need a prefix sum over the lengths; it is computed on the first parameter access for
     * an event into an int array the view reuses (grown only when an event has more parameters than any before), so
     * a view that is asked for param 5 of every event allocates nothing in steady state.
     *
     * Offsets inside the view are relative to the event start and fit an int: findMalformation rejects events whose
     * len does not fit the available bytes, and the scap engine bounds blocks far below 2 GiB.
     */

    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final int TS_AT = 0;
    private static final int TID_AT = 8;
    private static final int LEN_AT = 16;
    private static final int TYPE_AT = 20;
    private static final int NPARAMS_AT = 22;

    private static final int INITIAL_PARAM_CAPACITY = 32;
    private static final String LARGE_PAYLOAD_FLAG = "EF_LARGE_PAYLOAD";

    private final IntPredicate largePayloadTypes;
    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int cpu = -1;
    private int[] paramStarts = new int[INITIAL_PARAM_CAPACITY];
    /** Parameter lengths, computed with the starts: a length read is then an array read, not a table look-up. */
    private int[] paramLengths = new int[INITIAL_PARAM_CAPACITY];
    /** The parameter count when the starts were computed. */
    private int paramCount;
    private boolean paramStartsValid;

    /**
     * Creates a view that is not yet pointed at an event.
     *
     * @param largePayloadTypes tells which event codes carry 32-bit parameter lengths ({@code EF_LARGE_PAYLOAD})
     */
    public EventView(IntPredicate largePayloadTypes) {
        this.largePayloadTypes = requireNonNull(largePayloadTypes, "largePayloadTypes is null");
    }

    /** {@return a view whose parameter-length width follows the {@code EF_LARGE_PAYLOAD} flags of {@code table}} */
    public static EventView forTable(EventTable table) {
        requireNonNull(table, "table is null");
        boolean[] large = new boolean[table.size()];
        for (int code = 0; code < large.length; code++) {
            large[code] = table.byCode(code).hasFlag(LARGE_PAYLOAD_FLAG);
        }
        return new EventView(code -> code < large.length && large[code]);
    }

    /**
     * Points this view at the event that starts at {@code offset} in {@code segment}.
     *
     * @param cpu the CPU (scap "device id") that produced the event, or -1 when unknown
     * @return this view
     */
    public EventView pointAt(MemorySegment segment, long offset, int cpu) {
        this.segment = segment;
        this.offset = offset;
        this.cpu = cpu;
        this.paramStartsValid = false;
        return this;
    }

    /**
     * Checks that the event the view points at is self-consistent and lies within {@code available} bytes from its
     * start: a length at least the header, parameter lengths that add up within the event.
     *
     * @return {@code null} when the event is well-formed, else a sentence saying what is wrong
     */
    public String findMalformation(long available) {
        if (available < HEADER_BYTES) {
            return "event header needs " + HEADER_BYTES + " bytes, only " + available + " available";
        }
        long len = len();
        if (len < HEADER_BYTES) {
            return "event len " + len + " is smaller than the event header (" + HEADER_BYTES + " bytes)";
        }
        if (len > available) {
            return "event len " + len + " is larger than the " + available + " bytes available";
        }
        long nparams = Integer.toUnsignedLong(segment.get(U32, offset + NPARAMS_AT));
        int lengthBytes = largePayload() ? Integer.BYTES : Short.BYTES;
        long valuesAt = HEADER_BYTES + nparams * lengthBytes;
        if (valuesAt > len) {
            return "nparams " + nparams + " does not fit in event len " + len;
        }
        long end = valuesAt;
        for (int i = 0; i < nparams; i++) {
            end += rawParamLength(i, lengthBytes);
            if (end > len) {
                return "param " + i + " ends at byte " + end + ", beyond event len " + len;
            }
        }
        return null;
    }

    /** {@return the segment the view points into} */
    public MemorySegment segment() {
        return segment;
    }

    /** {@return the offset of the event header in {@link #segment()}} */
    public long offset() {
        return offset;
    }

    /** {@return the event timestamp in nanoseconds since the epoch} */
    public long ts() {
        return segment.get(U64, offset + TS_AT);
    }

    /** {@return the id of the thread that produced the event (-1 for events of no thread)} */
    public long tid() {
        return segment.get(U64, offset + TID_AT);
    }

    /** {@return the event length in bytes, header included} */
    public long len() {
        return Integer.toUnsignedLong(segment.get(U32, offset + LEN_AT));
    }

    /** {@return the event code (PPME_*), an index into the event table} */
    public int type() {
        return Short.toUnsignedInt(segment.get(U16, offset + TYPE_AT));
    }

    /** {@return the number of parameters the event carries} */
    public int nparams() {
        return segment.get(U32, offset + NPARAMS_AT);
    }

    /** {@return the CPU that produced the event, or -1 when unknown} */
    public int cpu() {
        return cpu;
    }

    /** {@return whether the parameter lengths of this event are 32-bit ({@code EF_LARGE_PAYLOAD})} */
    public boolean largePayload() {
        return largePayloadTypes.test(type());
    }

    /** {@return the length in bytes of parameter {@code i}} */
    public int paramLength(int i) {
        if (!paramStartsValid) {
            computeParamStarts();
        }
        if (i < 0 || i >= paramCount) {
            checkParamIndex(i);
            return (int) rawParamLength(i, largePayload() ? Integer.BYTES : Short.BYTES);
        }
        return paramLengths[i];
    }

    /**
     * {@return the number of parameters the event carries} As {@link #nparams()}, from the offsets the view keeps
     * once computed, without reading the event again.
     */
    public int paramCount() {
        if (!paramStartsValid) {
            computeParamStarts();
            if (!paramStartsValid) {
                return nparams();
            }
        }
        return paramCount;
    }

    /** {@return the offset in {@link #segment()} of the first byte of parameter {@code i}} */
    public long paramOffset(int i) {
        if (paramStartsValid && i >= 0 && i < paramCount) {
            // the common case: offsets known, index within them
            return offset + paramStarts[i];
        }
        checkParamIndex(i);
        if (!paramStartsValid) {
            computeParamStarts();
            if (!paramStartsValid) {
                throw new IndexOutOfBoundsException("param " + i + " of an event whose " + nparams()
                        + " params do not fit in its len " + len());
            }
        }
        return offset + paramStarts[i];
    }

    /** {@return parameter {@code i} as a slice of the segment (allocates the slice object)} */
    public MemorySegment param(int i) {
        return segment.asSlice(paramOffset(i), paramLength(i));
    }

    /** {@return the first byte of parameter {@code i}, unsigned} */
    public int paramU8(int i) {
        return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, paramOffset(i)));
    }

    /** {@return the first two bytes of parameter {@code i} as a little-endian unsigned value} */
    public int paramU16(int i) {
        return Short.toUnsignedInt(segment.get(U16, paramOffset(i)));
    }

    /** {@return the first four bytes of parameter {@code i} as a little-endian value} */
    public int paramU32(int i) {
        return segment.get(U32, paramOffset(i));
    }

    /** {@return the first eight bytes of parameter {@code i} as a little-endian value} */
    public long paramU64(int i) {
        return segment.get(U64, paramOffset(i));
    }

    private long rawParamLength(int i, int lengthBytes) {
        long at = offset + HEADER_BYTES + (long) i * lengthBytes;
        return lengthBytes == Integer.BYTES
                ? Integer.toUnsignedLong(segment.get(U32, at))
                : Short.toUnsignedInt(segment.get(U16, at));
    }

    private void checkParamIndex(int i) {
        int n = nparams();
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("param " + i + " of an event with " + n + " params");
        }
    }

    private void computeParamStarts() {
        int n = nparams();
        int lengthBytes = largePayload() ? Integer.BYTES : Short.BYTES;
        if (n < 0 || HEADER_BYTES + (long) n * lengthBytes > len()) {
            // a count the event cannot hold (not a well-formed event): nothing cached, reads go to the buffer
            paramCount = 0;
            paramStartsValid = false;
            if (n < 0) {
                checkParamIndex(0);
            }
            return;
        }
        if (paramStarts.length < n) {
            paramStarts = new int[Math.max(n, paramStarts.length * 2)];
            paramLengths = new int[paramStarts.length];
        }
        long at = HEADER_BYTES + (long) n * lengthBytes;
        for (int i = 0; i < n; i++) {
            paramStarts[i] = (int) at;
            long length = rawParamLength(i, lengthBytes);
            paramLengths[i] = (int) length;
            at += length;
        }
        paramCount = n;
        paramStartsValid = true;
    }

    @Override
    public String toString() {
        return segment == MemorySegment.NULL
                ? "EventView[unpointed]"
                : "EventView[ts=" + ts() + ", tid=" + tid() + ", type=" + type() + ", nparams=" + nparams()
                        + ", len=" + len() + ", cpu=" + cpu + "]";
    }
}
