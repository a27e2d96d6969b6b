package dev.peregrine.state.container.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.state.container.ContainerRuntime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod's CNI result as {@code container.cni.json} and {@code k8s.pod.cni.json} read it. */
class CriParserTest {
    private static CriMessages.PodSandboxStatus sandbox(String verboseInfo) {
        return new CriMessages.PodSandboxStatus("63060edc2d3aa803ab559f2393776b151f99fc5b05035b21db66b3b62246ad6a",
                "p1", "uid-1", "ns1", "10.0.0.9", 0, 0, 0, Map.of(), Map.of(),
                verboseInfo == null ? Map.of() : Map.of("info", verboseInfo));
    }

    @Test
    void sandbox_containerdCniResult_interfacesWithoutLoopbackAndVeth() {
        var s = sandbox("{\"cniResult\":{\"interfaces\":[{\"name\":\"lo\"},{\"name\":\"eth0\",\"mtu\":1500},"
                + "{\"name\":\"veth\"}]}}");

        assertThat(CriParser.sandbox(s, ContainerRuntime.CRI).cniJson())
                .isEqualTo("[{\"name\":\"eth0\",\"mtu\":1500}]");
    }

    @Test
    void sandbox_crioAnnotation_takenAsItIs() {
        var s = sandbox("{\"runtimeSpec\":{\"annotations\":{\"io.kubernetes.cri-o.CNIResult\":\"{\\\"ips\\\":[]}\"}}}");

        assertThat(CriParser.sandbox(s, ContainerRuntime.CRIO).cniJson()).isEqualTo("{\"ips\":[]}");
    }

    @Test
    void sandbox_noVerboseInfo_empty() {
        assertThat(CriParser.sandbox(sandbox(null), ContainerRuntime.CRI).cniJson()).isEmpty();
    }
}
