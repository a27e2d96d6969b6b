package dev.peregrine.state.container.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerRuntime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a CRI runtime's answers ({@code ContainerStatus} with verbose info, {@code PodSandboxStatus}) into
 * {@link ContainerInfo}, filling each field as Falco's container plugin does for containerd and CRI-O.
 */
public final class CriParser {
    /* Implementation notes (falcosecurity/plugins container go-worker, cri.go, as facts):
     * - name: the status metadata's name; user: the status's linux uid as a decimal ("0" when absent).
     * - image: status.image.image, unless image_ref is "REPO@sha256:..." (then REPO, the digest from image_ref and
     *   the tag from status.image.image); an image that is empty or starts with "sha256" is replaced by the runtime
     *   spec annotation io.kubernetes.cri.image-name (containerd) or io.kubernetes.cri-o.Image / .ImageName (CRI-O).
     *   image_ref "sha256:..." alone is the digest. Repository and tag split as InspectParser.repoTag does.
     * - image id: the tag part of info.config.image.image (containerd's config keeps the image id there,
     *   "sha256:ID" -> "ID"), else the status's image_id.
     * - privileged: info.runtimeSpec.linux.security_context.privileged, else info.config.linux.security_context
     *   .privileged, else info.privileged (CRI-O), else false.
     * - labels: the container's, values longer than LABEL_MAX_LEN dropped, plus io.kubernetes.sandbox.id and the
     *   pod's uid, name and namespace from the sandbox's metadata (so k8s.* fields work whatever the runtime put in
     *   the container's labels); pod sandbox labels likewise filtered.
     * - ip and host network/pid/ipc (NamespaceMode NODE) from the sandbox status.
     * - mounts: host path, container path, rw = !readonly, propagation private/rslave/rshared ("unknown" else).
     * - CNI result: info.cniResult.interfaces without "lo"/"veth" (containerd), else the runtime spec annotation
     *   io.kubernetes.cri-o.CNIResult (CRI-O), cut at MAX_CNI_LENGTH. The plugin's own code drops the containerd
     *   form by a reversed error check; Peregrine keeps it (see docs/container-metadata.md).
     * The verbose info's "info" value is a JSON document; a missing or malformed one leaves its fields at their
     * defaults, as in the plugin. */

    /** Longest CNI result kept (the plugin's {@code maxCNILen}). */
    public static final int MAX_CNI_LENGTH = 4096;
    /** Label the plugin adds with the pod sandbox's id. */
    public static final String SANDBOX_ID_LABEL = "io.kubernetes.sandbox.id";
    private static final int SHORT_ID_LENGTH = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CriParser() {
    }

    /**
     * The parts of a CRI lookup the plugin keeps beyond {@link ContainerInfo}.
     *
     * @param info the container
     * @param createdAt creation time (ns since the epoch), 0 when unknown
     * @param startedAt start time (ns since the epoch), 0 when not started
     * @param cniJson the pod's CNI result (JSON), empty when unknown
     */
    public record Result(ContainerInfo info, long createdAt, long startedAt, String cniJson) {
    }

    /** {@return the runtime a CRI {@code Version} names: containerd, CRI-O, or generic CRI} */
    public static ContainerRuntime runtime(String runtimeName) {
        return switch (runtimeName) {
            case "containerd" -> ContainerRuntime.CONTAINERD;
            case "cri-o" -> ContainerRuntime.CRIO;
            default -> ContainerRuntime.CRI;
        };
    }

