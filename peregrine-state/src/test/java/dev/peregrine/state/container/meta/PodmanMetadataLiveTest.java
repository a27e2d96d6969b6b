package dev.peregrine.state.container.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.state.container.CgroupContainerId;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Podman container (the busybox image of {@code tools/podman-busybox-image.sh}, run with runc and Kubernetes
 * labels) whose metadata the resolver fetches from Podman's API socket, found from the container's real cgroups.
 * Skipped when not root or when Podman cannot run a container here.
 */
class PodmanMetadataLiveTest {
    static final String IMAGE = "peregrine-test:busybox";
    static final String NAME = "peregrine-meta-live";

    static Process service;
    static String fullId;
    static String skipReason;

    static String run(List<String> command, long seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no result within " + seconds + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @BeforeAll
    static void startContainer() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            skipReason = "needs root (podman run, the API socket)";
            return;
        }
        Path script = Path.of("..", "tools", "podman-busybox-image.sh");
        try {
            run(List.of("bash", script.toString(), IMAGE), 300);
            if (!Files.exists(MetadataResolver.PODMAN_SOCKET)) {
                Files.createDirectories(MetadataResolver.PODMAN_SOCKET.getParent());
                service = new ProcessBuilder("podman", "system", "service", "--time=0",
                        "unix://" + MetadataResolver.PODMAN_SOCKET).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                for (int i = 0; i < 100 && !Files.exists(MetadataResolver.PODMAN_SOCKET); i++) {
                    Thread.sleep(50);
                }
            }
            run(List.of("podman", "rm", "-f", "--ignore", NAME), 60);
            fullId = run(List.of("podman", "--runtime", "runc", "run", "-d", "--ulimit", "nofile=1024:1024",
                    "--ulimit", "nproc=1024:1024", "--label", "io.kubernetes.pod.name=p1", "--label",
                    "io.kubernetes.pod.namespace=ns1", "--label", "io.kubernetes.pod.uid=uid-p1", "--label",
                    "team=blue", "--name", NAME, IMAGE, "sleep", "600"), 120);
            fullId = fullId.lines().reduce((a, b) -> b).orElse("");
        } catch (IOException e) {
            skipReason = "podman cannot run a container here: " + e.getMessage();
        }
    }

    @AfterAll
    static void stopContainer() throws Exception {
        if (fullId != null) {
            run(List.of("podman", "rm", "-f", "-t", "0", NAME), 60);
        }
        if (service != null) {
            service.destroy();
            service.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> cgroupsOf(String name) throws Exception {
        String pid = run(List.of("podman", "inspect", "-f", "{{.State.Pid}}", name), 60);
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "cgroup"))) {
            String[] f = line.split(":", 3);
            out.add((f[1].isEmpty() ? "" : f[1]) + "=" + f[2]);
        }
        return out;
    }

    @Test
    void resolve_realContainerFromItsCgroups_nameImageLabelsAndKubernetesFields() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        CgroupContainerId.Match m = CgroupContainerId.resolve(cgroupsOf(NAME));
        assertThat(m).isNotNull();
        assertThat(m.id()).isEqualTo(fullId.substring(0, 12));
        try (MetadataResolver r = MetadataResolver.defaults()) {
            r.request(m.id(), m.runtime());
            ContainerInfo c = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (c == null && System.nanoTime() < deadline) {
                c = r.poll();
                Thread.sleep(10);
            }
            assertThat(c).as("resolved; stats %s", r.stats()).isNotNull();
            assertThat(c.id()).isEqualTo(m.id());
            assertThat(c.fullId()).isEqualTo(fullId);
            assertThat(c.runtime()).isEqualTo(ContainerRuntime.PODMAN);
            assertThat(c.name()).isEqualTo(NAME);
            assertThat(c.image()).isEqualTo("localhost/" + IMAGE);
            assertThat(c.imageRepository()).isEqualTo("localhost/peregrine-test");
            assertThat(c.imageTag()).isEqualTo("busybox");
            assertThat(c.imageDigest()).startsWith("sha256:");
            assertThat(c.labels()).containsEntry("team", "blue");
            assertThat(c.podName()).isEqualTo("p1");
            assertThat(c.podNamespace()).isEqualTo("ns1");
            assertThat(c.podUid()).isEqualTo("uid-p1");
        }
    }

    @Test
    void lookup_dockerCompatibleApiOfPodman_sameContainer() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        try (MetadataResolver r = new MetadataResolver(List.of(new MetadataResolver.Endpoint(
                MetadataResolver.PODMAN_SOCKET, MetadataResolver.Api.DOCKER, ContainerRuntime.PODMAN)),
                Duration.ofSeconds(10))) {
            ContainerInfo c = r.lookup(fullId.substring(0, 12), ContainerRuntime.PODMAN);
            assertThat(c).as("stats %s", r.stats()).isNotNull();
            assertThat(c.runtime()).as("Podman's socket").isEqualTo(ContainerRuntime.PODMAN);
            assertThat(c.name()).isEqualTo(NAME);
            assertThat(c.imageRepository()).isEqualTo("localhost/peregrine-test");
            assertThat(c.podNamespace()).isEqualTo("ns1");
        }
    }
}
