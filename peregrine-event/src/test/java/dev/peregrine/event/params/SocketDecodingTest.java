package dev.peregrine.event.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SocketDecodingTest {
    private static final byte[] LOOPBACK6 = ipv6(0, 0, 0, 0, 0, 0, 0, 1);

    static byte[] ipv6(int... words) {
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (words[i] >>> 8);
            out[2 * i + 1] = (byte) words[i];
        }
        return out;
    }

    private static ByteBuffer buf(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] sockaddr4(int a, int b, int c, int d, int port) {
        return buf(7).put((byte) 2).put((byte) a).put((byte) b).put((byte) c).put((byte) d).putShort((short) port)
                .array();
    }

    static byte[] tuple4(byte[] sip, int sport, byte[] dip, int dport) {
        return buf(13).put((byte) 2).put(sip).putShort((short) sport).put(dip).putShort((short) dport).array();
    }

    static byte[] tuple6(byte[] sip, int sport, byte[] dip, int dport) {
        return buf(37).put((byte) 10).put(sip).putShort((short) sport).put(dip).putShort((short) dport).array();
    }

    static byte[] tupleUnix(long src, long dst, String path) {
        byte[] p = (path + "\0").getBytes(StandardCharsets.UTF_8);
        return buf(17 + p.length).put((byte) 1).putLong(src).putLong(dst).put(p).array();
    }

    private static SocketAddress addr(byte[] b) {
        return SocketAddress.decode(MemorySegment.ofArray(b), 0, b.length);
    }

    private static SocketTuple tuple(byte[] b) {
        return SocketTuple.decode(MemorySegment.ofArray(b), 0, b.length);
    }

    @Test
    void decode_inet4Sockaddr_readsAddressAndLittleEndianPort() {
        SocketAddress a = addr(sockaddr4(192, 168, 1, 20, 443));

        assertThat(a).isEqualTo(new SocketAddress.Inet4(0xc0a80114, 443));
        assertThat(a.render()).isEqualTo("192.168.1.20:443");
    }

    @Test
    void decode_inet4SockaddrAtOffset_readsFromOffset() {
        byte[] inner = sockaddr4(10, 0, 0, 1, 65535);
        byte[] b = new byte[inner.length + 5];
        System.arraycopy(inner, 0, b, 5, inner.length);

        assertThat(SocketAddress.decode(MemorySegment.ofArray(b), 5, inner.length).render())
                .isEqualTo("10.0.0.1:65535");
    }

    @Test
    void decode_inet6Sockaddr_rendersCompressedLikeInetNtop() {
        byte[] b = buf(19).put((byte) 10).put(ipv6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x1)).putShort((short) 8080).array();

        SocketAddress a = addr(b);

        assertThat(a).isEqualTo(new SocketAddress.Inet6(ipv6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 8080));
        assertThat(a.render()).isEqualTo("2001:db8::1:8080");
    }

    @Test
    void decode_inet6MappedSockaddr_keepsIpv6TextAsLibsinsp() {
        byte[] b = buf(19).put((byte) 10).put(ipv6(0, 0, 0, 0, 0, 0xffff, 0x7f00, 1)).putShort((short) 80).array();

        SocketAddress a = addr(b);

        assertThat(((SocketAddress.Inet6) a).isIpv4Mapped()).isTrue();
        assertThat(a.render()).isEqualTo("::ffff:127.0.0.1:80");
    }

    @Test
    void decode_unixSockaddr_readsPathToNul() {
        byte[] b = "\u0001/var/run/docker.sock\0".getBytes(StandardCharsets.UTF_8);

        assertThat(addr(b)).isEqualTo(new SocketAddress.Unix("/var/run/docker.sock"));
        assertThat(addr(b).render()).isEqualTo("/var/run/docker.sock");
    }

    @Test
    void decode_otherFamily_isUnknownAndRendersFamilyNumber() {
        byte[] b = {16, 0, 0, 0};

        assertThat(addr(b)).isEqualTo(new SocketAddress.Unknown(16));
        assertThat(addr(b).render()).isEqualTo("family 16");
    }

    @Test
    void decode_emptyOrShortSockaddr_isInvalidAndRendersAsLibsinsp() {
        assertThat(addr(new byte[0]).render()).isEqualTo("<NA>");
        assertThat(addr(new byte[] {2, 1, 2, 3}).render()).isEqualTo("INVALID IPv4");
        assertThat(addr(new byte[] {10, 1, 2, 3}).render()).isEqualTo("INVALID IPv6");
        assertThat(addr(new byte[] {1, 'a', 'b'}).render()).isEqualTo("INVALID PATH");
        assertThat(SocketAddress.isValid(MemorySegment.ofArray(new byte[] {2, 1, 2, 3}), 0, 4)).isFalse();
    }

    @Test
    void decode_inet4Tuple_rendersArrowForm() {
        SocketTuple t = tuple(tuple4(new byte[] {1, 2, 3, 4}, 80, new byte[] {5, 6, 7, 8}, 443));

        assertThat(t).isEqualTo(new SocketTuple.Inet4(0x01020304, 80, 0x05060708, 443));
        assertThat(t.render()).isEqualTo("1.2.3.4:80->5.6.7.8:443");
    }

    @Test
    void staticReaders_inet4Tuple_readWithoutDecoding() {
        MemorySegment s = MemorySegment.ofArray(tuple4(new byte[] {127, 0, 0, 1}, 40000, new byte[] {(byte) 172,
                17, 0, 2}, 53));

        assertThat(SocketTuple.family(s, 0)).isEqualTo(SocketFamily.INET);
        assertThat(SocketTuple.inet4Sip(s, 0)).isEqualTo(0x7f000001);
        assertThat(SocketTuple.inet4Sport(s, 0)).isEqualTo(40000);
        assertThat(SocketTuple.inet4Dip(s, 0)).isEqualTo(0xac110002);
        assertThat(SocketTuple.inet4Dport(s, 0)).isEqualTo(53);
    }

    @Test
    void decode_inet6Tuple_rendersBothEnds() {
        SocketTuple t = tuple(tuple6(LOOPBACK6, 1234, ipv6(0xfe80, 0, 0, 0, 0x1, 0x2, 0x3, 0x4), 22));

        assertThat(t.render()).isEqualTo("::1:1234->fe80::1:2:3:4:22");
        assertThat(((SocketTuple.Inet6) t).isIpv4Mapped()).isFalse();
    }

    @Test
    void decode_inet6TupleBothMapped_rendersAsIpv4() {
        SocketTuple t = tuple(tuple6(ipv6(0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001), 5000,
                ipv6(0, 0, 0, 0, 0, 0, 0, 0), 80));

        assertThat(((SocketTuple.Inet6) t).isIpv4Mapped()).isTrue();
        assertThat(((SocketTuple.Inet6) t).toInet4()).isEqualTo(new SocketTuple.Inet4(0x0a000001, 5000, 0, 80));
        assertThat(t.render()).isEqualTo("10.0.0.1:5000->0.0.0.0:80");
    }

    @Test
    void decode_inet6TupleOneMapped_staysIpv6() {
        SocketTuple t = tuple(tuple6(ipv6(0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001), 5000, LOOPBACK6, 80));

        assertThat(t.render()).isEqualTo("::ffff:10.0.0.1:5000->::1:80");
    }

    @Test
    void decode_unixTuple_rendersHexPointersAndPath() {
        SocketTuple t = tuple(tupleUnix(0xffff9a8b12345678L, 0, "/run/systemd/journal/socket"));

        assertThat(t).isEqualTo(new SocketTuple.Unix(0xffff9a8b12345678L, 0, "/run/systemd/journal/socket"));
        assertThat(t.render()).isEqualTo("ffff9a8b12345678->0 /run/systemd/journal/socket");
    }

    @Test
    void decode_emptyOrShortTuple_rendersAsLibsinsp() {
        assertThat(tuple(new byte[0]).render()).isEqualTo("NULL");
        assertThat(tuple(new byte[] {2, 1, 2, 3, 4, 0, 0}).render()).isEqualTo("INVALID IPv4");
        assertThat(tuple(new byte[] {10, 1}).render()).isEqualTo("INVALID IPv6");
        assertThat(tuple(new byte[] {1, 1, 2}).render()).isEqualTo("INVALID PATH");
        assertThat(tuple(new byte[] {42}).render()).isEqualTo("family 42");
    }

    @Test
    void inet6Record_copiesArraysAndComparesByContent() {
        byte[] a = LOOPBACK6.clone();
        SocketAddress.Inet6 x = new SocketAddress.Inet6(a, 1);
        a[0] = 9;

        assertThat(x).isEqualTo(new SocketAddress.Inet6(LOOPBACK6, 1));
        assertThat(x.hashCode()).isEqualTo(new SocketAddress.Inet6(LOOPBACK6, 1).hashCode());
        assertThatThrownBy(() -> new SocketAddress.Inet6(new byte[4], 1)).hasMessageContaining("16 bytes");
        assertThatThrownBy(() -> new SocketTuple.Inet4(0, 70000, 0, 0)).hasMessageContaining("70000");
    }

    @Test
    void ipv6Text_variousAddresses_matchGlibcInetNtop() {
        assertThat(AddressText.ipv6(ipv6(0, 0, 0, 0, 0, 0, 0, 0))).isEqualTo("::");
        assertThat(AddressText.ipv6(LOOPBACK6)).isEqualTo("::1");
        assertThat(AddressText.ipv6(ipv6(1, 0, 0, 0, 0, 0, 0, 0))).isEqualTo("1::");
        assertThat(AddressText.ipv6(ipv6(1, 0, 1, 0, 1, 0, 1, 0))).isEqualTo("1:0:1:0:1:0:1:0");
        assertThat(AddressText.ipv6(ipv6(1, 0, 0, 2, 0, 0, 3, 4))).isEqualTo("1::2:0:0:3:4");
        assertThat(AddressText.ipv6(ipv6(1, 0, 0, 2, 0, 0, 0, 4))).isEqualTo("1:0:0:2::4");
        assertThat(AddressText.ipv6(ipv6(0, 0, 0, 0, 0, 0, 0x0102, 0x0304))).isEqualTo("::1.2.3.4");
        assertThat(AddressText.ipv6(ipv6(0, 0, 0, 0, 0, 0xffff, 0, 0))).isEqualTo("::ffff:0.0.0.0");
        assertThat(AddressText.ipv6(ipv6(0xfe80, 0, 0, 0, 0xabcd, 0xef, 0x1, 0xffff))).isEqualTo("fe80::abcd:ef:1:ffff");
    }

    @Test
    void decode_randomEncodedTuplesAndAddresses_roundTrip() {
        Random random = new Random(20261126L);
        for (int n = 0; n < 5_000; n++) {
            byte[] sip = new byte[16];
            byte[] dip = new byte[16];
            random.nextBytes(sip);
            random.nextBytes(dip);
            int sport = random.nextInt(65536);
            int dport = random.nextInt(65536);
            byte[] s4 = Arrays.copyOf(sip, 4);
            byte[] d4 = Arrays.copyOf(dip, 4);
            SocketTuple.Inet4 t4 = new SocketTuple.Inet4(ByteBuffer.wrap(s4).getInt(), sport,
                    ByteBuffer.wrap(d4).getInt(), dport);
            SocketTuple.Inet6 t6 = new SocketTuple.Inet6(sip, sport, dip, dport);
            long src = random.nextLong();
            long dst = random.nextLong();
            String path = "/p" + random.nextInt(1000);

            assertThat(tuple(tuple4(s4, sport, d4, dport))).isEqualTo(t4);
            assertThat(tuple(tuple6(sip, sport, dip, dport))).isEqualTo(t6);
            assertThat(tuple(tupleUnix(src, dst, path))).isEqualTo(new SocketTuple.Unix(src, dst, path));
            assertThat(addr(sockaddr4(s4[0] & 0xff, s4[1] & 0xff, s4[2] & 0xff, s4[3] & 0xff, sport)))
                    .isEqualTo(new SocketAddress.Inet4(t4.sip(), sport));
            assertThat(t4.render()).isEqualTo(AddressText.ipv4(t4.sip()) + ":" + sport + "->"
                    + AddressText.ipv4(t4.dip()) + ":" + dport);
        }
    }

    @Test
    void fdList_pointAt_readsEntriesAndClampsCount() {
        byte[] b = buf(2 + 3 * 10).putShort((short) 3).putLong(4).putShort((short) 1).putLong(-1).putShort((short) 0x41)
                .putLong(1L << 40).putShort((short) 0x8000).array();
        FdList l = new FdList().pointAt(MemorySegment.ofArray(b), 0, b.length);

        assertThat(l.count()).isEqualTo(3);
        assertThat(l.fd(0)).isEqualTo(4);
        assertThat(l.flags(0)).isEqualTo(1);
        assertThat(l.fd(1)).isEqualTo(-1);
        assertThat(l.flags(1)).isEqualTo(0x41);
        assertThat(l.fd(2)).isEqualTo(1L << 40);
        assertThat(l.flags(2)).isEqualTo(0x8000);

        l.pointAt(MemorySegment.ofArray(b), 0, 2 + 10 + 3);
        assertThat(l.count()).isEqualTo(1);
        assertThatThrownBy(() -> l.fd(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
