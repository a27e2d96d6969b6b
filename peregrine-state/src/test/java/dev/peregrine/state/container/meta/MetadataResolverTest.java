package dev.peregrine.state.container.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver against fake runtime sockets serving documents a real Podman 4.3 answered. */
class MetadataResolverTest {
    static final String FULL_ID = "08f4f082eca28756528117b1701b149ad0417b116eccb387c74e2b5a43de72c2";
    static final String ID = FULL_ID.substring(0, 12);
    static final String IMAGE_ID = "e5430adff970dc9d7c03037ef4df33566a6f9d8db5b33e297bdb3ae5695add4c";

    @TempDir
    Path dir;

    static String resource(String name) throws IOException {
        try (InputStream in = MetadataResolverTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static MetadataResolver.Endpoint libpod(Path socket) {
        return new MetadataResolver.Endpoint(socket, MetadataResolver.Api.LIBPOD, ContainerRuntime.PODMAN);
    }

    private static MetadataResolver.Endpoint docker(Path socket) {
        return new MetadataResolver.Endpoint(socket, MetadataResolver.Api.DOCKER, ContainerRuntime.DOCKER);
    }

    private static ContainerInfo awaitResult(MetadataResolver r, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            ContainerInfo c = r.poll();
            if (c != null) {
                return c;
            }
            Thread.sleep(5);
        }
        return null;
    }

    @Test
    void lookup_libpodDocument_fieldsAsThePluginFillsThem() throws Exception {
        try (FakeRuntimeSocket s = FakeRuntimeSocket.answering(dir.resolve("podman.sock"),
                Map.of("/v4.0.0/libpod/containers/" + ID + "/json", resource("libpod-inspect.json")), false);
             MetadataResolver r = new MetadataResolver(List.of(libpod(s.path())), Duration.ofSeconds(5))) {
            ContainerInfo c = r.lookup(ID, ContainerRuntime.PODMAN);
            assertThat(c.id()).isEqualTo(ID);
            assertThat(c.fullId()).isEqualTo(FULL_ID);
            assertThat(c.runtime()).isEqualTo(ContainerRuntime.PODMAN);
            assertThat(c.name()).isEqualTo("cm-probe");
            assertThat(c.image()).isEqualTo("localhost/peregrine-test:busybox");
            assertThat(c.imageRepository()).isEqualTo("localhost/peregrine-test");
            assertThat(c.imageTag()).isEqualTo("busybox");
            assertThat(c.imageId()).isEqualTo(IMAGE_ID);
            assertThat(c.imageDigest()).startsWith("sha256:608e6f0861cf");
            assertThat(c.ip()).isEqualTo("10.88.0.4");
            assertThat(c.privileged()).isFalse();
            assertThat(c.hostNetwork()).isFalse();
            assertThat(c.labels()).containsEntry("tier", "web");
            assertThat(c.podName()).isEqualTo("p1");
            assertThat(c.podNamespace()).isEqualTo("ns1");
            assertThat(c.podUid()).isEqualTo("u-1");
        }
    }

    @Test
    void lookup_dockerApiChunked_imageRepositoryTagDigestFromImageDocument() throws Exception {
        try (FakeRuntimeSocket s = FakeRuntimeSocket.answering(dir.resolve("docker.sock"), Map.of(
                "/containers/" + ID + "/json", resource("docker-inspect.json"),
                "/images/sha256:" + IMAGE_ID + "/json", resource("docker-image.json")), true);
             MetadataResolver r = new MetadataResolver(List.of(docker(s.path())), Duration.ofSeconds(5))) {
            ContainerInfo c = r.lookup(ID, ContainerRuntime.DOCKER);
            assertThat(c.runtime()).isEqualTo(ContainerRuntime.DOCKER);
            assertThat(c.name()).isEqualTo("cm-probe");
            assertThat(c.image()).isEqualTo("localhost/peregrine-test:busybox");
            assertThat(c.imageRepository()).isEqualTo("localhost/peregrine-test");
            assertThat(c.imageTag()).isEqualTo("busybox");
            assertThat(c.imageDigest()).isEqualTo(
                    "sha256:608e6f0861cf4a764d4a9bea5e33c8d26e8cc4614a33482d33913707b66fadff");
            assertThat(c.imageId()).isEqualTo(IMAGE_ID);
            assertThat(c.podName()).isEqualTo("p1");
        }
    }

    @Test
    void lookup_ownRuntimeMissing_triesTheOtherEndpoint() throws Exception {
        try (FakeRuntimeSocket s = FakeRuntimeSocket.answering(dir.resolve("podman.sock"),
                Map.of("/v4.0.0/libpod/containers/" + ID + "/json", resource("libpod-inspect.json")), false);
             MetadataResolver r = new MetadataResolver(List.of(docker(dir.resolve("absent.sock")), libpod(s.path())),
                     Duration.ofSeconds(5))) {
            assertThat(r.lookup(ID, ContainerRuntime.DOCKER).name()).isEqualTo("cm-probe");
        }
    }

    @Test
    void lookup_unknownContainer_nullAndCountedFailed() throws Exception {
        try (FakeRuntimeSocket s = FakeRuntimeSocket.answering(dir.resolve("podman.sock"), Map.of(), false);
             MetadataResolver r = new MetadataResolver(List.of(libpod(s.path())), Duration.ofSeconds(5))) {
            assertThat(r.lookup("aaaaaaaaaaaa", ContainerRuntime.PODMAN)).isNull();
            assertThat(r.stats().failed()).isEqualTo(1);
            assertThat(s.requests()).containsExactly("/v4.0.0/libpod/containers/aaaaaaaaaaaa/json");
        }
    }

    @Test
    void lookupAndRequest_criRuntime_notAskedGenericMetadata() throws Exception {
        try (FakeRuntimeSocket s = FakeRuntimeSocket.answering(dir.resolve("podman.sock"), Map.of(), false);
             MetadataResolver r = new MetadataResolver(List.of(libpod(s.path())), Duration.ofSeconds(5))) {
            assertThat(r.lookup(ID, ContainerRuntime.CRI)).isNull();
            assertThat(r.stats().unsupported()).isEqualTo(1);
            r.request(ID, ContainerRuntime.CONTAINERD);
            ContainerInfo generic = r.poll();
            assertThat(generic).as("generic metadata at once").isNotNull();
            assertThat(generic.runtime()).isEqualTo(ContainerRuntime.CONTAINERD);
            assertThat(generic.name()).isEmpty();
            assertThat(s.requests()).isEmpty();
        }
    }

    @Test
    void lookup_stalledSocket_givesUpAtTheDeadline() throws Exception {
        try (FakeRuntimeSocket s = FakeRuntimeSocket.stalled(dir.resolve("podman.sock"));
             MetadataResolver r = new MetadataResolver(List.of(libpod(s.path())), Duration.ofMillis(200))) {
            long t0 = System.nanoTime();
            assertThat(r.lookup(ID, ContainerRuntime.PODMAN)).isNull();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(150L, 5_000L);
            assertThat(r.stats().timedOut()).isEqualTo(1);
        }
    }

    @Test
    void request_answeredLater_pollReturnsItOnce() throws Exception {
        try (FakeRuntimeSocket s = FakeRuntimeSocket.answering(dir.resolve("podman.sock"),
                Map.of("/v4.0.0/libpod/containers/" + ID + "/json", resource("libpod-inspect.json")), false);
             MetadataResolver r = new MetadataResolver(List.of(libpod(s.path())), Duration.ofSeconds(5))) {
            r.request(ID, ContainerRuntime.PODMAN);
            r.request(ID, ContainerRuntime.PODMAN); // already pending: not asked twice
            assertThat(awaitResult(r, 5_000)).extracting(ContainerInfo::name).isEqualTo("cm-probe");
            assertThat(r.poll()).isNull();
            assertThat(r.stats().requested()).isEqualTo(1);
            assertThat(r.stats().resolved()).isEqualTo(1);
            assertThat(s.requests()).hasSize(1);
        }
    }

    @Test
    void request_stalledSocket_neverBlocksAndDropsBeyondTheQueue() throws Exception {
        try (FakeRuntimeSocket s = FakeRuntimeSocket.stalled(dir.resolve("podman.sock"));
             MetadataResolver r = new MetadataResolver(List.of(libpod(s.path())), Duration.ofSeconds(30))) {
            int n = MetadataResolver.QUEUE_CAPACITY + MetadataResolver.WORKERS + 500;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                r.request(String.format("%012x", i), ContainerRuntime.PODMAN);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("%d requests against a stalled runtime", n).isLessThan(1_000);
            assertThat(r.poll()).isNull();
            assertThat(r.stats().requested()).isEqualTo(n);
            assertThat(r.stats().dropped()).isGreaterThanOrEqualTo(500);
        }
    }

    @Test
    void watchEvents_createdContainerInTheStream_resolvedWithoutAnyRequest() throws Exception {
        String events = "{\"status\":\"create\",\"id\":\"" + FULL_ID + "\",\"Type\":\"container\",\"Action\":"
                + "\"create\",\"Actor\":{\"ID\":\"" + FULL_ID + "\",\"Attributes\":{\"name\":\"cm-probe\"}}}\n"
                + "{\"Type\":\"image\",\"Action\":\"pull\",\"Actor\":{\"ID\":\"" + FULL_ID + "\"}}\n"
                + "not json\n";
        try (FakeRuntimeSocket s = FakeRuntimeSocket.answering(dir.resolve("podman.sock"), Map.of(
                "/v4.0.0/libpod/events?stream=true&filters=%7B%22type%22%3A%5B%22container%22%5D%7D", events,
                "/v4.0.0/libpod/containers/" + ID + "/json", resource("libpod-inspect.json")), false);
             MetadataResolver r = new MetadataResolver(List.of(libpod(s.path())), Duration.ofSeconds(5))
                     .watchEvents()) {
            assertThat(awaitResult(r, 5_000)).extracting(ContainerInfo::name).isEqualTo("cm-probe");
            assertThat(r.stats().runtimeEvents()).isEqualTo(1);
            r.request(ID, ContainerRuntime.PODMAN);
            assertThat(r.stats().requested()).as("already asked").isEqualTo(1);
        }
    }

    @Test
    void request_failedLookup_notAskedAgainBeforeRetryAfter() throws Exception {
        try (FakeRuntimeSocket s = FakeRuntimeSocket.answering(dir.resolve("podman.sock"), Map.of(), false);
             MetadataResolver r = new MetadataResolver(List.of(libpod(s.path())), Duration.ofSeconds(5))) {
            r.request(ID, ContainerRuntime.PODMAN);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (r.stats().failed() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(r.stats().failed()).isEqualTo(1);
            r.request(ID, ContainerRuntime.PODMAN);
            assertThat(r.stats().requested()).as("backing off").isEqualTo(1);
            r.forget(ID);
            r.request(ID, ContainerRuntime.PODMAN);
            assertThat(r.stats().requested()).as("forgotten: asked anew").isEqualTo(2);
        }
    }

    @Test
    void repoTag_imageReferences_splitAsThePlugin() {
        assertThat(InspectParser.repoTag("nginx:1.25")).containsExactly("nginx", "1.25");
        assertThat(InspectParser.repoTag("registry:5000/team/app")).containsExactly("registry:5000/team/app", "");
        assertThat(InspectParser.repoTag("registry:5000/app:v2@sha256:ab")).containsExactly("registry:5000/app",
                "v2");
        assertThat(InspectParser.repoTag("")).containsExactly("", "");
    }
}
