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

    static long servicePid = -1;
    static String fullId;
    static String skipReason;

    /** Runs a command; its output, or an exception saying how it failed. */
    static String run(List<String> command, long seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
        String out = done ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim() : "";
        if (!done || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + (done ? " failed: " + out : ": no result in time"));
        }
        return out;
    }

    @BeforeAll
    static void startContainer() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            skipReason = "needs root (podman run, the API socket)";
            return;
        }
        try {
            for (String line : run(List.of("bash", Path.of("..", "tools", "podman-test-container.sh").toString(),
                    NAME, "--label", "io.kubernetes.pod.name=p1", "--label", "io.kubernetes.pod.namespace=ns1",
                    "--label", "io.kubernetes.pod.uid=uid-p1", "--label", "team=blue", IMAGE, "sleep", "600"), 300)
                    .split("\n")) {
                if (line.startsWith("service ")) {
                    servicePid = Long.parseLong(line.substring("service ".length()));
                } else if (line.startsWith("container ")) {
                    fullId = line.substring("container ".length());
                }
            }
        } catch (IOException e) {
            skipReason = "podman cannot run a container here: " + e.getMessage();
        }
    }

    @AfterAll
    static void stopContainer() throws Exception {
        if (fullId != null) {
            run(List.of("podman", "rm", "-f", "-t", "0", NAME), 60);
        }
        ProcessHandle.of(servicePid).ifPresent(ProcessHandle::destroy);
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

    @Test
    void watchEvents_containerCreatedAfterTheResolver_resolvedWithoutARequest() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        String second = NAME + "-2";
        try (MetadataResolver r = new MetadataResolver(List.of(new MetadataResolver.Endpoint(
                MetadataResolver.PODMAN_SOCKET, MetadataResolver.Api.LIBPOD, ContainerRuntime.PODMAN)),
                Duration.ofSeconds(10)).watchEvents()) {
            Thread.sleep(500); // the event stream is open
            String id = run(List.of("podman", "--runtime", "runc", "run", "-d", "--ulimit", "nofile=1024:1024",
                    "--ulimit", "nproc=1024:1024", "--label", "io.kubernetes.pod.name=p2", "--name", second, IMAGE,
                    "sleep", "60"), 120).lines().reduce((a, b) -> b).orElse("");
            ContainerInfo c = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((c == null || !c.name().equals(second)) && System.nanoTime() < deadline) {
                c = r.poll();
                Thread.sleep(10);
            }
            assertThat(c).as("resolved from the event stream; stats %s", r.stats()).isNotNull();
            assertThat(c.fullId()).isEqualTo(id);
            assertThat(c.podName()).isEqualTo("p2");
            assertThat(r.stats().runtimeEvents()).isPositive();
        } finally {
            run(List.of("podman", "rm", "-f", "-t", "0", "--ignore", second), 60);
        }
    }
}
