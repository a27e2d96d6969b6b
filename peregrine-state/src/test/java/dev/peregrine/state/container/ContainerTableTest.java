package dev.peregrine.state.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerTableTest {
    @Test
    void parseJson_minimalOldPayload_defaultsForMissingMembers() {
        ContainerInfo c = ContainerTable.parseJson(
                "{\"container\":{\"id\":\"5ea733068030\",\"image\":\"sysdig/falco:latest\",\"ip\":\"172.17.0.3\","
                        + "\"name\":\"falco\",\"type\":0}}");
        assertThat(c.id()).isEqualTo("5ea733068030");
        assertThat(c.runtime()).isEqualTo(ContainerRuntime.DOCKER);
        assertThat(c.image()).isEqualTo("sysdig/falco:latest");
        assertThat(c.imageTag()).isEmpty();
        assertThat(c.privileged()).isFalse();
        assertThat(c.mounts()).isEmpty();
        assertThat(c.podName()).isNull();
    }

    @Test
    void parseJson_nullLabels_empty() {
        ContainerInfo c = ContainerTable.parseJson(
                "{\"container\":{\"id\":\"a\",\"labels\":null,\"pod_sandbox_labels\":null,\"type\":6}}");
        assertThat(c.labels()).isEmpty();
        assertThat(c.runtime()).isEqualTo(ContainerRuntime.CRI);
    }

    @Test
    void parseJson_malformed_clearMessageWithPosition() {
        assertThatThrownBy(() -> ContainerTable.parseJson("{\"container\": [1,"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("container JSON is malformed")
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> ContainerTable.parseJson("{\"other\":{}}"))
                .hasMessage("container JSON has no \"container\" object");
        assertThatThrownBy(() -> ContainerTable.parseJson("{\"container\":{\"name\":\"x\"}}"))
                .hasMessage("container JSON has no \"id\"");
    }

    @Test
    void putIfAbsent_keepsMetadataOverBareEntry() {
        ContainerTable t = new ContainerTable();
        t.putJson("{\"container\":{\"id\":\"abc\",\"name\":\"web\"}}");
        t.putIfAbsent("abc", ContainerRuntime.DOCKER);
        assertThat(t.get("abc").name()).isEqualTo("web");
        t.putIfAbsent("def", ContainerRuntime.PODMAN);
        assertThat(t.get("def").runtime()).isEqualTo(ContainerRuntime.PODMAN);
    }

    @Test
    void hasMetadata_bareUntilPut_goneAfterRemove() {
        ContainerTable t = new ContainerTable();
        assertThat(t.addIfAbsent("abc", ContainerRuntime.PODMAN)).isTrue();
        assertThat(t.addIfAbsent("abc", ContainerRuntime.PODMAN)).isFalse();
        assertThat(t.hasMetadata("abc")).isFalse();
        t.putJson("{\"container\":{\"id\":\"abc\",\"name\":\"web\"}}");
        assertThat(t.hasMetadata("abc")).isTrue();
        t.remove("abc");
        assertThat(t.hasMetadata("abc")).isFalse();
        assertThat(t.addIfAbsent("abc", ContainerRuntime.PODMAN)).isTrue();
    }

    @Test
    void toJson_everyField_readBackEqual() {
        ContainerInfo c = new ContainerInfo("08f4f082eca2", "08f4f082eca2" + "0".repeat(52), ContainerRuntime.PODMAN,
                "web", "localhost/app:1", "e543", "localhost/app", "1", "sha256:60", "10.88.0.4", "app", true, true,
                false, true, false, "63060edc2d3a",
                List.of(new ContainerInfo.Mount("/srv", "/data", "z", true, "rprivate")),
                Map.of("io.kubernetes.pod.name", "p1", "a\"b", "x\ny"), Map.of("app", "nginx"),
                "[{\"name\":\"eth0\",\"mtu\":1500}]");
        assertThat(ContainerTable.parseJson(ContainerTable.toJson(c))).isEqualTo(c);
    }

    @Test
    void parseJson_cniJson_thePluginsKey() {
        ContainerInfo c = ContainerTable.parseJson(
                "{\"container\":{\"id\":\"abc\",\"cni_json\":\"[{\\\"name\\\":\\\"eth0\\\"}]\"}}");
        assertThat(c.cniJson()).isEqualTo("[{\"name\":\"eth0\"}]");
        assertThat(ContainerTable.parseJson("{\"container\":{\"id\":\"abc\"}}").cniJson()).isEmpty();
    }
}
