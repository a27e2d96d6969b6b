package dev.peregrine.state.proc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.FdType;
import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.state.StateEngine;
import dev.peregrine.state.container.CgroupContainerId;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerRuntime;
import dev.peregrine.state.thread.ThreadState;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcScanner} over a synthetic proc tree: exact parsing, missing files, races. */
class ProcScannerTest {
    private static final String STATUS_100 = """
            Name:\tmy) (prog
            Umask:\t0022
            State:\tS (sleeping)
            Tgid:\t100
            Ngid:\t0
            Pid:\t100
            PPid:\t1
            TracerPid:\t0
            Uid:\t1000\t1001\t1002\t1003
            Gid:\t2000\t2001\t2002\t2003
            NStgid:\t100
            NSpid:\t100
            NSpgid:\t90
            NSsid:\t80
            VmSize:\t    3060 kB
            VmRSS:\t    1700 kB
            VmSwap:\t       4 kB
            CapInh:\t0000000000000000
            CapPrm:\t000001fffeffffff
            CapEff:\t0000000000000400
            """;

    @TempDir
    Path tmp;

    private Path proc;
    private Path host;
    private Path exe;
    private Path openFile;
    private Path openDir;

    @BeforeEach
    void buildTree() throws IOException {
        proc = Files.createDirectories(tmp.resolve("proc"));
        host = Files.createDirectories(tmp.resolve("host"));
        exe = Files.writeString(tmp.resolve("my prog"), "#!/bin/sh\n");
        openFile = Files.writeString(tmp.resolve("open.txt"), "data");
        openDir = Files.createDirectories(tmp.resolve("open-dir"));
        Path cgroup2 = Files.createDirectories(tmp.resolve("cgroup2/user.slice/app"));
        Files.writeString(tmp.resolve("cgroup2/cgroup.controllers"), "cpu memory pids\n");
        Files.writeString(cgroup2.resolve("cgroup.controllers"), "memory\n");
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/mountinfo"),
                "41 31 0:38 / " + tmp.resolve("cgroup2") + " rw,relatime - cgroup2 cgroup2 rw\n");

