package dev.peregrine.state.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.FdType;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.state.StateEngine;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.fd.FdTable;
import dev.peregrine.state.thread.ThreadState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcScanner} against this machine's {@code /proc}, looking at the test JVM itself. */
class ProcScannerLiveTest {
    private static final long PID = ProcessHandle.current().pid();

    @BeforeAll
    static void requireProc() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "no /proc");
    }

    @Test
    void scan_testJvm_foundWithCommExepathCwdAndCredentials() throws IOException {
        ProcScan scan = new ProcScanner().scan();

        ThreadInfo self = thread(scan, PID).orElseThrow();
        assertThat(self.pid()).isEqualTo(PID);
        assertThat(self.comm()).isEqualTo("java");
        assertThat(self.exepath()).isEqualTo(Path.of(ProcessHandle.current().info().command().orElseThrow())
                .toRealPath().toString());
        assertThat(self.cwd()).isEqualTo(Path.of(System.getProperty("user.dir")).toRealPath().toString());
        assertThat(self.exe()).isNotEmpty();
        assertThat(self.args()).isNotEmpty();
        assertThat(self.ptid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
        assertThat(self.flags()).isZero();
        assertThat(self.fdlimit()).isPositive();
        assertThat(self.vmrssKb()).isPositive();
        assertThat(self.exeIno()).isPositive();
        assertThat(self.root()).isEqualTo("/");
        assertThat(self.env()).anyMatch(e -> e.startsWith("PATH="));
        // A JVM always has more threads than its main one; they belong to its process and share its files.
        List<ThreadInfo> others = scan.threads().stream()
                .filter(t -> t.pid() == PID && t.tid() != PID)
                .toList();
        assertThat(others).isNotEmpty().allSatisfy(t -> {
            assertThat(t.flags()).isEqualTo(ProcScanner.CL_CLONE_THREAD | ProcScanner.CL_CLONE_FILES);
            assertThat(scan.fds()).doesNotContainKey(t.tid());
        });
        assertThat(scan.threads()).extracting(ThreadInfo::tid).doesNotHaveDuplicates();
    }

    @Test
    void scan_openTempFile_fdWithPathAndFlags(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("scanned.txt");
        Files.writeString(file, "x");
        String real = file.toRealPath().toString();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            ProcScan scan = new ProcScanner().scan();

            FdInfo.RegularFile fd = scan.fds().get(PID).stream()
                    .filter(f -> f instanceof FdInfo.RegularFile r && r.name().equals(real))
                    .map(FdInfo.RegularFile.class::cast)
                    .findFirst()
                    .orElseThrow();
            assertThat(fd.openFlags() & ProcScanner.PPM_O_RDWR).isEqualTo(ProcScanner.PPM_O_RDWR);
            assertThat(fd.ino()).isEqualTo(Files.getAttribute(file, "unix:ino"));
            assertThat(fd.dev()).isNotZero();
        }
    }

    @Test
    void scan_listeningAndConnectedSockets_resolvedThroughNetTables() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
                Socket client = new Socket(loopback, server.getLocalPort());
                Socket accepted = server.accept();
                ServerSocketChannel v4 = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            v4.bind(new InetSocketAddress(loopback, 0));
            int v4Port = ((InetSocketAddress) v4.getLocalAddress()).getPort();
            ProcScan scan = new ProcScanner().scan();
            List<FdInfo> fds = scan.fds().get(PID);

            // A plain IPv4 channel: an IPv4 server socket.
            assertThat(fds).anySatisfy(f -> {
                assertThat(f).isInstanceOfSatisfying(FdInfo.Ipv4ServerSocket.class, s -> {
                    assertThat(s.ip()).isEqualTo(loopback);
                    assertThat(s.port()).isEqualTo(v4Port);
                    assertThat(s.l4proto()).isEqualTo(ProcScanner.SCAP_L4_TCP);
                });
            });
            // java.net.ServerSocket is dual-stack: listed in tcp6 with the IPv4-mapped address.
            assertThat(fds).anySatisfy(f -> assertThat(serverAddress(f)).isEqualTo("127.0.0.1:" + server.getLocalPort()));
            // Both ends of the connection.
            String clientEnd = "127.0.0.1:" + client.getLocalPort() + "->127.0.0.1:" + server.getLocalPort();
            String acceptedEnd = "127.0.0.1:" + server.getLocalPort() + "->127.0.0.1:" + client.getLocalPort();
            assertThat(fds).anySatisfy(f -> assertThat(tuple(f)).isEqualTo(clientEnd));
            assertThat(fds).anySatisfy(f -> assertThat(tuple(f)).isEqualTo(acceptedEnd));
        }
    }

    @Test
    void scan_pipeAndSelector_fifoAndEventpollDescriptors() throws IOException {
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
            try {
                List<FdInfo> fds = new ProcScanner().scan().fds().get(PID);

                assertThat(fds).anySatisfy(f -> {
                    assertThat(f.type()).isEqualTo(FdType.FIFO);
                    assertThat(((FdInfo.Named) f).name()).isEqualTo("pipe:[" + f.ino() + "]");
                });
                assertThat(fds).anySatisfy(f -> {
                    assertThat(f.type()).isEqualTo(FdType.EVENTPOLL);
                    assertThat(((FdInfo.Named) f).name()).isEmpty();
                });
            } finally {
                pipe.source().close();
                pipe.sink().close();
            }
        }
    }

    @Test
    void scan_memfd_memfdDescriptorNamedByItsLink() throws Throwable {
        java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
        java.lang.invoke.MethodHandle memfdCreate = linker.downcallHandle(
                linker.defaultLookup().find("memfd_create").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                        java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.JAVA_INT));
        java.lang.invoke.MethodHandle close = linker.downcallHandle(
                linker.defaultLookup().find("close").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                        java.lang.foreign.ValueLayout.JAVA_INT));
        int fd;
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            fd = (int) memfdCreate.invokeExact(arena.allocateFrom("peregrine-scan"), 0);
        }
        assertThat(fd).isNotNegative();
        try {
            List<FdInfo> fds = new ProcScanner().scan().fds().get(PID);

            assertThat(fds).filteredOn(f -> f.fd() == fd).singleElement().satisfies(f -> {
                assertThat(f.type()).isEqualTo(FdType.MEMFD);
                assertThat(((FdInfo.Named) f).name()).startsWith("/memfd:peregrine-scan");
            });
        } finally {
            int ignored = (int) close.invokeExact(fd);
        }
    }

    @Test
    void scanInto_engine_knowsTheJvmAndItsDescriptors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("engine.txt");
        Files.writeString(file, "y");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
                ServerSocketChannel v4 = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            v4.bind(new InetSocketAddress(loopback, 0));
            int port = ((InetSocketAddress) v4.getLocalAddress()).getPort();
            StateEngine engine = new StateEngine();

            ProcScan scan = new ProcScanner().scanInto(engine);

            ThreadState self = engine.thread(PID);
            assertThat(self).isNotNull();
            assertThat(self.comm()).isEqualTo("java");
            assertThat(engine.cwd(self)).isEqualTo(Path.of(System.getProperty("user.dir")).toRealPath() + "/");
            FdTable table = engine.fds(self);
            StringBuilder names = new StringBuilder();
            boolean[] found = new boolean[2];
            table.forEach((fd, state) -> {
                names.append(state.name()).append('\n');
                if (state.name().equals(file.toString()) || state.name().equals(realPath(file))) {
                    found[0] = true;
                }
                if (state.type() == FdType.IPV4_SERVSOCK && state.name().equals("127.0.0.1:" + port)) {
                    found[1] = true;
                    assertThat(state.l4proto()).isEqualTo(FdState.L4_TCP);
                }
                return true;
            });
            assertThat(found).as(names.toString()).containsExactly(true, true);
            assertThat(engine.users().user("", 0)).isNotNull();
            System.out.printf(
                    "proc scan of this machine: %d threads, %d fds, %d skipped, %d degraded in %.1f ms%n",
                    scan.threads().size(),
                    scan.fdCount(),
                    scan.skippedThreads(),
                    scan.degradedThreads(),
                    scan.elapsedNanos() / 1e6);
        }
    }

    @Test
    void scan_interfaces_loopbackWithNetmask() throws IOException {
        List<dev.peregrine.capture.NetInterface> interfaces = new ProcScanner().scan().interfaces();

        org.junit.jupiter.api.Assumptions.assumeTrue(
                interfaces.stream().anyMatch(i -> i.name().equals("lo")), "no loopback interface");
        assertThat(interfaces).contains(new dev.peregrine.capture.NetInterface.Ipv4("lo",
                (java.net.Inet4Address) InetAddress.getByName("127.0.0.1"),
                (java.net.Inet4Address) InetAddress.getByName("255.0.0.0"),
                (java.net.Inet4Address) InetAddress.getByName("0.0.0.0"), 0));
    }

    @Test
    void scan_repeated_reportsTiming() {
        ProcScanner scanner = new ProcScanner();
        scanner.scan(); // warm up
        long[] ms = new long[5];
        int threads = 0;
        for (int i = 0; i < ms.length; i++) {
            ProcScan scan = scanner.scan();
            ms[i] = scan.elapsedNanos() / 1_000_000;
            threads = scan.threads().size();
        }
        Arrays.sort(ms);
        System.out.printf("proc scan: %d threads, median %d ms, min %d ms, max %d ms%n",
                threads, ms[ms.length / 2], ms[0], ms[ms.length - 1]);
        assertThat(threads).isPositive();
    }

    private static String realPath(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toString();
        }
    }

    private static Optional<ThreadInfo> thread(ProcScan scan, long tid) {
        return scan.threads().stream().filter(t -> t.tid() == tid).findFirst();
    }

    private static String serverAddress(FdInfo f) {
        return switch (f) {
            case FdInfo.Ipv4ServerSocket s -> s.ip().getHostAddress() + ":" + s.port();
            case FdInfo.Ipv6ServerSocket s -> unmapped(s.ip().getAddress()) + ":" + s.port();
            default -> "";
        };
    }

    private static String tuple(FdInfo f) {
        return switch (f) {
            case FdInfo.Ipv4Socket s ->
                s.sip().getHostAddress() + ":" + s.sport() + "->" + s.dip().getHostAddress() + ":" + s.dport();
            case FdInfo.Ipv6Socket s ->
                unmapped(s.sip().getAddress()) + ":" + s.sport() + "->" + unmapped(s.dip().getAddress()) + ":" + s.dport();
            default -> "";
        };
    }

    private static String unmapped(byte[] ip6) {
        byte[] prefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF};
        if (Arrays.equals(Arrays.copyOf(ip6, 12), prefix)) {
            return (ip6[12] & 0xFF) + "." + (ip6[13] & 0xFF) + "." + (ip6[14] & 0xFF) + "." + (ip6[15] & 0xFF);
        }
        return "v6";
    }
}
