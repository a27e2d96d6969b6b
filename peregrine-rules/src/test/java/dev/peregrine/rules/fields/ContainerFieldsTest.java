package dev.peregrine.rules.fields;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.event.EventBuilder;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerRuntime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** container.* and k8s.* extraction as the container plugin serves them, before and after metadata is known. */
class ContainerFieldsTest {
    static final long HOST_SH = 150;
    static final long CTR_SH = 200;
    static final String FULL_ID = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";
    static final String ID = "3ad7b26ded6d";
    static final long START = 1_700_000_000_000_000_000L;

    /** The syscall binding test's state (init, bash, alice) and extraction helpers, plus two threads here. */
    final SyscallBindingTest probe = new SyscallBindingTest();

    @BeforeEach
    void setUp() {
        probe.setUp();
        probe.state.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(HOST_SH).pid(HOST_SH).vtid(HOST_SH).vpid(HOST_SH).ptid(1).comm("sh")
                        .exe("/bin/sh").cwd("/").build(),
                ThreadInfo.builder().tid(CTR_SH).pid(CTR_SH).vtid(1).vpid(1).ptid(1).comm("sh").exe("/bin/sh")
                        .cwd("/").cgroups(List.of("cpu=/machine.slice/libpod-" + FULL_ID + ".scope"))
                        .pidnsInitStartTs(START).build())));
    }

    private void feedOpen(long tid) {
        probe.feed(EventBuilder.of("PPME_SYSCALL_OPEN_X", START + 5_000, tid).i64(3).str("/etc/shadow").u32(1)
                .u32(0).u32(0).u64(0));
    }

    private String text(String name) {
        return probe.text(name);
    }

    private String text(String name, String arg) {
        Values v = probe.extract(name, arg);
        return v == null ? null : v.stringAt(0);
    }

    private static ContainerInfo podmanContainer(String podSandboxId, Map<String, String> podLabels, String ip) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("io.kubernetes.pod.name", "p1");
        labels.put("io.kubernetes.pod.namespace", "ns1");
        labels.put("io.kubernetes.pod.uid", "uid-1");
        labels.put("annotation.kubernetes.io/x", "y");
        labels.put("tier", "web");
        labels.put("flag", "");
        return new ContainerInfo(ID, FULL_ID, ContainerRuntime.PODMAN, "c1", "localhost/peregrine-test:busybox",
                "abc123", "localhost/peregrine-test", "busybox", "sha256:d1", ip, "root", true, false, false, false,
                false, podSandboxId, List.of(new ContainerInfo.Mount("/srv", "/data", "z", true, "rprivate")),
                labels, podLabels);
    }

    @Test
    void extract_metadataNotYetKnown_onlyIdAndStartHaveValues() {
        feedOpen(CTR_SH);
        assertThat(text("container.id")).isEqualTo(ID);
        assertThat(text("container.start_ts")).isNotNull();
        assertThat(text("container.duration")).isEqualTo("5000");
        for (String f : List.of("container.name", "container.image.repository", "container.image.tag",
                "container.type", "container.full_id", "container.privileged", "k8s.pod.name", "k8s.ns.name")) {
            assertThat(text(f)).as(f).isNull();
        }
    }

    @Test
    void extract_metadataKnown_containerAndK8sFields() {
        probe.state.containers().put(podmanContainer("", Map.of(), "10.88.0.5"));
        feedOpen(CTR_SH);
        assertThat(text("container.id")).isEqualTo(ID);
        assertThat(text("container.full_id")).isEqualTo(FULL_ID);
        assertThat(text("container.name")).isEqualTo("c1");
        assertThat(text("container.type")).isEqualTo("podman");
        assertThat(text("container.image")).isEqualTo("localhost/peregrine-test:busybox");
        assertThat(text("container.image.repository")).isEqualTo("localhost/peregrine-test");
        assertThat(text("container.image.tag")).isEqualTo("busybox");
        assertThat(text("container.image.digest")).isEqualTo("sha256:d1");
        assertThat(text("container.image.id")).isEqualTo("abc123");
        assertThat(text("container.privileged")).isEqualTo("true");
        assertThat(text("container.ip")).isEqualTo("10.88.0.5");
        assertThat(text("container.mounts")).isEqualTo("/srv:/data:z:true:rprivate");
        assertThat(text("container.label", "tier")).isEqualTo("web");
        assertThat(text("container.label", "missing")).isNull();
        assertThat(text("container.labels")).isEqualTo("flag, tier:web");
        assertThat(text("k8s.pod.name")).isEqualTo("p1");
        assertThat(text("k8s.ns.name")).isEqualTo("ns1");
        assertThat(text("k8s.pod.uid")).isEqualTo("uid-1");
        assertThat(text("k8s.pod.id")).isEqualTo("uid-1");
        assertThat(text("k8s.pod.sandbox_id")).isEmpty();
        assertThat(text("k8s.pod.label", "app")).isNull();
        assertThat(text("k8s.pod.ip")).as("no sandbox entry").isNull();
        assertThat(text("container.healthcheck")).as("deprecated in the plugin").isNull();
    }

    @Test
    void extract_podSandboxEntryKnown_podLabelsAndIpFromSandbox() {
        String sandboxFull = "63060edc2d3aa803ab559f2393776b151f99fc5b05035b21db66b3b62246ad6a";
        probe.state.containers().put(podmanContainer(sandboxFull, Map.of("app", "own"), ""));
        probe.state.containers().put(new ContainerInfo("63060edc2d3a", sandboxFull, ContainerRuntime.CRI, "k8s_POD_p1",
                "pause", "", "", "", "", "10.0.0.9", "", false, false, false, false, true, "", List.of(), Map.of(),
                Map.of("app", "nginx", "io.kubernetes.pod.name", "p1")));
        feedOpen(CTR_SH);
        assertThat(text("k8s.pod.sandbox_id")).isEqualTo("63060edc2d3a");
        assertThat(text("k8s.pod.full_sandbox_id")).isEqualTo(sandboxFull);
        assertThat(text("k8s.pod.label", "app")).isEqualTo("nginx");
        assertThat(text("k8s.pod.labels")).isEqualTo("app:nginx");
        assertThat(text("k8s.pod.ip")).isEqualTo("10.0.0.9");
    }

    @Test
    void extract_cniResult_ownThenTheSandboxEntrys() {
        String sandboxFull = "63060edc2d3aa803ab559f2393776b151f99fc5b05035b21db66b3b62246ad6a";
        String podCni = "[{\"name\":\"eth0\",\"mtu\":1500}]";
        probe.state.containers().put(podmanContainer(sandboxFull, Map.of(), ""));
        probe.state.containers().put(new ContainerInfo("63060edc2d3a", sandboxFull, ContainerRuntime.CRI, "k8s_POD_p1",
                "pause", "", "", "", "", "10.0.0.9", "", false, false, false, false, true, "", List.of(), Map.of(),
                Map.of(), podCni));
        feedOpen(CTR_SH);
        // the container's own result is empty (the sandbox has it), as for containerd's app containers
        assertThat(text("container.cni.json")).isEmpty();
        assertThat(text("k8s.pod.cni.json")).isEqualTo(podCni);

        String ownCni = "[{\"name\":\"net1\"}]";
        ContainerInfo own = podmanContainer(sandboxFull, Map.of(), "");
        probe.state.containers().put(new ContainerInfo(own.id(), own.fullId(), own.runtime(), own.name(), own.image(),
                own.imageId(), own.imageRepository(), own.imageTag(), own.imageDigest(), own.ip(), own.user(),
                own.privileged(), own.hostNetwork(), own.hostPid(), own.hostIpc(), own.isPodSandbox(),
                own.podSandboxId(), own.mounts(), own.labels(), own.podSandboxLabels(), ownCni));
        feedOpen(CTR_SH);
        assertThat(text("container.cni.json")).isEqualTo(ownCni);
        assertThat(text("k8s.pod.cni.json")).isEqualTo(ownCni);
    }

    @Test
    void extract_cniResult_noSandboxEntry_podFieldAbsent() {
        probe.state.containers().put(podmanContainer("", Map.of(), ""));
        feedOpen(CTR_SH);
        assertThat(text("container.cni.json")).isEmpty();
        assertThat(text("k8s.pod.cni.json")).isNull();
    }

    @Test
    void extract_hostThread_hostEntry() {
        feedOpen(HOST_SH);
        assertThat(text("container.id")).isEqualTo("host");
        assertThat(text("container.name")).isEqualTo("host");
        assertThat(text("container.type")).isEqualTo("host");
        assertThat(text("container.privileged")).isEqualTo("false");
        assertThat(text("container.label", "tier")).isNull();
        assertThat(text("k8s.pod.name")).isNull();
        assertThat(text("container.cni.json")).isEmpty();
        assertThat(text("k8s.pod.cni.json")).isNull();
        assertThat(text("container.start_ts")).isNull();
    }

    @Test
    void extract_containerEvent_fieldsOfTheDescribedContainerThenClearedOnTheNextEvent() {
        String json = "{\"container\":{\"id\":\"abcdefabcdef\",\"name\":\"db\",\"type\":11,\"privileged\":true,"
                + "\"imagerepo\":\"postgres\",\"labels\":{\"io.kubernetes.pod.name\":\"db-0\"}}}";
        probe.feed(EventBuilder.of("PPME_CONTAINER_JSON_2_E", START, -1).str(json));
        assertThat(text("container.id")).isEqualTo("abcdefabcdef");
        assertThat(text("container.name")).isEqualTo("db");
        assertThat(text("container.type")).isEqualTo("podman");
        assertThat(text("container.privileged")).isEqualTo("true");
        assertThat(text("container.image.repository")).isEqualTo("postgres");
        assertThat(text("k8s.pod.name")).isEqualTo("db-0");
        feedOpen(HOST_SH);
        assertThat(text("container.id")).isEqualTo("host");
        assertThat(text("k8s.pod.name")).isNull();
    }
}
