package dev.peregrine.event.params;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Little-endian readers of the driver's packed parameter layouts, and C-string helpers. */
final class Wire {
    /*
     * Implementation notes.
     *
     * The driver writes every scalar in host byte order (little-endian on every architecture Falco supports, and the
     * scap format records no byte order), except IP addresses, which it copies as network-order bytes. Ports are
     * host-order u16 (the driver applies ntohs before writing). All layouts are packed, hence the unaligned layouts.
     */

    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Wire() {}

    static int u8(MemorySegment seg, long at) {
        return Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, at));
    }

    static int u16(MemorySegment seg, long at) {
        return Short.toUnsignedInt(seg.get(U16, at));
    }

    static int i32(MemorySegment seg, long at) {
        return seg.get(U32, at);
    }

    static long i64(MemorySegment seg, long at) {
        return seg.get(U64, at);
    }

    /** {@return the IPv4 address at {@code at} (network order bytes) as an int whose high byte is the first octet} */
    static int ipv4(MemorySegment seg, long at) {
        return seg.get(U32_BE, at);
    }

    /** {@return the number of bytes before the first NUL in {@code [at, at + max)}, or {@code max} when none} */
    static int cstrlen(MemorySegment seg, long at, long max) {
        for (int i = 0; i < max; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, at + i) == 0) {
                return i;
            }
        }
        return (int) max;
    }

    /** {@return the C string at {@code at}, at most {@code max} bytes, decoded as UTF-8} */
    static String cstring(MemorySegment seg, long at, long max) {
        int n = cstrlen(seg, at, max);
        byte[] bytes = new byte[n];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, at, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] bytes(MemorySegment seg, long at, int n) {
        byte[] out = new byte[n];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, at, out, 0, n);
        return out;
    }
}
