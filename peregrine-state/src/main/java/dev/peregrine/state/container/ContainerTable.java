package dev.peregrine.state.container;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The containers seen, by short id: metadata from container JSON events ({@code container} events,
 * {@code PPME_CONTAINER_JSON_E}/{@code _2_E}), or a bare entry for an id found only in a thread's cgroups.
 *
 * <p>Bounded: at most {@link #MAX_CONTAINERS} entries; beyond that, new ids are not recorded.
 *
 * <p>A bare entry (id and runtime only) stands for a container whose metadata is not known yet:
 * {@link #hasMetadata} tells the two apart, so that extractors can say "not available" as Falco's container plugin
 * does before its lookup completes.
 */
public final class ContainerTable {
    /** Most containers kept; a host runs far fewer, so this bounds damage from a flood of bogus events. */
    public static final int MAX_CONTAINERS = 65_536;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ContainerInfo> containers = new HashMap<>();
    /** Ids whose entry is bare (from cgroups only). */
    private final Set<String> bare = new HashSet<>();
    /** The container the current event describes (a container event), or null. */
    private ContainerInfo described;

    /** {@return the container with that short id, or null} */
    public ContainerInfo get(String id) {
        return containers.get(id);
    }

    /** {@return every container known} */
    public Collection<ContainerInfo> all() {
        return containers.values();
    }

    /** {@return the number of containers known} */
    public int size() {
        return containers.size();
    }

    /** Records (or replaces) a container; ignored when the table is full and the id is new. */
    public void put(ContainerInfo info) {
        requireNonNull(info, "info is null");
        if (containers.size() >= MAX_CONTAINERS && !containers.containsKey(info.id())) {
            return;
        }
        containers.put(info.id(), info);
        bare.remove(info.id());
    }

    /** Records a container found from cgroups unless metadata for it is already known. */
    public void putIfAbsent(String id, ContainerRuntime runtime) {
        addIfAbsent(id, runtime);
    }

    /**
     * Records a bare entry for a container found from cgroups unless the id is known already.
     *
     * @return whether the id was new (and recorded)
     */
    public boolean addIfAbsent(String id, ContainerRuntime runtime) {
        if (containers.containsKey(id) || containers.size() >= MAX_CONTAINERS) {
            return false;
        }
        containers.put(id, ContainerInfo.bare(id, runtime));
        bare.add(id);
        return true;
    }

    /**
     * {@return the container the current event describes when it is a container event (added or removed), else
     * null}: extractors read such an event's fields from it, as the container plugin does
     */
    public ContainerInfo described() {
        return described;
    }

    /** Sets {@link #described()} for the current event (null for an event that is not a container event). */
    public void setDescribed(ContainerInfo info) {
        described = info;
    }

    /** {@return whether the metadata of that container is known (false for bare entries and unknown ids)} */
    public boolean hasMetadata(String id) {
        return containers.containsKey(id) && !bare.contains(id);
    }

    /** Forgets a container; returns it or null. */
    public ContainerInfo remove(String id) {
        bare.remove(id);
        return containers.remove(id);
    }

    /** Forgets every container (a new capture section). */
    public void clear() {
        containers.clear();
        bare.clear();
    }

    /**
     * {@return the container JSON payload ({@code {"container": {...}}}) describing {@code info}}, with the keys
     * of the container plugin's JSON, so that {@link #parseJson} (and Falco) read it back
     */
    public static String toJson(ContainerInfo info) {
        requireNonNull(info, "info is null");
        ObjectNode root = JSON.createObjectNode();
        ObjectNode c = root.putObject("container");
        c.put("type", info.runtime().code());
        c.put("id", info.id());
        c.put("name", info.name());
        c.put("image", info.image());
        c.put("imagedigest", info.imageDigest());
        c.put("imageid", info.imageId());
        c.put("imagerepo", info.imageRepository());
        c.put("imagetag", info.imageTag());
        c.put("User", info.user());
        c.put("full_id", info.fullId());
        c.put("host_ipc", info.hostIpc());
        c.put("host_network", info.hostNetwork());
        c.put("host_pid", info.hostPid());
        c.put("ip", info.ip());
        c.put("is_pod_sandbox", info.isPodSandbox());
        ObjectNode labels = c.putObject("labels");
        new TreeMap<>(info.labels()).forEach(labels::put);
        c.put("pod_sandbox_id", info.podSandboxId());
        c.put("privileged", info.privileged());
        ObjectNode podLabels = c.putObject("pod_sandbox_labels");
        new TreeMap<>(info.podSandboxLabels()).forEach(podLabels::put);
        ArrayNode mounts = c.putArray("Mounts");
        for (ContainerInfo.Mount m : info.mounts()) {
            ObjectNode mn = mounts.addObject();
            mn.put("Source", m.source());
            mn.put("Destination", m.destination());
            mn.put("Mode", m.mode());
            mn.put("RW", m.readWrite());
            mn.put("Propagation", m.propagation());
        }
        c.put("cni_json", info.cniJson());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("container JSON cannot be written", e);
        }
    }

    /**
     * Parses a container JSON payload ({@code {"container": {...}}}) and records it.
     *
     * @return the recorded container
     * @throws IllegalArgumentException when the payload is not JSON or lacks the {@code container} object or its id;
     *     the message says which and where
     */
    public ContainerInfo putJson(String json) {
        ContainerInfo info = parseJson(json);
        put(info);
        return info;
    }

    /** {@return the container a JSON payload describes} @throws IllegalArgumentException when it is malformed */
    public static ContainerInfo parseJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("container JSON is malformed: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        JsonNode c = root == null ? null : root.get("container");
        if (c == null || !c.isObject()) {
            throw new IllegalArgumentException("container JSON has no \"container\" object");
        }
        String id = text(c, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("container JSON has no \"id\"");
        }
        List<ContainerInfo.Mount> mounts = new ArrayList<>();
        JsonNode ms = c.get("Mounts");
        if (ms != null && ms.isArray()) {
            for (JsonNode m : ms) {
                mounts.add(new ContainerInfo.Mount(text(m, "Source"), text(m, "Destination"), text(m, "Mode"),
                        m.path("RW").asBoolean(false), text(m, "Propagation")));
            }
        }
        return new ContainerInfo(
                id,
                text(c, "full_id"),
                ContainerRuntime.ofCode(c.path("type").asInt(ContainerRuntime.UNKNOWN.code())),
                text(c, "name"),
                text(c, "image"),
                text(c, "imageid"),
                text(c, "imagerepo"),
                text(c, "imagetag"),
                text(c, "imagedigest"),
                text(c, "ip"),
                text(c, "User"),
                c.path("privileged").asBoolean(false),
                c.path("host_network").asBoolean(false),
                c.path("host_pid").asBoolean(false),
                c.path("host_ipc").asBoolean(false),
                c.path("is_pod_sandbox").asBoolean(false),
                text(c, "pod_sandbox_id"),
                mounts,
                stringMap(c.get("labels")),
                stringMap(c.get("pod_sandbox_labels")),
                text(c, "cni_json"));
    }

    /** A missing or null member reads as empty, as the plugin's {@code value(key, "")} does. */
    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static Map<String, String> stringMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        }
        return out;
    }
}
