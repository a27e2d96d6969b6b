package dev.peregrine.rules.fields;

import java.util.Arrays;

/**
 * A reusable buffer for the values one field yields for one event. Single-valued fields add one value,
 * list fields ({@link FieldFlag#IS_LIST}) any number. Which accessor a reader uses follows from the field's
 * {@link FieldType}, known at compile time:
 * <ul>
 *   <li>numbers, booleans (0/1), ports, times, flags, modes: {@link #longAt(int)} ({@code DOUBLE}: raw bits);</li>
 *   <li>text types ({@link FieldType#isString()}): {@link #stringAt(int)};</li>
 *   <li>{@code BYTEBUF}, {@code IPADDR}/{@code IPV4ADDR}/{@code IPV6ADDR}/{@code IPNET}: {@link #bytesAt(int)}
 *       (4 or 16 bytes for addresses, network byte order).</li>
 * </ul>
 *
 * <p>Implementation notes: one instance per field slot per evaluating thread; it is cleared, never reallocated,
 * between events, so extraction allocates nothing once the arrays have grown to the largest list seen. Byte arrays
 * and strings added are referenced, not copied: an extractor must not modify them before the next event.
 */
public final class Values {
    private static final int INITIAL_CAPACITY = 4;

    private int size;
    private long[] longs = new long[INITIAL_CAPACITY];
    private String[] strings = new String[INITIAL_CAPACITY];
    private byte[][] bytes = new byte[INITIAL_CAPACITY][];

    public void clear() {
        for (int i = 0; i < size; i++) {
            strings[i] = null;
            bytes[i] = null;
        }
        size = 0;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void addLong(long value) {
        ensure();
        longs[size++] = value;
    }

    public void addDouble(double value) {
        addLong(Double.doubleToRawLongBits(value));
    }

    public void addBool(boolean value) {
        addLong(value ? 1 : 0);
    }

    public void addString(String value) {
        ensure();
        strings[size++] = value;
    }

    public void addBytes(byte[] value) {
        ensure();
        bytes[size++] = value;
    }

    public long longAt(int i) {
        return longs[i];
    }

    public double doubleAt(int i) {
        return Double.longBitsToDouble(longs[i]);
    }

    public String stringAt(int i) {
        return strings[i];
    }

    public byte[] bytesAt(int i) {
        return bytes[i];
    }

    /** Copies another buffer's values into this one (after clearing it). */
    public void copyFrom(Values other) {
        clear();
        for (int i = 0; i < other.size; i++) {
            ensure();
            longs[size] = other.longs[i];
            strings[size] = other.strings[i];
            bytes[size] = other.bytes[i];
            size++;
        }
    }

    private void ensure() {
        if (size == longs.length) {
            int n = size * 2;
            longs = Arrays.copyOf(longs, n);
            strings = Arrays.copyOf(strings, n);
            bytes = Arrays.copyOf(bytes, n);
        }
        longs[size] = 0;
        strings[size] = null;
        bytes[size] = null;
    }
}
