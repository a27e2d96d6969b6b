package dev.peregrine.cli.selftest;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host scenarios of {@code peregrine selftest}: for every bundled rule that applies outside containers, an action
 * that triggers it, run from this JVM (so the parent of each command is {@code java}, not a shell, as several rules
 * require) inside a private work directory. Everything is undone afterwards: files removed, the test address taken
 * off the loopback interface, processes ended.
 */
public final class HostScenarios implements AutoCloseable {
    /* Implementation notes.
     * Network scenarios need a destination that rules treat as "outside" (not 127.0.0.0/8, not RFC 1918) while no
     * packet leaves the machine: a TEST-NET-1 address (RFC 5737, never routed) is added to the loopback interface for
     * the run, with listeners of our own on it. Programs that rules recognise by name (nginx, login, make) are copies
     * of harmless binaries under those names in the work directory. Syscalls that no standard tool makes on demand
     * (ptrace attach, memfd execution) are made from Java through the FFM API. */

    /** The address used as "a host outside the machine": TEST-NET-1, on the loopback interface during the run. */
    static final String OUTSIDE_ADDRESS = "192.0.2.10";
    /** Longest run of one command. */
    private static final long COMMAND_TIMEOUT_SECONDS = 20;
    private static final long PTRACE_SEIZE = 0x4206;
    private static final long SYS_PTRACE = 101;

    private final Path dir;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private boolean outsideAddressAdded;
    private boolean slowReaderStarted;

    private HostScenarios(Path dir) {
        this.dir = dir;
    }

