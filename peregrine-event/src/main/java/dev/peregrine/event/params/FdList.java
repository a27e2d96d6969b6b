package dev.peregrine.event.params;

import static java.util.Objects.requireNonNull;

import java.lang.foreign.MemorySegment;

/**
 * A reusable view over a {@code PT_FDLIST} parameter ({@code poll}, {@code ppoll}): a little-endian u16 count, then
 * that many {@code (u64 fd, u16 flags)} pairs.
 *
 * <p>Point it with {@link #pointAt}; it allocates nothing afterwards. Like {@link dev.peregrine.event.EventView}, it
 * is valid only while the memory it points into is.
 */
public final class FdList {
    /** Bytes of the leading count. */
    public static final int COUNT_BYTES = 2;
    /** Bytes of one (fd, flags) entry. */
    public static final int ENTRY_BYTES = 8 + 2;

    /*
     * Implementation notes.
     *
     * count() is clamped to the entries that fit in the parameter, so a damaged count never reads past the value
     * (libsinsp trusts the count; an event that passed EventView.findMalformation still may carry a lying one).
     */

    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int count;

    /**
     * Points this view at the {@code PT_FDLIST} value of {@code length} bytes at {@code offset}.
     *
     * @return this view
     */
    public FdList pointAt(MemorySegment segment, long offset, int length) {
        this.segment = requireNonNull(segment, "segment is null");
        this.offset = offset;
        if (length < COUNT_BYTES) {
            this.count = 0;
        } else {
            int declared = Wire.u16(segment, offset);
            this.count = Math.min(declared, (length - COUNT_BYTES) / ENTRY_BYTES);
        }
        return this;
    }

    /** {@return the number of entries (the declared count, bounded by what the value holds)} */
    public int count() {
        return count;
    }

    /** {@return the fd of entry {@code i}} */
    public long fd(int i) {
        return Wire.i64(segment, entry(i));
    }

    /** {@return the poll flags ({@code PPM_POLL*}) of entry {@code i}} */
    public int flags(int i) {
        return Wire.u16(segment, entry(i) + 8);
    }

    private long entry(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("fd list entry " + i + " of " + count);
        }
        return offset + COUNT_BYTES + (long) i * ENTRY_BYTES;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("FdList[");
        for (int i = 0; i < count; i++) {
            out.append(i == 0 ? "" : " ").append(fd(i)).append(':').append(Integer.toHexString(flags(i)));
        }
        return out.append(']').toString();
    }
}
