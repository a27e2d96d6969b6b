package dev.peregrine.state.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.state.container.CgroupContainerId.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Container ids from real-world cgroup paths of each runtime and layout (cgroupfs and systemd drivers, cgroup v1 and
 * v2, rootful and rootless, Kubernetes QoS classes), as the container plugin's matchers resolve them.
 */
class CgroupContainerIdTest {
    static final String ID = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";
    static final String SHORT = ID.substring(0, 12);
    static final String OUTER = "7951fb549ab99e0722a949b6c121634e1f3a36b5bacbe5392991e3b12251e6b8";
    static final String POD_UID = "ac04f3f2-1f2c-11e9-b015-1ebee232acfa";
    static final String POD_UID_SYSTEMD = POD_UID.replace('-', '_');

    /** name, cgroup path, expected short id (null: the host), runtime guessed before metadata. */
    static Stream<Arguments> realWorldPaths() {
        return Stream.of(
                // Podman
                row("podman cgroupfs (this CI host: runc, cgroup v1 without systemd)",
                        "/libpod_parent/libpod-" + ID, SHORT, ContainerRuntime.PODMAN),
                row("podman systemd, root", "/machine.slice/libpod-" + ID + ".scope", SHORT, ContainerRuntime.PODMAN),
                row("podman systemd, cgroup v2 container subgroup",
                        "/machine.slice/libpod-" + ID + ".scope/container", SHORT, ContainerRuntime.PODMAN),
                row("podman rootless", "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID
                        + ".scope", SHORT, ContainerRuntime.PODMAN),
                row("podman cgroup mode split", "/system.slice/ceph-mon.service/libpod-payload-" + ID, SHORT,
                        ContainerRuntime.PODMAN),
                row("podman's conmon is a host process", "/machine.slice/libpod-conmon-" + ID + ".scope", null,
                        null),
                row("podman pod infra container", "/machine.slice/machine-libpod_pod_" + OUTER + ".slice/libpod-"
                        + ID + ".scope", SHORT, ContainerRuntime.PODMAN),
                // Docker
                row("docker cgroupfs", "/docker/" + ID, SHORT, ContainerRuntime.DOCKER),
                row("docker systemd", "/system.slice/docker-" + ID + ".scope", SHORT, ContainerRuntime.DOCKER),
                row("docker rootless", "/user.slice/user-1000.slice/user@1000.service/docker-" + ID + ".scope",
                        SHORT, ContainerRuntime.DOCKER),
                row("docker in docker: the innermost container", "/docker/" + OUTER + "/docker/" + ID, SHORT,
                        ContainerRuntime.DOCKER),
                row("docker's containerd-shim is a host process", "/system.slice/containerd.service", null, null),
                // containerd through CRI (Kubernetes)
                row("kubernetes containerd systemd, burstable", "/kubepods.slice/kubepods-burstable.slice/"
                        + "kubepods-burstable-pod" + POD_UID_SYSTEMD + ".slice/cri-containerd-" + ID + ".scope",
                        SHORT, ContainerRuntime.CONTAINERD),
                row("kubernetes containerd systemd, guaranteed", "/kubepods.slice/kubepods-pod" + POD_UID_SYSTEMD
                        + ".slice/cri-containerd-" + ID + ".scope", SHORT, ContainerRuntime.CONTAINERD),
                row("kubernetes cgroupfs, besteffort", "/kubepods/besteffort/pod" + POD_UID + "/" + ID, SHORT,
                        ContainerRuntime.CRI),
                row("kubernetes cgroupfs, guaranteed", "/kubepods/pod" + POD_UID + "/" + ID, SHORT,
                        ContainerRuntime.CRI),
                row("containerd without SystemdCgroup", "/kubepods-burstable-pod" + POD_UID_SYSTEMD
                        + ".slice:cri-containerd:" + ID, SHORT, ContainerRuntime.CONTAINERD),
                row("k3s containerd", "/k3s/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                        + POD_UID_SYSTEMD + ".slice/cri-containerd-" + ID + ".scope", SHORT,
                        ContainerRuntime.CONTAINERD),
                row("nerdctl systemd", "/system.slice/nerdctl-" + ID + ".scope", SHORT, ContainerRuntime.CONTAINERD),
                row("containerd namespace (ctr run)", "/default/redis-server", "redis-server",
                        ContainerRuntime.CONTAINERD),
                row("containerd namespace, long name cut to 12", "/k8s.io/my-test_container", "my-test_cont",
                        ContainerRuntime.CONTAINERD),
                row("containerd namespace, systemd unit is the host", "/default/some_short_id.service", null, null),
                // CRI-O
                row("kubernetes cri-o systemd", "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                        + POD_UID_SYSTEMD + ".slice/crio-" + ID + ".scope", SHORT, ContainerRuntime.CRIO),
                row("kubernetes cri-o cgroupfs", "/kubepods/burstable/pod" + POD_UID + "/crio-" + ID, SHORT,
                        ContainerRuntime.CRIO),
                row("cri-o's conmon is a host process", "/kubepods.slice/kubepods-besteffort.slice/"
                        + "kubepods-besteffort-pod" + POD_UID_SYSTEMD + ".slice/crio-conmon-" + ID + ".scope", null,
                        null),
                // cri-dockerd: the Docker matcher comes first
                row("kubernetes cri-dockerd systemd", "/kubepods.slice/kubepods-burstable.slice/"
                        + "kubepods-burstable-pod" + POD_UID_SYSTEMD + ".slice/docker-" + ID + ".scope", SHORT,
                        ContainerRuntime.DOCKER),
                // Host cgroups
                row("root cgroup", "/", null, null),
                row("empty", "", null, null),
                row("login session", "/user.slice/user-1000.slice/session-2.scope", null, null),
                row("systemd service", "/system.slice/sshd.service", null, null),
                row("init", "/init.scope", null, null),
                row("user manager", "/user.slice/user-1000.slice/user@1000.service/init.scope", null, null),
                row("a non-hex character in a 64-character id is accepted, as the plugin's check (an absolute position)"
                        + " lets it through", "/system.slice/docker-" + ID.substring(1) + "g.scope",
                        ID.substring(1, 13), ContainerRuntime.DOCKER),
                row("a 65-character id with a non-hex character", "/system.slice/libpod-" + ID + "g", null, null),
                row("id longer than 64", "/user.slice/user-1000.slice/user@1000.service/libpod-" + ID + ID, null,
                        null));
    }

    private static Arguments row(String name, String cgroup, String id, ContainerRuntime runtime) {
        return Arguments.of(name, cgroup, id, runtime);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realWorldPaths")
    void resolvePath_realWorldPath_idAndRuntimeOrHost(String name, String cgroup, String id,
            ContainerRuntime runtime) {
        CgroupContainerId.Match m = CgroupContainerId.resolvePath(cgroup);
        if (id == null) {
            assertThat(m).as(name).isNull();
        } else {
            assertThat(m).as(name).isEqualTo(new CgroupContainerId.Match(id, runtime));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realWorldPaths")
    void resolve_v1EntriesOfOnePath_sameAsThePath(String name, String cgroup, String id, ContainerRuntime runtime) {
        // How the driver and the /proc scan hand them over: one "controller=path" per controller.
        List<String> entries = List.of("cpuset=" + cgroup, "cpu=" + cgroup, "cpuacct=" + cgroup, "io=" + cgroup,
                "memory=" + cgroup);
        assertThat(CgroupContainerId.resolve(entries)).as(name).isEqualTo(CgroupContainerId.resolvePath(cgroup));
    }

    @Test
    void resolve_firstMatchingEntryWins() {
        assertThat(CgroupContainerId.resolve(List.of("cpuset=/", "cpu=/docker/" + ID)).id()).isEqualTo(SHORT);
        assertThat(CgroupContainerId.resolve(List.of("cpu=/docker/" + OUTER, "memory=/docker/" + ID)).id())
                .isEqualTo(OUTER.substring(0, 12));
        assertThat(CgroupContainerId.resolve(List.of("cpuset=/", "cpu=/user.slice"))).isNull();
        assertThat(CgroupContainerId.resolve(List.of())).isNull();
    }

    /** A process of this project's CI host: only its v1 memory cgroup is not the root, named by its supervisor. */
    static final List<String> SUPERVISED_HOST_PROCESS = List.of("cpuset=/", "cpu=/", "cpuacct=/", "io=/",
            "memory=/process_api/4063a1a79a6d7f8b6b285a5a98f91e1f");

    @Test
    void resolve_hostCgroupsOfTwoWordsWithAllEngines_containerdNamespaceAsFalcoDoes() {
        assertThat(CgroupContainerId.resolve(SUPERVISED_HOST_PROCESS))
                .isEqualTo(new CgroupContainerId.Match("4063a1a79a6d", ContainerRuntime.CONTAINERD));
        assertThat(CgroupContainerId.resolvePath("/libpod_parent/conmon"))
                .isEqualTo(new CgroupContainerId.Match("conmon", ContainerRuntime.CONTAINERD));
    }

    @Test
    void forHost_noContainerdSocket_containerdMatcherOffSoSupervisedProcessIsHost(@TempDir Path root) {
        Set<Engine> engines = CgroupContainerId.forHost(root);

        assertThat(engines).containsExactlyInAnyOrder(Engine.PODMAN, Engine.DOCKER, Engine.CRI);
        assertThat(CgroupContainerId.resolve(SUPERVISED_HOST_PROCESS, engines)).isNull();
        assertThat(CgroupContainerId.resolve(List.of("cpu=/libpod_parent/conmon"), engines))
                .as("podman's conmon with the cgroupfs manager").isNull();
        assertThat(CgroupContainerId.resolve(List.of("cpu=/libpod_parent/libpod-" + ID), engines).id())
                .isEqualTo(SHORT);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"run/containerd/containerd.sock",
        "run/k3s/containerd/containerd.sock"})
    void forHost_containerdSocket_everyMatcher(String socket, @TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve(socket).getParent());
        Files.createFile(root.resolve(socket));

        assertThat(CgroupContainerId.forHost(root)).isEqualTo(Engine.ALL);
    }

    @Test
    void resolvePath_enginesSubset_onlyThoseMatchersApply() {
        assertThat(CgroupContainerId.resolvePath("/docker/" + ID, Set.of(Engine.PODMAN))).isNull();
        assertThat(CgroupContainerId.resolvePath("/docker/" + ID, Set.of(Engine.CRI)))
                .isEqualTo(new CgroupContainerId.Match(SHORT, ContainerRuntime.CRI));
        assertThat(CgroupContainerId.resolvePath("/machine.slice/libpod-" + ID + ".scope", Set.of(Engine.DOCKER)))
                .as("the docker matcher's /ID layout needs the id to end the path").isNull();
    }
}