    /** Creates the work directory (readable by every user: one scenario runs as nobody). */
    public static HostScenarios create() throws IOException {
        Path dir = Files.createTempDirectory("peregrine-selftest-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        return new HostScenarios(dir);
    }

    /** {@return the private work directory (removed by {@link #close})} */
    public Path directory() {
        return dir;
    }

    /** {@return the scenarios, in report order: Falco's stable host rules, then Peregrine's rules} */
    public List<Scenario> scenarios() {
        ScenarioList out = new ScenarioList();
        out.add(scenario("Directory traversal monitored file read", "cat /etc/passwd through a path with ../ twice",
                () -> exec("cat", "/etc/../etc/../etc/passwd"), Scenario.Step.none(), "fd.name", "fd.nameraw"));
        out.add(scenario("Read sensitive file trusted after startup",
                "a program named nginx reads /etc/shadow 6 s after it started",
                () -> {
                    if (!slowReaderStarted) {
                        slowReaderStarted = true;
                        background(copy("/usr/bin/bash", "srv/nginx").toString(), "-c",
                                "sleep 5.5; read -r line < /etc/shadow");
                    }
                },
                Scenario.Step.none(), "proc.name", "fd.name"));
        out.add(scenario("Read sensitive file untrusted", "cat /etc/shadow", () -> exec("cat", "/etc/shadow"),
                Scenario.Step.none(), "proc.name", "fd.name"));
        out.add(scenario("Run shell untrusted", "a program named nginx starts sh -c true",
                () -> exec(copy("/usr/bin/timeout", "web/nginx").toString(), "10", "sh",
                        "-c", "true"),
                Scenario.Step.none(), "proc.name", "proc.pname"));
        out.add(scenario("System user interactive", "a program named login runs as the user nobody",
                () -> exec("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        copy("/usr/bin/true", "login").toString()),
                Scenario.Step.none(), "user.name", "proc.name"));
        out.add(scenario("Search Private Keys or Passwords", "grep for BEGIN PRIVATE in an empty directory",
                () -> exec("grep", "-r", "BEGIN PRIVATE", emptyDir().toString()), Scenario.Step.none(),
                "proc.cmdline"));
        Path log = Path.of("/var/log/peregrine-selftest.log");
        out.add(scenario("Clear Log Activities", "truncate a log file of its own below /var/log", () -> {
            if (!Files.exists(log)) {
                Files.writeString(log, "selftest\n");
            }
            exec("cp", "/dev/null", log.toString());
        }, () -> Files.deleteIfExists(log), "fd.name"));
        out.add(scenario("Remove Bulk Data from Disk", "shred a scratch file", () -> {
            Path junk = dir.resolve("junk");
            Files.writeString(junk, "scratch data\n");
            exec("shred", "-u", junk.toString());
        }, Scenario.Step.none(), "proc.cmdline"));
        Path symlink = dir.resolve("shadow-symlink");
        out.add(scenario("Create Symlink Over Sensitive Files", "ln -s /etc/shadow into the work directory", () -> {
            Files.deleteIfExists(symlink);
            exec("ln", "-s", "/etc/shadow", symlink.toString());
        }, () -> Files.deleteIfExists(symlink), "evt.arg.target"));
        Path hardlink = dir.resolve("shadow-hardlink");
        out.add(scenario("Create Hardlink Over Sensitive Files", "ln /etc/shadow into the work directory", () -> {
            Files.deleteIfExists(hardlink);
            exec("ln", "/etc/shadow", hardlink.toString());
        }, () -> Files.deleteIfExists(hardlink), "evt.arg.oldpath"));
        out.add(scenario("PTRACE attached to process", "PTRACE_SEIZE of a sleeping child, which is then ended",
                this::ptraceSeize, Scenario.Step.none(), "evt.type", "proc.name"));
        out.add(scenario("PTRACE anti-debug attempt", "perl calls ptrace(PTRACE_TRACEME)",
                () -> exec("perl", "-e", "syscall(" + SYS_PTRACE + ", 0, 0, 0, 0)"), Scenario.Step.none(),
                "evt.type", "proc.name"));
        out.add(scenario("Find AWS Credentials", "find looking for .aws/credentials",
                () -> exec("find", dir.resolve(".aws/credentials").toString()), Scenario.Step.none(),
                "proc.cmdline"));
        Path shm = Path.of("/dev/shm/peregrine-selftest-true");
        out.add(scenario("Execution from /dev/shm", "run a copy of true from /dev/shm", () -> {
            Files.copy(Path.of("/usr/bin/true"), shm, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(shm, PosixFilePermissions.fromString("rwx------"));
            exec(shm.toString());
        }, () -> Files.deleteIfExists(shm), "proc.exepath"));
        out.add(scenario("Disallowed SSH Connection Non Standard Port",
                "ssh to port 4444 of a test address on the loopback interface",
                () -> exec("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=2", "-o",
                        "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-p", "4444",
                        "selftest@" + OUTSIDE_ADDRESS, "true"),
                Scenario.Step.none(), "fd.name", "proc.exepath"), "ip", "ssh");
        out.add(scenario("Fileless execution via memfd_create", "run a copy of true from a memfd",
                this::memfdExec, Scenario.Step.none(), "proc.name", "evt.arg.flags"));

        // Peregrine's rules.
        out.add(scenario("Outbound SSH Connection", "connect to port 22 of a test address on the loopback interface",
                () -> connect(OUTSIDE_ADDRESS, 22), Scenario.Step.none(), "fd.sip", "fd.sport"), "ip");
        out.add(scenario("Listen on a New Port",
                "listen on a free port of a test address on the loopback interface",
                () -> {
                    try (ServerSocket s = new ServerSocket()) {
                        s.bind(new InetSocketAddress(InetAddress.getByName(OUTSIDE_ADDRESS), 0));
                    }
                }, Scenario.Step.none(), "fd.sport"), "ip");
        Path newFile = Path.of("/usr/local/bin/peregrine-selftest-file");
        out.add(scenario("Detect New File", "create a file below /usr/local/bin", () -> {
            Files.deleteIfExists(newFile);
            Files.writeString(newFile, "#!/bin/sh\n");
        }, () -> Files.deleteIfExists(newFile), "fd.name"));
        Path newDir = Path.of("/etc/peregrine-selftest.d");
        out.add(scenario("Detect New Directory", "mkdir below /etc", () -> {
            Files.deleteIfExists(newDir);
            exec("mkdir", newDir.toString());
        }, () -> Files.deleteIfExists(newDir), "fs.path.name"));
        Path modeFile = Path.of("/usr/local/bin/peregrine-selftest-mode");
        out.add(scenario("Detect File Permission or Ownership Change", "chmod a file of its own below /usr/local/bin",
                () -> {
                    if (!Files.exists(modeFile)) {
                        Files.writeString(modeFile, "#!/bin/sh\n");
                    }
                    exec("chmod", "0755", modeFile.toString());
                }, () -> Files.deleteIfExists(modeFile), "fs.path.name"));
        Path goneDir = Path.of("/etc/peregrine-selftest-gone.d");
        out.add(scenario("Detect Directory Change", "rmdir a directory of its own below /etc", () -> {
            Files.createDirectories(goneDir);
            exec("rmdir", goneDir.toString());
        }, () -> Files.deleteIfExists(goneDir), "fs.path.name"));
        Path rootFile = Path.of("/peregrine-selftest.tmp");
        out.add(scenario("Write below root", "write a file directly below /",
                () -> Files.writeString(rootFile, "selftest\n"), () -> Files.deleteIfExists(rootFile), "fd.name"));
        Path node = dir.resolve("null-node");
        out.add(scenario("Node Created in Filesystem", "mknod a character device (the null device's numbers)", () -> {
            Files.deleteIfExists(node);
            exec("mknod", node.toString(), "c", "1", "3");
        }, () -> Files.deleteIfExists(node), "evt.arg.path"), "mknod");
        out.add(scenario("Kernel Module Modification", "insmod of a module file that does not exist",
                () -> exec("insmod", dir.resolve("none.ko").toString()), Scenario.Step.none(), "proc.cmdline"),
                "insmod");
        Path outside = Path.of("/opt/peregrine-selftest-build.txt");
        out.add(scenario("Build Step Writing Outside Workspace", "a program named make writes below /opt",
                () -> exec(copy("/usr/bin/bash", "make").toString(), "-c", "echo built > " + outside),
                () -> Files.deleteIfExists(outside), "fd.name", "proc.cmdline"));
        out.add(scenario("Build Reaching Unapproved Network",
                "a program named make connects to a test address on the loopback interface",
                () -> exec(copy("/usr/bin/bash", "make").toString(), "-c",
                        "exec 3<>/dev/tcp/" + OUTSIDE_ADDRESS + "/4446"),
                Scenario.Step.none(), "fd.sip", "proc.cmdline"), "ip");
        out.add(scenario("New Executable Run During Build", "a program named make runs a binary copied just before",
                () -> {
                    Path tool = dir.resolve("fresh-tool");
                    Files.copy(Path.of("/usr/bin/true"), tool, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
                    exec(copy("/usr/bin/bash", "make").toString(), "-c", tool + "; true");
                }, Scenario.Step.none(), "proc.exepath").requiring("exe=" + dir.resolve("fresh-tool")));
        return out.list;
    }

    /** The scenarios being listed; one whose tools are missing is added as skipped. */
    private static final class ScenarioList {
        final List<Scenario> list = new ArrayList<>();

        void add(Scenario s, String... tools) {
            for (String t : tools) {
                if (!onPath(t)) {
                    list.add(s.skipped(t + " is not installed"));
                    return;
                }
            }
            list.add(s);
        }
    }

    /** Adds the test address to the loopback interface and listens on its ports, for the network scenarios. */
    public void prepareNetwork() throws Exception {
        if (!onPath("ip")) {
            return;
        }
        Process p = new ProcessBuilder("ip", "addr", "add", OUTSIDE_ADDRESS + "/32", "dev", "lo")
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
            // "File exists" / "Address already assigned": already there (another run's), so not ours to remove
            if (!text.contains("File exists") && !text.contains("already assigned")) {
                throw new IOException("cannot add " + OUTSIDE_ADDRESS + " to lo: " + text);
            }
        } else {
            outsideAddressAdded = true;
        }
        for (int port : new int[] {22, 4444, 4446}) {
            listen(port);
        }
    }

    private void listen(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getByName(OUTSIDE_ADDRESS), port));
        } catch (IOException e) {
            server.close();
            return; // something already listens there (sshd on all addresses): connections succeed anyway
        }
        resources.add(server);
        Thread.ofVirtual().name("selftest-listener-" + port).start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoLinger(true, 0);
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private Scenario scenario(String rule, String action, Scenario.Step act, Scenario.Step cleanup,
            String... keyFields) {
        return new Scenario(rule, action, act, cleanup, List.of(keyFields), null, null);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String d : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private Path copy(String from, String name) throws IOException {
        Path to = dir.resolve(name);
        if (!Files.exists(to)) {
            Files.createDirectories(to.getParent());
            Files.copy(Path.of(from), to);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return to;
    }

    private Path emptyDir() throws IOException {
        return Files.createDirectories(dir.resolve("empty"));
    }

    /** Connects and closes; a refused or reset connection is fine: the connect system call is what counts. */
    private void connect(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 2_000);
        } catch (java.net.SocketException e) {
            // refused, or reset by the listener that closes at once
        }
    }

    /** Runs a command to completion, output discarded; a non-zero exit is fine (several actions fail on purpose). */
    static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not end within " + COMMAND_TIMEOUT_SECONDS
                    + " s");
        }
    }

    private void background(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        resources.add(p::destroyForcibly);
    }

    private void ptraceSeize() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle ptrace = linker.downcallHandle(linker.defaultLookup().find("ptrace").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                Linker.Option.firstVariadicArg(1));
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            long res = (long) ptrace.invokeExact(PTRACE_SEIZE, (int) sleeper.pid(), MemorySegment.NULL,
                    MemorySegment.NULL);
            if (res != 0) {
                throw new IOException("ptrace(PTRACE_SEIZE) failed");
            }
        } finally {
            sleeper.destroyForcibly().waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void memfdExec() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle memfdCreate = linker.downcallHandle(linker.defaultLookup().find("memfd_create").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) memfdCreate.invokeExact(arena.allocateFrom("peregrine-selftest"), 0);
        }
        if (fd < 0) {
            throw new IOException("memfd_create failed");
        }
        try {
            Path self = Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd);
            Files.write(self, Files.readAllBytes(Path.of("/usr/bin/true")));
            exec(self.toString());
        } finally {
            int rc = (int) close.invokeExact(fd);
            assert rc == 0;
        }
    }

    /** Ends background processes and listeners, removes the test address and the work directory. */
    @Override
    public void close() throws Exception {
        for (AutoCloseable r : resources) {
            r.close();
        }
        resources.clear();
        if (outsideAddressAdded) {
            exec("ip", "addr", "del", OUTSIDE_ADDRESS + "/32", "dev", "lo");
            outsideAddressAdded = false;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
