package dev.peregrine.event.params;

import static java.util.Objects.requireNonNull;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A decoded {@code PT_SOCKTUPLE} parameter: both ends of a connection ({@code connect}, {@code accept}, ...).
 *
 * <p>Layouts (packed, family byte first, {@link SocketFamily}): IPv4 {@code family(1) sip(4) sport(2) dip(4)
 * dport(2)}; IPv6 {@code family(1) sip(16) sport(2) dip(16) dport(2)}; unix {@code family(1) source(8) dest(8)
 * path(NUL-terminated)}, where source and dest are kernel socket pointers. Addresses are network-order bytes, ports
 * and pointers little-endian. {@link #render()} gives libsinsp's {@code evt.arg.tuple} text, e.g.
 * {@code 1.2.3.4:80->5.6.7.8:443}.
 *
 * <p>Decoding allocates the record; the static readers read single values from the segment without allocating.
 */
public sealed interface SocketTuple {
    /** Bytes of an IPv4 tuple. */
    int INET4_BYTES = 1 + 4 + 2 + 4 + 2;
    /** Bytes of an IPv6 tuple. */
    int INET6_BYTES = 1 + 16 + 2 + 16 + 2;
    /** Minimum bytes of a unix tuple: family, two pointers and the path's terminating NUL. */
    int UNIX_MIN_BYTES = 1 + 8 + 8 + 1;

    /*
     * Implementation notes.
     *
     * Rendering follows sinsp_evt::write_socktuple_param_to_storage (libs 48dfd53): an IPv6 tuple whose two
     * addresses are both IPv4-mapped (or all zero) prints as an IPv4 tuple; unix tuples print the two pointers in
     * lower-case hex without padding, then a space and the path; an empty value prints "NULL" (libsinsp's legacy
     * encoding of an absent tuple), a short one "INVALID IPv4"/"INVALID IPv6"/"INVALID PATH"/"INVALID SOCKTUPLE".
     * Ports are never resolved to service names (Falco keeps resolution off).
     */

    /** {@return libsinsp's rendering of this tuple for {@code evt.arg.tuple}} */
    default String render() {
        return appendTo(new StringBuilder()).toString();
    }

    /** Appends {@link #render()}'s text to {@code out}. */
    StringBuilder appendTo(StringBuilder out);

    /** An IPv4 tuple; addresses have the first octet in the high byte. */
    record Inet4(int sip, int sport, int dip, int dport) implements SocketTuple {
        public Inet4 {
            checkPort(sport);
            checkPort(dport);
        }

        @Override
        public StringBuilder appendTo(StringBuilder out) {
            AddressText.appendIpv4(out, sip).append(':').append(sport).append("->");
            return AddressText.appendIpv4(out, dip).append(':').append(dport);
        }
    }

    /** An IPv6 tuple (16-byte network-order addresses). */
    record Inet6(byte[] sip, int sport, byte[] dip, int dport) implements SocketTuple {
        public Inet6 {
            sip = checkIpv6(sip, "sip");
            dip = checkIpv6(dip, "dip");
            checkPort(sport);
            checkPort(dport);
        }

        @Override
        public byte[] sip() {
            return sip.clone();
        }

        @Override
        public byte[] dip() {
            return dip.clone();
        }

        /** {@return whether both addresses are IPv4-mapped (or all zero), so libsinsp treats the tuple as IPv4} */
        public boolean isIpv4Mapped() {
            return AddressText.isIpv4Mapped(sip) && AddressText.isIpv4Mapped(dip);
        }

        /** {@return the IPv4 tuple of the mapped addresses; meaningful when {@link #isIpv4Mapped()}} */
        public Inet4 toInet4() {
            return new Inet4(AddressText.mappedIpv4(sip), sport, AddressText.mappedIpv4(dip), dport);
        }

        @Override
        public StringBuilder appendTo(StringBuilder out) {
            if (isIpv4Mapped()) {
                return toInet4().appendTo(out);
            }
            AddressText.appendIpv6(out, sip).append(':').append(sport).append("->");
            return AddressText.appendIpv6(out, dip).append(':').append(dport);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Inet6 other && other.sport == sport && other.dport == dport
                    && Arrays.equals(other.sip, sip) && Arrays.equals(other.dip, dip);
        }

        @Override
        public int hashCode() {
            return ((Arrays.hashCode(sip) * 31 + sport) * 31 + Arrays.hashCode(dip)) * 31 + dport;
        }

        @Override
        public String toString() {
            return "Inet6[sip=" + AddressText.ipv6(sip) + ", sport=" + sport + ", dip=" + AddressText.ipv6(dip)
                    + ", dport=" + dport + "]";
        }
    }

    /** A unix-domain tuple: the kernel addresses of the two sockets and the path (up to its first NUL). */
    record Unix(long source, long dest, String path) implements SocketTuple {
        public Unix {
            requireNonNull(path, "path is null");
        }

        @Override
        public StringBuilder appendTo(StringBuilder out) {
            return out.append(Long.toHexString(source)).append("->").append(Long.toHexString(dest)).append(' ')
                    .append(path);
        }
    }

    /** A family Peregrine does not decode; libsinsp prints {@code family N}. */
    record Unknown(int family) implements SocketTuple {
        @Override
        public StringBuilder appendTo(StringBuilder out) {
            return out.append("family ").append(family);
        }
    }

    /** An empty ({@code family} -1, {@code length} 0) or too-short value. */
    record Invalid(int family, int length) implements SocketTuple {
        @Override
        public StringBuilder appendTo(StringBuilder out) {
            if (length == 0) {
                return out.append("NULL");
            }
            return out.append(switch (family) {
                case SocketFamily.UNIX -> "INVALID PATH";
                case SocketFamily.INET -> "INVALID IPv4";
                case SocketFamily.INET6 -> "INVALID IPv6";
                default -> "INVALID SOCKTUPLE";
            });
        }
    }

    /**
     * Decodes the {@code PT_SOCKTUPLE} value of {@code length} bytes at {@code offset}.
     *
     * @return the tuple; never null (an empty or short value decodes to {@link Invalid})
     */
    static SocketTuple decode(MemorySegment seg, long offset, int length) {
        requireNonNull(seg, "seg is null");
        if (!isValid(seg, offset, length)) {
            return new Invalid(length == 0 ? -1 : family(seg, offset), length);
        }
        int family = family(seg, offset);
        return switch (family) {
            case SocketFamily.INET -> new Inet4(inet4Sip(seg, offset), inet4Sport(seg, offset),
                    inet4Dip(seg, offset), inet4Dport(seg, offset));
            case SocketFamily.INET6 -> new Inet6(Wire.bytes(seg, offset + 1, 16), inet6Sport(seg, offset),
                    Wire.bytes(seg, offset + 19, 16), inet6Dport(seg, offset));
            case SocketFamily.UNIX -> new Unix(unixSource(seg, offset), unixDest(seg, offset),
                    Wire.cstring(seg, unixPathOffset(offset), length - 17L));
            default -> new Unknown(family);
        };
    }

    /** {@return whether the value is long enough for its family}, as libsinsp's {@code is_socktuple_valid} */
    static boolean isValid(MemorySegment seg, long offset, int length) {
        if (length <= 0) {
            return false;
        }
        return switch (family(seg, offset)) {
            case SocketFamily.INET -> length >= INET4_BYTES;
            case SocketFamily.INET6 -> length >= INET6_BYTES;
            case SocketFamily.UNIX -> length >= UNIX_MIN_BYTES && Wire.u8(seg, offset + length - 1) == 0;
            default -> true;
        };
    }

    /** {@return the family byte ({@link SocketFamily}) of the value at {@code offset}} */
    static int family(MemorySegment seg, long offset) {
        return Wire.u8(seg, offset);
    }

    /** {@return the source address of an IPv4 tuple, first octet in the high byte} */
    static int inet4Sip(MemorySegment seg, long offset) {
        return Wire.ipv4(seg, offset + 1);
    }

    /** {@return the source port of an IPv4 tuple} */
    static int inet4Sport(MemorySegment seg, long offset) {
        return Wire.u16(seg, offset + 5);
    }

    /** {@return the destination address of an IPv4 tuple} */
    static int inet4Dip(MemorySegment seg, long offset) {
        return Wire.ipv4(seg, offset + 7);
    }

    /** {@return the destination port of an IPv4 tuple} */
    static int inet4Dport(MemorySegment seg, long offset) {
        return Wire.u16(seg, offset + 11);
    }

    /** {@return the offset of the 16 source address bytes of an IPv6 tuple} */
    static long inet6SipOffset(long offset) {
        return offset + 1;
    }

    /** {@return the source port of an IPv6 tuple} */
    static int inet6Sport(MemorySegment seg, long offset) {
        return Wire.u16(seg, offset + 17);
    }

    /** {@return the offset of the 16 destination address bytes of an IPv6 tuple} */
    static long inet6DipOffset(long offset) {
        return offset + 19;
    }

    /** {@return the destination port of an IPv6 tuple} */
    static int inet6Dport(MemorySegment seg, long offset) {
        return Wire.u16(seg, offset + 35);
    }

    /** {@return the source socket pointer of a unix tuple} */
    static long unixSource(MemorySegment seg, long offset) {
        return Wire.i64(seg, offset + 1);
    }

    /** {@return the destination socket pointer of a unix tuple} */
    static long unixDest(MemorySegment seg, long offset) {
        return Wire.i64(seg, offset + 9);
    }

    /** {@return the offset of the NUL-terminated path of a unix tuple} */
    static long unixPathOffset(long offset) {
        return offset + 17;
    }

    private static byte[] checkIpv6(byte[] addr, String what) {
        requireNonNull(addr, what + " is null");
        if (addr.length != 16) {
            throw new IllegalArgumentException(what + " needs 16 bytes, got " + addr.length);
        }
        return addr.clone();
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }
}