    /**
     * {@return the container a CRI status describes}
     *
     * @param status the container's status (verbose info included when the runtime gave it)
     * @param sandbox its pod sandbox's status, or null when unknown
     * @param runtime the runtime that answered
     */
    public static Result container(CriMessages.ContainerStatus status, CriMessages.PodSandboxStatus sandbox,
            ContainerRuntime runtime) {
        JsonNode info = json(status.info().get("info"));
        String imageName = status.image();
        String imageRef = status.imageRef();
        String digest = "";
        boolean tagFromImage = false;
        int digestStart = imageRef.indexOf("sha256:");
        if (digestStart == 0) {
            digest = imageRef;
        } else if (digestStart > 0 && imageRef.charAt(digestStart - 1) == '@') {
            imageName = imageRef.substring(0, digestStart - 1);
            digest = imageRef.substring(digestStart);
            tagFromImage = true;
        }
        if (imageName.isEmpty() || imageName.startsWith("sha256")) {
            JsonNode annotations = info.path("runtimeSpec").path("annotations");
            for (String key : List.of("io.kubernetes.cri.image-name", "io.kubernetes.cri-o.Image",
                    "io.kubernetes.cri-o.ImageName")) {
                if (annotations.has(key)) {
                    imageName = annotations.get(key).asText("");
                    tagFromImage = false;
                    break;
                }
            }
        }
        String[] repoTag = InspectParser.repoTag(imageName);
        String tag = repoTag[1];
        if (tagFromImage) {
            String t = InspectParser.repoTag(status.image())[1];
            if (!t.isEmpty()) {
                tag = t;
                imageName = imageName + ":" + t;
            }
        }
        String imageId = InspectParser.repoTag(info.path("config").path("image").path("image").asText(""))[1];
        if (imageId.isEmpty()) {
            imageId = status.imageId();
        }

        List<ContainerInfo.Mount> mounts = new ArrayList<>();
        for (CriMessages.Mount m : status.mounts()) {
            String propagation = switch (m.propagation()) {
                case 0 -> "private";
                case 1 -> "rslave";
                case 2 -> "rshared";
                default -> "unknown";
            };
            mounts.add(new ContainerInfo.Mount(m.hostPath(), m.containerPath(), "", !m.readonly(), propagation));
        }

        String sandboxId = sandbox == null ? status.id() : sandbox.id();
        Map<String, String> labels = bounded(status.labels());
        labels.put(SANDBOX_ID_LABEL, sandboxId);
        if (sandbox != null && !(sandbox.name().isEmpty() && sandbox.uid().isEmpty()
                && sandbox.namespace().isEmpty())) {
            labels.put(ContainerInfo.K8S_POD_UID_LABEL, sandbox.uid());
            labels.put(ContainerInfo.K8S_POD_NAME_LABEL, sandbox.name());
            labels.put(ContainerInfo.K8S_POD_NAMESPACE_LABEL, sandbox.namespace());
        }
        String fullId = status.id();
        ContainerInfo c = new ContainerInfo(
                fullId.length() > SHORT_ID_LENGTH ? fullId.substring(0, SHORT_ID_LENGTH) : fullId,
                fullId,
                runtime,
                status.name(),
                imageName,
                imageId,
                repoTag[0],
                tag,
                digest,
                sandbox == null ? "" : sandbox.ip(),
                Long.toString(status.uid()),
                privileged(info),
                sandbox != null && sandbox.networkMode() == CriMessages.NAMESPACE_MODE_NODE,
                sandbox != null && sandbox.pidMode() == CriMessages.NAMESPACE_MODE_NODE,
                sandbox != null && sandbox.ipcMode() == CriMessages.NAMESPACE_MODE_NODE,
                false,
                sandboxId,
                mounts,
                labels,
                sandbox == null ? Map.of() : bounded(sandbox.labels()),
                sandbox == null ? "" : cni(sandbox));
        return new Result(c, status.createdAt(), status.startedAt(), c.cniJson());
    }

    /**
     * {@return a pod sandbox (the "pause" container) as a container: its processes have the sandbox's id in their
     * cgroups; the plugin's CRI engine leaves them without metadata, libsinsp's older CRI code marked them as pod
     * sandboxes}
     */
    public static ContainerInfo sandbox(CriMessages.PodSandboxStatus sandbox, ContainerRuntime runtime) {
        Map<String, String> labels = bounded(sandbox.labels());
        labels.put(SANDBOX_ID_LABEL, sandbox.id());
        labels.put(ContainerInfo.K8S_POD_UID_LABEL, sandbox.uid());
        labels.put(ContainerInfo.K8S_POD_NAME_LABEL, sandbox.name());
        labels.put(ContainerInfo.K8S_POD_NAMESPACE_LABEL, sandbox.namespace());
        String id = sandbox.id();
        return new ContainerInfo(id.length() > SHORT_ID_LENGTH ? id.substring(0, SHORT_ID_LENGTH) : id, id, runtime,
                sandbox.name(), "", "", "", "", "", sandbox.ip(), "", privileged(json(sandbox.info().get("info"))),
                sandbox.networkMode() == CriMessages.NAMESPACE_MODE_NODE,
                sandbox.pidMode() == CriMessages.NAMESPACE_MODE_NODE,
                sandbox.ipcMode() == CriMessages.NAMESPACE_MODE_NODE, true, id, List.of(), labels,
                bounded(sandbox.labels()), cni(sandbox));
    }

    /** {@return the pod's CNI result as the plugin reads it from the sandbox's verbose info, or empty} */
    static String cni(CriMessages.PodSandboxStatus sandbox) {
        JsonNode info = json(sandbox.info().get("info"));
        String cni = "";
        JsonNode interfaces = info.path("cniResult").path("interfaces");
        if (interfaces.isArray()) {
            List<JsonNode> kept = new ArrayList<>();
            for (JsonNode i : interfaces) {
                String name = i.path("name").asText("");
                if (!name.equals("lo") && !name.equals("veth")) {
                    kept.add(i);
                }
            }
            try {
                cni = JSON.writeValueAsString(kept);
            } catch (IOException e) {
                cni = "";
            }
        } else {
            JsonNode v = info.path("runtimeSpec").path("annotations").get("io.kubernetes.cri-o.CNIResult");
            if (v != null) {
                cni = v.asText("");
            }
        }
        return cni.length() > MAX_CNI_LENGTH ? cni.substring(0, MAX_CNI_LENGTH) : cni;
    }

    private static boolean privileged(JsonNode info) {
        for (JsonNode p : List.of(info.path("runtimeSpec").path("linux").path("security_context").path("privileged"),
                info.path("config").path("linux").path("security_context").path("privileged"),
                info.path("privileged"))) {
            if (p.isBoolean()) {
                return p.asBoolean();
            }
        }
        return false;
    }

    private static Map<String, String> bounded(Map<String, String> labels) {
        Map<String, String> out = new LinkedHashMap<>();
        labels.forEach((k, v) -> {
            if (v.length() <= InspectParser.LABEL_MAX_LEN) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static JsonNode json(String text) {
        if (text == null || text.isEmpty()) {
            return JSON.missingNode();
        }
        try {
            JsonNode n = JSON.readTree(text);
            return n == null ? JSON.missingNode() : n;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
