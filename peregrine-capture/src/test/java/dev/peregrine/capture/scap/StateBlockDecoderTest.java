package dev.peregrine.capture.scap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.FdType;
import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.MachineInfo;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StateBlockDecoderTest {

    private static ScapBlock decode(BlockType type, byte[] body) throws CorruptBlockException {
        return StateBlockDecoder.decode(type, 100, body, body.length);
    }

    /** The fixed part of a process entry of {@code version}, from tid to the end of the versioned fields. */
    private static ScapBytes.Le processFixed(int version, long tid) {
        ScapBytes.Le e = ScapBytes.le().putLong(tid).putLong(tid - 1).putLong(1);
        if (version >= 6) {
            e.putLong(55);
        }
        if (version >= 8) {
            e.putLong(66);
        }
        e.lenString("bash").lenString("/bin/bash");
        if (version >= 7) {
            e.lenString("/usr/bin/bash");
        }
        e.lenBytes(ScapBytes.str("-c\0echo hi")).lenString("/root");
        e.putLong(1024).putInt(0x2).putInt(1000).putInt(1001);
        if (version >= 2) {
            e.putInt(4000).putInt(3000).putInt(20).putLong(7).putLong(8);
            if (version >= 3) {
                e.lenBytes(ScapBytes.str("HOME=/root\0TERM=xterm"));
            }
            if (version >= 4) {
                e.putLong(tid + 100).putLong(tid + 99).lenBytes(ScapBytes.str("cpu=/a\0memory=/b"));
                if (version >= 5) {
                    e.lenString("/");
                }
            }
        }
        return e;
    }

    @Test
    void decode_processListV1_readsBaseFieldsAndKeepsDefaults() throws Exception {
        byte[] body = processFixed(1, 42).array();

        ScapBlock.Processes p = (ScapBlock.Processes) decode(BlockType.PL_V1, body);

        ThreadInfo t = p.threads().getFirst();
        assertThat(t.tid()).isEqualTo(42);
        assertThat(t.pid()).isEqualTo(41);
        assertThat(t.comm()).isEqualTo("bash");
        assertThat(t.exe()).isEqualTo("/bin/bash");
        assertThat(t.args()).containsExactly("-c", "echo hi");
        assertThat(t.cwd()).isEqualTo("/root");
        assertThat(t.uid()).isEqualTo(1000);
        assertThat(t.gid()).isEqualTo(1001);
        assertThat(t.sid()).isEqualTo(-1);
        assertThat(t.vtid()).isEqualTo(-1);
        assertThat(t.env()).isEmpty();
        assertThat(t.loginuid()).isEqualTo(ThreadInfo.UNSET_LOGINUID);
        assertThat(t.vmsizeKb()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = BlockType.class, names = {"PL_V1", "PL_V1_INT", "PL_V2", "PL_V2_INT", "PL_V3", "PL_V3_INT",
            "PL_V4", "PL_V5", "PL_V6", "PL_V7", "PL_V8"})
    void decode_processListEachVersion_fieldsOfThatVersionOnly(BlockType type) throws Exception {
        int v = type.version();
        ScapBytes.Le body = processFixed(v, 42);
        body.put(processFixed(v, 43).array());

        List<ThreadInfo> ts = ((ScapBlock.Processes) decode(type, body.array())).threads();

        assertThat(ts).extracting(ThreadInfo::tid).containsExactly(42L, 43L);
        ThreadInfo t = ts.getLast();
        assertThat(t.comm()).isEqualTo("bash");
        assertThat(t.gid()).isEqualTo(1001);
        assertThat(t.vmsizeKb()).isEqualTo(v >= 2 ? 4000 : 0);
        assertThat(t.env()).hasSize(v >= 3 ? 2 : 0);
        assertThat(t.vtid()).isEqualTo(v >= 4 ? 143 : -1);
        assertThat(t.root()).isEqualTo(v >= 5 ? "/" : "");
        assertThat(t.sid()).isEqualTo(v >= 6 ? 55 : -1);
        assertThat(t.exepath()).isEqualTo(v >= 7 ? "/usr/bin/bash" : "");
        assertThat(t.vpgid()).isEqualTo(v >= 8 ? 66 : -1);
    }

    @Test
    void decode_processListV5_readsEnvCgroupsRoot() throws Exception {
        byte[] body = processFixed(5, 42).put(new byte[3]).array();

        ThreadInfo t = ((ScapBlock.Processes) decode(BlockType.PL_V5, body)).threads().getFirst();

        assertThat(t.vmsizeKb()).isEqualTo(4000);
        assertThat(t.pfminor()).isEqualTo(8);
        assertThat(t.env()).containsExactly("HOME=/root", "TERM=xterm");
        assertThat(t.vtid()).isEqualTo(142);
        assertThat(t.vpid()).isEqualTo(141);
        assertThat(t.cgroups()).containsExactly("cpu=/a", "memory=/b");
        assertThat(t.root()).isEqualTo("/");
        assertThat(t.sid()).isEqualTo(-1);
        assertThat(t.exepath()).isEmpty();
    }

    @Test
    void decode_processListV8TwoEntries_readsSidVpgidExepath() throws Exception {
        ScapBytes.Le e = processFixed(8, 10);
        e.put(processFixed(8, 20).array());

        List<ThreadInfo> ts = ((ScapBlock.Processes) decode(BlockType.PL_V8, e.array())).threads();

        assertThat(ts).extracting(ThreadInfo::tid).containsExactly(10L, 20L);
        assertThat(ts.getFirst().sid()).isEqualTo(55);
        assertThat(ts.getFirst().vpgid()).isEqualTo(66);
        assertThat(ts.getFirst().exepath()).isEqualTo("/usr/bin/bash");
    }

    @Test
    void decode_processListV9FullTail_readsEveryOptionalField() throws Exception {
        byte[] fixed = processFixed(9, 42).array();
        byte[] tail = ScapBytes.le().putLong(123_456).putInt(34816).putInt(1000).putByte(1).putLong(0x1)
                .putLong(0x3).putLong(0x7).putByte(1).putLong(999).putLong(111).putLong(222).putByte(1).putByte(1)
                .putLong(77).array();
        byte[] body = ScapBytes.le().putInt(4 + fixed.length + tail.length).put(fixed).put(tail).array();

        ThreadInfo t = ((ScapBlock.Processes) decode(BlockType.PL_V9, body)).threads().getFirst();

        assertThat(t.pidnsInitStartTs()).isEqualTo(123_456);
        assertThat(t.tty()).isEqualTo(34816);
        assertThat(t.loginuid()).isEqualTo(1000);
        assertThat(t.exeWritable()).isTrue();
        assertThat(t.capInheritable()).isEqualTo(1);
        assertThat(t.capPermitted()).isEqualTo(3);
        assertThat(t.capEffective()).isEqualTo(7);
        assertThat(t.exeUpperLayer()).isTrue();
        assertThat(t.exeIno()).isEqualTo(999);
        assertThat(t.exeInoCtime()).isEqualTo(111);
        assertThat(t.exeInoMtime()).isEqualTo(222);
        assertThat(t.exeFromMemfd()).isTrue();
        assertThat(t.exeLowerLayer()).isTrue();
        assertThat(t.pgid()).isEqualTo(77);
    }

    @Test
    void decode_processListV9Pre010Tail_readsLoginuidWithoutPidnsAndTty() throws Exception {
        byte[] fixed = processFixed(9, 42).array();
        byte[] tail = ScapBytes.le().putInt(1000).putByte(0).putLong(0x1).putLong(0x3).putLong(0x7).array();
        byte[] body = ScapBytes.le().putInt(4 + fixed.length + tail.length).put(fixed).put(tail).array();

        ThreadInfo t = ((ScapBlock.Processes) decode(BlockType.PL_V9, body)).threads().getFirst();

        assertThat(t.loginuid()).isEqualTo(1000);
        assertThat(t.capEffective()).isEqualTo(7);
        assertThat(t.pidnsInitStartTs()).isZero();
        assertThat(t.tty()).isZero();
    }

    @Test
    void decode_processListV9UnknownTrailingFields_skipsThem() throws Exception {
        byte[] fixed = processFixed(9, 42).array();
        int extra = 200;
        ScapBytes.Le e = ScapBytes.le().putInt(4 + fixed.length + extra).put(fixed).put(new byte[extra]);
        e.put(ScapBytes.le().putInt(4 + fixed.length).put(processFixed(9, 43).array()).array());

        List<ThreadInfo> ts = ((ScapBlock.Processes) decode(BlockType.PL_V9, e.array())).threads();

        assertThat(ts).extracting(ThreadInfo::tid).containsExactly(42L, 43L);
    }

    @Test
    void decode_processEntryLengthBelowFixedFields_throwsWithPosition() {
        byte[] fixed = processFixed(9, 42).array();
        byte[] body = ScapBytes.le().putInt(10).put(fixed).array();

        assertThatThrownBy(() -> decode(BlockType.PL_V9, body)).isInstanceOf(CorruptBlockException.class)
                .hasMessage("process entry of tid 42 has length 10 but its fixed fields take " + body.length
                        + " bytes");
    }

    @Test
    void decode_stringOverrunsBlock_throwsNamingTheField() {
        byte[] body = ScapBytes.le().putLong(1).putLong(1).putLong(1).putShort((short) 500).put(new byte[10])
                .array();

        assertThatThrownBy(() -> decode(BlockType.PL_V2, body)).isInstanceOf(CorruptBlockException.class)
                .hasMessage("comm needs 500 bytes, only 10 left in the block")
                .extracting(e -> ((CorruptBlockException) e).position()).isEqualTo(26);
    }

    @Test
    void decode_fdListV2_readsEachKind() throws Exception {
        ScapBytes.Le b = ScapBytes.le().putLong(77);
        byte[] file = ScapBytes.le().putLong(3).putLong(1234).putByte(16).putInt(0x241).lenString("/tmp/f")
                .putInt(2049).array();
        b.putInt(4 + file.length).put(file);
        byte[] sock = ScapBytes.le().putLong(4).putLong(0).putByte(3).put(new byte[] {10, 0, 0, 1})
                .put(new byte[] {(byte) 142, (byte) 250, 1, 1}).putShort((short) 40000).putShort((short) 443)
                .putByte(1).array();
        b.putInt(4 + sock.length).put(sock);
        byte[] unix = ScapBytes.le().putLong(5).putLong(9).putByte(8).putLong(0xabc).putLong(0xdef)
                .lenString("/run/x.sock").array();
        b.putInt(4 + unix.length).put(unix);
        byte[] v6srv = ScapBytes.le().putLong(6).putLong(0).putByte(6).put(new byte[16]).putShort((short) 22)
                .putByte(1).array();
        b.putInt(4 + v6srv.length).put(v6srv);
        byte[] future = ScapBytes.le().putLong(7).putLong(0).putByte(99).put(new byte[5]).array();
        b.putInt(4 + future.length).put(future);
        byte[] pipe = ScapBytes.le().putLong(8).putLong(5).putByte(7).lenString("pipe:[5]").array();
        b.putInt(4 + pipe.length).put(pipe);

        ScapBlock.Fds fds = (ScapBlock.Fds) decode(BlockType.FDL_V2, b.array());

        assertThat(fds.tid()).isEqualTo(77);
        assertThat(fds.fds()).containsExactly(
                new FdInfo.RegularFile(3, 1234, 0x241, "/tmp/f", 2049),
                new FdInfo.Ipv4Socket(4, 0, (Inet4Address) InetAddress.getByName("10.0.0.1"),
                        (Inet4Address) InetAddress.getByName("142.250.1.1"), 40000, 443, 1),
                new FdInfo.UnixSocket(5, 9, 0xabc, 0xdef, "/run/x.sock"),
                new FdInfo.Ipv6ServerSocket(6, 0, Inet6Address.getByAddress(null, new byte[16], null), 22, 1),
                new FdInfo.Named(7, 0, FdType.UNSUPPORTED, "unknown-type:[99]"),
                new FdInfo.Named(8, 5, FdType.FIFO, "pipe:[5]"));
    }

    @Test
    void decode_fdListV1_fileV2WithoutDev() throws Exception {
        byte[] body = ScapBytes.le().putLong(77).putLong(3).putLong(1).putByte(16).putInt(1).lenString("/etc/x")
                .putLong(4).putLong(2).putByte(2).lenString("/etc").array();

        ScapBlock.Fds fds = (ScapBlock.Fds) decode(BlockType.FDL, body);

        assertThat(fds.fds()).containsExactly(new FdInfo.RegularFile(3, 1, 1, "/etc/x", 0),
                new FdInfo.Named(4, 2, FdType.DIRECTORY, "/etc"));
    }

    @Test
    void decode_interfaceListV1_readsAllFourKinds() throws Exception {
        byte[] body = ScapBytes.le()
                .putShort((short) 1).putShort((short) 2).put(new byte[] {127, 0, 0, 1})
                .put(new byte[] {(byte) 255, 0, 0, 0}).put(new byte[] {127, (byte) 255, (byte) 255, (byte) 255})
                .putLong(1000).put("lo".getBytes())
                .putShort((short) 3).putShort((short) 4).put(new byte[] {10, 0, 0, 2})
                .put(new byte[] {(byte) 255, (byte) 255, (byte) 255, 0}).put(new byte[] {10, 0, 0, (byte) 255})
                .put("eth0".getBytes())
                .putShort((short) 2).putShort((short) 2).put(new byte[48]).putLong(5).put("lo".getBytes())
                .putShort((short) 4).putShort((short) 4).put(new byte[48]).put("eth0".getBytes())
                .array();

        List<NetInterface> ifs = ((ScapBlock.Interfaces) decode(BlockType.IL, body)).interfaces();

        assertThat(ifs).extracting(NetInterface::name).containsExactly("lo", "eth0", "lo", "eth0");
        NetInterface.Ipv4 lo = (NetInterface.Ipv4) ifs.getFirst();
        assertThat(lo.addr().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(lo.netmask().getHostAddress()).isEqualTo("255.0.0.0");
        assertThat(lo.linkspeed()).isEqualTo(1000);
        assertThat(((NetInterface.Ipv4) ifs.get(1)).linkspeed()).isZero();
        assertThat(((NetInterface.Ipv6) ifs.get(2)).linkspeed()).isEqualTo(5);
    }

    @Test
    void decode_interfaceListV2_skipsByEntryLength() throws Exception {
        byte[] entry = ScapBytes.le().putShort((short) 1).putShort((short) 2).put(new byte[] {127, 0, 0, 1})
                .put(new byte[4]).put(new byte[4]).putLong(0).put("lo".getBytes()).put(new byte[6]).array();
        byte[] body = ScapBytes.le().putInt(entry.length).put(entry).putInt(entry.length).put(entry).array();

        List<NetInterface> ifs = ((ScapBlock.Interfaces) decode(BlockType.IL_V2, body)).interfaces();

        assertThat(ifs).hasSize(2).allSatisfy(i -> assertThat(i.name()).isEqualTo("lo"));
    }

    @Test
    void decode_interfaceUnknownType_throws() {
        byte[] body = ScapBytes.le().putShort((short) 9).putShort((short) 0).putInt(0).array();

        assertThatThrownBy(() -> decode(BlockType.IL, body)).hasMessage("unknown interface type 9");
    }

    @Test
    void decode_userListV1AndV2_readsUsersAndGroups() throws Exception {
        byte[] v1 = ScapBytes.le().putByte(0).putInt(0).putInt(0).lenString("root").lenString("/root")
                .lenString("/bin/bash").putByte(1).putInt(27).lenString("sudo").array();
        byte[] user = ScapBytes.le().putByte(0).putInt(1000).putInt(1000).lenString("ann").lenString("/home/ann")
                .lenString("/bin/zsh").put(new byte[3]).array();
        byte[] group = ScapBytes.le().putByte(1).putInt(100).lenString("users").array();
        byte[] v2 = ScapBytes.le().putInt(4 + user.length).put(user).putInt(4 + group.length).put(group).array();

        ScapBlock.Users u1 = (ScapBlock.Users) decode(BlockType.UL, v1);
        ScapBlock.Users u2 = (ScapBlock.Users) decode(BlockType.UL_V2, v2);

        assertThat(u1.users()).containsExactly(new UserInfo(0, 0, "root", "/root", "/bin/bash"));
        assertThat(u1.groups()).containsExactly(new GroupInfo(27, "sudo"));
        assertThat(u2.users()).containsExactly(new UserInfo(1000, 1000, "ann", "/home/ann", "/bin/zsh"));
        assertThat(u2.groups()).containsExactly(new GroupInfo(100, "users"));
    }

    @Test
    void decode_machineInfo_readsHostnameAndBootTime() throws Exception {
        byte[] host = new byte[128];
        System.arraycopy("box".getBytes(), 0, host, 0, 3);
        byte[] body = ScapBytes.le().putInt(8).putLong(16L << 30).putLong(4_194_304).put(host).putLong(1_700L)
                .putLong(1).putLong(0).putLong(0).array();

        ScapBlock.Machine m = (ScapBlock.Machine) decode(BlockType.MI, body);

        assertThat(m.info()).isEqualTo(new MachineInfo(8, 16L << 30, 4_194_304, "box", 1_700L, 1));
        assertThat(m.offset()).isEqualTo(100);
    }
}
