package dev.peregrine.state.container.meta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the container runtimes' inspect documents into {@link ContainerInfo}, filling each field as Falco's
 * container plugin does: Podman's libpod {@code /libpod/containers/{id}/json} and Docker's
 * {@code /containers/{id}/json} (with {@code /images/{id}/json} for the image's repository, tag and digest).
 */
public final class InspectParser {
    /* Implementation notes (falcosecurity/plugins container go-worker, podman.go and docker.go): the name loses its
     * leading '/'; a name containing "k8s_POD" marks a pod sandbox; host_* come from the IPC/network/PID modes being
     * "host"; labels whose value is longer than the plugin's default label_max_len (100) are dropped; the image
     * repository and tag split the image name at its last ':' after the last '/', ignoring an '@digest'. Docker's
     * container document names the image only by id, so repository, tag and digest come from the image's RepoDigests
     * and RepoTags, as the plugin reads them. */

    /** Longest label value kept (the container plugin's default {@code label_max_len}). */
    public static final int LABEL_MAX_LEN = 100;
    private static final String SHA256 = "sha256:";
    private static final int SHORT_ID_LENGTH = 12;

    private InspectParser() {
    }

    /** {@return the container a libpod inspect document describes} @throws IllegalArgumentException without Id */
    public static ContainerInfo podman(JsonNode c) {
        String fullId = requireId(c);
        String imageName = text(c, "ImageName");
        String[] repoTag = repoTag(imageName);
        return build(c, fullId, ContainerRuntime.PODMAN, imageName, text(c, "Image"), repoTag[0], repoTag[1],
                text(c, "ImageDigest"));
    }

    /**
     * {@return the container a Docker inspect document describes}
     *
     * @param image the document of its image ({@code /images/{id}/json}), or null when it could not be read
     * @throws IllegalArgumentException when the document has no Id
     */
    public static ContainerInfo docker(JsonNode c, JsonNode image) {
        String fullId = requireId(c);
        String repo = "";
        String digest = "";
        List<String> digests = new ArrayList<>();
        if (image != null) {
            for (JsonNode rd : image.path("RepoDigests")) {
                String[] parts = rd.asText().split("@");
                if (parts.length != 2) {
                    continue;
                }
                if (repo.isEmpty()) {
                    repo = parts[0];
                }
                digests.add(parts[1]);
                if (rd.asText().contains(repo)) {
                    digest = parts[1];
                    break;
                }
            }
        }
        if (digest.isEmpty() && digests.size() == 1) {
            digest = digests.getFirst();
        }
        String tag = "";
        String imageId = "";
        if (image != null) {
            for (JsonNode rt : image.path("RepoTags")) {
                String[] rtParts = repoTag(rt.asText());
                if (rtParts[0].isEmpty() || rtParts[1].isEmpty()) {
                    continue;
                }
                if (repo.isEmpty()) {
                    repo = rtParts[0];
                }
                if (rt.asText().contains(repo)) {
                    tag = rtParts[1];
                    break;
                }
            }
            String id = text(image, "Id");
            imageId = id.startsWith(SHA256) ? id.substring(SHA256.length()) : id;
        }
        return build(c, fullId, ContainerRuntime.DOCKER, text(c.path("Config"), "Image"), imageId, repo, tag,
                digest);
    }

    private static ContainerInfo build(JsonNode c, String fullId, ContainerRuntime runtime, String image,
            String imageId, String repo, String tag, String digest) {
        String name = text(c, "Name");
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        JsonNode host = c.path("HostConfig");
        JsonNode config = c.path("Config");
        List<ContainerInfo.Mount> mounts = new ArrayList<>();
        for (JsonNode m : c.path("Mounts")) {
            mounts.add(new ContainerInfo.Mount(text(m, "Source"), text(m, "Destination"), text(m, "Mode"),
                    m.path("RW").asBoolean(false), text(m, "Propagation")));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : config.path("Labels").properties()) {
            String v = e.getValue().isNull() ? "" : e.getValue().asText();
            if (v.length() <= LABEL_MAX_LEN) {
                labels.put(e.getKey(), v);
            }
        }
        return new ContainerInfo(
                fullId.length() > SHORT_ID_LENGTH ? fullId.substring(0, SHORT_ID_LENGTH) : fullId,
                fullId,
                runtime,
                name,
                image,
                imageId,
                repo,
                tag,
                digest,
                text(c.path("NetworkSettings"), "IPAddress"),
                text(config, "User"),
                host.path("Privileged").asBoolean(false),
                text(host, "NetworkMode").equals("host"),
                text(host, "PidMode").equals("host"),
                text(host, "IpcMode").equals("host"),
                name.contains("k8s_POD"),
                "",
                mounts,
                labels,
                Map.of());
    }

    /** {@return repository and tag of an image reference, as the plugin's parseImageRepoTag splits it} */
    static String[] repoTag(String image) {
        if (image.isEmpty()) {
            return new String[] {"", ""};
        }
        int at = image.indexOf('@');
        if (at >= 0) {
            image = image.substring(0, at);
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon < 0 || slash >= 0 && colon < slash) {
            return new String[] {image, ""};
        }
        return new String[] {image.substring(0, colon), image.substring(colon + 1)};
    }

    private static String requireId(JsonNode c) {
        String id = c == null ? "" : text(c, "Id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("inspect document has no \"Id\"");
        }
        return id;
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? "" : v.asText();
    }
}
