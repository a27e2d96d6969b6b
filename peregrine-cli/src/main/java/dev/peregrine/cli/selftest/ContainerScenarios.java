package dev.peregrine.cli.selftest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The container scenarios of {@code peregrine selftest}: for every container rule of Falco's stable file, an action
 * inside a real Podman container (runc) that triggers it. The image is built from this host's own binaries (a shell,
 * {@code cp}, {@code true}, {@code sleep}, {@code perl} and their shared libraries), imported into Podman and cached
 * under a tag derived from its content; the container is removed afterwards, and so is Podman's API service when the
 * selftest started it. Nothing is fetched from a network or a registry.
 *
 * <p>Each scenario counts only an alert that carries its container's id ({@code container_id=...} of the suggested
 * output fields), so the same rule firing for another container on the machine does not count.
 */
public final class ContainerScenarios implements AutoCloseable {
    /* Implementation notes.
     * One container serves every scenario: privileged (the debugfs and release_agent rules want a privileged
     * container or CAP_SYS_ADMIN, the kernel module rule CAP_SYS_MODULE) and in the host's network namespace, so the
     * redirect scenario reaches a listener of this JVM on loopback and no packet leaves the machine. The actions are
     * harmless by construction: programs that rules recognise by name (nc, debugfs) are copies of `true`; the packet
     * socket is created and closed unbound; finit_module is called on fd -1 and fails with EBADF before the kernel
     * looks at any module; "release_agent" is an ordinary file in the container's /tmp.
     * Container metadata (image, privileged, pod labels) comes from Podman's API socket: when it is absent, the
     * selftest runs `podman system service` on it for its own duration. crun refuses hybrid cgroup hosts, so runc is
     * asked for explicitly; the ulimits keep podman from copying the host's (huge) limits, which runc rejects. */

    /** Image repository of the selftest image; the tag is a digest of its content. */
    static final String IMAGE_REPOSITORY = "localhost/peregrine-selftest";
    /** Pod name and namespace given to the container as Kubernetes labels, so k8s.* fields show in alerts. */
    /** The name Falco's k8s_api_server macro compares fd.sip.name with. */
    static final String K8S_API_NAME = "kubernetes.default.svc.cluster.local";
    private static final Path HOSTS = Path.of("/etc/hosts");
    private static final String HOSTS_LINE = "127.0.0.1 " + K8S_API_NAME + " # peregrine selftest, removed at its end";
    static final String POD_NAME = "peregrine-selftest-pod";
    static final String POD_NAMESPACE = "peregrine-selftest";
    private static final Path PODMAN_SOCKET = Path.of("/run/podman/podman.sock");
    /** Longest run of one podman command (an image import on a busy machine takes seconds). */
    private static final long PODMAN_TIMEOUT_SECONDS = 120;
    private static final long SOCKET_WAIT_MILLIS = 10_000;
    /** Seconds the container's main process sleeps: an upper bound should the cleanup never run. */
    private static final int CONTAINER_LIFETIME_SECONDS = 1800;
    /** Host tools copied into the image (found on PATH), by their name inside it. */
    private static final List<String> TOOLS = List.of("sh", "bash", "cp", "true", "sleep");

    private final String skipReason;
    private Path workDir;
    private Process service;
    private String name;
    private boolean k8sNameMapped;
    private boolean hostsLineAdded;
    private String fullId;
    private ServerSocket listener;
    private String image;
    private boolean perl;
    private String preparationFailure;

    private ContainerScenarios(String skipReason) {
        this.skipReason = skipReason;
    }

    /** {@return container scenarios for this host; they are all skipped (with the reason) when Podman is missing} */
    public static ContainerScenarios create() {
        for (String tool : List.of("podman", "runc", "tar", "ldd")) {
            if (findTool(tool) == null) {
                return new ContainerScenarios(tool + " is not installed (the container scenarios run a Podman"
                        + " container with runc)");
            }
        }
        for (String tool : TOOLS) {
            if (findTool(tool) == null) {
                return new ContainerScenarios(tool + " is not installed (copied into the selftest image)");
            }
        }
        return new ContainerScenarios(null);
    }

