package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.driver.LiveSource;
import dev.peregrine.state.StateEngine;
import dev.peregrine.state.container.CgroupContainerId;
import dev.peregrine.state.proc.ProcScanner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stable container rules on real containers: one Podman container (runc, the Debian image of
 * {@code bin/test-image}, Kubernetes pod labels) and one live engine with the bundled rules; each test performs one
 * scenario in the container or on the host and checks the alert and its {@code container.id}, which must be the
 * 12-character prefix of the id Podman gives.
 *
 * <p>Needs root, the compiled driver, podman, runc and the image (built on first use, about a minute; then cached in
 * podman's storage). Skipped with the reason otherwise.
 */
class ContainerRulesLiveTest {
    /*
     * Implementation notes: the engine runs once for the class (--duration bounds it; @AfterAll waits for its end),
     * and each test waits for its own alert in the shared output, so the scenarios overlap the engine's lifetime
     * instead of paying its start-up (rules, driver load, /proc scan) each. The container is started before the
     * engine: its first process comes from the /proc scan, the scenario processes from live execve events. Marker
     * words in command lines tie an alert to its scenario. The container shares the host's network namespace, so
     * the redirect scenarios reach a server socket of this JVM on loopback.
     */

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seconds the engine runs (driver load included): start-up and every scenario fit within it on a busy host. */
    private static final int ENGINE_SECONDS = 40;
    private static final long ENGINE_START_TIMEOUT_MILLIS = 120_000;
    private static final long ALERT_TIMEOUT_MILLIS = 20_000;
    private static final String POD_NAME = "peregrine-live-pod";
    private static final String POD_NAMESPACE = "peregrine-live-ns";

    private static String image;
    private static String containerName;
    private static String fullId;
    private static String shortId;
    private static ServerSocket server;
    private static Thread acceptor;
    private static final StringWriter out = new StringWriter();
    private static final StringWriter err = new StringWriter();
    private static CompletableFuture<Integer> engine;
    private static Process podmanService;

    @BeforeAll
    static void startContainerAndEngine() throws Exception {
        assumeTrue(LiveSource.unavailableReason().isEmpty(), () -> "live capture unavailable: "
                + LiveSource.unavailableReason().orElse(""));
        assumeTrue(onPath("podman") && onPath("runc"), "podman or runc missing (bin/setup installs them)");
        Optional<Path> script = projectFile("bin/test-image");
        assumeTrue(script.isPresent(), "bin/test-image not found above " + System.getProperty("user.dir"));
        Result built = exec(600, script.get().toString());
        assumeTrue(built.exit() == 0, () -> "no test image: " + built.err().strip());
        image = built.out().strip();

        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(ContainerRulesLiveTest::drainConnections);

        // The engine asks Podman's API socket for metadata (name, image, pod labels); start the service when absent.
        Path sock = Path.of("/run/podman/podman.sock");
        if (!Files.exists(sock)) {
            Files.createDirectories(sock.getParent());
            podmanService = new ProcessBuilder("podman", "system", "service", "--time=0", "unix://" + sock)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            for (int i = 0; i < 200 && !Files.exists(sock); i++) {
                Thread.sleep(50);
            }
        }

        containerName = "peregrine-live-" + ProcessHandle.current().pid();
        Result run = exec(120, "podman", "--runtime", "runc", "run", "-d", "--rm", "--network", "host",
                "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                "--label", "io.kubernetes.pod.name=" + POD_NAME,
                "--label", "io.kubernetes.pod.namespace=" + POD_NAMESPACE,
                "--name", containerName, image, "sleep", "600");
        assertThat(run.exit()).as(run.err()).isZero();
        fullId = run.out().strip();
        assertThat(fullId).matches("[0-9a-f]{64}");
        shortId = fullId.substring(0, CgroupContainerId.SHORT_ID_LENGTH);

        engine = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out, true),
                new PrintWriter(err, true), "run", "--json", "--duration", Integer.toString(ENGINE_SECONDS),
                // Falco's falco.yaml appends the container plugin's suggested fields to every alert.
                "-o", "append_output[0].suggested_output=true"));
        long deadline = System.currentTimeMillis() + ENGINE_START_TIMEOUT_MILLIS;
        while (!err.toString().contains("live detection with") && !engine.isDone()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(err.toString()).as("engine started").contains("live detection with");
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (engine != null) {
            int exit = engine.get(ENGINE_SECONDS + 60, TimeUnit.SECONDS);
            assertThat(exit).as(err.toString()).isZero();
        }
        if (containerName != null) {
            exec(60, "podman", "rm", "-f", "-t", "0", containerName);
        }
        if (server != null) {
            server.close();
            acceptor.join(5_000);
        }
        if (podmanService != null) {
            podmanService.destroy();
            podmanService.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void terminalShell_podmanExecWithTty_terminalShellInContainer() throws Exception {
        podmanExec(List.of("-t"), "bash", "-c", "true; : terminal-marker");

        JsonNode alert = awaitAlert("Terminal shell in container",
                a -> field(a, "proc.cmdline").contains("terminal-marker"));

        assertContainer(alert);
        assertThat(field(alert, "proc.name")).isEqualTo("bash");
        assertThat(alert.get("priority").asText()).isEqualTo("Notice");
    }

    @Test
    void dropAndExecute_binaryCopiedIntoUpperLayerAndRun_dropAndExecuteNewBinary() throws Exception {
        podmanExec(List.of(), "sh", "-c", "cp /bin/true /tmp/dropped-marker && /tmp/dropped-marker");

        JsonNode alert = awaitAlert("Drop and execute new binary in container",
                a -> field(a, "proc.exepath").equals("/tmp/dropped-marker"));

        assertContainer(alert);
        assertThat(alert.get("priority").asText()).isEqualTo("Critical");
    }

    @Test
    void netcat_remoteCodeExecutionOption_netcatRemoteCodeExecutionInContainer() throws Exception {
        podmanExec(List.of(), "nc", "-w", "1", "-e", "/bin/true", "127.0.0.1", Integer.toString(server.getLocalPort()));

        JsonNode alert = awaitAlert("Netcat Remote Code Execution in Container",
                a -> field(a, "proc.cmdline").contains(" -e /bin/true"));

        assertContainer(alert);
        assertThat(field(alert, "proc.name")).isEqualTo("nc");
    }

    @Test
    void redirect_shellStdoutToTcpSocket_redirectToNetworkConnectionInContainer() throws Exception {
        podmanExec(List.of(), "bash", "-c", "echo x >/dev/tcp/127.0.0.1/" + server.getLocalPort()
                + "; : container-redirect-marker");

        JsonNode alert = awaitAlert("Redirect STDOUT/STDIN to Network Connection in Container",
                a -> field(a, "proc.cmdline").contains("container-redirect-marker"));

        assertContainer(alert);
        assertThat(field(alert, "fd.type")).isEqualTo("ipv4");
        assertThat(field(alert, "fd.rport")).isEqualTo(Integer.toString(server.getLocalPort()));
    }

    @Test
    void hostProcess_sameActionsOnTheHost_hostNotAContainer() throws Exception {
        // The container rules need a container: the same redirect on the host raises none of them...
        Result redirect = exec(30, "bash", "-c", "echo x >/dev/tcp/127.0.0.1/" + server.getLocalPort()
                + "; : host-redirect-marker");
        assertThat(redirect.exit()).as(redirect.err()).isZero();
        // ... while a host rule does fire, afterwards, on a process the engine calls "host".
        exec(30, "cat", "/etc/shadow");
        JsonNode alert = awaitAlert("Read sensitive file untrusted", a -> field(a, "proc.name").equals("cat")
                && field(a, "container.id").equals("host"));
        assertThat(field(alert, "fd.name")).isEqualTo("/etc/shadow");

        // Events are judged in time order: by now the redirect has been judged.
        assertThat(alerts()).noneSatisfy(a -> assertThat(field(a, "proc.cmdline")).contains("host-redirect-marker"));
    }

    @Test
    void sensitiveFileInContainer_catShadow_alertCarriesTheContainerId() throws Exception {
        podmanExec(List.of(), "cat", "/etc/shadow");

        JsonNode alert = awaitAlert("Read sensitive file untrusted", a -> field(a, "proc.name").equals("cat")
                && !field(a, "container.id").equals("host"));

        assertContainer(alert);
    }

    @Test
    void procScan_containerStartedBefore_threadInTheContainer() throws Exception {
        Result pid = exec(30, "podman", "inspect", "-f", "{{.State.Pid}}", containerName);
        assertThat(pid.exit()).as(pid.err()).isZero();
        long containerPid = Long.parseLong(pid.out().strip());
        StateEngine state = new StateEngine();
        state.setContainerEngines(CgroupContainerId.forHost(Path.of("/")));

        new ProcScanner().scanInto(state);

        assertThat(state.thread(containerPid)).isNotNull();
        assertThat(state.thread(containerPid).containerId()).isEqualTo(shortId);
        assertThat(state.thread(ProcessHandle.current().pid()).containerId()).as("this JVM").isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static void podmanExec(List<String> options, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("podman", "--runtime", "runc", "exec"));
        argv.addAll(options);
        argv.add(containerName);
        argv.addAll(List.of(command));
        Result r = exec(60, argv.toArray(String[]::new));
        assertThat(r.exit()).as(String.join(" ", argv) + ": " + r.err()).isIn(0, 1);
    }

    /** Waits for an alert of {@code rule} matching {@code wanted}; fails when none comes in time. */
    private static JsonNode awaitAlert(String rule, Predicate<JsonNode> wanted) throws InterruptedException {
        JsonNode a = awaitAlert(rule, wanted, ALERT_TIMEOUT_MILLIS);
        assertThat(a).as("alert of '%s' in:%n%s%nstderr:%n%s", rule, out, err).isNotNull();
        return a;
    }

    private static JsonNode awaitAlert(String rule, Predicate<JsonNode> wanted, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        do {
            for (JsonNode a : alerts()) {
                if (a.get("rule").asText().equals(rule) && wanted.test(a)) {
                    return a;
                }
            }
            if (engine.isDone()) {
                break;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return null;
    }

    private static List<JsonNode> alerts() {
        List<JsonNode> alerts = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (line.startsWith("{")) {
                try {
                    alerts.add(JSON.readTree(line));
                } catch (IOException e) {
                    // a line being written: read on the next round
                }
            }
        }
        return alerts;
    }

    /** The alert is about the test container: its id, and its metadata from Podman (name, image, pod labels). */
    private static void assertContainer(JsonNode alert) {
        assertThat(field(alert, "container.id")).isEqualTo(shortId);
        assertThat(field(alert, "container.name")).isEqualTo(containerName);
        assertThat(field(alert, "container.image.repository")).isEqualTo("localhost/peregrine-test");
        assertThat(field(alert, "container.image.tag")).isEqualTo("bookworm");
        assertThat(field(alert, "k8s.pod.name")).isEqualTo(POD_NAME);
        assertThat(field(alert, "k8s.ns.name")).isEqualTo(POD_NAMESPACE);
    }

    private static String field(JsonNode alert, String name) {
        JsonNode v = alert.path("output_fields").get(name);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static void drainConnections() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.getInputStream().readAllBytes();
            } catch (IOException e) {
                // closed, or a client gone
            }
        }
    }

    record Result(int exit, String out, String err) {
    }

    private static Result exec(int timeoutSeconds, String... command) throws Exception {
        Path o = Files.createTempFile("peregrine-exec", ".out");
        Path e = Files.createTempFile("peregrine-exec", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null")
                    .toFile())).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "", String.join(" ", command) + ": timed out");
            }
            return new Result(p.exitValue(), Files.readString(o, StandardCharsets.UTF_8),
                    Files.readString(e, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(o);
            Files.deleteIfExists(e);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/usr/bin", tool));
    }

    private static Optional<Path> projectFile(String relative) {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve(relative))) {
                return Optional.of(dir.resolve(relative));
            }
        }
        return Optional.empty();
    }
}
