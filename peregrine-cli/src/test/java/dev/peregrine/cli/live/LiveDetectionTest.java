package dev.peregrine.cli.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.Priority;
import dev.peregrine.rules.load.RulesSource;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The live engine ({@link LiveDetection}, the loop of {@code peregrine run}) in process, with Falco's stable rules
 * plus a few test rules, against real actions on this machine (root, BTF and the compiled driver; skipped
 * otherwise): each test performs an action until its alert arrives and asserts the alert's key fields.
 *
 * <p>Symlink, hardlink and ptrace are also covered through the {@code peregrine run} command (RunCommandTest); here
 * their alerts' fields are asserted.
 *
 * <p>Test rules stand in where no stable rule applies on a host: a loopback connect (no stable rule watches
 * loopback), a failing {@code init_module} (the stable "Linux Kernel Module Injection Detected" condition minus its
 * {@code container} macro, which a host process never matches), and an open by a process started before the engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveDetectionTest {
    /** Longest wait for one action's alert. */
    private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(30);
    private static final String INIT_MODULE_RULE = "Kernel module load attempt on the host (test)";
    private static final String LOOPBACK_RULE = "Loopback connect (test)";
    private static final String EARLY_RULE = "Marker read by a process started before the engine (test)";

    private Path dir;
    private ServerSocket server;
    private Path marker;
    private Process early;
    private LiveEngine engine;

    @BeforeAll
    void startEngine() throws Exception {
        var reason = LiveDetection.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "live capture unavailable: " + reason.orElseThrow());
        dir = Files.createTempDirectory("peregrine-live").toRealPath();
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
        marker = dir.resolve("early-marker");
        Files.writeString(marker, "x");
        // Started before the driver is opened: known to the engine only from the /proc scan.
        early = new ProcessBuilder("sh", "-c", "while read x; do : < " + marker + "; done").start();
        String rules = """
                - rule: %s
                  desc: test rule
                  condition: evt.type = connect and evt.dir = < and fd.sip = 127.0.0.1 and fd.sport = %d
                  output: Loopback connect | connection=%%fd.name sport=%%fd.sport process=%%proc.name pid=%%proc.pid res=%%evt.res
                  priority: NOTICE
                - rule: %s
                  desc: stable "Linux Kernel Module Injection Detected" without its container macro
                  condition: >
                    kernel_module_load
                    and thread.cap_effective icontains sys_module
                    and not container.image.repository in (allowed_container_images_loading_kernel_module)
                  output: Linux Kernel Module injection | res=%%evt.res evt_type=%%evt.type process=%%proc.name pid=%%proc.pid caps=%%thread.cap_effective
                  priority: WARNING
                - rule: %s
                  desc: test rule
                  condition: open_read and fd.name = %s
                  output: Marker read | file=%%fd.name process=%%proc.name parent=%%proc.pname command=%%proc.cmdline pid=%%proc.pid exepath=%%proc.exepath
                  priority: NOTICE
                """.formatted(LOOPBACK_RULE, server.getLocalPort(), INIT_MODULE_RULE, EARLY_RULE, marker);
        engine = LiveEngine.start(List.of(BundledRules.stable(), new RulesSource("live-test-rules.yaml", rules)),
                LiveEngine.ignoreDrops(), false, null);
    }

    @AfterAll
    void stopEngine() throws Exception {
        if (engine != null) {
            // The drop manager reads the counters once per second of event time; a fast class can end before a
            // reading after the first event, so keep events coming until one is there (at most 10 s).
            long until = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < until && engine.live.captureStats().map(c -> c.events() == 0).orElse(true)) {
                Files.readAllBytes(marker);
                Thread.sleep(100);
            }
            var stats = engine.live.captureStats();
            LiveDetection.Summary s = engine.stop();
            assertThat(s.events()).isPositive();
            // The drop manager's last reading, as metrics see it: events produced include those read.
            assertThat(stats).isPresent();
            assertThat(stats.get().events()).isPositive().isLessThanOrEqualTo(s.events() + s.drops().total());
            assertThat(stats.get().drops()).isLessThanOrEqualTo(s.drops().total());
        }
        if (early != null) {
            early.destroyForcibly().waitFor();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readShadow_untrustedProcess_readSensitiveFileUntrusted() throws Exception {
        // A second, missing operand makes the command line unique to this test run (other tests on the machine
        // may read /etc/shadow too).
        String command = "cat /etc/shadow " + dir.resolve("absent");
        FormattedAlert a = await(() -> exec(command.split(" ")), "Read sensitive file untrusted",
                f -> command.equals(f.get("proc.cmdline")));

        assertThat(a.priority()).isEqualTo(Priority.WARNING);
        assertThat(a.output()).contains("Sensitive file opened for reading by non-trusted program");
        assertThat(a.fields()).containsEntry("fd.name", "/etc/shadow").containsEntry("proc.name", "cat")
                .containsEntry("proc.pname", "java").containsEntry("proc.cmdline", command)
                .containsEntry("proc.exepath", "/usr/bin/cat").containsEntry("user.name", "root")
                .containsEntry("user.uid", "0");
        assertThat(a.fields().get("evt.type")).isIn("open", "openat");
    }

    @Test
    void shellSpawn_byNonShellParent_runShellUntrusted() throws Exception {
        // A server binary name from http_server_binaries that forks and execs sh: coreutils' timeout, renamed.
        Path nginx = dir.resolve("nginx");
        Files.copy(Path.of("/usr/bin/timeout"), nginx, StandardCopyOption.REPLACE_EXISTING);
        FormattedAlert a = await(() -> exec(nginx.toString(), "10", "sh", "-c", "true"), "Run shell untrusted",
                f -> nginx.toString().equals(f.get("proc.pexepath")));

        assertThat(a.priority()).isEqualTo(Priority.NOTICE);
        assertThat(a.output()).contains("Shell spawned by untrusted binary");
        assertThat(a.fields()).containsEntry("proc.name", "sh").containsEntry("proc.pname", "nginx")
                .containsEntry("proc.cmdline", "sh -c true").containsEntry("proc.pexepath", nginx.toString())
                .containsEntry("proc.exepath", "/usr/bin/dash").containsEntry("evt.type", "execve")
                .containsEntry("proc.aname[2]", "java");
    }

    @Test
    void connect_loopbackPort_testRule() throws Exception {
        int port = server.getLocalPort();
        // The JDK connects an IPv6 socket to the v4-mapped address: the state turns the tuple into IPv4.
        FormattedAlert a = await(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(s.isConnected()).isTrue();
            }
        }, LOOPBACK_RULE, f -> true);

        assertThat(a.fields()).containsEntry("fd.sport", Integer.toString(port)).containsEntry("proc.name", "java")
                .containsEntry("proc.pid", Long.toString(ProcessHandle.current().pid()))
                .containsEntry("evt.res", "SUCCESS");
        assertThat(a.fields().get("fd.name")).matches("127\\.0\\.0\\.1:[0-9]+->127\\.0\\.0\\.1:" + port);
    }

    @Test
    void initModule_failing_kernelModuleRuleWithoutContainerMacro() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                Linker.Option.firstVariadicArg(1));
        FormattedAlert a = await(() -> {
            try (Arena arena = Arena.ofConfined()) {
                // init_module(NULL, 0, "") fails (EFAULT, or ENOSYS on a kernel without module support).
                long res;
                try {
                    res = (long) syscall.invokeExact(175L, MemorySegment.NULL, 0L, arena.allocateFrom(""));
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
                assertThat(res).isEqualTo(-1);
            }
        }, INIT_MODULE_RULE, f -> Long.toString(ProcessHandle.current().pid()).equals(f.get("proc.pid")));

        assertThat(a.fields()).containsEntry("evt.type", "init_module").containsEntry("proc.name", "java")
                .containsEntry("proc.pid", Long.toString(ProcessHandle.current().pid()));
        assertThat(a.fields().get("evt.res")).isIn("EFAULT", "ENOSYS", "EPERM");
        assertThat(a.fields().get("thread.cap_effective")).containsIgnoringCase("CAP_SYS_MODULE");
    }

    @Test
    void execFromDevShm_executionFromDevShm() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm), "/dev/shm missing");
        String name = "pgshm" + ProcessHandle.current().pid();
        Path binary = shm.resolve(name);
        Files.copy(Path.of("/usr/bin/true"), binary, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
        try {
            FormattedAlert a = await(() -> exec(binary.toString()), "Execution from /dev/shm",
                    f -> binary.toString().equals(f.get("proc.exepath")));

            assertThat(a.priority()).isEqualTo(Priority.WARNING);
            assertThat(a.fields()).containsEntry("proc.name", name)
                    .containsEntry("proc.exepath", binary.toString()).containsEntry("proc.cmdline", name)
                    .containsEntry("proc.pname", "java").containsEntry("evt.type", "execve")
                    .containsEntry("evt.res", "SUCCESS");
        } finally {
            Files.deleteIfExists(binary);
        }
    }

    @Test
    void execFromMemfd_filelessExecutionViaMemfdCreate() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle memfdCreate = linker.downcallHandle(linker.defaultLookup().find("memfd_create").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) memfdCreate.invokeExact(arena.allocateFrom("pg-memfd"), 0);
        }
        assertThat(fd).isNotNegative();
        Path self = Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd);
        try {
            Files.write(self, Files.readAllBytes(Path.of("/usr/bin/true")));
            // Run in the test's own directory: proc.cwd tells this test's execution from others on the machine.
            FormattedAlert a = await(() -> execIn(dir, self.toString()), "Fileless execution via memfd_create",
                    f -> (dir + "/").equals(f.get("proc.cwd")));

            assertThat(a.priority()).isEqualTo(Priority.CRITICAL);
            assertThat(a.fields()).containsEntry("proc.pname", "java").containsEntry("evt.type", "execve")
                    .containsEntry("proc.name", Integer.toString(fd)).containsEntry("evt.res", "SUCCESS");
            assertThat(a.fields().get("evt.arg.flags")).contains("EXE_FROM_MEMFD");
        } finally {
            int rc = (int) close.invokeExact(fd);
            assertThat(rc).isZero();
        }
    }

    @Test
    void processStartedBeforeEngine_laterOpen_fieldsFromProcScan() throws Exception {
        OutputStream stdin = early.getOutputStream();
        FormattedAlert a = await(() -> {
            stdin.write('\n');
            stdin.flush();
        }, EARLY_RULE, f -> true);

        assertThat(a.fields()).containsEntry("fd.name", marker.toString()).containsEntry("proc.name", "sh")
                .containsEntry("proc.pname", "java")
                .containsEntry("proc.cmdline", "sh -c while read x; do : < " + marker + "; done")
                .containsEntry("proc.pid", Long.toString(early.pid()))
                .containsEntry("proc.exepath", "/usr/bin/dash");
    }

    @Test
    void symlinkOverShadow_symlinksCreatedOverSensitiveFiles() throws Exception {
        int[] n = {0};
        FormattedAlert a = await(() -> exec("ln", "-s", "/etc/shadow", dir.resolve("sym-" + n[0]++).toString()),
                "Create Symlink Over Sensitive Files",
                f -> f.getOrDefault("evt.arg.linkpath", "").startsWith(dir.toString()));

        assertThat(a.fields()).containsEntry("evt.arg.target", "/etc/shadow").containsEntry("proc.name", "ln")
                .containsEntry("proc.pname", "java").containsEntry("evt.type", "symlinkat");
        assertThat(a.fields().get("evt.arg.linkpath")).startsWith(dir.resolve("sym-").toString());
        assertThat(a.fields().get("proc.cmdline")).startsWith("ln -s /etc/shadow " + dir.resolve("sym-"));
    }

    @Test
    void hardlinkOverShadow_hardlinksCreatedOverSensitiveFiles() throws Exception {
        int[] n = {0};
        FormattedAlert a = await(() -> exec("ln", "/etc/shadow", dir.resolve("hard-" + n[0]++).toString()),
                "Create Hardlink Over Sensitive Files",
                f -> f.getOrDefault("evt.arg.newpath", "").startsWith(dir.toString()));

        assertThat(a.fields()).containsEntry("evt.arg.oldpath", "/etc/shadow").containsEntry("proc.name", "ln")
                .containsEntry("proc.pname", "java").containsEntry("evt.type", "linkat");
        assertThat(a.fields().get("evt.arg.newpath")).startsWith(dir.resolve("hard-").toString());
    }

    @Test
    void ptraceAttachToChild_ptraceAttachedToProcess() throws Exception {
        assumeTrue(runs("python3", "-c", "pass"), "python3 not available");
        // A ptrace attach to a forked child (PTRACE_ATTACH = 16, PTRACE_DETACH = 17).
        String script = """
                # %s
                import ctypes, os, signal, time
                S = ctypes.CDLL(None).syscall
                c = os.fork()
                if c == 0:
                    time.sleep(5); os._exit(0)
                S(101, 16, c, 0, 0); os.waitpid(c, 0); S(101, 17, c, 0, 0)
                os.kill(c, signal.SIGKILL); os.waitpid(c, 0)
                """.formatted(dir);
        FormattedAlert a = await(() -> exec("python3", "-c", script), "PTRACE attached to process",
                f -> f.getOrDefault("proc.cmdline", "").contains(dir.toString()));

        assertThat(a.output()).contains("Detected ptrace PTRACE_ATTACH attempt");
        assertThat(a.fields()).containsEntry("evt.type", "ptrace");
        assertThat(a.fields().get("proc.name")).startsWith("python");
        assertThat(a.fields().get("proc.cmdline")).contains("-c # " + dir);
    }

    private static boolean runs(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }

    /** Repeats {@code action} until an alert of {@code rule} whose fields pass {@code mine} arrives. */
    private FormattedAlert await(LiveEngine.Action action, String rule, Predicate<Map<String, String>> mine)
            throws Exception {
        return engine.actUntil(action, LiveEngine.rule(rule).and(a -> mine.test(a.fields())), ALERT_TIMEOUT)
                .orElseThrow(
                () -> new AssertionError("no alert of rule '" + rule + "' within " + ALERT_TIMEOUT + "; alerts: "
                        + engine.alerts().stream().map(FormattedAlert::output).toList()));
    }

    /** Runs a command to completion with its output discarded. */
    private static void exec(String... command) throws Exception {
        execIn(null, command);
    }

    /** Runs a command in {@code cwd} (null: this process's) to completion with its output discarded. */
    private static void execIn(Path cwd, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(cwd == null ? null : cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
    }

}