        // Process 100: a user process with a comm full of parentheses and spaces, a thread 101 and three fds.
        Path p100 = process(100, "/usr/bin/my prog\0--flag\0x y\0", "my) (prog\n", STATUS_100,
                "100 (my) (prog) S 1 90 80 34816 90 4194560 111 0 7 0 1 2 0 0 20 0 2 0 55 3133440 425\n");
        Files.createSymbolicLink(p100.resolve("exe"), exe);
        Files.createSymbolicLink(p100.resolve("cwd"), Path.of("/home/user/work dir"));
        Files.createSymbolicLink(p100.resolve("root"), Path.of("/"));
        Files.write(p100.resolve("environ"), "HOME=/home/user\0LANG=C\0".getBytes(UTF_8));
        Files.writeString(p100.resolve("loginuid"), "1000");
        Files.writeString(p100.resolve("limits"), """
                Limit                     Soft Limit           Hard Limit           Units
                Max open files            1024                 4096                 files
                """);
        Files.writeString(p100.resolve("cgroup"), "4:memory:/app\n2:cpu,cpuacct:/\n1:name=systemd:/s\n0::/user.slice/app\n");
        Files.writeString(p100.resolve("mountinfo"), "24 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
        Files.createDirectories(p100.resolve("fd"));
        Files.createDirectories(p100.resolve("fdinfo"));
        Files.createSymbolicLink(p100.resolve("fd/3"), openFile);
        Files.writeString(p100.resolve("fdinfo/3"), "pos:\t0\nflags:\t02102002\nmnt_id:\t24\nino:\t5\n");
        Files.createSymbolicLink(p100.resolve("fd/4"), openDir);
        // A closed descriptor whose link dangles: skipped as libscap does when stat() fails.
        Files.createSymbolicLink(p100.resolve("fd/9"), tmp.resolve("gone"));
        Path t101 = Files.createDirectories(p100.resolve("task/101"));
        Files.createDirectories(p100.resolve("task/100"));
        Files.write(t101.resolve("cmdline"), "/usr/bin/my prog\0--flag\0x y\0".getBytes(UTF_8));
        Files.writeString(t101.resolve("comm"), "worker\n");
        Files.writeString(t101.resolve("status"), STATUS_100.replace("Pid:\t100", "Pid:\t101")
                .replace("NSpid:\t100", "NSpid:\t101"));
        Files.writeString(t101.resolve("stat"), "101 (worker) S 1 90 80 0 90 0 5 0 1 0\n");
        Files.createSymbolicLink(t101.resolve("exe"), exe);

        // Process 200: a kernel thread (no cmdline, no exe).
        process(200, "", "kthreadd\n", "Tgid:\t200\nPPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
                "200 (kthreadd) S 0 0 0 0 -1 0 0 0 0 0\n");
        // Process 300: vanished after its directory was listed (only cmdline left).
        Files.createDirectories(proc.resolve("300"));
        Files.write(proc.resolve("300/cmdline"), "gone\0".getBytes(UTF_8));
        // Process 400: in a nested pid namespace; cwd, root, environ unreadable (missing).
        process(400, "nginx: worker process\0", "nginx\n", """
                Tgid:\t400
                PPid:\t100
                Uid:\t0\t33\t33\t33
                Gid:\t0\t34\t34\t34
                NStgid:\t400\t7
                NSpid:\t400\t7
                NSpgid:\t400\t1
                """, "400 (nginx) R 100 400 400 0 -1 0 9 0 3 0\n");
        // Process 500: malformed stat (no closing parenthesis).
        process(500, "bad\0", "bad\n", "Tgid:\t500\nPPid:\t1\n", "500 (bad S 1 2 3\n");
        // Not a process.
        Files.createDirectories(proc.resolve("sys"));

        Files.createDirectories(host.resolve("etc"));
        Files.writeString(host.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/user:/bin/sh\n");
        Files.writeString(host.resolve("etc/group"), "root:x:0:\nusers:x:100:user\n");
    }

    private Path process(int pid, String cmdline, String comm, String status, String stat) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.write(dir.resolve("cmdline"), cmdline.getBytes(UTF_8));
        Files.writeString(dir.resolve("comm"), comm);
        Files.writeString(dir.resolve("status"), status);
        Files.writeString(dir.resolve("stat"), stat);
        return dir;
    }

    private ProcScan scan() {
        return new ProcScanner(proc, host, false).scan();
    }

    private static ThreadInfo thread(ProcScan scan, long tid) {
        return scan.threads().stream().filter(t -> t.tid() == tid).findFirst().orElseThrow();
    }

    @Test
    void scan_syntheticTree_keepsUserProcessesAndThreadsSkipsKernelVanishedAndMalformed() {
        ProcScan scan = scan();

        assertThat(scan.threads()).extracting(ThreadInfo::tid).containsExactly(100L, 101L, 400L);
        assertThat(scan.skippedThreads()).isEqualTo(3); // 200 kernel thread, 300 vanished, 500 malformed stat
        assertThat(scan.degradedThreads()).isEqualTo(2); // 101 (no environ, cwd, root), 400
        assertThat(scan.truncated()).isFalse();
    }

    @Test
    void scan_commWithParentheses_statFieldsAfterLastParenthesis() {
        ThreadInfo t = thread(scan(), 100);

        assertThat(t.comm()).isEqualTo("my) (prog");
        assertThat(t.pgid()).isEqualTo(90); // root pid namespace (one NSpgid column): pgid from stat
        assertThat(t.vpgid()).isZero();
        assertThat(t.sid()).isEqualTo(80);
        assertThat(t.tty()).isEqualTo(34816);
        assertThat(t.pfminor()).isEqualTo(111);
        assertThat(t.pfmajor()).isEqualTo(7);
    }

