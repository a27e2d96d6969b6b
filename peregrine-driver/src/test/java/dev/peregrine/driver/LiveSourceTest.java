package dev.peregrine.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.capture.scap.ScapFileWriter;
import dev.peregrine.driver.libbpf.Libbpf;
import dev.peregrine.event.Event;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads the real driver (root, BTF and the compiled object needed; skipped otherwise) and checks live events. */
class LiveSourceTest {
    private static final int OPENAT_2_X = 307;
    private static final int CLOSE_X = 5;
    private static final int CONNECT_X = 23;
    private static final int EXECVE_19_X = 293;
    private static final int PROCEXIT_1_E = 186;
    private static final List<Integer> CLONE_EXITS = List.of(223, 225, 227, 335);
    private static final long PPM_CL_CLONE_VM_VFORK = (1 << 15) | (1 << 27);
    private static final long PPM_EXE_WRITABLE = 1 << 0;
    private static final long PPM_EXE_FROM_MEMFD = 1 << 2;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    /** Parameter index of cgroups in execve (19) and clone (20) exits. */
    private static final int CGROUPS = 14;
    /** The controllers the driver reports, in its order (Falco's drivers report the same five). */
    private static final List<String> CGROUP_CONTROLLERS = List.of("cpuset", "cpu", "cpuacct", "io", "memory");

    private static LiveSource source;

    @TempDir
    Path dir;

