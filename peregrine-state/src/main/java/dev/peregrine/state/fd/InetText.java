package dev.peregrine.state.fd;

/**
 * Text forms of addresses as libsinsp prints them in descriptor names: dotted IPv4, and IPv6 as {@code inet_ntop}
 * writes it (RFC 5952: lower-case hex, the longest run of two or more zero groups folded to {@code ::}, IPv4-mapped
 * and IPv4-compatible addresses with a dotted tail).
 */
public final class InetText {
    private InetText() {
    }

    /** {@return {@code ip} (first octet in the most significant byte) in dotted form} */
    public static String ipv4(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
    }

    /** {@return a 16-byte IPv6 address as inet_ntop prints it} */
    public static String ipv6(byte[] a) {
        if (a.length != FdState.IPV6_BYTES) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + a.length);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        }
        boolean v4Tail = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0
                && (g[5] == 0xFFFF || (g[5] == 0 && (g[6] != 0 || g[7] > 1)));
        if (v4Tail) {
            String tail = (a[12] & 0xFF) + "." + (a[13] & 0xFF) + "." + (a[14] & 0xFF) + "." + (a[15] & 0xFF);
            return g[5] == 0xFFFF ? "::ffff:" + tail : "::" + tail;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8;) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** {@return whether a 16-byte address is IPv4-mapped ({@code ::ffff:a.b.c.d}), as libsinsp tests it} */
    public static boolean isIpv4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        int b10 = a[10] & 0xFF;
        int b11 = a[11] & 0xFF;
        if (b10 == 0xFF && b11 == 0xFF) {
            return true;
        }
        // libsinsp also treats the all-zero address as mapped (the unspecified address of both ends).
        if (b10 == 0 && b11 == 0) {
            return (a[12] | a[13] | a[14] | a[15]) == 0;
        }
        return false;
    }

    /** {@return the IPv4 address in the last four bytes of a 16-byte address} */
    public static int mappedIpv4(byte[] a) {
        return ((a[12] & 0xFF) << 24) | ((a[13] & 0xFF) << 16) | ((a[14] & 0xFF) << 8) | (a[15] & 0xFF);
    }
}