    @Test
    void scan_userProcess_allFieldsAsLibscap() throws IOException {
        ThreadInfo t = thread(scan(), 100);

        assertThat(t.pid()).isEqualTo(100);
        assertThat(t.ptid()).isEqualTo(1);
        assertThat(t.vtid()).isEqualTo(100);
        assertThat(t.vpid()).isEqualTo(100);
        assertThat(t.exe()).isEqualTo("/usr/bin/my prog");
        assertThat(t.args()).containsExactly("--flag", "x y");
        assertThat(t.exepath()).isEqualTo(exe.toString());
        assertThat(t.env()).containsExactly("HOME=/home/user", "LANG=C");
        assertThat(t.cwd()).isEqualTo("/home/user/work dir");
        assertThat(t.root()).isEqualTo("/");
        assertThat(t.uid()).as("effective uid").isEqualTo(1001);
        assertThat(t.gid()).as("effective gid").isEqualTo(2001);
        assertThat(t.loginuid()).isEqualTo(1000);
        assertThat(t.fdlimit()).isEqualTo(1024);
        assertThat(t.capInheritable()).isZero();
        assertThat(t.capPermitted()).isEqualTo(0x1fffeffffffL);
        assertThat(t.capEffective()).isEqualTo(0x400L);
        assertThat(t.vmsizeKb()).isEqualTo(3060);
        assertThat(t.vmrssKb()).isEqualTo(1700);
        assertThat(t.vmswapKb()).isEqualTo(4);
        assertThat(t.flags()).isZero();
        assertThat(t.cgroups()).containsExactly(
                "memory=/app", "cpu=/", "cpuacct=/", "name=systemd=/s",
                "memory=/user.slice/app", "cpu=/", "pids=/");
        assertThat(t.exeIno()).isEqualTo(Files.getAttribute(exe, "unix:ino"));
        assertThat(t.exeInoMtime()).isPositive();
        assertThat(t.exeInoCtime()).isPositive();
        assertThat(t.exeWritable()).as("uid 1001, file of another owner, mode 644").isFalse();
        assertThat(t.exeUpperLayer()).isFalse();
        assertThat(t.exeLowerLayer()).isFalse();
        assertThat(t.exeFromMemfd()).isFalse();
        Path init = Path.of("/proc/1/cmdline"); // through the root link, which points at /
        if (Files.exists(init)) {
            java.time.Instant ctime = ((java.nio.file.attribute.FileTime) Files.getAttribute(init, "unix:ctime")).toInstant();
            assertThat(t.pidnsInitStartTs()).isEqualTo(ctime.getEpochSecond() * 1_000_000_000L + ctime.getNano());
        }
    }

    @Test
    void scan_exeWritableByOthers_exeWritable() throws IOException {
        Files.setPosixFilePermissions(exe, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));

