package dev.peregrine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.FdType;
import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.event.EventBuilder;
import dev.peregrine.state.container.CgroupContainerId;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.thread.ThreadState;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The state engine fed synthetic events in the current layout, checked against libsinsp's parser semantics. */
class StateEngineTest {
    static final long BASH = 100;
    static final long INIT = 1;
    static final int CL_CLONE_THREAD = 1 << 13;

    StateEngine engine;

    @BeforeEach
    void setUp() {
        engine = new StateEngine();
        engine.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(INIT).pid(INIT).vtid(INIT).vpid(INIT).ptid(0).comm("systemd").exe("/sbin/init").cwd("/").build(),
                ThreadInfo.builder().tid(BASH).pid(BASH).vtid(BASH).vpid(BASH).ptid(INIT).sid(BASH).vpgid(BASH).comm("bash")
                        .exe("/bin/bash").exepath("/bin/bash").cwd("/home/u").uid(1000).gid(1000).loginuid(1000)
                        .args(List.of("-i")).cgroups(List.of("cpu=/user.slice")).build())));
        engine.onBlock(new ScapBlock.Fds(0, BlockType.FDL_V2, BASH, List.of(
                new FdInfo.RegularFile(0, 10, 2, "/dev/pts/0", 0),
                new FdInfo.RegularFile(7, 11, 1 << 12, "/etc/secret", 0))));
        engine.onBlock(new ScapBlock.Users(0, BlockType.UL, List.of(new UserInfo(1000, 1000, "alice", "/home/u",
                "/bin/bash"), new UserInfo(0, 0, "root", "/root", "/bin/sh")), List.of(new GroupInfo(1000, "staff"))));
    }

    // ------------------------------------------------------------------ process list

    @Test
    void onBlock_processList_threadsWithParentsUsersAndFds() {
        ThreadState bash = engine.thread(BASH);
        assertThat(bash.comm()).isEqualTo("bash");
        assertThat(engine.threads().parent(bash).comm()).isEqualTo("systemd");
        assertThat(engine.cwd(bash)).isEqualTo("/home/u/");
        assertThat(engine.user(bash).name()).isEqualTo("alice");
        assertThat(engine.group(bash).name()).isEqualTo("staff");
        assertThat(engine.fds(bash).get(0).name()).isEqualTo("/dev/pts/0");
        assertThat(bash.containerId()).isEmpty();
    }

    @Test
    void onBlock_fdListSockets_scapL4protoCodesMapped() throws Exception {
        Inet4Address a = (Inet4Address) InetAddress.getByName("10.0.0.1");
        Inet4Address b = (Inet4Address) InetAddress.getByName("10.0.0.2");
        // scap_l4_proto in capture fd lists: 2 TCP, 3 UDP (not FdState's codes).
        engine.onBlock(new ScapBlock.Fds(0, BlockType.FDL_V2, BASH, List.of(
                new FdInfo.Ipv4Socket(20, 1, a, b, 40000, 80, 2),
                new FdInfo.Ipv4Socket(21, 2, a, b, 40001, 53, 3),
                new FdInfo.Ipv4ServerSocket(22, 3, a, 8080, 2))));
        ThreadState bash = engine.thread(BASH);
        assertThat(engine.fds(bash).get(20).l4proto()).isEqualTo(FdState.L4_TCP);
        assertThat(engine.fds(bash).get(20).l4protoName()).isEqualTo("tcp");
        assertThat(engine.fds(bash).get(21).l4proto()).isEqualTo(FdState.L4_UDP);
        assertThat(engine.fds(bash).get(22).l4proto()).isEqualTo(FdState.L4_TCP);
    }

    @Test
    void onBlock_orphanInProcessList_parentBecomesZero() {
        engine.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(500).pid(500).ptid(499).comm("orphan").build())));
        assertThat(engine.thread(500).ptid()).isZero();
    }

    // ------------------------------------------------------------------ clone

    @Test
    void onEvent_forkCallerSide_childInheritsFdsCwdAndImage() {
        engine.onEvent(clone(10, BASH, 200, BASH, INIT, "bash", 0).view());
        ThreadState child = engine.thread(200);
        assertThat(engine.currentThread().tid()).isEqualTo(BASH);
        assertThat(child.pid()).isEqualTo(200);
        assertThat(child.ptid()).isEqualTo(BASH);
        assertThat(child.comm()).isEqualTo("bash");
        assertThat(child.exepath()).isEqualTo("/bin/bash");
        assertThat(child.cloneTs()).isEqualTo(10);
        assertThat(child.duration(1_000_010)).isEqualTo(1_000_000);
        assertThat(engine.cwd(child)).isEqualTo("/home/u/");
        assertThat(engine.fds(child).get(0).name()).isEqualTo("/dev/pts/0");
        assertThat(engine.fds(child).get(0).cloned()).isTrue();
        assertThat(engine.fds(child)).isNotSameAs(engine.fds(engine.thread(BASH)));
        assertThat(engine.threads().sessionLeader(child).tid()).isEqualTo(BASH);
    }

    @Test
    void onEvent_cloneChildSideFirst_childCreatedFromParentAndCallerSideSkipped() {
        engine.onEvent(clone(10, 200, 0, 200, BASH, "bash", 0).view());
        ThreadState child = engine.currentThread();
        assertThat(child.tid()).isEqualTo(200);
        assertThat(child.ptid()).isEqualTo(BASH);
        assertThat(child.flags() & ThreadState.CL_CLONE_INVERTED).isNotZero();
        assertThat(engine.fds(child).get(7).name()).isEqualTo("/etc/secret");
        engine.fds(child).create(42).setName("child-only");
        engine.onEvent(clone(11, BASH, 200, BASH, INIT, "bash", 0).view());
        assertThat(engine.fds(engine.thread(200)).get(42).name()).isEqualTo("child-only");
    }

    @Test
    void onEvent_threadClone_sharesFdsAndCwdOfItsProcess() {
        engine.onEvent(clone(10, BASH, 101, BASH, INIT, "bash", CL_CLONE_THREAD).view());
        ThreadState thread = engine.thread(101);
        assertThat(thread.pid()).isEqualTo(BASH);
        assertThat(thread.ptid()).isEqualTo(INIT);
        assertThat(thread.isMainThread()).isFalse();
        assertThat(engine.fds(thread)).isSameAs(engine.fds(engine.thread(BASH)));
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CHDIR_X", 11, 101).i64(0).str("/tmp").view());
        assertThat(engine.cwd(engine.thread(BASH))).isEqualTo("/tmp/");
    }

    @Test
    void onEvent_callerWithoutVtid_callerSideLeavesChildToChildSide() {
        engine.onBlock(new ScapBlock.Processes(0, BlockType.PL_V1, List.of(
                ThreadInfo.builder().tid(400).pid(400).ptid(BASH).comm("old").build())));
        engine.onEvent(clone(10, 400, 401, 400, BASH, "old", 0).view());
        assertThat(engine.thread(401)).isNull();
        engine.onEvent(clone(11, 401, 0, 401, 400, "old", 0).view());
        assertThat(engine.thread(401).ptid()).isEqualTo(400);
    }

    @Test
    void onEvent_failedClone_noChild() {
        engine.onEvent(clone(10, BASH, -11, BASH, INIT, "bash", 0).view());
        assertThat(engine.thread(-11)).isNull();
        assertThat(engine.threads().size()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ execve

    @Test
    void onEvent_execveExit_newImageVisibleToSameEvent_cloexecFdsClosed() {
        engine.onEvent(clone(10, BASH, 200, BASH, INIT, "bash", 0).view());
        engine.onEvent(execve(20, 200, "cat", "/usr/bin/cat", List.of("/etc/hosts")).view());
        ThreadState t = engine.currentThread();
        assertThat(t.tid()).isEqualTo(200);
        assertThat(t.comm()).isEqualTo("cat");
        assertThat(t.exe()).isEqualTo("cat");
        assertThat(t.exepath()).isEqualTo("/usr/bin/cat");
        assertThat(t.args()).containsExactly("/etc/hosts");
        assertThat(t.cmdline()).isEqualTo("cat /etc/hosts");
        assertThat(t.env()).containsExactly("HOME=/home/u", "TERM=xterm");
        assertThat(t.envValue("TERM")).isEqualTo("xterm");
        assertThat(t.tty()).isEqualTo(34816);
        assertThat(t.loginuid()).isEqualTo(1000);
        assertThat(t.capEffective()).isEqualTo(0x3fL);
        assertThat(t.exeUpperLayer()).isTrue();
        assertThat(t.exeFromMemfd()).isFalse();
        assertThat(t.exeIno()).isEqualTo(777);
        assertThat(t.exeInoCtimeDurationCloneTs()).as("clone ts 10 - ctime 5").isEqualTo(5);
        assertThat(t.lastExecTs()).isEqualTo(20);
        assertThat(engine.threads().parent(t).comm()).isEqualTo("bash");
        assertThat(engine.fds(t).get(7)).as("O_CLOEXEC descriptor").isNull();
        assertThat(engine.fds(t).get(0)).isNotNull();
    }

    @Test
    void onEvent_execveWithoutTrustedExepath_exepathFromEnterFilenameAndCwd() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_EXECVE_19_E", 19, BASH).str("./bin/tool").view());
        EventBuilder x = EventBuilder.of("PPME_SYSCALL_EXECVE_19_X", 20, BASH).i64(0).str("tool").strs().i64(BASH).i64(BASH)
                .i64(INIT).str("/home/u").i64(1024);
        engine.onEvent(x.view());
        assertThat(engine.thread(BASH).exepath()).isEqualTo("/home/u/bin/tool");
        assertThat(engine.thread(BASH).comm()).isEqualTo("tool");
    }

    @Test
    void onEvent_exitOnlyExecveWithoutTrustedExepath_exepathFromExitFilenameAndCwd() {
        engine.onEvent(clone(10, BASH, 200, BASH, INIT, "bash", 0).view());
        assertThat(engine.thread(200).exepath()).isEqualTo("/bin/bash");
        EventBuilder x = execveBase(20, 200, "cat", "", List.of("/etc/shadow")).strs("cpu=/user.slice").strs()
                .u32(0).i64(200).u32(0).u32(0).i64(0).i64(0).i64(0).i64(0).i64(0).i64(0).u32(0).empty()
                .i64(200).u32(0).str("bin/cat");
        engine.onEvent(x.view());
        assertThat(engine.thread(200).comm()).isEqualTo("cat");
        assertThat(engine.thread(200).exepath()).as("not the parent's image").isEqualTo("/home/u/bin/cat");
    }

    @Test
    void onEvent_exitOnlyExecveAbsoluteFilename_exepathIsTheFilename() {
        engine.onEvent(clone(10, BASH, 200, BASH, INIT, "bash", 0).view());
        EventBuilder x = execveBase(20, 200, "cat", "", List.of()).strs("cpu=/user.slice").strs()
                .u32(0).i64(200).u32(0).u32(0).i64(0).i64(0).i64(0).i64(0).i64(0).i64(0).u32(0).empty()
                .i64(200).u32(0).str("/usr/bin//cat");
        engine.onEvent(x.view());
        assertThat(engine.thread(200).exepath()).isEqualTo("/usr/bin/cat");
    }

    @Test
    void onEvent_failedExecve_imageUnchanged() {
        EventBuilder x = EventBuilder.of("PPME_SYSCALL_EXECVE_19_X", 20, BASH).i64(-2).str("nope").strs().i64(BASH).i64(BASH)
                .i64(INIT);
        engine.onEvent(x.view());
        assertThat(engine.thread(BASH).comm()).isEqualTo("bash");
    }

    @Test
    void onEvent_execveInContainerCgroup_containerIdAssigned() {
        String id = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";
        engine.onEvent(clone(10, BASH, 300, BASH, INIT, "bash", 0).view());
        EventBuilder x = execveBase(20, 300, "nginx", "/usr/sbin/nginx", List.of())
                .strs("cpuset=/docker/" + id, "cpu=/docker/" + id).strs("A=1");
        engine.onEvent(x.view());
        ThreadState t = engine.thread(300);
        assertThat(t.containerId()).isEqualTo("3ad7b26ded6d");
        assertThat(engine.containers().get("3ad7b26ded6d")).isNotNull();
    }

    @Test
    void onEvent_cloneOfContainerProcess_childInheritsContainerFromCloneCgroups() {
        String id = "4b83db62ee21ac22b247294c27f46de148926924b1ae77a7fceb61ba0302344f";
        engine.onEvent(clone(10, BASH, 300, BASH, INIT, "bash", 0).view());
        engine.onEvent(execveBase(20, 300, "sh", "/bin/sh", List.of())
                .strs("cpu=/libpod_parent/libpod-" + id, "memory=/libpod_parent/libpod-" + id).strs().view());
        assertThat(engine.thread(300).containerId()).isEqualTo("4b83db62ee21");

        engine.onEvent(execveBase(30, 300, "sh", "/bin/sh", List.of()).strs("cpu=/", "memory=/").strs().view());
        assertThat(engine.thread(300).containerId()).as("moved back to the host's cgroups").isEmpty();
    }

    @Test
    void setContainerEngines_withoutContainerd_supervisorCgroupIsHost() {
        List<String> supervised = List.of("cpu=/", "memory=/process_api/4063a1a79a6d7f8b6b285a5a98f91e1f");
        engine.onEvent(clone(10, BASH, 300, BASH, INIT, "bash", 0).view());
        engine.onEvent(execveBase(20, 300, "sh", "/bin/sh", List.of()).strs(supervised.toArray(String[]::new))
                .strs().view());
        assertThat(engine.thread(300).containerId()).as("Falco's containerd matcher").isEqualTo("4063a1a79a6d");

        engine.setContainerEngines(java.util.EnumSet.of(CgroupContainerId.Engine.PODMAN,
                CgroupContainerId.Engine.DOCKER, CgroupContainerId.Engine.CRI));
        engine.onEvent(execveBase(30, 300, "sh", "/bin/sh", List.of()).strs(supervised.toArray(String[]::new))
                .strs().view());
        assertThat(engine.thread(300).containerId()).isEmpty();
    }

    // ------------------------------------------------------------------ files

    @Test
    void onEvent_openExit_newFdVisibleToSameEvent_relativeNameResolvedAgainstCwd() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPEN_X", 10, BASH).i64(3).str("../etc/./passwd").u32(1).u32(0)
                .u32(0x803).u64(4242).view());
        FdState fd = engine.currentFd();
        assertThat(engine.currentFdNum()).isEqualTo(3);
        assertThat(fd.name()).isEqualTo("/home/etc/passwd");
        assertThat(fd.nameRaw()).isEqualTo("../etc/./passwd");
        assertThat(fd.type()).isEqualTo(FdType.FILE_V2);
        assertThat(fd.typechar()).isEqualTo('f');
        assertThat(fd.directory()).isEqualTo("/home/etc");
        assertThat(fd.filename()).isEqualTo("passwd");
        assertThat(fd.ino()).isEqualTo(4242);
        assertThat(engine.currentFdNameChanged()).isTrue();
    }

    @Test
    void onEvent_failedOpen_noFd() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPEN_X", 10, BASH).i64(-2).str("/nope").u32(1).u32(0).view());
        assertThat(engine.currentFd()).isNull();
        assertThat(engine.fds(engine.thread(BASH)).get(-2)).isNull();
    }

    @Test
    void onEvent_openatWithDirfd_nameResolvedAgainstTheDirectoryFd() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPENAT_2_X", 10, BASH).i64(5).i64(-100).str("/var/log")
                .u32(1 << 10).u32(0).view());
        assertThat(engine.currentFd().type()).isEqualTo(FdType.DIRECTORY);
        assertThat(engine.currentFd().typechar()).isEqualTo('d');
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPENAT_2_X", 11, BASH).i64(6).i64(5).str("syslog").u32(1).u32(0)
                .view());
        assertThat(engine.currentFd().name()).isEqualTo("/var/log/syslog");
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPENAT_2_X", 12, BASH).i64(8).i64(-100).str("notes.txt").u32(1)
                .u32(0).view());
        assertThat(engine.currentFd().name()).isEqualTo("/home/u/notes.txt");
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPENAT_2_X", 13, BASH).i64(9).i64(55).str("x").u32(1).u32(0).view());
        assertThat(engine.currentFd().name()).as("libsinsp joins without a slash").isEqualTo("<UNKNOWN>x");
    }

    @Test
    void onEvent_closeExit_fdVisibleToCloseThenGone() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPEN_X", 10, BASH).i64(3).str("/etc/hosts").u32(1).u32(0).view());
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CLOSE_X", 11, BASH).i64(0).i64(3).view());
        assertThat(engine.currentFd().name()).isEqualTo("/etc/hosts");
        assertThat(engine.currentFdNameChanged()).isFalse();
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CLOSE_X", 12, BASH).i64(-9).i64(3).view());
        assertThat(engine.currentFd()).as("removed before the next event").isNull();
        assertThat(engine.fds(engine.thread(BASH)).get(3)).isNull();
    }

    @Test
    void onEvent_dupFamily_copiesDescriptorUnderNewNumber() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_DUP2_X", 10, BASH).i64(1).i64(0).i64(1).view());
        assertThat(engine.currentFdNum()).isEqualTo(1);
        assertThat(engine.currentFd().name()).isEqualTo("/dev/pts/0");
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_DUP3_X", 11, BASH).i64(9).i64(0).i64(9).u32(1 << 12).view());
        assertThat(engine.currentFd().closeOnExec()).isTrue();
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_DUP_1_X", 12, BASH).i64(10).i64(7).view());
        assertThat(engine.currentFd().name()).isEqualTo("/etc/secret");
        assertThat(engine.currentFd().closeOnExec()).as("dup clears O_CLOEXEC").isFalse();
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_FCNTL_X", 13, BASH).i64(11).i64(0).u8(1).u64(0).view());
        assertThat(engine.currentFdNum()).isEqualTo(11);
        assertThat(engine.currentFd().name()).isEqualTo("/dev/pts/0");
    }

    @Test
    void onEvent_pipeAndEventfd_typedDescriptors() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_PIPE2_X", 10, BASH).i64(0).i64(3).i64(4).u64(99).u32(0).view());
        assertThat(engine.fds(engine.thread(BASH)).get(3).typechar()).isEqualTo('p');
        assertThat(engine.fds(engine.thread(BASH)).get(4).ino()).isEqualTo(99);
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_EVENTFD2_X", 11, BASH).i64(5).u16(0).u64(0).view());
        assertThat(engine.currentFd().typechar()).isEqualTo('e');
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_MEMFD_CREATE_X", 12, BASH).i64(6).str("jit").u32(0).view());
        assertThat(engine.currentFd().typechar()).isEqualTo('m');
        assertThat(engine.currentFd().name()).isEqualTo("jit");
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_INOTIFY_INIT1_X", 13, BASH).i64(7).u16(0).view());
        assertThat(engine.currentFd().typechar()).isEqualTo('i');
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_TIMERFD_CREATE_X", 14, BASH).i64(8).u8(0).u8(0).view());
        assertThat(engine.currentFd().typechar()).isEqualTo('t');
    }

    @Test
    void onEvent_chdirAndFchdir_updateCwd() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CHDIR_X", 10, BASH).i64(0).str("../other/").view());
        assertThat(engine.cwd(engine.thread(BASH))).isEqualTo("/home/other/");
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CHDIR_X", 11, BASH).i64(-2).str("/missing").view());
        assertThat(engine.cwd(engine.thread(BASH))).isEqualTo("/home/other/");
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPENAT_2_X", 12, BASH).i64(5).i64(-100).str("/srv").u32(1 << 10)
                .u32(0).view());
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_FCHDIR_X", 13, BASH).i64(0).i64(5).view());
        assertThat(engine.cwd(engine.thread(BASH))).isEqualTo("/srv/");
    }

    // ------------------------------------------------------------------ sockets

    @Test
    void onEvent_socketThenConnect_tupleNamesTheSocket() {
        engine.onEvent(EventBuilder.of("PPME_SOCKET_SOCKET_X", 10, BASH).i64(3).u32(2).u32(1).u32(0).u32(0).view());
        assertThat(engine.currentFd().typechar()).isEqualTo('4');
        assertThat(engine.currentFd().name()).isEmpty();
        assertThat(engine.currentFd().l4protoName()).isEqualTo("tcp");
        engine.onEvent(EventBuilder.of("PPME_SOCKET_CONNECT_X", 11, BASH).i64(0).tuple4("10.0.0.5", 41000, "93.184.216.34",
                443).i64(3).addr4("93.184.216.34", 443).view());
        FdState fd = engine.currentFd();
        assertThat(fd.name()).isEqualTo("10.0.0.5:41000->93.184.216.34:443");
        assertThat(fd.connected()).isTrue();
        assertThat(fd.role()).isEqualTo(FdState.Role.CLIENT);
        assertThat(fd.dip()).isEqualTo(0x5DB8D822);
        assertThat(fd.dport()).isEqualTo(443);
        assertThat(fd.sport()).isEqualTo(41000);
        assertThat(engine.currentFdNameChanged()).isTrue();
    }

    @Test
    void onEvent_failedConnect_socketNotConnected() {
        engine.onEvent(EventBuilder.of("PPME_SOCKET_SOCKET_X", 10, BASH).i64(3).u32(2).u32(1).u32(0).u32(0).view());
        engine.onEvent(EventBuilder.of("PPME_SOCKET_CONNECT_X", 11, BASH).i64(-111).tuple4("10.0.0.5", 41000, "10.0.0.6",
                80).i64(3).view());
        assertThat(engine.currentFd().connected()).isFalse();
        assertThat(engine.currentFd().name()).isEmpty();
    }

    @Test
    void onEvent_bindListenAccept_serverSocketAndAcceptedConnection() {
        engine.onEvent(EventBuilder.of("PPME_SOCKET_SOCKET_X", 10, BASH).i64(3).u32(2).u32(1).u32(6).u32(0).view());
        engine.onEvent(EventBuilder.of("PPME_SOCKET_BIND_X", 11, BASH).i64(0).addr4("0.0.0.0", 8080).i64(3).view());
        assertThat(engine.currentFd().type()).isEqualTo(FdType.IPV4_SERVSOCK);
        assertThat(engine.currentFd().name()).isEqualTo("0.0.0.0:8080");
        assertThat(engine.currentFd().sport()).isEqualTo(8080);
        engine.onEvent(EventBuilder.of("PPME_SOCKET_ACCEPT_5_X", 12, BASH).i64(4).tuple4("192.168.1.9", 50000,
                "192.168.1.2", 8080).u8(0).u32(0).u32(128).view());
        FdState accepted = engine.currentFd();
        assertThat(engine.currentFdNum()).isEqualTo(4);
        assertThat(accepted.name()).isEqualTo("192.168.1.9:50000->192.168.1.2:8080");
        assertThat(accepted.role()).isEqualTo(FdState.Role.SERVER);
        assertThat(accepted.connected()).isTrue();
        assertThat(accepted.l4proto()).isEqualTo(FdState.L4_TCP);
    }

    @Test
    void onEvent_unixConnect_nameFromKernelAddressesAndPath() {
        engine.onEvent(EventBuilder.of("PPME_SOCKET_SOCKET_X", 10, BASH).i64(3).u32(1).u32(1).u32(0).u32(0).view());
        engine.onEvent(EventBuilder.of("PPME_SOCKET_CONNECT_X", 11, BASH).i64(0).tupleUnix(0xabc, 0xffff8800L,
                "/run/docker.sock").i64(3).view());
        assertThat(engine.currentFd().typechar()).isEqualTo('u');
        assertThat(engine.currentFd().name()).isEqualTo("abc->ffff8800 /run/docker.sock");
    }

    @Test
    void onEvent_sendtoOnUnknownFd_infersUdpSocketNamedByTuple() {
        engine.onEvent(EventBuilder.of("PPME_SOCKET_SENDTO_X", 10, BASH).i64(40).bytes(new byte[40]).i64(9).u32(40)
                .tuple4("10.0.0.5", 5353, "8.8.8.8", 53).view());
        FdState fd = engine.currentFd();
        assertThat(engine.currentFdNum()).isEqualTo(9);
        assertThat(fd.typechar()).isEqualTo('4');
        assertThat(fd.l4proto()).isEqualTo(FdState.L4_UDP);
        assertThat(fd.role()).isEqualTo(FdState.Role.CLIENT);
        assertThat(fd.name()).isEqualTo("10.0.0.5:5353->8.8.8.8:53");
    }

    @Test
    void onEvent_sendtoFromUnboundSocket_sourceInferredFromInterfaces() throws Exception {
        engine.onBlock(new ScapBlock.Interfaces(0, BlockType.IL_V2, List.of(
                new NetInterface.Ipv4("lo", (Inet4Address) InetAddress.getByName("127.0.0.1"),
                        (Inet4Address) InetAddress.getByName("255.0.0.0"),
                        (Inet4Address) InetAddress.getByName("127.255.255.255"), 0),
                new NetInterface.Ipv4("eth0", (Inet4Address) InetAddress.getByName("10.0.2.15"),
                        (Inet4Address) InetAddress.getByName("255.255.255.0"),
                        (Inet4Address) InetAddress.getByName("10.0.2.255"), 0))));
        engine.onEvent(EventBuilder.of("PPME_SOCKET_SENDTO_X", 10, BASH).i64(64).bytes(new byte[8]).i64(3).u32(64)
                .tuple4("0.0.0.0", 1, "128.32.41.1", 0).view());
        assertThat(engine.currentFd().name()).isEqualTo("10.0.2.15:1->128.32.41.1:0");
    }

    @Test
    void onEvent_recvfromOnFreshUdpSocket_serverRoleAndTuple() {
        engine.onEvent(EventBuilder.of("PPME_SOCKET_SOCKET_X", 10, BASH).i64(3).u32(2).u32(2).u32(0).u32(0).view());
        engine.onEvent(EventBuilder.of("PPME_SOCKET_RECVFROM_X", 11, BASH).i64(12).bytes(new byte[12])
                .tuple4("192.168.0.7", 40000, "192.168.0.2", 514).i64(3).u32(12).view());
        FdState fd = engine.currentFd();
        assertThat(fd.role()).isEqualTo(FdState.Role.SERVER);
        assertThat(fd.name()).isEqualTo("192.168.0.7:40000->192.168.0.2:514");
        assertThat(fd.dport()).isEqualTo(514);
    }

    // ------------------------------------------------------------------ threads

    @Test
    void onEvent_procexit_threadVisibleToItsOwnEventThenRemoved() {
        engine.onEvent(clone(10, BASH, 200, BASH, INIT, "bash", 0).view());
        engine.onEvent(EventBuilder.of("PPME_PROCEXIT_1_E", 20, 200).i64(0).i64(0).u8(0).u8(0).i64(0).view());
        assertThat(engine.currentThread().tid()).isEqualTo(200);
        assertThat(engine.currentThread().dead()).isTrue();
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CHDIR_X", 21, BASH).i64(0).str("/").view());
        assertThat(engine.thread(200)).isNull();
    }

    @Test
    void onEvent_mainThreadExitsBeforeItsThread_zombieLeaderKeptForTheThreadsFds() {
        engine.onEvent(clone(10, BASH, 101, BASH, INIT, "bash", CL_CLONE_THREAD).view());
        engine.onEvent(procexit(20, BASH).view());
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_FSTAT_X", 21, 101).i64(0).i64(0).view());
        assertThat(engine.thread(BASH)).isNotNull();
        assertThat(engine.thread(BASH).dead()).isTrue();
        assertThat(engine.currentFd().name()).isEqualTo("/dev/pts/0");
        engine.onEvent(procexit(30, 101).view());
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CHDIR_X", 31, INIT).i64(0).str("/").view());
        assertThat(engine.thread(101)).isNull();
        assertThat(engine.thread(BASH)).as("the leader goes with its last thread").isNull();
    }

    @Test
    void onEvent_parentExits_childrenReparentedToInit() {
        engine.onEvent(clone(10, BASH, 200, BASH, INIT, "bash", 0).view());
        engine.onEvent(clone(11, 200, 300, 200, BASH, "bash", 0).view());
        assertThat(engine.threads().ancestor(engine.thread(300), 1).tid()).isEqualTo(200);
        engine.onEvent(procexit(20, 200).view());
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CHDIR_X", 21, 300).i64(0).str("/").view());
        assertThat(engine.thread(300).ptid()).as("init reaps the orphan").isEqualTo(INIT);
        assertThat(engine.threads().ancestor(engine.thread(300), 1).comm()).isEqualTo("systemd");
    }

    @Test
    void onEvent_procexitNamesReaper_childrenGoToIt() {
        engine.onEvent(clone(10, BASH, 200, BASH, INIT, "bash", 0).view());
        engine.onEvent(clone(11, 200, 300, 200, BASH, "bash", 0).view());
        engine.onEvent(EventBuilder.of("PPME_PROCEXIT_1_E", 20, 200).i64(0).i64(0).u8(0).u8(0).i64(BASH).view());
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CHDIR_X", 21, 300).i64(0).str("/").view());
        assertThat(engine.thread(300).ptid()).isEqualTo(BASH);
    }

    static EventBuilder procexit(long ts, long tid) {
        return EventBuilder.of("PPME_PROCEXIT_1_E", ts, tid).i64(0).i64(0).u8(0).u8(0).i64(0);
    }

    @Test
    void onEvent_unknownThread_placeholderNamedNA() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CHDIR_X", 10, 999).i64(0).str("/").view());
        ThreadState t = engine.currentThread();
        assertThat(t.comm()).isEqualTo("<NA>");
        assertThat(t.invalid()).isTrue();
        assertThat(engine.user(t)).isNull();
        assertThat(engine.cwd(t)).isEqualTo("./");
    }

    @Test
    void onEvent_setuidAndSetresgid_updateIds() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_SETUID_X", 10, BASH).i64(0).u32(0).view());
        assertThat(engine.user(engine.thread(BASH)).name()).isEqualTo("root");
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_SETRESGID_X", 11, BASH).i64(0).u32(5).u32(6).u32(7).view());
        assertThat(engine.thread(BASH).gid()).isEqualTo(6);
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_SETUID_X", 12, BASH).i64(-1).u32(1000).view());
        assertThat(engine.thread(BASH).uid()).isZero();
    }

    @Test
    void onEvent_setrlimitAndPrlimitNofile_fdlimitOfTheProcess() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_SETRLIMIT_X", 10, BASH).i64(0).i64(4096).i64(8192).u8(7).view());
        assertThat(engine.thread(BASH).fdlimit()).isEqualTo(4096);
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_SETRLIMIT_X", 11, BASH).i64(0).i64(10).i64(10).u8(3).view());
        assertThat(engine.thread(BASH).fdlimit()).as("another resource").isEqualTo(4096);
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_PRLIMIT_X", 12, INIT).i64(0).i64(65536).i64(65536).i64(4096)
                .i64(8192).i64(BASH).u8(7).view());
        assertThat(engine.thread(BASH).fdlimit()).isEqualTo(65536);
    }

    @Test
    void onEvent_brkExit_memoryCounters() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_BRK_4_X", 10, BASH).i64(0).u32(2048).u32(512).u32(8).view());
        assertThat(engine.thread(BASH).vmsizeKb()).isEqualTo(2048);
        assertThat(engine.thread(BASH).vmrssKb()).isEqualTo(512);
        assertThat(engine.thread(BASH).vmswapKb()).isEqualTo(8);
    }

    @Test
    void onEvent_rootThreadWithoutUserList_implicitRootUser() {
        StateEngine bare = new StateEngine();
        bare.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(BASH).pid(BASH).vtid(BASH).vpid(BASH).ptid(0).comm("bash").build())));
        assertThat(bare.user(bare.thread(BASH))).isNull();
        bare.onEvent(EventBuilder.of("PPME_SYSCALL_SETUID_X", 10, BASH).i64(0).u32(0).view());
        assertThat(bare.user(bare.thread(BASH)).name()).isEqualTo("root");
        assertThat(bare.user(bare.thread(BASH)).homedir()).isEqualTo("/root");
    }

    @Test
    void ancestors_parentChain_walksProcesses() {
        engine.onEvent(clone(10, BASH, 200, BASH, INIT, "bash", 0).view());
        engine.onEvent(execve(11, 200, "sh", "/bin/sh", List.of()).view());
        engine.onEvent(clone(12, 200, 300, 200, BASH, "sh", 0).view());
        engine.onEvent(clone(13, 300, 301, 300, 200, "sh", CL_CLONE_THREAD).view());
        ThreadState thread = engine.thread(301);
        assertThat(engine.threads().ancestor(thread, 0).tid()).isEqualTo(300);
        assertThat(engine.threads().ancestor(thread, 1).comm()).isEqualTo("sh");
        assertThat(engine.threads().ancestor(thread, 2).comm()).isEqualTo("bash");
        assertThat(engine.threads().ancestor(thread, 3).comm()).isEqualTo("systemd");
        assertThat(engine.threads().ancestor(thread, 4)).isNull();
    }

    @Test
    void onEvent_oldLayouts_parsedByParameterName() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CLONE_17_X", 10, BASH).i64(200).str("bash").strs().i64(BASH).i64(BASH)
                .i64(INIT).str("").i64(1024).i64(0).i64(0).u32(0).u32(0).u32(0).str("bash").u32(0).u32(1000)
                .u32(1000).view());
        assertThat(engine.thread(200).comm()).isEqualTo("bash");
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_EXECVE_16_X", 11, 200).i64(0).str("ls").strs("-l").i64(200).i64(200)
                .i64(BASH).str("/home/u").i64(1024).i64(0).i64(0).u32(0).u32(0).u32(0).str("ls").strs("cpu=/")
                .strs("LANG=C").view());
        ThreadState t = engine.thread(200);
        assertThat(t.comm()).isEqualTo("ls");
        assertThat(t.args()).containsExactly("-l");
        assertThat(t.env()).containsExactly("LANG=C");
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPENAT_E", 12, 200).i64(-100).str("notes").u32(1).u32(0).view());
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPENAT_X", 13, 200).i64(4).view());
        assertThat(engine.currentFd().name()).as("name and dirfd from the enter event").isEqualTo("/home/u/notes");
        engine.onEvent(EventBuilder.of("PPME_SOCKET_SOCKET_E", 14, 200).u32(2).u32(2).u32(0).view());
        engine.onEvent(EventBuilder.of("PPME_SOCKET_SOCKET_X", 15, 200).i64(5).view());
        assertThat(engine.currentFd().l4proto()).as("domain and type from the enter event").isEqualTo(FdState.L4_UDP);
    }

    @Test
    void onEvent_threadTableFull_exitedThreadsEvictedFirst() {
        StateEngine small = new StateEngine(dev.peregrine.event.EventTable.get(),
                dev.peregrine.state.user.UserDirectory.NONE, 4);
        small.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(BASH).pid(BASH).vtid(BASH).vpid(BASH).ptid(0).comm("bash").build())));
        small.onEvent(clone(10, BASH, 201, BASH, 0, "bash", 0).view());
        small.onEvent(clone(11, BASH, 202, BASH, 0, "bash", 0).view());
        small.onEvent(EventBuilder.of("PPME_SYSCALL_CHDIR_X", 12, 201).i64(0).str("/").view());
        ThreadState dying = small.thread(202);
        dying.setDead(true);
        small.onEvent(clone(13, BASH, 203, BASH, 0, "bash", 0).view());
        small.onEvent(clone(14, BASH, 204, BASH, 0, "bash", 0).view());
        assertThat(small.threads().size()).isEqualTo(4);
        assertThat(small.thread(202)).isNull();
        assertThat(small.thread(204)).isNotNull();
        assertThat(small.threads().evictions()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ users, containers

    @Test
    void onEvent_userAndGroupAdded_recordedPerContainer() {
        engine.onEvent(EventBuilder.of("PPME_USER_ADDED_E", 10, -1).u32(2000).u32(2000).str("bob").str("/home/bob")
                .str("/bin/zsh").str("").view());
        engine.onEvent(EventBuilder.of("PPME_GROUP_ADDED_E", 11, -1).u32(3000).str("devs").str("abc123def456").view());
        assertThat(engine.currentThread()).isNull();
        assertThat(engine.users().user("", 2000).shell()).isEqualTo("/bin/zsh");
        assertThat(engine.users().group("abc123def456", 3000).name()).isEqualTo("devs");
        assertThat(engine.users().group("", 3000)).isNull();
    }

    @Test
    void onEvent_containerJson_metadataRecorded() {
        String json = "{\"container\":{\"id\":\"3ad7b26ded6d\",\"name\":\"web\",\"image\":\"nginx:1.25\","
                + "\"imagerepo\":\"nginx\",\"imagetag\":\"1.25\",\"imagedigest\":\"sha256:ab\",\"privileged\":true,"
                + "\"type\":0,\"Mounts\":[{\"Source\":\"/var/run/docker.sock\",\"Destination\":\"/sock\","
                + "\"Mode\":\"\",\"RW\":true,\"Propagation\":\"rprivate\"}],"
                + "\"labels\":{\"io.kubernetes.pod.name\":\"web-0\",\"io.kubernetes.pod.namespace\":\"prod\"}}}";
        engine.onEvent(EventBuilder.of("PPME_CONTAINER_JSON_2_E", 10, -1).str(json).view());
        var c = engine.containers().get("3ad7b26ded6d");
        assertThat(c.name()).isEqualTo("web");
        assertThat(c.imageRepository()).isEqualTo("nginx");
        assertThat(c.imageTag()).isEqualTo("1.25");
        assertThat(c.privileged()).isTrue();
        assertThat(c.mounts()).singleElement().satisfies(m -> {
            assertThat(m.source()).isEqualTo("/var/run/docker.sock");
            assertThat(m.readWrite()).isTrue();
        });
        assertThat(c.podName()).isEqualTo("web-0");
        assertThat(c.podNamespace()).isEqualTo("prod");
        engine.onEvent(EventBuilder.of("PPME_CONTAINER_JSON_2_E", 11, -1).str("{not json").view());
        assertThat(engine.containerJsonErrors()).isEqualTo(1);
    }

    @Test
    void onEvent_containerPluginAsyncEvents_addAndRemove() {
        String json = "{\"container\":{\"id\":\"abcdefabcdef\",\"name\":\"db\",\"image\":\"postgres\"}}";
        engine.onEvent(EventBuilder.of("PPME_ASYNCEVENT_E", 10, -1).u32(999).str("container").str(json).view());
        assertThat(engine.containers().get("abcdefabcdef").image()).isEqualTo("postgres");
        engine.onEvent(EventBuilder.of("PPME_ASYNCEVENT_E", 11, -1).u32(999).str("other").str(json).view());
        assertThat(engine.containers().get("abcdefabcdef")).isNotNull();
        engine.onEvent(EventBuilder.of("PPME_ASYNCEVENT_E", 12, -1).u32(999).str("container_removed").str(json).view());
        assertThat(engine.containers().get("abcdefabcdef")).isNull();
    }

    @Test
    void onBlock_sectionHeader_resetsState() {
        engine.onBlock(new ScapBlock.SectionHeader(0, 1, 2, -1));
        assertThat(engine.threads().size()).isZero();
        assertThat(engine.users().userCount()).isZero();
    }

    @Test
    void retainedBytes_growsWithState() {
        long before = engine.retainedBytes();
        for (int i = 0; i < 100; i++) {
            engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPEN_X", 10 + i, BASH).i64(20 + i).str("/tmp/file-" + i).u32(1)
                    .u32(0).view());
        }
        assertThat(engine.retainedBytes()).isGreaterThan(before + 100 * 100);
    }

    // ------------------------------------------------------------------ builders

    /** A current-layout clone exit (CLONE_20_X). */
    static EventBuilder clone(long ts, long tid, long res, long pid, long ptid, String comm, int flags) {
        return EventBuilder.of("PPME_SYSCALL_CLONE_20_X", ts, tid).i64(res).str(comm).strs().i64(tid).i64(pid).i64(ptid)
                .str("").i64(1024).i64(0).i64(0).u32(0).u32(0).u32(0).str(comm).strs("cpu=/user.slice").u32(flags)
                .u32(1000).u32(1000).i64(res == 0 ? tid : res).i64(pid).i64(0);
    }

    /** The fixed part of an EXECVE_19_X, up to comm; append cgroups, env and the rest. */
    static EventBuilder execveBase(long ts, long tid, String comm, String exe, List<String> args) {
        return EventBuilder.of("PPME_SYSCALL_EXECVE_19_X", ts, tid).i64(0).str(comm).strs(args.toArray(String[]::new))
                .i64(tid).i64(tid).i64(BASH).str("/home/u").i64(1024).i64(0).i64(0).u32(0).u32(0).u32(0).str(comm);
    }

    /** A full EXECVE_19_X with trusted exepath {@code exe}. */
    static EventBuilder execve(long ts, long tid, String comm, String exe, List<String> args) {
        return execveBase(ts, tid, comm, exe, args).strs("cpu=/user.slice").strs("HOME=/home/u", "TERM=xterm")
                .u32(34816).i64(tid).u32(1000).u32(1 << 1).i64(0).i64(0x3f).i64(0x3f).i64(777).i64(5).i64(6)
                .u32(1000).str(exe).i64(tid).u32(1000);
    }
}
