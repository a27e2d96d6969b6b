package dev.peregrine.event.params;

import static java.util.Objects.requireNonNull;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A decoded {@code PT_SOCKADDR} parameter: the address of a {@code connect}, {@code bind}, {@code sendto}, ... as the
 * driver packs it.
 *
 * <p>Layouts (packed, family byte first, {@link SocketFamily}): IPv4 {@code family(1) ip(4, network order)
 * port(2, little-endian)}; IPv6 {@code family(1) ip(16) port(2)}; unix {@code family(1) path(NUL-terminated)}; other
 * families carry nothing Peregrine decodes. {@link #render()} gives libsinsp's {@code evt.arg} text.
 *
 * <p>Decoding allocates the record; the static readers ({@link #family}, {@link #inet4Addr}, {@link #inet4Port},
 * ...) read single values straight from the segment for callers that must not allocate.
 */
public sealed interface SocketAddress {
    /** Bytes of an IPv4 sockaddr: family, address, port. */
    int INET4_BYTES = 1 + 4 + 2;
    /** Bytes of an IPv6 sockaddr: family, address, port. */
    int INET6_BYTES = 1 + 16 + 2;
    /** Minimum bytes of a unix sockaddr: family and the path's terminating NUL. */
    int UNIX_MIN_BYTES = 2;

    /*
     * Implementation notes.
     *
     * Validity follows libsinsp's sinsp_utils::is_sockaddr_valid (libs 48dfd53): a parameter too short for its
     * family, or a unix path whose last byte is not NUL, is Invalid and renders "INVALID IPv4"/"INVALID IPv6"/
     * "INVALID PATH"; an empty parameter is Invalid with family -1 and renders "<NA>" as libsinsp does. libsinsp
     * renders IPv6 sockaddrs with inet_ntop even when IPv4-mapped (only tuples fold mapped addresses), and never
     * resolves port names here (hostname/port resolution is off in Falco).
     */

    /** {@return libsinsp's rendering of this address for {@code evt.arg.addr}} */
    default String render() {
        return appendTo(new StringBuilder()).toString();
    }

    /** Appends {@link #render()}'s text to {@code out}. */
    StringBuilder appendTo(StringBuilder out);

    /** An IPv4 address; {@code addr} has the first octet in its high byte (1.2.3.4 is 0x01020304). */
    record Inet4(int addr, int port) implements SocketAddress {
        public Inet4 {
            checkPort(port);
        }

        @Override
        public StringBuilder appendTo(StringBuilder out) {
            return AddressText.appendIpv4(out, addr).append(':').append(port);
        }
    }

    /** An IPv6 address (16 bytes, network order). */
    record Inet6(byte[] addr, int port) implements SocketAddress {
        public Inet6 {
            requireNonNull(addr, "addr is null");
            if (addr.length != 16) {
                throw new IllegalArgumentException("IPv6 address needs 16 bytes, got " + addr.length);
            }
            addr = addr.clone();
            checkPort(port);
        }

        @Override
        public byte[] addr() {
            return addr.clone();
        }

        /** {@return whether libsinsp treats the address as IPv4 ({@code ::ffff:a.b.c.d} or {@code ::})} */
        public boolean isIpv4Mapped() {
            return AddressText.isIpv4Mapped(addr);
        }

        @Override
        public StringBuilder appendTo(StringBuilder out) {
            return AddressText.appendIpv6(out, addr).append(':').append(port);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Inet6 other && other.port == port && Arrays.equals(other.addr, addr);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(addr) * 31 + port;
        }

        @Override
        public String toString() {
            return "Inet6[addr=" + AddressText.ipv6(addr) + ", port=" + port + "]";
        }
    }

    /** A unix-domain path (up to its first NUL; abstract sockets as the driver reports them). */
    record Unix(String path) implements SocketAddress {
        public Unix {
            requireNonNull(path, "path is null");
        }

        @Override
        public StringBuilder appendTo(StringBuilder out) {
            return out.append(path);
        }
    }

    /** A family Peregrine does not decode ({@code PPM_AF_NETLINK}, ...); libsinsp prints {@code family N}. */
    record Unknown(int family) implements SocketAddress {
        @Override
        public StringBuilder appendTo(StringBuilder out) {
            return out.append("family ").append(family);
        }
    }

    /**
     * A parameter too short for its family, or empty ({@code family} -1, {@code length} 0): libsinsp renders
     * {@code <NA>} for an empty one and {@code INVALID IPv4}/{@code IPv6}/{@code PATH}/{@code SOCKADDR} otherwise.
     */
    record Invalid(int family, int length) implements SocketAddress {
        @Override
        public StringBuilder appendTo(StringBuilder out) {
            if (length == 0) {
                return out.append("<NA>");
            }
            return out.append(switch (family) {
                case SocketFamily.UNIX -> "INVALID PATH";
                case SocketFamily.INET -> "INVALID IPv4";
                case SocketFamily.INET6 -> "INVALID IPv6";
                default -> "INVALID SOCKADDR";
            });
        }
    }

    /**
     * Decodes the {@code PT_SOCKADDR} value of {@code length} bytes at {@code offset}.
     *
     * @return the address; never null (an empty or short value decodes to {@link Invalid})
     */
    static SocketAddress decode(MemorySegment seg, long offset, int length) {
        requireNonNull(seg, "seg is null");
        if (!isValid(seg, offset, length)) {
            return new Invalid(length == 0 ? -1 : family(seg, offset), length);
        }
        int family = family(seg, offset);
        return switch (family) {
            case SocketFamily.INET -> new Inet4(inet4Addr(seg, offset), inet4Port(seg, offset));
            case SocketFamily.INET6 -> new Inet6(Wire.bytes(seg, offset + 1, 16), inet6Port(seg, offset));
            case SocketFamily.UNIX -> new Unix(Wire.cstring(seg, offset + 1, length - 1L));
            default -> new Unknown(family);
        };
    }

    /**
     * {@return whether the value is long enough for its family (and a unix path ends in NUL)}, as libsinsp's
     * {@code is_sockaddr_valid}; the static readers below need a valid value
     */
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

    /** {@return the address of an IPv4 value, first octet in the high byte} */
    static int inet4Addr(MemorySegment seg, long offset) {
        return Wire.ipv4(seg, offset + 1);
    }

    /** {@return the port of an IPv4 value} */
    static int inet4Port(MemorySegment seg, long offset) {
        return Wire.u16(seg, offset + 5);
    }

    /** {@return the port of an IPv6 value} */
    static int inet6Port(MemorySegment seg, long offset) {
        return Wire.u16(seg, offset + 17);
    }

    /** {@return the offset of the 16 address bytes of an IPv6 value} */
    static long inet6AddrOffset(long offset) {
        return offset + 1;
    }

    /** {@return the offset of the NUL-terminated path of a unix value} */
    static long unixPathOffset(long offset) {
        return offset + 1;
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }
}
