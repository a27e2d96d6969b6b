package dev.peregrine.rules.fields;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.event.EventBuilder;
import dev.peregrine.event.EventView;
import dev.peregrine.state.StateEngine;
import java.lang.management.ManagementFactory;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Syscall field extraction over synthetic events and a real state engine, against libsinsp's semantics. */
class SyscallBindingTest {
    static final long INIT = 1;
    static final long BASH = 100;
    /** 2016-08-04T16:17:57.881781397Z, the first alert of Falco's cat_write golden output. */
    static final long TS = 1470327477881781397L;

    final FieldCatalog catalog = FieldCatalogs.forSource("syscall").orElseThrow();
    final SyscallBinding binding = new SyscallBinding();
    StateEngine state;
    SyscallEvent event;
    long num;

    @BeforeEach
    void setUp() {
        state = new StateEngine();
        state.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(INIT).pid(INIT).vtid(INIT).vpid(INIT).ptid(0).comm("systemd")
                        .exe("/sbin/init").cwd("/").build(),
                ThreadInfo.builder().tid(BASH).pid(BASH).vtid(BASH).vpid(BASH).ptid(INIT).sid(BASH).vpgid(BASH)
                        .comm("bash").exe("/bin/bash").exepath("/bin/bash").cwd("/home/u").uid(1000).gid(1000)
                        .loginuid(1000).args(List.of("-i")).build())));
        state.onBlock(new ScapBlock.Fds(0, BlockType.FDL_V2, BASH, List.of(
                new FdInfo.RegularFile(0, 10, 2, "/dev/pts/0", 0))));
        state.onBlock(new ScapBlock.Users(0, BlockType.UL, List.of(new UserInfo(1000, 1000, "alice", "/home/u",
                "/bin/bash")), List.of(new GroupInfo(1000, "staff"))));
        event = SyscallEvent.over(state, "host-a", ZoneOffset.UTC);
    }

    void feed(EventBuilder e) {
        EventView v = e.view();
        state.onEvent(v);
        event.next(v, ++num);
    }

    Values extract(String name, String arg) {
        try {
            ResolvedField f = catalog.resolve(name, arg).orElseThrow();
            Values out = new Values();
            return binding.bind(f).extract(event, out) ? out : null;
        } catch (FieldArgumentException e) {
            throw new AssertionError(e);
        }
    }

    private Values extract(String name) {
        return extract(name, null);
    }

    String text(String name) {
        Values v = extract(name);
        if (v == null) {
            return null;
        }
        FieldInfo info;
        try {
            info = catalog.resolve(name, null).orElseThrow().info();
        } catch (FieldArgumentException e) {
            throw new AssertionError(e);
        }
        return ValueFormat.toText(info.type(), info.isList(), v);
    }

    private static EventBuilder openExit(long ts, long fd, String name, int flags) {
        return EventBuilder.of("PPME_SYSCALL_OPEN_X", ts, BASH).i64(fd).str(name).u32(flags).u32(0).u32(0).u64(0);
    }

    @Test
    void evtFields_openExit_typeDirResultAndArgs() {
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("evt.num")).isEqualTo("1");
        assertThat(text("evt.type")).isEqualTo("open");
        assertThat(text("evt.dir")).isEqualTo("<");
        assertThat(text("evt.res")).isEqualTo("SUCCESS");
        assertThat(text("evt.rawres")).isEqualTo("3");
        assertThat(text("evt.failed")).isEqualTo("false");
        assertThat(text("evt.is_open_read")).isEqualTo("true");
        assertThat(text("evt.is_open_write")).isEqualTo("false");
        assertThat(text("evt.hostname")).isEqualTo("host-a");
        assertThat(text("evt.source")).isEqualTo("syscall");
        assertThat(text("evt.category")).isEqualTo("file");
        assertThat(extract("evt.arg.name", null).stringAt(0)).isEqualTo("/etc/passwd");
        assertThat(extract("evt.arg", "1").stringAt(0)).isEqualTo("/etc/passwd");
        assertThat(extract("evt.arg.fd", null).stringAt(0)).isEqualTo("<f>/etc/passwd");
        assertThat(extract("evt.rawarg.fd", null).stringAt(0)).isEqualTo("3");
        assertThat(extract("evt.arg.uid", null)).as("a parameter open does not have").isNull();
        assertThat(text("evt.args")).startsWith("fd=3(<f>/etc/passwd) name=/etc/passwd flags=1(O_RDONLY)");
        assertThat(extract("evt.type.is.open", null).longAt(0)).isEqualTo(1);
        assertThat(extract("evt.type.is.close", null).longAt(0)).isZero();
    }

    @Test
    void evtFields_enterEvent_noReturnValue() {
        feed(EventBuilder.of("PPME_SYSCALL_OPEN_E", TS, BASH).str("/etc/passwd").u32(1).u32(0));
        assertThat(text("evt.dir")).isEqualTo(">");
        assertThat(extract("evt.res")).isNull();
        assertThat(extract("evt.rawres")).isNull();
        assertThat(extract("evt.failed")).isNull();
    }

    @Test
    void evtFields_failedOpen_errnoNameAndFdNameFromEvent() {
        feed(openExit(TS, -2, "/nope", 1));
        assertThat(text("evt.res")).isEqualTo("ENOENT");
        assertThat(text("evt.failed")).isEqualTo("true");
        assertThat(text("fd.name")).isEqualTo("/nope");
        assertThat(text("fd.typechar")).isEqualTo("o");
        assertThat(extract("fd.type")).isNull();
    }

    @Test
    void timeFields_libsinspFormats() {
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("evt.time")).isEqualTo("16:17:57.881781397");
        assertThat(text("evt.time.s")).isEqualTo("16:17:57");
        assertThat(text("evt.datetime")).isEqualTo("2016-08-04 16:17:57.881781397");
        assertThat(text("evt.datetime.s")).isEqualTo("2016-08-04 16:17:57");
        assertThat(text("evt.time.iso8601")).isEqualTo("2016-08-04T16:17:57.881781397+0000");
        assertThat(text("evt.rawtime")).isEqualTo(Long.toString(TS));
        assertThat(text("evt.rawtime.s")).isEqualTo("1470327477");
    }

    @Test
    void timeFields_localZone_evtTimeShiftsIso8601StaysUtc() {
        event = SyscallEvent.over(state, "h", ZoneOffset.ofHours(2));
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("evt.time")).isEqualTo("18:17:57.881781397");
        assertThat(text("evt.time.iso8601")).isEqualTo("2016-08-04T16:17:57.881781397+0000");
    }

    @Test
    void procFields_threadParentAncestorsAndUser() {
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("proc.name")).isEqualTo("bash");
        assertThat(text("proc.pid")).isEqualTo("100");
        assertThat(text("thread.tid")).isEqualTo("100");
        assertThat(text("proc.ppid")).isEqualTo("1");
        assertThat(text("proc.pname")).isEqualTo("systemd");
        assertThat(text("proc.exe")).isEqualTo("/bin/bash");
        assertThat(text("proc.exepath")).isEqualTo("/bin/bash");
        assertThat(text("proc.args")).isEqualTo("-i");
        assertThat(text("proc.cmdline")).isEqualTo("bash -i");
        assertThat(text("proc.cwd")).isEqualTo("/home/u/");
        assertThat(extract("proc.aname", "0").stringAt(0)).isEqualTo("bash");
        assertThat(extract("proc.aname", "1").stringAt(0)).isEqualTo("systemd");
        assertThat(extract("proc.aname", "2")).isNull();
        Values all = extract("proc.aname");
        assertThat(all.size()).isEqualTo(1);
        assertThat(all.stringAt(0)).isEqualTo("systemd");
        assertThat(text("proc.sname")).isEqualTo("bash");
        assertThat(text("proc.is_vpgid_leader")).isEqualTo("true");
        assertThat(text("user.name")).isEqualTo("alice");
        assertThat(text("user.uid")).isEqualTo("1000");
        assertThat(text("user.loginname")).isEqualTo("alice");
        assertThat(text("user.loginuid")).isEqualTo("1000");
        assertThat(text("group.name")).isEqualTo("staff");
        assertThat(text("container.id")).isEqualTo("host");
        assertThat(text("container.name")).isEqualTo("host");
        assertThat(extract("k8s.ns.name")).isNull();
    }

    @Test
    void procFields_stateStringsReturnedByReference() {
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(extract("proc.name").stringAt(0)).isSameAs(state.thread(BASH).comm());
        assertThat(extract("fd.name").stringAt(0)).isSameAs(state.fds(state.thread(BASH)).get(3).name());
    }

    @Test
    void procFields_unknownUser_naButRootIsRoot() {
        state.thread(BASH).setUid(4242);
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("user.name")).isEqualTo("<NA>");
        state.thread(BASH).setUid(0);
        assertThat(text("user.name")).isEqualTo("root");
    }

    @Test
    void fsPathFields_relativeMkdir_resolvedAgainstCwd() {
        feed(EventBuilder.of("PPME_SYSCALL_MKDIR_2_X", TS, BASH).i64(0).str("../tmp/./x").u32(0755));
        assertThat(text("fs.path.name")).isEqualTo("/home/tmp/x");
        assertThat(text("fs.path.nameraw")).isEqualTo("../tmp/./x");
        assertThat(extract("fs.path.source")).isNull();
    }

    @Test
    void fsPathFields_failedCall_noValue() {
        feed(EventBuilder.of("PPME_SYSCALL_MKDIR_2_X", TS, BASH).i64(-17).str("/tmp/x").u32(0755));
        assertThat(extract("fs.path.name")).isNull();
    }

    @Test
    void fsPathFields_rename_sourceAndTarget() {
        feed(EventBuilder.of("PPME_SYSCALL_RENAME_X", TS, BASH).i64(0).str("a.txt").str("/etc//b.txt"));
        assertThat(text("fs.path.source")).isEqualTo("/home/u/a.txt");
        assertThat(text("fs.path.sourceraw")).isEqualTo("a.txt");
        assertThat(text("fs.path.target")).isEqualTo("/etc/b.txt");
        assertThat(extract("fs.path.name")).isNull();
    }

    @Test
    void fsPathFields_open_nameOfOpenedFile() {
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("fs.path.name")).isEqualTo("/etc/passwd");
    }

    @Test
    void evtFields_relativeAndDeltaTimes() {
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("evt.reltime")).isEqualTo("0");
        feed(openExit(TS + 2_500_000_000L, 4, "/etc/hosts", 1));
        assertThat(text("evt.reltime")).isEqualTo("2500000000");
        assertThat(text("evt.reltime.s")).isEqualTo("2");
        feed(openExit(TS + 2_600_000_000L, 5, "/etc/group", 1));
        assertThat(text("evt.deltatime")).isEqualTo("100000000");
    }

    @Test
    void evtFields_errorCountsByClass() {
        feed(openExit(TS, -13, "/root/x", 1));
        assertThat(text("evt.count.error.file")).isEqualTo("1");
        assertThat(extract("evt.count.error.net")).isNull();
        assertThat(extract("evt.count.error.other")).isNull();
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("evt.count.error.file")).isEqualTo("0");
    }

    @Test
    void procFields_aenv_nearestAncestorWithTheVariable() {
        state.thread(INIT).setEnv(List.of("PATH=/sbin", "LANG=C"));
        state.thread(BASH).setEnv(List.of("PATH=/bin"));
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("proc.env")).isEqualTo("PATH=/bin");
        assertThat(extract("proc.env", "PATH").stringAt(0)).isEqualTo("/bin");
        assertThat(extract("proc.aenv", "LANG").stringAt(0)).isEqualTo("C");
        assertThat(extract("proc.aenv", "1").stringAt(0)).isEqualTo("PATH=/sbin LANG=C");
    }

    @Test
    void fdlistFields_pollExit_numbersNamesAndEnds() {
        connect();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 + 3 * 10).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 3).putLong(0).putShort((short) 1).putLong(4).putShort((short) 1).putLong(9)
                .putShort((short) 1);
        feed(EventBuilder.of("PPME_SYSCALL_POLL_X", TS + 5, BASH).i64(1).bytes(b.array()));
        assertThat(text("fdlist.nums")).isEqualTo("0,4,9");
        assertThat(text("fdlist.names")).isEqualTo("/dev/pts/0,127.0.0.1:40000->10.0.0.9:443,<NA>");
        assertThat(text("fdlist.cips")).isEqualTo("127.0.0.1");
        assertThat(text("fdlist.sports")).isEqualTo("443");
    }

    @Test
    void capabilities_renderedAsLibsinspNames() {
        assertThat(ProcFields.caps(0)).isEmpty();
        assertThat(ProcFields.caps((1L << 21) | 1L)).isEqualTo("CAP_CHOWN CAP_SYS_ADMIN");
    }

    @Test
    void fdFields_fileDescriptor() {
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("fd.num")).isEqualTo("3");
        assertThat(text("fd.name")).isEqualTo("/etc/passwd");
        assertThat(text("fd.type")).isEqualTo("file");
        assertThat(text("fd.typechar")).isEqualTo("f");
        assertThat(text("fd.directory")).isEqualTo("/etc");
        assertThat(text("fd.filename")).isEqualTo("passwd");
        assertThat(extract("fd.sip")).isNull();
        assertThat(extract("fd.net")).isNull();
    }

    @Test
    void fdFields_nonFdEvent_noValues() {
        feed(EventBuilder.of("PPME_SYSCALL_BRK_4_X", TS, BASH).u64(0).u32(0).u32(0).u32(0));
        assertThat(extract("fd.num")).isNull();
        assertThat(extract("fd.name")).isNull();
        assertThat(text("proc.name")).isEqualTo("bash");
    }

    private void connect() {
        feed(EventBuilder.of("PPME_SOCKET_SOCKET_X", TS, BASH).i64(4).u32(2).u32(1).u32(0).u32(0));
        feed(EventBuilder.of("PPME_SOCKET_CONNECT_E", TS + 1, BASH).i64(4).addr4("10.0.0.9", 443));
        feed(EventBuilder.of("PPME_SOCKET_CONNECT_X", TS + 2, BASH).i64(0).tuple4("127.0.0.1", 40000, "10.0.0.9", 443)
                .i64(4).addr4("10.0.0.9", 443));
    }

    @Test
    void fdFields_connectedSocket_bothEnds() {
        connect();
        assertThat(text("evt.type")).isEqualTo("connect");
        assertThat(text("fd.num")).isEqualTo("4");
        assertThat(text("fd.typechar")).isEqualTo("4");
        assertThat(text("fd.type")).isEqualTo("ipv4");
        assertThat(text("fd.l4proto")).isEqualTo("tcp");
        assertThat(text("fd.sockfamily")).isEqualTo("ip");
        assertThat(text("fd.cip")).isEqualTo("127.0.0.1");
        assertThat(text("fd.cport")).isEqualTo("40000");
        assertThat(text("fd.sip")).isEqualTo("10.0.0.9");
        assertThat(text("fd.sport")).isEqualTo("443");
        assertThat(extract("fd.sip").bytesAt(0)).containsExactly(10, 0, 0, 9);
        assertThat(text("fd.lip")).isEqualTo("127.0.0.1");
        assertThat(text("fd.rip")).isEqualTo("10.0.0.9");
        assertThat(text("fd.lport")).isEqualTo("40000");
        assertThat(text("fd.rport")).isEqualTo("443");
        Values ips = extract("fd.ip");
        assertThat(ips.size()).isEqualTo(2);
        assertThat(ips.bytesAt(0)).containsExactly(127, 0, 0, 1);
        assertThat(ips.bytesAt(1)).containsExactly(10, 0, 0, 9);
        Values ports = extract("fd.port");
        assertThat(List.of(ports.longAt(0), ports.longAt(1))).containsExactly(40000L, 443L);
        assertThat(extract("fd.net").size()).isEqualTo(2);
        assertThat(text("fd.name")).isEqualTo("127.0.0.1:40000->10.0.0.9:443");
        assertThat(text("evt.res")).isEqualTo("SUCCESS");
    }

    @Test
    void unsupported_unknownSyscallField_reported() throws FieldArgumentException {
        ResolvedField f = catalog.resolve("thread.exectime", null).orElseThrow();
        assertThat(binding.bind(f).extract(event, new Values())).isFalse();
        assertThat(binding.unsupported()).contains("thread.exectime");
    }

    @Test
    void extraction_numericAndStateStrings_allocationFree() throws FieldArgumentException {
        connect();
        List<String> names = List.of("evt.num", "evt.type", "evt.dir", "evt.rawres", "evt.failed", "proc.name",
                "proc.pid", "proc.pname", "proc.exe", "proc.cmdline", "proc.aname", "fd.name", "fd.num", "fd.sip",
                "fd.ip", "fd.sport", "fd.typechar", "user.name", "user.uid", "group.name", "container.id",
                "evt.is_open_read");
        List<Extractor> xs = new ArrayList<>();
        for (String n : names) {
            xs.add(binding.bind(catalog.resolve(n, null).orElseThrow()));
        }
        Values out = new Values();
        EventView v = EventBuilder.of("PPME_SOCKET_CONNECT_X", TS + 3, BASH).i64(0)
                .tuple4("127.0.0.1", 40000, "10.0.0.9", 443).i64(4).addr4("10.0.0.9", 443).view();
        state.onEvent(v);
        Runnable round = () -> {
            for (int i = 0; i < 2_000; i++) {
                event.next(v, i);
                for (int k = 0, n = xs.size(); k < n; k++) {
                    out.clear();
                    xs.get(k).extract(event, out);
                }
            }
        };
        round.run();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        round.run();
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).as("bytes for 2000 events x %d fields", names.size()).isLessThan(16_384);
    }
}
