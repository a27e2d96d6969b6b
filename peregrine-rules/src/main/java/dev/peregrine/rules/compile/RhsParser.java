package dev.peregrine.rules.compile;

import dev.peregrine.rules.compile.CompileException.Kind;
import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.fields.ValueFormat;
import dev.peregrine.rules.syntax.Pos;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Map;

/**
 * Parses right-hand constants into a field's type once, at compile time, with libsinsp's rules
 * ({@code sinsp_filter_value_parser::string_to_rawval}) and messages.
 */
final class RhsParser {
    /* Implementation notes: numbers follow sscanf("%d"/"%u") as sinsp_numparser uses it: optional blanks and
     * sign, decimal digits only (so "0x10" is rejected like in Falco), no trailing characters; the value is then
     * truncated to the field's width (libsinsp stores it in a narrower integer). Ports also accept a few service
     * names as getservbyname would on a typical /etc/services. */

    /** An IPv4 or IPv6 network: address bytes (4 or 16) and prefix length in bits. */
    record Net(byte[] addr, int prefixBits) {
        boolean contains(byte[] ip) {
            if (ip == null || ip.length != addr.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (ip[i] != addr[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (ip[full] & mask) == (addr[full] & mask);
        }
    }

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger U64_MAX = TWO_64.subtract(BigInteger.ONE);

    private static final Map<String, Integer> SERVICES = Map.ofEntries(
            Map.entry("ftp", 21), Map.entry("ssh", 22), Map.entry("telnet", 23), Map.entry("smtp", 25),
            Map.entry("domain", 53), Map.entry("http", 80), Map.entry("pop3", 110), Map.entry("ntp", 123),
            Map.entry("imap", 143), Map.entry("snmp", 161), Map.entry("ldap", 389), Map.entry("https", 443),
            Map.entry("imaps", 993), Map.entry("pop3s", 995), Map.entry("mysql", 3306),
            Map.entry("postgresql", 5432));

    private RhsParser() {
    }

    static void checkNoNul(String s, Pos pos) throws CompileException {
        if (s.indexOf('\0') >= 0) {
            throw invalid("filter error: filter value cannot contain a NUL byte (\\x00)", pos);
        }
    }

    /** {@return the number as the field type stores it (narrowed), or double bits for {@code DOUBLE}} */
    static long number(String s, FieldType type, Pos pos) throws CompileException {
        checkNoNul(s, pos);
        if (type == FieldType.PORT) {
            return port(s, pos);
        }
        if (type == FieldType.DOUBLE) {
            long v = (int) scan(s, pos, true);
            return Double.doubleToRawLongBits((double) v);
        }
        boolean signed = !ValueFormat.isUnsigned(type);
        return ValueFormat.narrow(type, scan(s, pos, signed));
    }

    /** sscanf-like decimal parsing; the result is the low 64 bits (saturated on overflow). */
    private static long scan(String s, Pos pos, boolean signed) throws CompileException {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == start || i != s.length()) {
            throw invalid(s + " is not a valid number", pos);
        }
        BigInteger v = new BigInteger(s.substring(start, i));
        if (signed) {
            BigInteger max = BigInteger.valueOf(Long.MAX_VALUE);
            if (v.compareTo(max) > 0) {
                return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            return neg ? -v.longValue() : v.longValue();
        }
        if (v.compareTo(U64_MAX) > 0) {
            return -1L;
        }
        return neg ? -v.longValue() : v.longValue();
    }

    private static long port(String s, Pos pos) throws CompileException {
        if (s.isEmpty()) {
            return 0;
        }
        boolean digits = s.chars().allMatch(c -> c >= '0' && c <= '9');
        if (digits) {
            BigInteger v = new BigInteger(s);
            if (v.bitLength() > 31) {
                throw invalid(s + " is not a valid number", pos);
            }
            return v.intValue() & 0xffff;
        }
        Integer p = SERVICES.get(s);
        if (p == null) {
            throw invalid("unrecognized protocol " + s, pos);
        }
        return p;
    }

    static long bool(String s, Pos pos) throws CompileException {
        checkNoNul(s, pos);
        return switch (s) {
            case "true" -> 1;
            case "false" -> 0;
            default -> throw invalid("filter error: unrecognized boolean value " + s, pos);
        };
    }

    /** {@return the address bytes for a value of an address-typed field} */
    static byte[] address(String s, FieldType type, Pos pos) throws CompileException {
        checkNoNul(s, pos);
        return switch (type) {
            case IPV4ADDR -> ipv4(s, "unrecognized IPv4 address " + s, pos);
            case IPV6ADDR -> ipv6(s, "unrecognized IPv6 address " + s, pos);
            default -> s.indexOf('.') >= 0 ? ipv4(s, "unrecognized IPv4 address " + s, pos)
                    : ipv6(s, "unrecognized IPv6 address " + s, pos);
        };
    }

    /** {@return the network for a value of a network-typed field ({@code fd.net})} */
    static Net network(String s, FieldType type, Pos pos) throws CompileException {
        checkNoNul(s, pos);
        boolean v4 = type == FieldType.IPV4NET || (type != FieldType.IPV6NET && s.indexOf('.') >= 0);
        int slash = s.indexOf('/');
        if (v4) {
            if (slash < 0) {
                throw invalid("unrecognized IP network " + s, pos);
            }
            byte[] ip = ipv4(s.substring(0, slash), "unrecognized IP address " + s, pos);
            String mask = s.substring(slash + 1);
            long bits = u8(mask, pos);
            if (bits > 32) {
                throw invalid("invalid netmask " + mask, pos);
            }
            return new Net(ip, (int) bits);
        }
        if (slash < 0) {
            throw invalid("invalid v6 netmask: " + s, pos);
        }
        byte[] ip = ipv6(s.substring(0, slash), "unrecognized IPv6 address " + s, pos);
        String mask = s.substring(slash + 1);
        long bits = u8(mask, pos);
        if (bits == 0 || bits > 128) {
            throw invalid("invalid v6 netmask " + mask, pos);
        }
        return new Net(ip, (int) bits);
    }

    private static long u8(String s, Pos pos) throws CompileException {
        int slash = s.indexOf('/');
        String m = slash >= 0 ? s.substring(0, slash) : s;
        return scan(m, pos, false) & 0xff;
    }

    static byte[] ipv4(String s, String message, Pos pos) throws CompileException {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw invalid(message, pos);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                throw invalid(message, pos);
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c < '0' || c > '9') {
                    throw invalid(message, pos);
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                throw invalid(message, pos);
            }
            out[i] = (byte) v;
        }
        return out;
    }

    static byte[] ipv6(String s, String message, Pos pos) throws CompileException {
        // only hex digits, ':' and '.' may reach the JDK parser, so it never consults a name service
        if (s.indexOf(':') < 0 || !s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0
                && c < 128)) {
            throw invalid(message, pos);
        }
        if (s.indexOf('.') >= 0) {
            int lastColon = s.lastIndexOf(':');
            ipv4(s.substring(lastColon + 1), message, pos);
        }
        InetAddress a;
        try {
            a = Inet6Address.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw invalid(message, pos);
        }
        if (a instanceof Inet4Address v4) {
            byte[] out = new byte[16];
            out[10] = (byte) 0xff;
            out[11] = (byte) 0xff;
            System.arraycopy(v4.getAddress(), 0, out, 12, 4);
            return out;
        }
        return a.getAddress();
    }

    private static CompileException invalid(String message, Pos pos) {
        return new CompileException(Kind.INVALID, message, pos);
    }
}
