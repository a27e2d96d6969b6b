package dev.peregrine.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.event.Event;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parameters the driver fills beyond the first slices (root, BTF and the compiled object needed; skipped
 * otherwise): memory counters, exe inode times, pid-namespace ids of clone, unix socket tuples, setsid, pipe2 and
 * capset events, drop reasons.
 */
class LiveParametersTest {
    /* Event codes (EventTable) and flags (Falco's ppm_events_public.h). */
    private static final int CONNECT_X = 23;
    private static final int SETSID_X = 275;
    private static final int CAPSET_X = 353;
    private static final int PIPE2_X = 393;
    private static final Set<Integer> ACCEPT_EXITS = Set.of(247, 389);
    private static final int EXECVE_19_X = 293;
    private static final int PROCEXIT_1_E = 186;
    private static final Set<Integer> CLONE_EXITS = Set.of(223, 225, 227, 335);
    private static final long PPM_CL_CHILD_IN_PIDNS = 1L << 29;
    private static final int PPM_AF_UNIX = 1;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static LiveSource source;

    @TempDir
    Path dir;

    @BeforeAll
    static void openDriver() {
        source = LiveEvents.openOrSkip();
    }

    @AfterAll
    static void closeDriver() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void exec_binTrue_memoryCountersAndExeInodeTimes() throws Exception {
        Path exe = Path.of("/bin/true").toRealPath();
        long jvmRssKib = statusKib("VmRSS");
        Process p = new ProcessBuilder("/bin/true").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long pid = p.pid();
        List<Event> seen = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS);
        // The JDK may exec its jspawnhelper first: the event of /bin/true is the one checked.
        Event exec = seen.stream().filter(e -> e.type() == EXECVE_19_X && e.tid() == pid
                && LiveEvents.str(e, 30).equals("/bin/true")).findFirst().orElseThrow();
        long vmSize = LiveEvents.u32(exec, 10);
        long vmRss = LiveEvents.u32(exec, 11);
        // The RSS counters' global part, as Falco reads them: a fresh small image's pages may all still sit in the
        // per-CPU batches (0 here), so only the bound is certain. The JVM's clone below checks the unit.
        assertThat(vmRss).as("vm_rss (KiB) of the new image").isLessThanOrEqualTo(vmSize);
        assertThat(LiveEvents.u32(exec, 12)).as("vm_swap: this machine has no swap").isZero();
        assertThat(LiveEvents.s64(exec, 24)).as("exe_ino_ctime")
                .isEqualTo(nanos((FileTime) Files.getAttribute(exe, "unix:ctime")));
        assertThat(LiveEvents.s64(exec, 25)).as("exe_ino_mtime").isEqualTo(nanos(Files.getLastModifiedTime(exe)));
        // The clone in the JVM carries the JVM's memory: the same order as /proc/self/status says (KiB, not pages).
        Event parentClone = seen.stream().filter(e -> CLONE_EXITS.contains(e.type()) && LiveEvents.s64(e, 0) == pid)
                .findFirst().orElseThrow();
        assertThat(LiveEvents.u32(parentClone, 11)).as("vm_rss of the JVM")
                .isBetween(jvmRssKib / 4, jvmRssKib * 4);
        assertThat(LiveEvents.s64(parentClone, 18)).as("vtid in the initial namespace").isEqualTo(parentClone.tid());
        assertThat(LiveEvents.s64(parentClone, 19)).as("vpid").isEqualTo(ProcessHandle.current().pid());
        assertThat(LiveEvents.u32(parentClone, 15) & PPM_CL_CHILD_IN_PIDNS).as("no pid namespace").isZero();
    }

    @Test
    void clone_childInNewPidNamespace_vtidVpidAreOneAndFlagsSayPidns() throws Exception {
        Path unshare = Path.of("/usr/bin/unshare");
        assumeTrue(Files.isExecutable(unshare), "util-linux unshare not installed");
        Process p = new ProcessBuilder(unshare.toString(), "--pid", "--fork", "/bin/true").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        long unsharePid = p.pid();
        List<Event> seen = LiveEvents.readUntil(source,
                e -> e.type() == PROCEXIT_1_E && e.tid() == unsharePid, WAIT_NANOS);
        // The fork after unshare(CLONE_NEWPID): in the parent, the child is in a new namespace...
        Event parent = seen.stream().filter(e -> CLONE_EXITS.contains(e.type()) && e.tid() == unsharePid
                && LiveEvents.s64(e, 0) > 0).findFirst().orElseThrow();
        assertThat(LiveEvents.u32(parent, 15) & PPM_CL_CHILD_IN_PIDNS).as("parent's flags").isNotZero();
        assertThat(LiveEvents.s64(parent, 18)).as("parent's vtid").isEqualTo(unsharePid);
        assertThat(LiveEvents.s64(parent, 20)).as("pidns_init_start_ts only in the child").isZero();
        long child = LiveEvents.s64(parent, 0);
        // ...and in the child, which is that namespace's init: pid 1 seen from inside.
        Event inChild = seen.stream().filter(e -> CLONE_EXITS.contains(e.type()) && e.tid() == child
                && LiveEvents.s64(e, 0) == 0).findFirst().orElseThrow();
        assertThat(LiveEvents.s64(inChild, 3)).as("tid (host)").isEqualTo(child);
        assertThat(LiveEvents.s64(inChild, 18)).as("vtid").isEqualTo(1);
        assertThat(LiveEvents.s64(inChild, 19)).as("vpid").isEqualTo(1);
        assertThat(LiveEvents.u32(inChild, 15) & PPM_CL_CHILD_IN_PIDNS).as("child's flags").isNotZero();
        assertThat(LiveEvents.s64(inChild, 20)).as("pidns_init_start_ts: the init's start, boot-clock ns")
                .isPositive();
    }

    @Test
    void connect_unixSocket_connectAndAcceptTuplesNameTheSocketsAndPath() throws Exception {
        Path path = dir.resolve("live.sock");
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(address);
                try (SocketChannel accepted = server.accept()) {
                    assertThat(accepted).isNotNull();
                }
            }
        }
        Event connect = LiveEvents.readUntil(source, e -> e.type() == CONNECT_X && isUnixTupleTo(e, 1, path),
                WAIT_NANOS).getLast();
        assertThat(LiveEvents.s64(connect, 0)).as("connect res").isZero();
        ByteBuffer out = tuple(connect, 1);
        long serverSide = out.getLong(1);
        long clientSide = out.getLong(9);
        assertThat(serverSide).as("peer socket").isNotZero();
        assertThat(clientSide).as("local socket").isNotZero().isNotEqualTo(serverSide);
        Event accept = LiveEvents.readUntil(source, e -> ACCEPT_EXITS.contains(e.type())
                && isUnixTupleTo(e, 1, path), WAIT_NANOS).getLast();
        ByteBuffer in = tuple(accept, 1);
        assertThat(in.getLong(1)).as("accept's local socket is connect's peer").isEqualTo(serverSide);
        assertThat(in.getLong(9)).as("accept's peer is connect's local socket").isEqualTo(clientSide);
    }

    @Test
    void sessionPipeCapset_python_eventsCarryTheResultsThePythonProcessSaw() throws Exception {
        assumeTrue(python3() != null, "python3 not installed");
        // pipe2 (os.pipe uses O_CLOEXEC), a forked child calling setsid, capset of the current sets (capget first).
        String script = String.join("\n",
                "import ctypes, os",
                "r, w = os.pipe()",
                "ino = os.fstat(r).st_ino",
                "c = os.fork()",
                "if c == 0:",
                "    os.setsid(); os._exit(0)",
                "os.waitpid(c, 0)",
                "libc = ctypes.CDLL(None, use_errno=True)",
                "hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)",
                "data = (ctypes.c_uint32 * 6)()",
                "assert libc.syscall(125, hdr, data) == 0",
                "assert libc.syscall(126, hdr, data) == 0",
                "eff, perm, inh = [data[i] | (data[i + 3] << 32) for i in range(3)]",
                "print(os.getpid(), r, w, ino, c, inh, perm, eff)");
        Process p = new ProcessBuilder(python3(), "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        long[] v = Arrays.stream(out.split(" ")).mapToLong(Long::parseLong).toArray();
        long pid = v[0];
        List<Event> seen = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS);
        // The interpreter (and a pyenv shim before it) make pipes of their own: the script's is the one with its inode.
        Event pipe = seen.stream().filter(e -> e.type() == PIPE2_X && e.tid() == pid && LiveEvents.s64(e, 3) == v[3])
                .findFirst().orElseThrow();
        assertThat(LiveEvents.s64(pipe, 0)).as("res").isZero();
        assertThat(LiveEvents.s64(pipe, 1)).as("fd1").isEqualTo(v[1]);
        assertThat(LiveEvents.s64(pipe, 2)).as("fd2").isEqualTo(v[2]);
        assertThat(LiveEvents.u32(pipe, 4)).as("flags: PPM_O_CLOEXEC").isEqualTo(1L << 12);
        long child = v[4];
        Event setsid = seen.stream().filter(e -> e.type() == SETSID_X && e.tid() == child).findFirst().orElseThrow();
        assertThat(LiveEvents.s64(setsid, 0)).as("the new session is the child's").isEqualTo(child);
        Event capset = seen.stream().filter(e -> e.type() == CAPSET_X && e.tid() == pid).findFirst().orElseThrow();
        assertThat(LiveEvents.s64(capset, 0)).as("res").isZero();
        assertThat(LiveEvents.s64(capset, 1)).as("cap_inheritable").isEqualTo(v[5]);
        assertThat(LiveEvents.s64(capset, 2)).as("cap_permitted").isEqualTo(v[6]);
        assertThat(LiveEvents.s64(capset, 3)).as("cap_effective").isEqualTo(v[7]);
    }

    @Test
    void drops_byReason_zeroOnAnIdleDriverAndSumToTheTotal() {
        long[] total = source.drops();
        long[] ringFull = source.drops(LiveSource.DropReason.RING_FULL);
        long[] tooLarge = source.drops(LiveSource.DropReason.EVENT_TOO_LARGE);
        assertThat(ringFull).hasSameSizeAs(total);
        assertThat(tooLarge).hasSameSizeAs(total);
        for (int cpu = 0; cpu < total.length; cpu++) {
            assertThat(ringFull[cpu] + tooLarge[cpu]).as("cpu %d", cpu).isEqualTo(total[cpu]);
        }
        assertThat(Arrays.stream(tooLarge).sum()).as("no event outgrows the driver's buffer").isZero();
    }

    /** Whether parameter i is a unix tuple whose path is {@code path}. */
    private static boolean isUnixTupleTo(Event e, int i, Path path) {
        byte[] b = e.param(i).bytes();
        if (b.length < 18 || b[0] != PPM_AF_UNIX) {
            return false;
        }
        String p = new String(b, 17, b.length - 18, StandardCharsets.UTF_8);
        return b[b.length - 1] == 0 && p.equals(path.toString());
    }

    /** {@return the python3 executable on the PATH, or null} */
    private static String python3() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(d, "python3");
            if (!d.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static ByteBuffer tuple(Event e, int i) {
        return ByteBuffer.wrap(e.param(i).bytes()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long nanos(FileTime t) {
        var instant = t.toInstant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    private static long statusKib(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new AssertionError(key + " not in /proc/self/status");
    }
}
