package dev.peregrine.event.params;

/** Text forms of IP addresses as libsinsp prints them (dotted quads; IPv6 as glibc's {@code inet_ntop}). */
final class AddressText {
    /*
     * Implementation notes.
     *
     * libsinsp formats IPv6 addresses with inet_ntop(3). glibc's inet_ntop6 compresses the longest run of at least two
     * zero 16-bit words (the first run on a tie) into "::", prints words in lower-case hex without leading zeros, and
     * prints the last 32 bits as a dotted quad when the address is IPv4-compatible (::a.b.c.d, six leading zero words
     * but not ::1 or ::) or IPv4-mapped (::ffff:a.b.c.d). java.net.Inet6Address compresses nothing, hence this code.
     */

    private static final int IPV6_WORDS = 8;

    private AddressText() {}

    static StringBuilder appendIpv4(StringBuilder out, int addr) {
        return out.append(addr >>> 24).append('.').append((addr >>> 16) & 0xff).append('.')
                .append((addr >>> 8) & 0xff).append('.').append(addr & 0xff);
    }

    static String ipv4(int addr) {
        return appendIpv4(new StringBuilder(15), addr).toString();
    }

    static StringBuilder appendIpv6(StringBuilder out, byte[] addr) {
        int[] words = new int[IPV6_WORDS];
        for (int i = 0; i < IPV6_WORDS; i++) {
            words[i] = ((addr[2 * i] & 0xff) << 8) | (addr[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < IPV6_WORDS; i++) {
            if (words[i] == 0) {
                if (curBase < 0) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase >= 0) {
                if (curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase >= 0 && curLen > bestLen) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        for (int i = 0; i < IPV6_WORDS; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    out.append(':');
                }
                continue;
            }
            if (i != 0) {
                out.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                out.append(addr[12] & 0xff).append('.').append(addr[13] & 0xff).append('.')
                        .append(addr[14] & 0xff).append('.').append(addr[15] & 0xff);
                return out;
            }
            out.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == IPV6_WORDS) {
            out.append(':');
        }
        return out;
    }

    static String ipv6(byte[] addr) {
        return appendIpv6(new StringBuilder(39), addr).toString();
    }

    /** {@return whether libsinsp treats the IPv6 address as an IPv4 one: {@code ::ffff:a.b.c.d} or all zeros} */
    static boolean isIpv4Mapped(byte[] addr) {
        for (int i = 0; i < 10; i++) {
            if (addr[i] != 0) {
                return false;
            }
        }
        if ((addr[10] & 0xff) == 0xff && (addr[11] & 0xff) == 0xff) {
            return true;
        }
        for (int i = 10; i < 16; i++) {
            if (addr[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** {@return the last four bytes of an IPv6 address as an IPv4 int (first octet high)} */
    static int mappedIpv4(byte[] addr) {
        return ((addr[12] & 0xff) << 24) | ((addr[13] & 0xff) << 16) | ((addr[14] & 0xff) << 8) | (addr[15] & 0xff);
    }
}