        assertThat(thread(scan(), 100).exeWritable()).isTrue();
    }

    @Test
    void scan_secondaryThread_sharesFilesAndHasNoFdList() {
        ProcScan scan = scan();
        ThreadInfo t = thread(scan, 101);

        assertThat(t.pid()).isEqualTo(100);
        assertThat(t.comm()).isEqualTo("worker");
        assertThat(t.flags()).isEqualTo(ProcScanner.CL_CLONE_THREAD | ProcScanner.CL_CLONE_FILES);
        assertThat(t.pfminor()).isEqualTo(5);
        assertThat(scan.fds()).containsOnlyKeys(100L, 400L);
    }

    @Test
    void scan_nestedPidNamespaceAndMissingFiles_virtualIdsAndDefaults() {
        ThreadInfo t = thread(scan(), 400);

        assertThat(t.vtid()).isEqualTo(7);
        assertThat(t.vpid()).isEqualTo(7);
        assertThat(t.pgid()).isEqualTo(400);
        assertThat(t.vpgid()).isEqualTo(1);
        assertThat(t.exe()).as("cmdline without NUL separators").isEqualTo("nginx: worker process");
        assertThat(t.args()).isEmpty();
        assertThat(t.exepath()).isEmpty();
        assertThat(t.cwd()).isEmpty();
        assertThat(t.env()).isEmpty();
        assertThat(t.root()).isEmpty();
        assertThat(t.uid()).isEqualTo(33);
        assertThat(t.loginuid()).isEqualTo(ThreadInfo.UNSET_LOGINUID);
        assertThat(t.fdlimit()).isEqualTo(-1);
        assertThat(t.vmsizeKb()).isZero();
        assertThat(t.cgroups()).isEmpty();
        assertThat(t.pidnsInitStartTs()).as("no root link").isZero();
    }

    @Test
    void scan_fds_fileWithFlagsAndDeviceDirectoryAndNoDanglingLink() throws IOException {
        List<FdInfo> fds = scan().fds().get(100L);

        assertThat(fds).hasSize(2);
        assertThat(fds.get(0)).isEqualTo(new FdInfo.RegularFile(3, (Long) Files.getAttribute(openFile, "unix:ino"),
                ProcScanner.PPM_O_RDWR | ProcScanner.PPM_O_APPEND | ProcScanner.PPM_O_CLOEXEC,
                openFile.toString(), 0x801));
        assertThat(fds.get(1)).isEqualTo(new FdInfo.Named(4, (Long) Files.getAttribute(openDir, "unix:ino"),
                FdType.DIRECTORY, openDir.toString()));
    }

    @Test
    void scan_usersAndGroups_fromHostRoot() {
        ProcScan scan = scan();

        assertThat(scan.users()).containsExactly(
                new UserInfo(0, 0, "root", "/root", "/bin/bash"), new UserInfo(1000, 1000, "user", "/home/user", "/bin/sh"));
        assertThat(scan.groups()).containsExactly(new GroupInfo(0, "root"), new GroupInfo(100, "users"));
        assertThat(scan.interfaces()).isEmpty();
    }

    @Test
    void scan_maxThreadsReached_truncatedWithProcessFdsKept() {
        ProcScan scan = new ProcScanner(proc, host, false, 2).scan();

        assertThat(scan.threads()).extracting(ThreadInfo::tid).containsExactly(100L, 101L);
        assertThat(scan.truncated()).isTrue();
        assertThat(scan.fds()).containsOnlyKeys(100L);
    }

    @Test
    void constructor_maxThreadsOutOfRange_rejected() {
        assertThatThrownBy(() -> new ProcScanner(proc, host, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxThreads must be in [1, 262144]: 0");
    }

    @Test
    void scan_missingProcRoot_emptyScan() {
        ProcScan scan = new ProcScanner(tmp.resolve("nothing"), tmp.resolve("nothing"), false).scan();

        assertThat(scan.threads()).isEmpty();
        assertThat(scan.fds()).isEmpty();
        assertThat(scan.users()).isEmpty();
    }

    @Test
    void blocks_scan_orderedAsCaptureStateBlocks() {
        List<ScapBlock> blocks = scan().blocks();

        assertThat(blocks).extracting(b -> b.getClass().getSimpleName())
                .containsExactly("Interfaces", "Users", "Processes", "Fds", "Fds");
    }

    @Test
    void scanInto_processInPodmanCgroup_containerIdFromProcCgroupOthersHost() throws IOException {
        String id = "4b83db62ee21ac22b247294c27f46de148926924b1ae77a7fceb61ba0302344f";
        // As this CI host shows a runc container started by podman (cgroup v1, cgroupfs manager).
        Files.writeString(proc.resolve("400/cgroup"), """
                9:name=systemd:/libpod_parent/libpod-%1$s
                4:memory:/libpod_parent/libpod-%1$s
                3:cpuset:/libpod_parent/libpod-%1$s
                2:cpuacct:/libpod_parent/libpod-%1$s
                1:cpu:/libpod_parent/libpod-%1$s
                0::/libpod_parent/libpod-%1$s
                """.formatted(id));
        StateEngine engine = new StateEngine();
        // As live: no containerd socket on this host, so /user.slice/app is not read as containerd's container "app".
        engine.setContainerEngines(CgroupContainerId.forHost(host));

        new ProcScanner(proc, host, false).scanInto(engine);

        assertThat(engine.thread(400).containerId()).isEqualTo("4b83db62ee21");
        assertThat(engine.container(engine.thread(400)))
                .isEqualTo(ContainerInfo.bare("4b83db62ee21", ContainerRuntime.PODMAN));
        assertThat(engine.thread(100).containerId()).as("cgroups /app and /user.slice/app: the host").isEmpty();
        assertThat(engine.container(engine.thread(100))).isNull();
    }

    @Test
    void scanInto_engine_threadsFdsAndUsersApplied() {
        StateEngine engine = new StateEngine();

        new ProcScanner(proc, host, false).scanInto(engine);

        ThreadState t = engine.thread(100);
        assertThat(t.comm()).isEqualTo("my) (prog");
        assertThat(t.ptid()).as("parent 1 not scanned: 0 as libsinsp sets it").isZero();
        assertThat(engine.thread(400).ptid()).isEqualTo(100);
        assertThat(engine.cwd(t)).isEqualTo("/home/user/work dir/");
        assertThat(engine.fds(t).get(3).name()).isEqualTo(openFile.toString());
        assertThat(engine.fds(engine.thread(101)).get(3).name()).as("thread shares the process' table")
                .isEqualTo(openFile.toString());
        assertThat(engine.users().user("", 1000).name()).isEqualTo("user");
    }

    @Test
    void readInetTable_v4ListeningAndEstablished_serverWhenRemoteIsZero() throws IOException {
        Path tcp = Files.writeString(tmp.resolve("tcp"), """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
                   1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1
                   2: garbage
                """);
        Map<Long, LongFunction<FdInfo>> table = new HashMap<>();

        ProcScanner.readInetTable(tcp, false, ProcScanner.SCAP_L4_TCP, table);

        InetAddress lo = InetAddress.getByName("127.0.0.1");
        assertThat(table).containsOnlyKeys(4242L, 4343L);
        assertThat(table.get(4242L).apply(5)).isEqualTo(new FdInfo.Ipv4ServerSocket(5, 4242, (java.net.Inet4Address) lo, 8080, 2));
        assertThat(table.get(4343L).apply(6)).isEqualTo(
                new FdInfo.Ipv4Socket(6, 4343, (java.net.Inet4Address) lo, (java.net.Inet4Address) lo, 54321, 8080, 2));
    }

    @Test
    void readInetTable_v6_wordsInHostOrder() throws IOException {
        Path tcp6 = Files.writeString(tmp.resolve("tcp6"), """
                  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0000000000000000FFFF00000100007F:0050 0000000000000000FFFF00000200007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 77 1
                   1: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 78 1
                """);
        Map<Long, LongFunction<FdInfo>> table = new HashMap<>();

        ProcScanner.readInetTable(tcp6, true, ProcScanner.SCAP_L4_UDP, table);

        FdInfo.Ipv6Socket s = (FdInfo.Ipv6Socket) table.get(77L).apply(3);
        assertThat(s.sip().getAddress()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1);
        assertThat(s.dip().getAddress()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 2);
        assertThat(s.sport()).isEqualTo(80);
        assertThat(s.dport()).isEqualTo(50000);
        assertThat(s.l4proto()).isEqualTo(ProcScanner.SCAP_L4_UDP);
        FdInfo.Ipv6ServerSocket server = (FdInfo.Ipv6ServerSocket) table.get(78L).apply(4);
        assertThat(server.ip().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(server.port()).isEqualTo(22);
    }

    @Test
    void readUnixTable_pathOptional_sourceIsKernelAddress() throws IOException {
        Path unix = Files.writeString(tmp.resolve("unix"), """
                Num       RefCount Protocol Flags    Type St Inode Path
                ffff8880047a5c00: 00000002 00000000 00010000 0001 01 19317 /run/my socket.sock
                00000000451c4f2b: 00000003 00000000 00000000 0001 03  1664
                """);
        Map<Long, LongFunction<FdInfo>> table = new HashMap<>();

        ProcScanner.readUnixTable(unix, table);

        assertThat(table.get(19317L).apply(7))
                .isEqualTo(new FdInfo.UnixSocket(7, 19317, 0xffff8880047a5c00L, 0, "/run/my socket.sock"));
        assertThat(table.get(1664L).apply(8)).isEqualTo(new FdInfo.UnixSocket(8, 1664, 0x451c4f2bL, 0, ""));
    }

    @Test
    void readNetlinkTable_inode_namedNetlink() throws IOException {
        Path netlink = Files.writeString(tmp.resolve("netlink"), """
                sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode
                ffff888003a4e000 0   1          00000000 0        0        0     2        0        1234
                """);
        Map<Long, LongFunction<FdInfo>> table = new HashMap<>();

        ProcScanner.readNetlinkTable(netlink, table);

        assertThat(table.get(1234L).apply(3)).isEqualTo(new FdInfo.Named(3, 1234, FdType.NETLINK, ""));
    }

    @Test
    void openFlagsToScap_x86Flags_libscapMapping() {
        assertThat(ProcScanner.openFlagsToScap(0)).isEqualTo(ProcScanner.PPM_O_RDONLY);
        assertThat(ProcScanner.openFlagsToScap(0100001)).as("O_LARGEFILE is 0 in glibc x86-64: never mapped")
                .isEqualTo(ProcScanner.PPM_O_WRONLY);
        assertThat(ProcScanner.openFlagsToScap(02004102)).isEqualTo(ProcScanner.PPM_O_RDWR | ProcScanner.PPM_O_CREAT
                | ProcScanner.PPM_O_NONBLOCK | ProcScanner.PPM_O_CLOEXEC);
        assertThat(ProcScanner.openFlagsToScap(010000)).as("O_SYNC shares O_DSYNC's bit, as in C")
                .isEqualTo(ProcScanner.PPM_O_RDONLY | ProcScanner.PPM_O_DSYNC | ProcScanner.PPM_O_SYNC);
    }

    @Test
    void anonInodeType_knownNames_libscapKinds() {
        assertThat(ProcScanner.anonInodeType("[eventfd]")).isEqualTo(FdType.EVENT);
        assertThat(ProcScanner.anonInodeType("[eventpoll]")).isEqualTo(FdType.EVENTPOLL);
        assertThat(ProcScanner.anonInodeType("inotify")).isEqualTo(FdType.INOTIFY);
        assertThat(ProcScanner.anonInodeType("[signalfd]")).isEqualTo(FdType.SIGNALFD);
        assertThat(ProcScanner.anonInodeType("[timerfd]")).isEqualTo(FdType.TIMERFD);
        assertThat(ProcScanner.anonInodeType("bpf-prog")).isEqualTo(FdType.BPF);
        assertThat(ProcScanner.anonInodeType("[perf_event]")).isEqualTo(FdType.UNSUPPORTED);
    }

    @Test
    void makedev_majorMinor_glibcEncodingTruncated() {
        assertThat(ProcScanner.makedev(8, 1)).isEqualTo(0x801);
        assertThat(ProcScanner.makedev(0, 0x12345)).isEqualTo(0x12300045L);
    }

    @Test
    void nulSeparated_truncatedBuffer_lastByteDropped() {
        assertThat(ProcScanner.nulSeparated("a\0bc\0".getBytes(UTF_8))).containsExactly("a", "bc");
        assertThat(ProcScanner.nulSeparated("a\0bcd".getBytes(UTF_8))).as("truncated read").containsExactly("a", "bc");
        assertThat(ProcScanner.nulSeparated(new byte[0])).isEmpty();
    }
}