    @BeforeAll
    static void openDriver() {
        var reason = LiveSource.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "live capture unavailable: " + reason.orElseThrow());
        source = LiveSource.open(LiveSource.Options.defaults());
    }

    @AfterAll
    static void closeDriver() {
        if (source != null) {
            source.close();
        }
    }





    @Test
    void open_tempFileOpenedAndClosed_openatAndCloseEventsCarryPathFdAndInode() throws Exception {
        Path file = Files.writeString(dir.resolve("live-open.txt"), "x");
        long ino = (long) Files.getAttribute(file, "unix:ino");
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(in.read()).isEqualTo('x');
        }
        // Files.writeString opened it for writing first; the read-only open is the one checked.
        Event open = LiveEvents.readUntil(source, e -> e.type() == OPENAT_2_X && LiveEvents.str(e, 2).equals(file.toString())
                && (LiveEvents.u32(e, 3) & 3) == 1, WAIT_NANOS).getLast();
        long fd = LiveEvents.s64(open, 0);
        assertThat(fd).isNotNegative();
        assertThat(open.params()).hasSize(7);
        assertThat(open.param(0).length()).isEqualTo(8);
        assertThat(LiveEvents.s64(open, 1)).as("dirfd AT_FDCWD").isEqualTo(-100);
        assertThat(LiveEvents.s64(open, 6)).as("ino").isEqualTo(ino);
        long tid = open.tid();
        assertThat(open.ts()).isCloseTo(System.currentTimeMillis() * 1_000_000L,
                Offset.offset(TimeUnit.SECONDS.toNanos(30)));
        Event close = LiveEvents.readUntil(source, e -> e.type() == CLOSE_X && e.tid() == tid && LiveEvents.s64(e, 1) == fd, WAIT_NANOS).getLast();
        assertThat(LiveEvents.s64(close, 0)).as("close res").isZero();
    }

    @Test
    void exec_binTrue_execveCloneAndProcexitEvents() throws Exception {
        List<String> cgroups = expectedCgroups(ProcessHandle.current().pid());
        assertThat(cgroups).as("controllers of this kernel").isNotEmpty();
        Path cwd = dir.toRealPath();
        Process p = new ProcessBuilder("/bin/true", "live-arg").directory(cwd.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long pid = p.pid();
        List<Event> seen = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS);
        assertThat(seen).anySatisfy(e -> {
            assertThat(CLONE_EXITS).contains(e.type());
            assertThat(LiveEvents.s64(e, 0)).as("clone res in the parent").isEqualTo(pid);
            // The JDK starts processes with posix_spawn (or vfork): CLONE_VM | CLONE_VFORK.
            assertThat(LiveEvents.u32(e, 15) & PPM_CL_CLONE_VM_VFORK).as("flags").isEqualTo(PPM_CL_CLONE_VM_VFORK);
            assertThat(LiveEvents.strs(e, CGROUPS)).as("cgroups: the JVM's").isEqualTo(cgroups);
        });
        assertThat(seen).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(EXECVE_19_X);
            assertThat(e.tid()).isEqualTo(pid);
            assertThat(e.params()).hasSize(31);
            assertThat(LiveEvents.s64(e, 0)).as("res").isZero();
            assertThat(LiveEvents.str(e, 1)).as("exe").isEqualTo("/bin/true");
            assertThat(LiveEvents.str(e, 2)).as("args").isEqualTo("live-arg");
            assertThat(LiveEvents.s64(e, 4)).as("pid").isEqualTo(pid);
            assertThat(LiveEvents.str(e, 6)).as("cwd").isEqualTo(cwd.toString());
            assertThat(LiveEvents.strs(e, CGROUPS)).as("cgroups: inherited").isEqualTo(cgroups);
            // The JDK does not start a new process group for its children: the JVM's group is inherited.
            long jvmGroup = pgidOf(ProcessHandle.current().pid());
            assertThat(LiveEvents.s64(e, 28)).as("pgid").isEqualTo(jvmGroup);
            assertThat(LiveEvents.u32(e, 16)).as("tty: the JVM's controlling terminal").isEqualTo(statField(
                    ProcessHandle.current().pid(), 4));
            assertThat(LiveEvents.s64(e, 17)).as("vpgid").isEqualTo(jvmGroup);
            assertThat(LiveEvents.str(e, 13)).as("comm").isEqualTo("true");
            assertThat(LiveEvents.str(e, 30)).as("filename").isEqualTo("/bin/true");
            assertThat(LiveEvents.str(e, 27)).as("trusted_exepath: the mapped image, symlinks resolved")
                    .isEqualTo(Path.of("/bin/true").toRealPath().toString());
            // Root owns /bin/true: writable for the (root) test process; not from a memfd.
            assertThat(LiveEvents.u32(e, 19)).as("flags").isEqualTo(PPM_EXE_WRITABLE);
        });
        assertThat(LiveEvents.s64(seen.getLast(), 0)).as("exit status").isZero();
    }

    @Test
    void exec_cwdOnAnotherMount_cwdCrossesTheMountPoint() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains(" /dev/shm "), "/dev/shm not a mount");
        Path cwd = Files.createTempDirectory(shm, "peregrine-live");
        try {
            Process p = new ProcessBuilder("/bin/true").directory(cwd.toFile()).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long pid = p.pid();
            List<Event> seen = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS);
            assertThat(seen).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(EXECVE_19_X);
                assertThat(e.tid()).isEqualTo(pid);
                assertThat(LiveEvents.str(e, 6)).as("cwd").isEqualTo(cwd.toString());
            });
        } finally {
            Files.delete(cwd);
        }
    }

    @Test
    void exec_cwdDeeperThanTheWalk_cwdEmptyRatherThanCut() throws Exception {
        Path deep = dir.toRealPath();
        for (int i = 0; i < 20; i++) {
            deep = deep.resolve("d" + i);
        }
        Files.createDirectories(deep);
        Process p = new ProcessBuilder("/bin/true").directory(deep.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long pid = p.pid();
        List<Event> seen = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS);
        assertThat(seen).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(EXECVE_19_X);
            assertThat(e.tid()).isEqualTo(pid);
            assertThat(LiveEvents.str(e, 6)).as("cwd").isEmpty();
        });
    }

    @Test
    void exec_fromMemfd_execveFlagsSayFromMemfd() throws Throwable {
        MethodHandle memfdCreate = libc("memfd_create",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) memfdCreate.invokeExact(arena.allocateFrom("peregrine-test"), 0);
        }
        assertThat(fd).isNotNegative();
        Path self = Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd);
        Process p;
        try {
            Files.write(self, Files.readAllBytes(Path.of("/bin/true")));
            p = new ProcessBuilder(self.toString()).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            Libbpf.close(fd);
        }
        long pid = p.pid();
        List<Event> seen = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS);
        assertThat(seen).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(EXECVE_19_X);
            assertThat(e.tid()).isEqualTo(pid);
            assertThat(LiveEvents.u32(e, 19) & PPM_EXE_FROM_MEMFD).as("flags").isEqualTo(PPM_EXE_FROM_MEMFD);
        });
    }

    @Test
    void connect_loopbackPort_connectEventCarriesTupleAndSockaddr() throws Exception {
        // A connect without timeout is a blocking connect(2): res 0 (with a timeout the JDK gets EINPROGRESS).
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            assertThat(client.isConnected()).isTrue();
            int port = server.getLocalPort();
            Event c = LiveEvents.readUntil(source, e -> e.type() == CONNECT_X && portOf(e) == port, WAIT_NANOS).getLast();
            assertThat(LiveEvents.s64(c, 0)).as("res").isZero();
            ByteBuffer tuple = ByteBuffer.wrap(c.param(1).bytes()).order(ByteOrder.LITTLE_ENDIAN);
            if (tuple.get(0) == 2) {
                assertThat(tuple.limit()).isEqualTo(13);
                assertThat(Short.toUnsignedInt(tuple.getShort(5))).as("sport").isEqualTo(client.getLocalPort());
                assertThat(Short.toUnsignedInt(tuple.getShort(11))).as("dport").isEqualTo(port);
                assertThat(Arrays.copyOfRange(c.param(1).bytes(), 1, 5)).as("source").containsExactly(127, 0, 0, 1);
                assertThat(Arrays.copyOfRange(c.param(1).bytes(), 7, 11)).as("destination")
                        .containsExactly(127, 0, 0, 1);
            } else {
                assertThat(tuple.get(0)).as("PPM_AF_INET6").isEqualTo((byte) 10);
                assertThat(tuple.limit()).isEqualTo(37);
                assertThat(Short.toUnsignedInt(tuple.getShort(17))).as("sport").isEqualTo(client.getLocalPort());
                assertThat(Short.toUnsignedInt(tuple.getShort(35))).as("dport").isEqualTo(port);
                byte[] t = c.param(1).bytes();
                byte[] mappedLoopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1};
                assertThat(Arrays.copyOfRange(t, 1, 17)).as("source address").containsExactly(mappedLoopback);
                assertThat(Arrays.copyOfRange(t, 19, 35)).as("destination address").containsExactly(mappedLoopback);
            }
            byte[] addr = c.param(3).bytes();
            // The JDK connects from an IPv6 socket when the host has IPv6: then the address is ::ffff:127.0.0.1.
            if (addr[0] == 2) {
                assertThat(addr).hasSize(7);
                assertThat(Arrays.copyOfRange(addr, 1, 5)).containsExactly(127, 0, 0, 1);
            } else {
                assertThat(addr[0]).as("PPM_AF_INET6").isEqualTo((byte) 10);
                assertThat(addr).hasSize(19);
                assertThat(Arrays.copyOfRange(addr, 1, 17))
                        .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1);
            }
        }
    }

    /** {@return the process group of a live process, from /proc/PID/stat} */
    private static long pgidOf(long pid) {
        return statField(pid, 2);
    }

    /** {@return field {@code i} of /proc/PID/stat counted from the state field (0), e.g. 2 pgrp, 4 tty_nr} */
    private static long statField(long pid, int i) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[i]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void open_onlyConnectSelected_otherSyscallsDroppedInKernel() throws Exception {
        try (LiveSource only = LiveSource.open(new LiveSource.Options(1 << 20, 10, Set.of("connect")));
                ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path file = Files.writeString(dir.resolve("unselected.txt"), "x");
            try (InputStream in = Files.newInputStream(file)) {
                assertThat(in.read()).isEqualTo('x');
            }
            int port = server.getLocalPort();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(client.isConnected()).isTrue();
            }
            List<Integer> types = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT_NANOS;
            boolean found = false;
            while (!found && System.nanoTime() < deadline) {
                if (only.next() == Next.EVENT) {
                    Event e = Event.copyOf(only.event());
                    types.add(e.type());
                    found = e.type() == CONNECT_X && portOf(e) == port;
                }
            }
            assertThat(found).as("connect event delivered").isTrue();
            assertThat(types).as("only connect and the always-on exec/exit tracepoints")
                    .allMatch(t -> t == CONNECT_X || t == EXECVE_19_X || t == PROCEXIT_1_E);
        }
    }

    /** {@return the port of the PT_SOCKADDR in param 3 (IPv4 or IPv6), or -1 for other families} */
    private static int portOf(Event e) {
        byte[] a = e.param(3).bytes();
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        if (a.length == 7 && a[0] == 2) {
            return Short.toUnsignedInt(b.getShort(5));
        }
        if (a.length == 19 && a[0] == 10) {
            return Short.toUnsignedInt(b.getShort(17));
        }
        return -1;
    }

    @Test
    void capture_liveEventsWrittenAsScap_sysdigReadsFileAndProcessFields() throws Exception {
        Path sysdig = Path.of("/usr/bin/sysdig");
        assumeTrue(Files.isExecutable(sysdig), "sysdig not installed");
        Path secret = Files.writeString(dir.resolve("live-secret.txt"), "hello\n");
        Path capture = dir.resolve("live.scap");
        long pid;
        try (ScapFileWriter writer = ScapFileWriter.create(capture, false, ScapFileWriter.Layout.SYSDIG_0_29)) {
            Process cat = new ProcessBuilder("/bin/cat", secret.toString()).start();
            assertThat(cat.getInputStream().readAllBytes()).hasSize(6);
            assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();
            pid = cat.pid();
            long deadline = System.nanoTime() + WAIT_NANOS;
            boolean exited = false;
            while (!exited && System.nanoTime() < deadline) {
                if (source.next() == Next.EVENT) {
                    writer.writeEvent(source.event());
                    exited = source.event().type() == PROCEXIT_1_E && source.event().tid() == pid;
                }
            }
            assertThat(exited).as("procexit of cat seen").isTrue();
        }
        Process read = new ProcessBuilder(sysdig.toString(), "-r", capture.toString(), "fd.name=" + secret,
                "-p", "%evt.type %thread.tid %proc.name %proc.cmdline %fd.name").redirectErrorStream(true).start();
        String out = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(read.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("openat " + pid + " cat cat " + secret + " " + secret);
    }

    @Test
    void procexit_parentOfARunningChildUnderASubreaper_reaperTidIsTheSubreaper() throws Throwable {
        MethodHandle prctl = libc("prctl", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG), Linker.Option.firstVariadicArg(1));
        long jvm = ProcessHandle.current().pid();
        Process sh;
        // This JVM becomes a child subreaper: the sleep the shell leaves behind is given to it, not to init.
        assertThat((int) prctl.invokeExact(PR_SET_CHILD_SUBREAPER, 1L)).isZero();
        try {
            sh = new ProcessBuilder("/bin/sh", "-c", "/bin/sleep 1 & exit 0").start();
            assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            assertThat((int) prctl.invokeExact(PR_SET_CHILD_SUBREAPER, 0L)).isZero();
        }
        long pid = sh.pid();
        Event exit = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS)
                .getLast();
        // The kernel gives orphans to the first live thread of the subreaper's group: the JVM's main thread.
        assertThat(LiveEvents.s64(exit, 4)).as("reaper_tid").isEqualTo(jvm);
    }

    @Test
    void drops_afterLightLoad_countedPerCpuAndZero() {
        long[] drops = source.drops();
        assertThat(drops).hasSizeGreaterThanOrEqualTo(source.ringCount());
        assertThat(source.malformedCount()).isZero();
    }

    /** {@return a downcall to the C library's function {@code name}} */
    @SuppressWarnings("restricted")
    private static MethodHandle libc(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }

    /**
     * {@return "controller=path" for each of the five controllers this kernel has (/proc/cgroups), with the path of
     * its v1 hierarchy in /proc/PID/cgroup, or the unified (v2) path when it is not mounted in v1; v1 names the io
     * controller blkio}
     */
    private static List<String> expectedCgroups(long pid) throws Exception {
        Map<String, String> v1 = new HashMap<>();
        String v2 = null;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f[1].isEmpty()) {
                v2 = f[2];
            }
            for (String c : f[1].split(",")) {
                v1.put(c.equals("blkio") ? "io" : c, f[2]);
            }
        }
        List<String> kernel = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/cgroups"))) {
            if (!line.startsWith("#")) {
                String name = line.split("\\s+")[0];
                kernel.add(name.equals("blkio") ? "io" : name);
            }
        }
        List<String> out = new ArrayList<>();
        for (String c : CGROUP_CONTROLLERS) {
            String path = v1.getOrDefault(c, v2);
            if (kernel.contains(c) && path != null) {
                out.add(c + "=" + path);
            }
        }
        return out;
    }
}
