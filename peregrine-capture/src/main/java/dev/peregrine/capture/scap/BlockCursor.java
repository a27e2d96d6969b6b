package dev.peregrine.capture.scap;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads little-endian fields from a block body, never past its end: every read that would overrun raises a
 * {@link CorruptBlockException} naming the field and the position.
 */
final class BlockCursor {
    private final byte[] bytes;
    private final int limit;
    private int pos;

    BlockCursor(byte[] bytes, int limit) {
        this.bytes = bytes;
        this.limit = limit;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return limit - pos;
    }

    void seek(long position, String what) throws CorruptBlockException {
        if (position < pos || position > limit) {
            throw new CorruptBlockException(what + " ends at byte " + position + " of a " + limit + "-byte block",
                    pos);
        }
        pos = (int) position;
    }

    private void need(int n, String what) throws CorruptBlockException {
        if (n < 0 || limit - pos < n) {
            throw new CorruptBlockException(
                    what + " needs " + n + " bytes, only " + (limit - pos) + " left in the block", pos);
        }
    }

    int u8(String what) throws CorruptBlockException {
        need(1, what);
        return bytes[pos++] & 0xFF;
    }

    int u16(String what) throws CorruptBlockException {
        need(2, what);
        int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    int i32(String what) throws CorruptBlockException {
        need(4, what);
        int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8 | (bytes[pos + 2] & 0xFF) << 16
                | (bytes[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    long u32(String what) throws CorruptBlockException {
        return Integer.toUnsignedLong(i32(what));
    }

    long i64(String what) throws CorruptBlockException {
        need(8, what);
        long lo = u32(what);
        long hi = u32(what);
        return lo | hi << 32;
    }

    byte[] bytes(int n, String what) throws CorruptBlockException {
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(bytes, pos, out, 0, n);
        pos += n;
        return out;
    }

    void skip(int n, String what) throws CorruptBlockException {
        need(n, what);
        pos += n;
    }

    /** A u16 length followed by that many bytes, read as a C string (up to the first NUL). */
    String lenString(String what) throws CorruptBlockException {
        int n = u16(what + " length");
        return cString(n, what);
    }

    /** {@code n} bytes read as a C string: UTF-8 up to the first NUL. */
    String cString(int n, String what) throws CorruptBlockException {
        need(n, what);
        int end = pos;
        while (end < pos + n && bytes[end] != 0) {
            end++;
        }
        String s = new String(bytes, pos, end - pos, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /** A u16 length followed by NUL-separated strings, split as libsinsp does (one trailing NUL dropped). */
    List<String> lenStringList(String what) throws CorruptBlockException {
        int n = u16(what + " length");
        need(n, what);
        int end = pos + n;
        if (n > 0 && bytes[end - 1] == 0) {
            end--;
        }
        List<String> out = new ArrayList<>();
        if (end > pos) {
            int start = pos;
            for (int i = pos; i <= end; i++) {
                if (i == end || bytes[i] == 0) {
                    out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
        }
        pos += n;
        return out;
    }

    Inet4Address ipv4(String what) throws CorruptBlockException {
        return (Inet4Address) address(bytes(4, what));
    }

    Inet6Address ipv6(String what) throws CorruptBlockException {
        byte[] raw = bytes(16, what);
        InetAddress a = address(raw);
        if (a instanceof Inet6Address v6) {
            return v6;
        }
        // An IPv4-mapped address (::ffff:a.b.c.d) comes back as an Inet4Address; keep the IPv6 form.
        try {
            return Inet6Address.getByAddress(null, raw, null);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes always form an IPv6 address", e);
        }
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes always form an address", e);
        }
    }
}
