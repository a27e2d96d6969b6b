package dev.peregrine.state;

import dev.peregrine.event.EventView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads parameter values of an event the way libsinsp's {@code sinsp_evt_param::as<T>} does, tolerating parameters
 * that are missing or empty (old layouts, dropped values).
 */
final class Wire {
    /*
     * Implementation notes.
     *
     * Strings are copied through one scratch array per engine to avoid a MemorySegment slice per read; numbers are
     * read in place. A numeric read of a parameter shorter than its type yields the bytes present, zero-extended,
     * so damaged events cannot throw out of the state engine.
     */

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private byte[] scratch = new byte[256];

    /** {@return whether parameter {@code i} is present and non-empty} */
    static boolean has(EventView v, int i) {
        return i >= 0 && i < v.paramCount() && v.paramLength(i) > 0;
    }

    /** {@return parameter {@code i} as a signed 64-bit value (PT_FD, PT_PID, PT_ERRNO, PT_INT64), 0 when absent} */
    static long s64(EventView v, int i) {
        if (!has(v, i)) {
            return 0;
        }
        int len = v.paramLength(i);
        MemorySegment s = v.segment();
        long at = v.paramOffset(i);
        return switch (len) {
            case 1 -> s.get(ValueLayout.JAVA_BYTE, at);
            case 2 -> s.get(U16, at);
            case 4 -> s.get(U32, at);
            default -> len >= 8 ? s.get(U64, at) : 0;
        };
    }

    /** {@return parameter {@code i} as an unsigned value of its own width (up to 64 bits), 0 when absent} */
    static long u(EventView v, int i) {
        if (!has(v, i)) {
            return 0;
        }
        int len = v.paramLength(i);
        MemorySegment s = v.segment();
        long at = v.paramOffset(i);
        return switch (len) {
            case 1 -> Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, at));
            case 2 -> Short.toUnsignedLong(s.get(U16, at));
            case 4 -> Integer.toUnsignedLong(s.get(U32, at));
            default -> len >= 8 ? s.get(U64, at) : 0;
        };
    }

    /** {@return byte {@code k} of parameter {@code i}, unsigned} */
    static int byteAt(EventView v, int i, int k) {
        return Byte.toUnsignedInt(v.segment().get(ValueLayout.JAVA_BYTE, v.paramOffset(i) + k));
    }

    /** {@return a little-endian u16 at byte {@code k} of parameter {@code i}} */
    static int u16At(EventView v, int i, int k) {
        return Short.toUnsignedInt(v.segment().get(U16, v.paramOffset(i) + k));
    }

    /** {@return a little-endian u64 at byte {@code k} of parameter {@code i}} */
    static long u64At(EventView v, int i, int k) {
        return v.segment().get(U64, v.paramOffset(i) + k);
    }

    /** {@return four bytes at {@code k} of parameter {@code i} as an IPv4 address, first octet most significant} */
    static int ipv4At(EventView v, int i, int k) {
        long at = v.paramOffset(i) + k;
        MemorySegment s = v.segment();
        return (Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at)) << 24)
                | (Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + 1)) << 16)
                | (Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + 2)) << 8)
                | Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + 3));
    }

    /** Copies 16 bytes at {@code k} of parameter {@code i} into {@code into}. */
    static void ipv6At(EventView v, int i, int k, byte[] into) {
        MemorySegment.copy(v.segment(), ValueLayout.JAVA_BYTE, v.paramOffset(i) + k, into, 0, 16);
    }

    /** {@return parameter {@code i} as text: UTF-8 up to the first NUL; "" when absent} */
    String str(EventView v, int i) {
        if (!has(v, i)) {
            return "";
        }
        return strAt(v, i, 0);
    }

    /** {@return the NUL-terminated text starting at byte {@code k} of parameter {@code i}} */
    String strAt(EventView v, int i, int k) {
        int len = v.paramLength(i) - k;
        if (len <= 0) {
            return "";
        }
        byte[] b = fill(v, i, k, len);
        int end = 0;
        while (end < len && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * {@return parameter {@code i} split at NUL bytes (args, env, cgroups), a trailing NUL ignored, as libsinsp's
     * sinsp_split does; empty when absent}
     */
    List<String> strList(EventView v, int i) {
        if (!has(v, i)) {
            return List.of();
        }
        int len = v.paramLength(i);
        byte[] b = fill(v, i, 0, len);
        if (b[len - 1] == 0) {
            len--;
        }
        if (len == 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int j = 0; j <= len; j++) {
            if (j == len || b[j] == 0) {
                out.add(new String(b, start, j - start, StandardCharsets.UTF_8));
                start = j + 1;
            }
        }
        return List.copyOf(out);
    }

    private byte[] fill(EventView v, int i, int k, int len) {
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        MemorySegment.copy(v.segment(), ValueLayout.JAVA_BYTE, v.paramOffset(i) + k, scratch, 0, len);
        return scratch;
    }
}
