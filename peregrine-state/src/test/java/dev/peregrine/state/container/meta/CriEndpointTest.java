package dev.peregrine.state.container.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resolver's CRI endpoint against a gRPC server on a unix socket: containerd 1.6.20's real answers (recorded by
 * {@code ContainerdCriLiveTest} with {@code -Dperegrine.cri.record}), CRI-O answers reconstructed from CRI-O's
 * {@code ContainerStatus} code (CRI-O is not packaged in Debian, so none could be recorded), the container event
 * stream, a stalled runtime and an unknown id.
 */
class CriEndpointTest {
    /** The container and sandbox of the recorded containerd answers. */
    static final String CONTAINERD_ID = "e93e5d00b0764acf45ea1b93a69cd0d75adc7d62723770f2ed00c57ec8f689d3";
    static final String CONTAINERD_SANDBOX = "255a038106e0ccbf5c0e67c98df4bda6cdcb47454e8480a53c27edf854d9b89e";
    static final String BUSYBOX_ID = "e5430adff970dc9d7c03037ef4df33566a6f9d8db5b33e297bdb3ae5695add4c";

    static final String CRIO_ID = "4f2b6e8a0c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f";
    static final String CRIO_SANDBOX = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b";
    static final String NGINX_DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path dir;

    static byte[] recorded(String name) throws IOException {
        try (InputStream in = CriEndpointTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    static Map<String, byte[]> containerd() throws IOException {
        return Map.of("Version", recorded("containerd-version.bin"),
                "ListContainers", recorded("containerd-list-containers.bin"),
                "ContainerStatus", recorded("containerd-container-status.bin"),
                "PodSandboxStatus", recorded("containerd-pod-sandbox-status.bin"));
    }

    private MetadataResolver resolver(Path socket, ContainerRuntime runtime, Duration timeout) {
        return new MetadataResolver(List.of(new MetadataResolver.Endpoint(socket, MetadataResolver.Api.CRI,
                runtime)), timeout);
    }

    @Test
    void lookup_recordedContainerdAnswers_filledAsThePluginFillsThem() throws Exception {
        try (FakeCriServer s = FakeCriServer.answering(dir.resolve("containerd.sock"), containerd());
             MetadataResolver r = resolver(s.path(), ContainerRuntime.CONTAINERD, Duration.ofSeconds(10))) {
            ContainerInfo c = r.lookup(CONTAINERD_ID.substring(0, 12), ContainerRuntime.CRI);
            assertThat(c).as("stats %s", r.stats()).isNotNull();
            assertThat(s.calls()).containsExactly("Version", "ListContainers", "ContainerStatus",
                    "PodSandboxStatus");
            assertThat(c.id()).isEqualTo(CONTAINERD_ID.substring(0, 12));
            assertThat(c.fullId()).isEqualTo(CONTAINERD_ID);
            assertThat(c.runtime()).isEqualTo(ContainerRuntime.CONTAINERD);
            assertThat(c.name()).isEqualTo("web");
            assertThat(c.image()).isEqualTo("localhost/peregrine-test:busybox");
            assertThat(c.imageRepository()).isEqualTo("localhost/peregrine-test");
            assertThat(c.imageTag()).isEqualTo("busybox");
            assertThat(c.imageDigest()).as("image_ref without a repository digest").isEqualTo("sha256:" + BUSYBOX_ID);
            assertThat(c.imageId()).isEqualTo(BUSYBOX_ID);
            assertThat(c.user()).isEqualTo("0");
            assertThat(c.privileged()).isFalse();
            assertThat(c.labels()).containsEntry("team", "blue").containsEntry("io.kubernetes.container.name", "web")
                    .containsEntry(CriParser.SANDBOX_ID_LABEL, CONTAINERD_SANDBOX);
            assertThat(c.podName()).isEqualTo("shop-7d9f");
            assertThat(c.podNamespace()).isEqualTo("payments");
            assertThat(c.podUid()).isEqualTo("uid-shop-7d9f");
            assertThat(c.podSandboxId()).isEqualTo(CONTAINERD_SANDBOX);
            assertThat(c.podSandboxLabels()).containsOnly(Map.entry("app", "shop"), Map.entry("tier", "backend"));
            assertThat(c.hostNetwork()).isTrue();
            assertThat(c.hostPid()).isFalse();
            assertThat(c.hostIpc()).isFalse();
            assertThat(c.isPodSandbox()).isFalse();
        }
    }

    @Test
    void lookup_crioAnswers_imageFromRefPrivilegedMountsAndPodNetwork() throws Exception {
        String longValue = "x".repeat(InspectParser.LABEL_MAX_LEN + 1);
        byte[] status = message(out -> {
            out.writeBytes(1, bytes(message(st -> {
                st.writeString(1, CRIO_ID);
                st.writeBytes(2, bytes(message(m -> m.writeString(1, "nginx"))));
                st.writeVarint(4, 1_700_000_000_000_000_000L);
                st.writeVarint(5, 1_700_000_001_000_000_000L);
                st.writeBytes(8, bytes(message(i -> i.writeString(1, "docker.io/library/nginx:1.25"))));
                st.writeString(9, "docker.io/library/nginx@" + NGINX_DIGEST);
                st.writeBytes(12, bytes(CriMessages.mapEntry("io.kubernetes.container.name", "nginx")));
                st.writeBytes(12, bytes(CriMessages.mapEntry("long", longValue)));
                st.writeBytes(14, bytes(message(m -> {
                    m.writeString(1, "/var/log/nginx");
                    m.writeString(2, "/var/lib/kubelet/pods/x/volumes/logs");
                    m.writeBool(3, true);
                    m.writeVarint(5, 1);
                })));
                st.writeBytes(14, bytes(message(m -> {
                    m.writeString(1, "/data");
                    m.writeString(2, "/srv/data");
                    m.writeVarint(5, 2);
                })));
                st.writeBytes(18, bytes(message(u -> u.writeBytes(1, bytes(message(l -> l.writeVarint(1, 101)))))));
            })));
            out.writeBytes(2, bytes(CriMessages.mapEntry("info", """
                    {"sandboxID":"%s","pid":4242,"runtimeSpec":{"annotations":{
                    "io.kubernetes.cri-o.ImageName":"docker.io/library/nginx:1.25"}},"privileged":true}"""
                    .formatted(CRIO_SANDBOX))));
        });
        byte[] sandbox = message(out -> {
            out.writeBytes(1, bytes(message(st -> {
                st.writeString(1, CRIO_SANDBOX);
                st.writeBytes(2, bytes(message(m -> {
                    m.writeString(1, "web-5c9");
                    m.writeString(2, "8f1c");
                    m.writeString(3, "shop");
                })));
                st.writeBytes(5, bytes(message(n -> n.writeString(1, "10.85.0.7"))));
                st.writeBytes(6, bytes(message(l -> l.writeBytes(1, bytes(message(ns -> ns.writeBytes(2,
                        bytes(message(o -> o.writeVarint(2, CriMessages.NAMESPACE_MODE_NODE))))))))));
                st.writeBytes(7, bytes(CriMessages.mapEntry("app", "web")));
            })));
            out.writeBytes(2, bytes(CriMessages.mapEntry("info", """
                    {"pid":4200,"runtimeSpec":{"annotations":{"io.kubernetes.cri-o.CNIResult":\
                    "{\\"interfaces\\":[{\\"name\\":\\"eth0\\"}]}"}}}""")));
        });
        try (FakeCriServer s = FakeCriServer.answering(dir.resolve("crio.sock"), Map.of(
                "Version", message(v -> {
                    v.writeString(1, "0.1.0");
                    v.writeString(2, "cri-o");
                    v.writeString(3, "1.31.0");
                    v.writeString(4, "v1");
                }),
                "ListContainers", message(l -> l.writeBytes(1, bytes(message(c -> {
                    c.writeString(1, CRIO_ID);
                    c.writeString(2, CRIO_SANDBOX);
                })))),
                "ContainerStatus", status,
                "PodSandboxStatus", sandbox));
             MetadataResolver r = resolver(s.path(), ContainerRuntime.CRIO, Duration.ofSeconds(10))) {
            ContainerInfo c = r.lookup(CRIO_ID.substring(0, 12), ContainerRuntime.CRIO);
            assertThat(c).as("stats %s", r.stats()).isNotNull();
            assertThat(c.runtime()).isEqualTo(ContainerRuntime.CRIO);
            assertThat(c.name()).isEqualTo("nginx");
            assertThat(c.image()).as("repository from image_ref, tag from the image").isEqualTo(
                    "docker.io/library/nginx:1.25");
            assertThat(c.imageRepository()).isEqualTo("docker.io/library/nginx");
            assertThat(c.imageTag()).isEqualTo("1.25");
            assertThat(c.imageDigest()).isEqualTo(NGINX_DIGEST);
            assertThat(c.privileged()).as("CRI-O's info.privileged").isTrue();
            assertThat(c.user()).isEqualTo("101");
            assertThat(c.labels()).containsEntry("io.kubernetes.container.name", "nginx").doesNotContainKey("long");
            assertThat(c.podName()).isEqualTo("web-5c9");
            assertThat(c.podNamespace()).isEqualTo("shop");
            assertThat(c.podUid()).isEqualTo("8f1c");
            assertThat(c.ip()).isEqualTo("10.85.0.7");
            assertThat(c.hostPid()).isTrue();
            assertThat(c.hostNetwork()).isFalse();
            assertThat(c.podSandboxLabels()).containsOnly(Map.entry("app", "web"));
            assertThat(c.mounts()).containsExactly(
                    new ContainerInfo.Mount("/var/lib/kubelet/pods/x/volumes/logs", "/var/log/nginx", "", false,
                            "rslave"),
                    new ContainerInfo.Mount("/srv/data", "/data", "", true, "rshared"));
            CriParser.Result full = CriParser.container(
                    CriMessages.containerStatus(status), CriMessages.podSandboxStatus(sandbox),
                    ContainerRuntime.CRIO);
            assertThat(full.createdAt()).isEqualTo(1_700_000_000_000_000_000L);
            assertThat(full.startedAt()).isEqualTo(1_700_000_001_000_000_000L);
            assertThat(full.cniJson()).isEqualTo("{\"interfaces\":[{\"name\":\"eth0\"}]}");
            assertThat(full.info().cniJson()).as("carried to container.cni.json").isEqualTo(full.cniJson());
        }
    }

    @Test
    void watchEvents_criContainerCreated_resolvedWithoutARequest() throws Exception {
        Map<String, java.util.function.Function<byte[], byte[]>> unary = new java.util.HashMap<>();
        containerd().forEach((k, v) -> unary.put(k, req -> v));
        byte[] created = message(e -> {
            e.writeString(1, CONTAINERD_ID);
            e.writeVarint(2, CriMessages.ContainerEvent.CREATED);
        });
        try (FakeCriServer s = new FakeCriServer(dir.resolve("containerd.sock"), unary, List.of(),
                List.of(created));
             MetadataResolver r = resolver(s.path(), ContainerRuntime.CONTAINERD, Duration.ofSeconds(10))
                     .watchEvents()) {
            ContainerInfo c = ContainerdCriLiveTest.await(r);
            assertThat(c).as("resolved from the event stream; stats %s", r.stats()).isNotNull();
            assertThat(c.fullId()).isEqualTo(CONTAINERD_ID);
            assertThat(c.podName()).isEqualTo("shop-7d9f");
            assertThat(r.stats().runtimeEvents()).isEqualTo(1);
            assertThat(r.stats().requested()).isEqualTo(1);
        }
    }

    @Test
    void lookup_stalledRuntime_givesUpAtTheDeadline() throws Exception {
        try (FakeCriServer s = new FakeCriServer(dir.resolve("stalled.sock"), Map.of(), List.of("Version"), null);
             MetadataResolver r = resolver(s.path(), ContainerRuntime.CONTAINERD, Duration.ofMillis(300))) {
            long t0 = System.nanoTime();
            assertThat(r.lookup(CONTAINERD_ID.substring(0, 12), ContainerRuntime.CONTAINERD)).isNull();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(250L, 5_000L);
            assertThat(r.stats().timedOut()).isEqualTo(1);
            assertThat(r.stats().failed()).isEqualTo(1);
        }
    }

    @Test
    void lookup_idNoContainerNorSandboxHas_nullAndCountedFailed() throws Exception {
        Map<String, byte[]> answers = new java.util.HashMap<>(containerd());
        answers.put("ListContainers", new byte[0]);
        answers.put("PodSandboxStatus", null);
        Map<String, java.util.function.Function<byte[], byte[]>> unary = new java.util.HashMap<>();
        answers.forEach((k, v) -> unary.put(k, req -> v));
        try (FakeCriServer s = new FakeCriServer(dir.resolve("containerd.sock"), unary, List.of(), null);
             MetadataResolver r = resolver(s.path(), ContainerRuntime.CONTAINERD, Duration.ofSeconds(10))) {
            assertThat(r.lookup("0123456789ab", ContainerRuntime.CONTAINERD)).isNull();
            assertThat(s.calls()).containsExactly("Version", "ListContainers", "PodSandboxStatus");
            assertThat(r.stats().failed()).isEqualTo(1);
            assertThat(r.stats().unsupported()).isZero();
        }
    }

    @Test
    void request_criRuntimeWithoutACriEndpoint_genericMetadataAtOnce() throws Exception {
        try (MetadataResolver r = new MetadataResolver(List.of(new MetadataResolver.Endpoint(
                dir.resolve("podman.sock"), MetadataResolver.Api.LIBPOD, ContainerRuntime.PODMAN)),
                Duration.ofSeconds(1))) {
            r.request("0123456789ab", ContainerRuntime.CRIO);
            ContainerInfo c = r.poll();
            assertThat(c).isNotNull();
            assertThat(c.runtime()).isEqualTo(ContainerRuntime.CRIO);
            assertThat(r.stats().unsupported()).isEqualTo(1);
        }
    }

    static byte[] message(CriMessages.Fields fields) {
        return CriMessages.message(fields);
    }

    static byte[] bytes(byte[] b) {
        return b;
    }
}
