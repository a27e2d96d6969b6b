package dev.peregrine.state.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Container ids from cgroup paths, one layout per runtime, as the container plugin's matchers resolve them. */
class CgroupContainerIdTest {
    static final String ID = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "docker cgroupfs, /docker/" + ID + ", DOCKER",
        "docker systemd, /system.slice/docker-" + ID + ".scope, DOCKER",
        "podman systemd, /machine.slice/libpod-" + ID + ".scope, PODMAN",
        "podman container subgroup, /machine.slice/libpod-" + ID + ".scope/container, PODMAN",
        "podman cgroupfs, /libpod_parent/libpod-" + ID + ", PODMAN",
        "containerd CRI systemd, /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
                + "cri-containerd-" + ID + ".scope, CRI",
        "containerd CRI cgroupfs, /kubepods/besteffort/pod1/" + ID + ", DOCKER",
        "containerd without systemd cgroup, /kubepods-besteffort-pod1.slice:cri-containerd:" + ID + ", CRI",
        "cri-o systemd, /kubepods.slice/kubepods-burstable.slice/crio-" + ID + ".scope, CRIO",
        "cri-o cgroupfs, /kubepods/burstable/pod1/crio-" + ID + ", CRIO",
        "nerdctl, /system.slice/nerdctl-" + ID + ".scope, CRI",
    })
    void resolvePath_runtimeLayouts_shortId(String layout, String cgroup, ContainerRuntime runtime) {
        CgroupContainerId.Match m = CgroupContainerId.resolvePath(cgroup);
        assertThat(m).as(layout).isNotNull();
        assertThat(m.id()).isEqualTo(ID.substring(0, 12));
        assertThat(m.runtime()).isEqualTo(runtime);
    }

    @Test
    void resolvePath_containerdNamespace_shortIdsAccepted() {
        CgroupContainerId.Match m = CgroupContainerId.resolvePath("/default/redis-server");
        assertThat(m.id()).isEqualTo("redis-server");
        assertThat(m.runtime()).isEqualTo(ContainerRuntime.CONTAINERD);
        assertThat(CgroupContainerId.resolvePath("/docker/notanid").id())
                .as("the plugin's containerd matcher takes any /NAMESPACE/NAME").isEqualTo("notanid");
    }

    @ParameterizedTest
    @CsvSource({
        "/",
        "/user.slice/user-1000.slice/session-2.scope",
        "/system.slice/sshd.service",
        "/init.scope",
        "/system.slice/docker-" + "zz" + "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e.scope"
    })
    void resolvePath_hostCgroups_noContainer(String cgroup) {
        assertThat(CgroupContainerId.resolvePath(cgroup)).isNull();
    }

    @Test
    void resolve_subsysEntries_firstMatchingCgroupWins() {
        assertThat(CgroupContainerId.resolve(List.of("cpuset=/", "cpu=/docker/" + ID)).id())
                .isEqualTo(ID.substring(0, 12));
        assertThat(CgroupContainerId.resolve(List.of("cpuset=/", "cpu=/user.slice"))).isNull();
        assertThat(CgroupContainerId.resolve(List.of())).isNull();
    }
}
