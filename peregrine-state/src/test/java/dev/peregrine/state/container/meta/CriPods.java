package dev.peregrine.state.container.meta;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the kubelet does through the CRI, reduced to what the tests need: run a pod sandbox (host network: the test
 * containerd has no CNI), create and start a container in it, stop and remove the sandbox. Hand-encoded like
 * {@link CriMessages} (field numbers of runtime.v1's api.proto).
 */
final class CriPods {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int NODE = CriMessages.NAMESPACE_MODE_NODE;

    record Pod(String name, String uid, String namespace, Map<String, String> labels, String cgroupParent) {
    }

    private final CriClient client;

    CriPods(CriClient client) {
        this.client = client;
    }

    /** PodSandboxConfig{metadata, labels (no hostname: a host-network pod keeps the host's UTS namespace), linux{cgroup_parent, security_context{namespace_options}}}. */
    static byte[] sandboxConfig(Pod pod) {
        return CriMessages.message(out -> {
            out.writeBytes(1, bytes(CriMessages.message(m -> {
                m.writeString(1, pod.name());
                m.writeString(2, pod.uid());
                m.writeString(3, pod.namespace());
                m.writeVarint(4, 0);
            })));
            for (Map.Entry<String, String> e : pod.labels().entrySet()) {
                out.writeBytes(6, bytes(CriMessages.mapEntry(e.getKey(), e.getValue())));
            }
            out.writeBytes(8, bytes(CriMessages.message(linux -> {
                linux.writeString(1, pod.cgroupParent());
                linux.writeBytes(2, bytes(CriMessages.message(sc -> sc.writeBytes(1, hostNetwork()))));
            })));
        });
    }

    private static byte[] hostNetwork() {
        return bytes(CriMessages.message(ns -> ns.writeVarint(1, NODE)));
    }

    String runPodSandbox(Pod pod) throws IOException {
        byte[] response = client.call("RunPodSandbox",
                CriMessages.message(out -> out.writeBytes(1, bytes(sandboxConfig(pod)))), TIMEOUT);
        return string(response, 1);
    }

    String createContainer(String sandboxId, Pod pod, String name, String image, List<String> command,
            Map<String, String> labels) throws IOException {
        byte[] config = CriMessages.message(out -> {
            out.writeBytes(1, bytes(CriMessages.message(m -> m.writeString(1, name))));
            out.writeBytes(2, bytes(CriMessages.message(i -> i.writeString(1, image))));
            for (String c : command) {
                out.writeString(3, c);
            }
            for (Map.Entry<String, String> e : labels.entrySet()) {
                out.writeBytes(9, bytes(CriMessages.mapEntry(e.getKey(), e.getValue())));
            }
            out.writeBytes(15, bytes(CriMessages.message(linux -> linux.writeBytes(2,
                    bytes(CriMessages.message(sc -> sc.writeBytes(3, hostNetwork())))))));
        });
        byte[] response = client.call("CreateContainer", CriMessages.message(out -> {
            out.writeString(1, sandboxId);
            out.writeBytes(2, bytes(config));
            out.writeBytes(3, bytes(sandboxConfig(pod)));
        }), TIMEOUT);
        return string(response, 1);
    }

    void startContainer(String id) throws IOException {
        client.call("StartContainer", CriMessages.message(out -> out.writeString(1, id)), TIMEOUT);
    }

    void stopAndRemovePodSandbox(String id) throws IOException {
        client.call("StopPodSandbox", CriMessages.message(out -> out.writeString(1, id)), TIMEOUT);
        client.call("RemovePodSandbox", CriMessages.message(out -> out.writeString(1, id)), TIMEOUT);
    }

    private static byte[] bytes(byte[] b) {
        return b;
    }

    private static String string(byte[] message, int field) throws IOException {
        ProtoWire.Reader in = new ProtoWire.Reader(message);
        for (int t; (t = in.readTag()) != 0;) {
            if (ProtoWire.field(t) == field) {
                return in.readString();
            }
            in.skip(t);
        }
        return "";
    }
}
