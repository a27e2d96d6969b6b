package dev.peregrine.state.container.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.state.container.CgroupContainerId;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real containerd (Debian's, started privately by {@code tools/containerd-cri-test.sh}: own root, state and socket
 * under a temporary directory, CRI plugin, runc with cgroupfs, images imported from Podman without a registry) in
 * which the test runs a pod sandbox and a container through the CRI as the kubelet would; the resolver then finds the
 * container from its process's real cgroups and fills its metadata from containerd's CRI answers. Skipped, with the
 * reason, when not root or when containerd cannot run here.
 */
class ContainerdCriLiveTest {
    static final String IMAGE = "localhost/peregrine-test:busybox";
    static final CriPods.Pod POD = new CriPods.Pod("shop-7d9f", "uid-shop-7d9f", "payments",
            Map.of("app", "shop", "tier", "backend"), "/peregrine-cri-test");

    static Path dir;
    static long containerdPid = -1;
    static Path socket;
    static CriClient client;
    static String sandboxId;
    static String containerId;
    static String imageId;
    static String skipReason;

    @BeforeAll
    static void startPod() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            skipReason = "needs root (containerd, runc)";
            return;
        }
        if (CriClient.unavailableReason() != null) {
            skipReason = CriClient.unavailableReason();
            return;
        }
        dir = Files.createTempDirectory("peregrine-containerd-");
        try {
            for (String line : PodmanMetadataLiveTest.run(List.of("bash",
                    Path.of("..", "tools", "containerd-cri-test.sh").toString(), "start", dir.toString()), 300)
                    .split("\n")) {
                if (line.startsWith("containerd ")) {
                    containerdPid = Long.parseLong(line.substring("containerd ".length()));
                } else if (line.startsWith("socket ")) {
                    socket = Path.of(line.substring("socket ".length()));
                }
            }
        } catch (IOException e) {
            skipReason = "containerd cannot run here: " + e.getMessage();
            return;
        }
        client = new CriClient(socket);
        CriPods pods = new CriPods(client);
        try {
            // as the kubelet does, the container config names the image by its id (the config digest, the same in
            // Podman and in containerd after the import)
            imageId = PodmanMetadataLiveTest.run(List.of("podman", "image", "inspect", "-f", "{{.Id}}", IMAGE), 60);
            sandboxId = pods.runPodSandbox(POD);
            containerId = pods.createContainer(sandboxId, POD, "web", "sha256:" + imageId,
                    List.of("/bin/sleep", "600"),
                    Map.of("team", "blue", "io.kubernetes.container.name", "web"));
            pods.startContainer(containerId);
        } catch (IOException e) {
            skipReason = "containerd's CRI cannot run a pod here: " + e.getMessage() + "; containerd log: "
                    + tail(dir.resolve("containerd.log"));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @AfterAll
    static void stopPod() throws Exception {
        if (client != null) {
            if (sandboxId != null) {
                try {
                    new CriPods(client).stopAndRemovePodSandbox(sandboxId);
                } catch (IOException e) {
                    // the stop script kills what is left
                }
            }
            client.close();
        }
        if (dir != null) {
            PodmanMetadataLiveTest.run(List.of("bash", Path.of("..", "tools", "containerd-cri-test.sh").toString(),
                    "stop", dir.toString(), Long.toString(containerdPid)), 60);
        }
    }

    private static List<String> cgroupsOf(String id) throws Exception {
        byte[] status = client.call("ContainerStatus", CriMessages.containerStatusRequest(id, true),
                CriPods.TIMEOUT);
        String info = CriMessages.containerStatus(status).info().get("info");
        long pid = new ObjectMapper().readTree(info).path("pid").asLong();
        assertThat(pid).as("pid in containerd's verbose info").isPositive();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] f = line.split(":", 3);
            out.add(f[1] + "=" + f[2]);
        }
        return out;
    }

    /** {@return the resolver's first answer, or null after 20 s} */
    static ContainerInfo await(MetadataResolver r) throws InterruptedException {
        ContainerInfo c = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (c == null && System.nanoTime() < deadline) {
            c = r.poll();
            Thread.sleep(10);
        }
        return c;
    }

    private static MetadataResolver resolver() {
        return new MetadataResolver(List.of(new MetadataResolver.Endpoint(socket, MetadataResolver.Api.CRI,
                ContainerRuntime.CONTAINERD)), Duration.ofSeconds(10));
    }

    @Test
    void resolve_realCriContainerFromItsCgroups_nameImageLabelsAndPod() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        CgroupContainerId.Match m = CgroupContainerId.resolve(cgroupsOf(containerId));
        assertThat(m).as("container id from the cgroups").isNotNull();
        assertThat(m.id()).isEqualTo(containerId.substring(0, 12));
        try (MetadataResolver r = resolver()) {
            r.request(m.id(), m.runtime());
            ContainerInfo c = await(r);
            assertThat(c).as("resolved; stats %s", r.stats()).isNotNull();
            assertThat(c.id()).isEqualTo(m.id());
            assertThat(c.fullId()).isEqualTo(containerId);
            assertThat(c.runtime()).as("containerd's Version").isEqualTo(ContainerRuntime.CONTAINERD);
            assertThat(c.name()).isEqualTo("web");
            assertThat(c.image()).isEqualTo(IMAGE);
            assertThat(c.imageRepository()).isEqualTo("localhost/peregrine-test");
            assertThat(c.imageTag()).isEqualTo("busybox");
            assertThat(c.imageId()).as("from the config's image, as the plugin reads it").isEqualTo(imageId);
            assertThat(c.labels()).containsEntry("team", "blue")
                    .containsEntry(CriParser.SANDBOX_ID_LABEL, sandboxId);
            assertThat(c.podName()).isEqualTo(POD.name());
            assertThat(c.podNamespace()).isEqualTo(POD.namespace());
            assertThat(c.podUid()).isEqualTo(POD.uid());
            assertThat(c.podSandboxId()).isEqualTo(sandboxId);
            assertThat(c.podSandboxLabels()).containsEntry("app", "shop").containsEntry("tier", "backend");
            assertThat(c.hostNetwork()).as("pod on the host network").isTrue();
            assertThat(c.hostPid()).isFalse();
            assertThat(c.privileged()).isFalse();
            assertThat(c.user()).isEqualTo("0");
            assertThat(c.isPodSandbox()).isFalse();
        }
    }

    /**
     * With {@code -Dperegrine.cri.record=DIR}, writes containerd's answers about the test pod (the fixtures of
     * {@code CriEndpointTest}) to DIR.
     */
    @Test
    void record_containerdAnswers_whenAsked() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        String into = System.getProperty("peregrine.cri.record");
        assumeTrue(into != null, "-Dperegrine.cri.record=DIR not given");
        Path out = Path.of(into);
        Files.createDirectories(out);
        Files.write(out.resolve("containerd-version.bin"), client.call("Version", CriMessages.versionRequest(),
                CriPods.TIMEOUT));
        Files.write(out.resolve("containerd-list-containers.bin"), client.call("ListContainers",
                CriMessages.listContainersRequest(containerId.substring(0, 12)), CriPods.TIMEOUT));
        Files.write(out.resolve("containerd-container-status.bin"), client.call("ContainerStatus",
                CriMessages.containerStatusRequest(containerId, true), CriPods.TIMEOUT));
        Files.write(out.resolve("containerd-pod-sandbox-status.bin"), client.call("PodSandboxStatus",
                CriMessages.podSandboxStatusRequest(sandboxId, true), CriPods.TIMEOUT));
    }

    @Test
    void lookup_podSandboxOwnId_podSandboxWithPodMetadata() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        try (MetadataResolver r = resolver()) {
            ContainerInfo c = r.lookup(sandboxId.substring(0, 12), ContainerRuntime.CRI);
            assertThat(c).as("stats %s", r.stats()).isNotNull();
            assertThat(c.isPodSandbox()).isTrue();
            assertThat(c.fullId()).isEqualTo(sandboxId);
            assertThat(c.name()).isEqualTo(POD.name());
            assertThat(c.podNamespace()).isEqualTo(POD.namespace());
            assertThat(c.podSandboxLabels()).containsEntry("app", "shop");
        }
    }

    @Test
    void lookup_idNoContainerHas_nullAndCountedFailed() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        try (MetadataResolver r = resolver()) {
            assertThat(r.lookup("0123456789ab", ContainerRuntime.CONTAINERD)).isNull();
            assertThat(r.stats().failed()).isEqualTo(1);
        }
    }
}
