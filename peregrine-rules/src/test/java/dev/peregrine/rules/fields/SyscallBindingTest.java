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

    /** Bound once per field text, as the compiler does, so stateful fields keep their state across events. */
    private final java.util.Map<String, Extractor> bound = new java.util.HashMap<>();

    Values extract(String name, String arg) {
        try {
            ResolvedField f = catalog.resolve(name, arg).orElseThrow();
            Values out = new Values();
            Extractor x = bound.computeIfAbsent(f.text(), k -> binding.bind(f));
            return x.extract(event, out) ? out : null;
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
        assertThat(extract("evt.rawarg.fd", null).longAt(0)).as("typed as the first fd parameter: PT_FD").isEqualTo(3);
        assertThat(extract("evt.rawarg.name", null).stringAt(0)).isEqualTo("/etc/passwd");
        assertThat(extract("evt.rawarg.flags", null).longAt(0)).isEqualTo(1);
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
        assertThat(text("evt.deltatime")).as("first extraction of the field").isEqualTo("0");
        feed(openExit(TS + 3_700_000_123L, 6, "/etc/group", 1));
        assertThat(text("evt.deltatime")).as("since the previous event the field was extracted for")
                .isEqualTo("1100000123");
        assertThat(text("evt.reltime.ns")).isEqualTo("700000123");
        assertThat(text("evt.rawtime.ns")).isEqualTo(Long.toString((TS + 3_700_000_123L) % 1_000_000_000L));
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
        feed(openExit(TS, 3, "/etc/passwd", 1));
        ResolvedField f = catalog.resolve("evt.pluginname", null).orElseThrow();
        assertThat(binding.bind(f).extract(event, new Values())).isFalse();
        assertThat(binding.unsupported()).containsExactly("evt.pluginname");
    }

    // ---------------------------------------------------------------- fields added to cover the whole catalog

    private void threadsOfBash(long... tids) {
        List<ThreadInfo> list = new ArrayList<>();
        for (long tid : tids) {
            list.add(ThreadInfo.builder().tid(tid).pid(BASH).vtid(tid).vpid(BASH).ptid(INIT).comm("bash")
                    .exe("/bin/bash").cwd("/home/u").build());
        }
        state.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, list));
    }

    private static EventBuilder procexit(long ts, long tid) {
        return EventBuilder.of("PPME_PROCEXIT_1_E", ts, tid).i64(0).i64(0).u8(0).u8(0).i64(0);
    }

    private static EventBuilder contextSwitch(long ts, long tid, long vmsizeKb) {
        return EventBuilder.of("PPME_SCHEDSWITCH_6_E", ts, tid).i64(0).u64(3).u64(77).u32(vmsizeKb).u32(500).u32(0);
    }

    private void feedOnCpu(EventBuilder e, int cpu) {
        EventView v = EventView.forTable(dev.peregrine.event.EventTable.get())
                .pointAt(java.lang.foreign.MemorySegment.ofArray(e.bytes()), 0, cpu);
        state.onEvent(v);
        event.next(v, ++num);
    }

    @Test
    void threadCounts_liveThreadsOfTheGroup_exitingThreadNoLongerCounts() {
        threadsOfBash(101, 102);
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("proc.nthreads")).isEqualTo("3");
        assertThat(text("proc.nchilds")).isEqualTo("2");
        feed(EventBuilder.of("PPME_SYSCALL_OPEN_X", TS + 1, 101).i64(4).str("/etc/hosts").u32(1).u32(0).u32(0)
                .u64(0));
        assertThat(text("proc.nthreads")).as("any thread of the process").isEqualTo("3");
        assertThat(text("proc.nchilds")).isEqualTo("2");
        feed(procexit(TS + 2, 101));
        assertThat(text("proc.nthreads")).as("at its own procexit").isEqualTo("2");
        assertThat(text("proc.nchilds")).isEqualTo("1");
        feed(procexit(TS + 3, BASH));
        assertThat(text("proc.nthreads")).as("a dead leader does not count").isEqualTo("1");
        assertThat(text("proc.nchilds")).as("nor is it excluded").isEqualTo("1");
    }

    @Test
    void threadCounts_unknownThread_noGroup() {
        feed(EventBuilder.of("PPME_SYSCALL_OPEN_X", TS, 999).i64(3).str("/x").u32(1).u32(0).u32(0).u64(0));
        assertThat(text("proc.nthreads")).isEqualTo("0");
        assertThat(text("proc.nchilds")).isEqualTo("0");
    }

    @Test
    void exectime_timeSinceThePreviousSwitchOnTheSameCpu_totalPerThread() {
        feedOnCpu(contextSwitch(TS, BASH, 2048), 0);
        assertThat(text("thread.exectime")).as("first switch on cpu 0").isEqualTo("0");
        assertThat(text("thread.totexectime")).isEqualTo("0");
        feedOnCpu(contextSwitch(TS + 40, BASH, 2048), 1);
        assertThat(text("thread.exectime")).as("first switch on cpu 1").isEqualTo("0");
        assertThat(text("thread.totexectime")).isEqualTo("0");
        feedOnCpu(contextSwitch(TS + 100, BASH, 2048), 0);
        assertThat(text("thread.exectime")).isEqualTo("100");
        assertThat(text("thread.totexectime")).isEqualTo("100");
        feedOnCpu(contextSwitch(TS + 150, BASH, 2048), 1);
        assertThat(text("thread.exectime")).isEqualTo("110");
        assertThat(text("thread.totexectime")).isEqualTo("210");
        feed(openExit(TS + 200, 3, "/etc/passwd", 1));
        assertThat(text("thread.exectime")).as("not a switch").isEqualTo("0");
        assertThat(text("thread.totexectime")).isEqualTo("210");
        feedOnCpu(contextSwitch(TS + 300, 0, 2048), 0);
        assertThat(text("thread.exectime")).as("the idle task has no thread but an exec time").isEqualTo("200");
        assertThat(extract("thread.totexectime")).isNull();
    }

    @Test
    void contextSwitch_updatesPageFaultsAndProcessMemory() {
        threadsOfBash(101);
        feed(contextSwitch(TS, 101, 4096));
        assertThat(text("thread.pfminor")).isEqualTo("77");
        assertThat(text("thread.pfmajor")).isEqualTo("3");
        assertThat(text("proc.vmsize")).as("a thread's own value").isEqualTo("0");
        assertThat(text("thread.vmsize")).as("0 for a thread that is not the main one").isEqualTo("0");
        feed(openExit(TS + 1, 3, "/etc/passwd", 1));
        assertThat(text("proc.vmsize")).isEqualTo("4096");
        assertThat(text("thread.vmsize")).isEqualTo("4096");
        assertThat(text("thread.vmsize.b")).isEqualTo("4194304");
        assertThat(text("thread.vmrss.b")).isEqualTo("512000");
    }

    @Test
    void threadCpu_tickIncreaseBetweenProcinfoEvents_cappedAt100() {
        feed(EventBuilder.of("PPME_PROCINFO_E", TS, BASH).u64(1000).u64(500));
        assertThat(text("proc.name")).as("procinfo has its thread").isEqualTo("bash");
        assertThat(extract("thread.cpu").doubleAt(0)).isZero();
        assertThat(text("evt.count.procinfo")).isEqualTo("1");
        assertThat(text("evt.count.threadinfo")).isEqualTo("1");
        feed(EventBuilder.of("PPME_PROCINFO_E", TS + 1, BASH).u64(1010).u64(505));
        assertThat(extract("thread.cpu").doubleAt(0)).isEqualTo(15.0);
        feed(EventBuilder.of("PPME_PROCINFO_E", TS + 2, BASH).u64(9000).u64(505));
        assertThat(extract("thread.cpu").doubleAt(0)).isEqualTo(100.0);
        feed(openExit(TS + 3, 3, "/etc/passwd", 1));
        assertThat(extract("thread.cpu")).isNull();
        assertThat(text("evt.count.procinfo")).isEqualTo("0");
        assertThat(text("evt.count.threadinfo")).isEqualTo("0");
    }

    @Test
    void threadCpuUserAndSystem_eachPart() {
        feed(EventBuilder.of("PPME_PROCINFO_E", TS, BASH).u64(1000).u64(500));
        assertThat(extract("thread.cpu.user").doubleAt(0)).isZero();
        feed(EventBuilder.of("PPME_PROCINFO_E", TS + 1, BASH).u64(1007).u64(600));
        assertThat(extract("thread.cpu.user").doubleAt(0)).isEqualTo(7.0);
    }

    private static EventBuilder openat(long ts, long fd, long dirfd, String name) {
        return EventBuilder.of("PPME_SYSCALL_OPENAT_2_X", ts, BASH).i64(fd).i64(dirfd).str(name).u32(1).u32(0)
                .u32(0).u64(0);
    }

    @Test
    void abspath_relativeToCwdDirfdOrAbsolute() {
        feed(openat(TS, 3, -100, "x/../y"));
        assertThat(text("evt.abspath")).isEqualTo("/home/u/y");
        feed(openat(TS + 1, 4, 0, "y"));
        assertThat(text("evt.abspath")).as("against the dirfd's name").isEqualTo("/dev/pts/0/y");
        assertThat(text("evt.abspath.dst")).as("one path: any argument").isEqualTo("/dev/pts/0/y");
        feed(openat(TS + 2, 5, 42, "y"));
        assertThat(text("evt.abspath")).isEqualTo("<UNKNOWN>/y");
        feed(openat(TS + 3, 6, 42, "/etc//z"));
        assertThat(text("evt.abspath")).isEqualTo("/etc/z");
        feed(openExit(TS + 4, 7, "a", 1));
        assertThat(extract("evt.abspath")).as("not an *at() call").isNull();
    }

    @Test
    void abspath_renameat_sourceAndDestination() {
        feed(EventBuilder.of("PPME_SYSCALL_RENAMEAT2_X", TS, BASH).i64(0).i64(-100).str("a").i64(0).str("b")
                .u32(0));
        assertThat(text("evt.abspath")).isEqualTo("/home/u/a");
        assertThat(text("evt.abspath.src")).isEqualTo("/home/u/a");
        assertThat(text("evt.abspath.dst")).isEqualTo("/dev/pts/0/b");
    }

    private static EventBuilder write(long ts, long res, long fd) {
        return EventBuilder.of("PPME_SYSCALL_WRITE_X", ts, BASH).i64(res).bytes(new byte[0]).i64(fd).u32(10);
    }

    @Test
    void buflen_byDirectionAndDescriptorKind() {
        connect();
        feed(write(TS + 10, 10, 4));
        assertThat(text("evt.buflen")).isEqualTo("10");
        assertThat(text("evt.buflen.out")).isEqualTo("10");
        assertThat(text("evt.buflen.net")).isEqualTo("10");
        assertThat(text("evt.buflen.net.out")).isEqualTo("10");
        assertThat(extract("evt.buflen.in")).isNull();
        assertThat(extract("evt.buflen.net.in")).isNull();
        assertThat(extract("evt.buflen.file")).isNull();
        feed(openExit(TS + 11, 3, "/etc/passwd", 1));
        feed(EventBuilder.of("PPME_SYSCALL_READ_X", TS + 12, BASH).i64(7).bytes(new byte[0]).i64(3).u32(10));
        assertThat(text("evt.buflen.file.in")).isEqualTo("7");
        assertThat(text("evt.buflen.file")).isEqualTo("7");
        assertThat(extract("evt.buflen.file.out")).isNull();
        assertThat(extract("evt.buflen.net")).isNull();
        feed(write(TS + 13, -9, 3));
        assertThat(extract("evt.buflen.file")).as("failed").isNull();
    }

    @Test
    void isSyslog_writeToDevLog() {
        feed(openExit(TS, 3, "/dev/log", 2));
        assertThat(text("evt.is_syslog")).as("not a write").isEqualTo("false");
        feed(write(TS + 1, 5, 3));
        assertThat(text("evt.is_syslog")).isEqualTo("true");
        feed(write(TS + 2, 5, 0));
        assertThat(text("evt.is_syslog")).isEqualTo("false");
    }

    @Test
    void infraDocker_fieldsOfTheDescription() {
        feed(EventBuilder.of("PPME_INFRASTRUCTURE_EVENT_E", TS, BASH).str("docker").str("start")
                .str("Event: start; ID: 0123456789abcdef0123; name: web; Image: nginx@sha256:abcd").str("host"));
        assertThat(text("evt.infra.docker.name")).isEqualTo("start");
        assertThat(text("evt.infra.docker.container.id")).isEqualTo("0123456789ab");
        assertThat(text("evt.infra.docker.container.name")).isEqualTo("web");
        assertThat(text("evt.infra.docker.container.image")).isEqualTo("nginx");
        feed(openExit(TS + 1, 3, "/etc/passwd", 1));
        assertThat(extract("evt.infra.docker.name")).isNull();
    }

    @Test
    void loginShellId_farthestShellAmongTheAncestors() {
        state.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(ThreadInfo.builder().tid(200).pid(200)
                .vtid(200).vpid(200).ptid(BASH).comm("cat").exe("/bin/cat").cwd("/").build())));
        feed(EventBuilder.of("PPME_SYSCALL_OPEN_X", TS, 200).i64(3).str("/x").u32(1).u32(0).u32(0).u64(0));
        assertThat(text("proc.loginshellid")).isEqualTo("100");
        assertThat(text("thread.nametid")).isEqualTo("cat200");
        state.thread(INIT).setComm("zsh");
        assertThat(text("proc.loginshellid")).isEqualTo("1");
        state.thread(INIT).setComm("init");
        state.thread(BASH).setComm("python");
        assertThat(extract("proc.loginshellid")).isNull();
    }

    @Test
    void fdusage_openDescriptorsPercentOfTheLimit() {
        state.thread(BASH).setFdlimit(8);
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(extract("proc.fdusage").doubleAt(0)).isEqualTo(25.0);
        state.thread(BASH).setFdlimit(0);
        assertThat(extract("proc.fdusage").doubleAt(0)).isZero();
    }

    @Test
    void evtHostname_captureMachineInfoElseConfigured() {
        feed(openExit(TS, 3, "/etc/passwd", 1));
        assertThat(text("evt.hostname")).isEqualTo("host-a");
        state.onBlock(new ScapBlock.Machine(0, BlockType.MI, new dev.peregrine.capture.MachineInfo(2, 1L << 30,
                32768, "captured-host", 0, 0)));
        assertThat(text("evt.hostname")).isEqualTo("captured-host");
    }

    @Test
    void metaEvents_asyncAndTheirType() {
        feed(EventBuilder.of("PPME_USER_ADDED_E", TS, BASH).u32(1001).u32(1001).str("bob").str("/home/bob")
                .str("/bin/sh").str(""));
        assertThat(text("evt.is_async")).isEqualTo("true");
        assertThat(text("evt.asynctype")).isEqualTo("useradded");
        assertThat(extract("evt.count.exit")).as("an enter event").isNull();
        feed(openExit(TS + 1, 3, "/etc/passwd", 1));
        assertThat(text("evt.is_async")).isEqualTo("false");
        assertThat(extract("evt.asynctype")).isNull();
        assertThat(text("evt.count.exit")).isEqualTo("1");
        assertThat(text("evt.outputtime")).isEqualTo(text("evt.time"));
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