    /**
     * Builds (or reuses) the image, starts Podman's API service when needed and the container. Failures make every
     * scenario skipped with the reason, they do not end the selftest. Call before the engine starts.
     */
    public void prepare() {
        if (skipReason != null || fullId != null) {
            return;
        }
        mapK8sApiName();
        try {
            workDir = Files.createTempDirectory("peregrine-selftest-image-");
            image = buildImage(workDir.resolve("rootfs"));
            if (!Files.exists(PODMAN_SOCKET)) {
                Files.createDirectories(PODMAN_SOCKET.getParent());
                service = new ProcessBuilder(findTool("podman").toString(), "system", "service", "--time=0",
                        "unix://" + PODMAN_SOCKET).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                long deadline = System.currentTimeMillis() + SOCKET_WAIT_MILLIS;
                while (!Files.exists(PODMAN_SOCKET) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
            }
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().name("selftest-container-listener").start(() -> {
                while (!listener.isClosed()) {
                    try (Socket s = listener.accept()) {
                        s.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        // closed, or a client gone
                    }
                }
            });
            name = "peregrine-selftest-" + ProcessHandle.current().pid();
            podman("rm", "-f", "--ignore", name);
            String out = podman("--runtime", "runc", "run", "-d", "--privileged", "--network", "host",
                    "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                    "--label", "io.kubernetes.pod.name=" + POD_NAME,
                    "--label", "io.kubernetes.pod.namespace=" + POD_NAMESPACE,
                    "--name", name, image, "/bin/sleep", Integer.toString(CONTAINER_LIFETIME_SECONDS));
            fullId = out.strip();
            if (fullId.length() < 12) {
                throw new IOException("podman run printed no container id: " + out);
            }
        } catch (Exception e) {
            preparationFailure = "the selftest container could not be started: " + e.getMessage();
        }
    }

    /** {@return the 12-character id of the container, or null before {@link #prepare} succeeded} */
    public String containerId() {
        return fullId == null ? null : fullId.substring(0, 12);
    }

    /** {@return the container's name, or null before {@link #prepare} succeeded} */
    public String containerName() {
        return fullId == null ? null : name;
    }

    /** {@return the scenarios of Falco's stable container rules, in the file's order} */
    public List<Scenario> scenarios() {
        String skip = skipReason != null ? skipReason : preparationFailure != null ? preparationFailure
                : fullId == null ? "the selftest container was not prepared" : null;
        String mark = fullId == null ? "" : "container_id=" + containerId();
        List<Scenario> out = new ArrayList<>();
        out.add(scenario("Terminal shell in container", "podman exec -t: sh -c true with a terminal",
                () -> exec(List.of("-t"), "/bin/sh", "-c", "true"), "proc.name", "proc.tty"));
        out.add(scenario("Netcat Remote Code Execution in Container",
                "nc -e /bin/true 127.0.0.1 PORT, where nc is a copy of true (harmless stand-in: the rule keys on the"
                        + " name and the -e option)",
                () -> exec(List.of(), "/bin/nc", "-e", "/bin/true", "127.0.0.1", port()), "proc.name",
                "proc.cmdline"));
        out.add(scenario("Packet socket created in container",
                "perl creates an AF_PACKET raw socket and closes it unbound",
                () -> exec(List.of(), "/bin/perl", "-e", "socket(my $s, 17, 3, 0)"), "evt.args",
                "proc.name").withSkip(perl ? null : "perl is not installed (it makes the socket call)"));
        out.add(scenario("Redirect STDOUT/STDIN to Network Connection in Container",
                "bash redirects stdout to a TCP connection to a listener of the selftest on 127.0.0.1",
                () -> exec(List.of(), "/bin/bash", "-c", "echo selftest > /dev/tcp/127.0.0.1/" + port()),
                "fd.name", "proc.name"));
        String finitModule = finitModuleSyscall();
        out.add(scenario("Linux Kernel Module Injection Detected",
                "perl calls finit_module(-1, \"\", 0), which fails (EBADF; ENOSYS without module support): no module is"
                        + " read",
                () -> exec(List.of(), "/bin/perl", "-e", "my $p = \"\"; syscall(" + finitModule + ", -1, $p, 0)"),
                "evt.type", "evt.res").withSkip(!perl ? "perl is not installed (it makes the call)"
                        : finitModule == null ? "no finit_module number known for " + System.getProperty("os.arch")
                        : null));
        out.add(scenario("Debugfs Launched in Privileged Container",
                "run /usr/sbin/debugfs, a copy of true (harmless stand-in: the rule keys on the name)",
                () -> exec(List.of(), "/usr/sbin/debugfs"), "proc.name", "proc.exepath"));
        out.add(scenario("Detect release_agent File Container Escapes",
                "sh writes an empty file /tmp/release_agent inside the container (no cgroup is touched)",
                () -> exec(List.of(), "/bin/sh", "-c", ": > /tmp/release_agent"), "fd.name"));
        out.add(scenario("Drop and execute new binary in container",
                "sh copies /bin/true to /tmp/dropped (the container's upper layer) and runs it",
                () -> exec(List.of(), "/bin/sh", "-c", "cp /bin/true /tmp/dropped && /tmp/dropped"),
                "proc.exepath"));
        // Last: the engine resolves the API server's name in the background, so give it the other scenarios' time.
        out.add(scenario("Contact K8S API Server From Container",
                "bash connects to kubernetes.default.svc.cluster.local, mapped to a listener of the selftest on"
                        + " 127.0.0.1 by a line the selftest adds to /etc/hosts for its run",
                () -> exec(List.of(), "/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port()), "fd.name",
                "proc.name").withSkip(k8sNameMapped ? null : "/etc/hosts could not be given a line for "
                        + K8S_API_NAME + " (the rule matches fd.sip.name, the server's resolved name)"));
        List<Scenario> result = new ArrayList<>();
        for (Scenario s : out) {
            Scenario r = s.skipReason() == null && skip != null ? s.skipped(skip) : s;
            result.add(r.skipReason() != null ? r : r.requiring(mark));
        }
        return result;
    }

    private Scenario scenario(String rule, String action, Scenario.Step act, String... keyFields) {
        List<String> keys = new ArrayList<>(List.of(keyFields));
        keys.addAll(List.of("container.id", "container.name", "container.image.repository"));
        return new Scenario(rule, "in a Podman container: " + action, act, Scenario.Step.none(), keys, null, null);
    }

    private String port() {
        return Integer.toString(listener.getLocalPort());
    }

    private static String finitModuleSyscall() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "313";
            case "aarch64", "arm64" -> "273";
            default -> null;
        };
    }

    private void exec(List<String> options, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--runtime", "runc", "exec"));
        argv.addAll(options);
        argv.add(name);
        argv.addAll(List.of(command));
        runPodman(false, argv.toArray(String[]::new));
    }

    /** Builds the image's root file system from host binaries; imports it unless a same-content image exists. */
    private String buildImage(Path root) throws Exception {
        Map<String, Path> files = new TreeMap<>();
        for (String tool : TOOLS) {
            files.put("bin/" + tool, findTool(tool));
        }
        Path perlPath = findTool("perl");
        perl = perlPath != null;
        if (perl) {
            files.put("bin/perl", perlPath);
        }
        files.put("bin/nc", findTool("true"));
        files.put("usr/sbin/debugfs", findTool("true"));
        for (Path binary : List.copyOf(files.values())) {
            for (Path lib : sharedLibraries(binary)) {
                files.put(root.getRoot().relativize(lib).toString(), lib);
            }
        }
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (Map.Entry<String, Path> f : files.entrySet()) {
            Path to = root.resolve(f.getKey());
            Files.createDirectories(to.getParent());
            byte[] bytes = Files.readAllBytes(f.getValue().toRealPath());
            Files.write(to, bytes);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
            digest.update(f.getKey().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(bytes);
        }
        for (String d : List.of("tmp", "var/tmp", "proc", "sys", "dev", "etc", "run", "root")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        String tag = IMAGE_REPOSITORY + ":" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        if (runPodman(true, "image", "exists", tag).exit() != 0) {
            Path tar = workDir.resolve("rootfs.tar");
            Process p = new ProcessBuilder(findTool("tar").toString(), "--numeric-owner", "--owner=0", "--group=0",
                    "-C", root.toString(), "-cf", tar.toString(), ".").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(PODMAN_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("tar of the image failed: " + text.strip());
            }
            podman("import", tar.toString(), tag);
        }
        return tag;
    }

    /** The shared libraries {@code ldd} lists for a binary, the ELF interpreter included. */
    private static List<Path> sharedLibraries(Path binary) throws Exception {
        Process p = new ProcessBuilder(findTool("ldd").toString(), binary.toString()).redirectErrorStream(true)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(PODMAN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<Path> libs = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            int arrow = l.indexOf("=> ");
            String path = arrow >= 0 ? l.substring(arrow + 3) : l;
            int paren = path.indexOf(" (");
            if (paren >= 0) {
                path = path.substring(0, paren);
            }
            if (path.startsWith("/") && Files.exists(Path.of(path))) {
                libs.add(Path.of(path));
            }
        }
        return libs;
    }

    private record Result(int exit, String out) {
    }

    private static String podman(String... args) throws Exception {
        Result r = runPodman(true, args);
        if (r.exit() != 0) {
            throw new IOException("podman " + String.join(" ", args) + " failed: " + r.out().strip());
        }
        return r.out();
    }

    private static Result runPodman(boolean capture, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(findTool("podman").toString());
        argv.addAll(List.of(args));
        Path out = Files.createTempFile("peregrine-selftest-podman", ".out");
        try {
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null")
                    .toFile())).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(PODMAN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("podman " + String.join(" ", args) + " did not end within "
                        + PODMAN_TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), capture ? Files.readString(out, StandardCharsets.UTF_8) : "");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Path findTool(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String d : (path + ":/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))
                    && !Files.isDirectory(Path.of(d, tool), LinkOption.NOFOLLOW_LINKS)) {
                return Path.of(d, tool);
            }
        }
        return null;
    }

    /** Maps the Kubernetes API server's name to 127.0.0.1 in /etc/hosts for the run (unless it is there already). */
    private void mapK8sApiName() {
        try {
            String hosts = Files.readString(HOSTS);
            if (hosts.lines().anyMatch(l -> !l.strip().startsWith("#") && l.contains(K8S_API_NAME))) {
                k8sNameMapped = true;
                return;
            }
            if (!Files.isWritable(HOSTS)) {
                return;
            }
            Files.writeString(HOSTS, (hosts.isEmpty() || hosts.endsWith("\n") ? "" : "\n") + HOSTS_LINE + "\n",
                    StandardOpenOption.APPEND);
            hostsLineAdded = true;
            k8sNameMapped = true;
        } catch (IOException e) {
            k8sNameMapped = false;
        }
    }

    /** Removes the line {@link #mapK8sApiName} added, and only that line. */
    private void unmapK8sApiName() throws IOException {
        if (!hostsLineAdded) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        Files.readString(HOSTS).lines().filter(l -> !l.equals(HOSTS_LINE)).forEach(l -> kept.append(l).append('\n'));
        Files.writeString(HOSTS, kept.toString());
        hostsLineAdded = false;
    }

    /** Removes the container, stops the API service if the selftest started it, deletes the work directory. */
    @Override
    public void close() throws Exception {
        unmapK8sApiName();
        if (fullId != null) {
            runPodman(false, "rm", "-f", "-t", "0", name);
            fullId = null;
        }
        if (listener != null) {
            listener.close();
        }
        if (service != null) {
            service.destroy();
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
            service = null;
        }
        if (workDir != null) {
            try (var walk = Files.walk(workDir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            workDir = null;
        }
    }
}
