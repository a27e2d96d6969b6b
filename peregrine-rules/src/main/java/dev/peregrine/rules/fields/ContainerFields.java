package dev.peregrine.rules.fields;

import static dev.peregrine.rules.fields.EvtFields.add;
import static dev.peregrine.rules.fields.EvtFields.ev;
import static dev.peregrine.rules.fields.EvtFields.str;

import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.thread.ThreadState;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Extractors of the {@code container.*} and {@code k8s.*} fields of the syscall source, as Falco's container plugin
 * serves them, from the state engine's container table.
 */
final class ContainerFields {
    /* Implementation notes (falcosecurity/plugins container, caps/extract/extract.cpp): a thread outside any
     * container has container.id and container.name "host" and container.type "host" (the plugin's host entry);
     * other fields are then empty, the k8s.* fields without value. A container whose metadata is not known yet (a
     * bare entry from cgroups: no container event in the capture, or the live lookup not answered yet) has only
     * container.id, container.start_ts and container.duration; every other field has no value, which outputs render
     * as <NA> -- the plugin's behaviour while its lookup is pending. container.start_ts is the start of the thread's
     * pid namespace init (proc.pidns_init_start_ts), not a runtime answer. container.labels and k8s.pod.labels skip
     * "annotation." and "io.kubernetes." labels and print "key" alone for an empty value. k8s.pod.label[...],
     * k8s.pod.labels and k8s.pod.ip read the pod sandbox container's entry when the table has it, else the
     * container's own pod labels (no fallback to container labels). container.mount.*[KEY] looks a mount up by
     * index or by a glob over its source path and yields "N/A" when none matches. A container event (JSON, old
     * layout, or the plugin's async "container"/"container_removed") yields the fields of the container it
     * describes, as the plugin's m_last_container does, whatever its thread. */

    private static final String HOST = "host";
    private static final String NOT_AVAILABLE = "N/A";
    /** Length of a short container id (and of {@code k8s.pod.sandbox_id}). */
    private static final int SHORT_ID_LENGTH = 12;

    private ContainerFields() {
    }

    /** {@return the extractor of {@code field}, or null when this class does not know it} */
    static Extractor bind(ResolvedField field) {
        String arg = field.arg();
        return switch (field.info().name()) {
            case "container.id" -> (e, out) -> {
                SyscallEvent s = ev(e);
                if (s.containers().described() != null) {
                    return str(out, s.containers().described().id());
                }
                ThreadState t = s.thread();
                if (t == null) {
                    return false;
                }
                String id = t.containerId();
                return str(out, id.isEmpty() ? HOST : id);
            };
            case "container.full_id" -> info(c -> c.fullId().isEmpty() ? c.id() : c.fullId(), HOST);
            case "container.name" -> info(ContainerInfo::name, HOST);
            case "container.type" -> info(c -> c.runtime().displayName(), HOST);
            case "container.image" -> info(ContainerInfo::image, "");
            case "container.image.id" -> info(ContainerInfo::imageId, "");
            case "container.image.repository" -> info(ContainerInfo::imageRepository, "");
            case "container.image.tag" -> info(ContainerInfo::imageTag, "");
            case "container.image.digest" -> info(ContainerInfo::imageDigest, "");
            case "container.ip" -> info(ContainerInfo::ip, "");
            case "container.user" -> info(ContainerInfo::user, "");
            case "container.privileged" -> flag(ContainerInfo::privileged);
            case "container.host_pid" -> flag(ContainerInfo::hostPid);
            case "container.host_network" -> flag(ContainerInfo::hostNetwork);
            case "container.host_ipc" -> flag(ContainerInfo::hostIpc);
            case "container.mounts" -> info(ContainerFields::mounts, "");
            case "container.mount" -> mount(arg, m -> m.source() + ":" + m.destination() + ":" + m.mode() + ":"
                    + m.readWrite() + ":" + m.propagation());
            case "container.mount.source" -> mount(arg, ContainerInfo.Mount::source);
            case "container.mount.dest" -> mount(arg, ContainerInfo.Mount::destination);
            case "container.mount.mode" -> mount(arg, ContainerInfo.Mount::mode);
            case "container.mount.rdwr" -> mount(arg, m -> Boolean.toString(m.readWrite()));
            case "container.mount.propagation" -> mount(arg, ContainerInfo.Mount::propagation);
            case "container.label" -> info(c -> c.labels().get(arg), null);
            case "container.labels" -> info(c -> labels(c.labels()), "");
            case "container.start_ts" -> (e, out) -> {
                ThreadState t = ev(e).thread();
                return t != null && t.pidnsInitStartTs() != 0 && add(out, t.pidnsInitStartTs());
            };
            case "container.duration" -> (e, out) -> {
                SyscallEvent s = ev(e);
                ThreadState t = s.thread();
                return t != null && t.pidnsInitStartTs() != 0 && add(out, s.view().ts() - t.pidnsInitStartTs());
            };
            // The CNI result comes only from the CRI API (empty for other runtimes, as in the plugin).
            case "container.cni.json" -> info(ContainerInfo::cniJson, "");
            // The plugin falls back to the pod sandbox's entry when the container's own result is empty.
            case "k8s.pod.cni.json" -> pod((c, sandbox) -> !c.cniJson().isEmpty() ? c.cniJson()
                    : sandbox == null ? null : sandbox.cniJson());
            // Deprecated in the plugin, which extracts nothing for them.
            case "container.healthcheck", "container.liveness_probe", "container.readiness_probe", "k8s.ns.id",
                 "k8s.ns.label", "k8s.ns.labels",
                 "k8s.rc.name", "k8s.rc.id", "k8s.rc.label", "k8s.rc.labels", "k8s.svc.name", "k8s.svc.id",
                 "k8s.svc.label", "k8s.svc.labels", "k8s.rs.name", "k8s.rs.id", "k8s.rs.label", "k8s.rs.labels",
                 "k8s.deployment.name", "k8s.deployment.id", "k8s.deployment.label", "k8s.deployment.labels" ->
                    (e, out) -> false;
            case "k8s.pod.name" -> k8s(ContainerInfo::podName);
            case "k8s.ns.name" -> k8s(ContainerInfo::podNamespace);
            case "k8s.pod.uid", "k8s.pod.id" -> k8s(ContainerInfo::podUid);
            case "k8s.pod.sandbox_id" -> k8s(c -> c.podSandboxId().length() > SHORT_ID_LENGTH
                    ? c.podSandboxId().substring(0, SHORT_ID_LENGTH) : c.podSandboxId());
            case "k8s.pod.full_sandbox_id" -> k8s(ContainerInfo::podSandboxId);
            case "k8s.pod.label" -> pod((c, sandbox) -> sandbox != null && sandbox.podSandboxLabels().containsKey(arg)
                    ? sandbox.podSandboxLabels().get(arg) : c.podSandboxLabels().get(arg));
            case "k8s.pod.labels" -> pod((c, sandbox) -> labels(sandbox != null ? sandbox.podSandboxLabels()
                    : c.podSandboxLabels()));
            case "k8s.pod.ip" -> pod((c, sandbox) -> sandbox == null ? null : sandbox.ip());
            default -> null;
        };
    }

    private static Extractor info(Function<ContainerInfo, String> get, String onHost) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            if (s.containers().described() != null) {
                return str(out, get.apply(s.containers().described()));
            }
            ThreadState t = s.thread();
            if (t == null) {
                return false;
            }
            if (t.containerId().isEmpty()) {
                return str(out, onHost);
            }
            ContainerInfo c = resolved(s);
            return c != null && str(out, get.apply(c));
        };
    }

    /**
     * {@return the container a container event describes, else the event thread's container when its metadata is
     * known, else null (host, unknown, lookup pending)}
     */
    private static ContainerInfo resolved(SyscallEvent s) {
        if (s.containers().described() != null) {
            return s.containers().described();
        }
        ContainerInfo c = s.container();
        return c != null && s.containers().hasMetadata(c.id()) ? c : null;
    }

    private interface ContainerTest {
        boolean test(ContainerInfo c);
    }

    private static Extractor flag(ContainerTest test) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            if (s.containers().described() != null) {
                return add(out, test.test(s.containers().described()) ? 1 : 0);
            }
            ThreadState t = s.thread();
            if (t == null) {
                return false;
            }
            if (t.containerId().isEmpty()) {
                return add(out, 0);
            }
            ContainerInfo c = resolved(s);
            return c != null && add(out, test.test(c) ? 1 : 0);
        };
    }

    private static Extractor k8s(Function<ContainerInfo, String> get) {
        return (e, out) -> {
            ContainerInfo c = resolved(ev(e));
            return c != null && str(out, get.apply(c));
        };
    }

    private interface PodRead {
        String read(ContainerInfo c, ContainerInfo sandbox);
    }

    /** A k8s.pod.* field read from the pod sandbox container's entry (null when the table lacks it) or the own. */
    private static Extractor pod(PodRead read) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            ContainerInfo c = resolved(s);
            if (c == null) {
                return false;
            }
            String sandboxId = c.podSandboxId();
            ContainerInfo sandbox = null;
            if (!sandboxId.isEmpty()) {
                String shortId = sandboxId.length() > SHORT_ID_LENGTH ? sandboxId.substring(0, SHORT_ID_LENGTH)
                        : sandboxId;
                if (s.containers().hasMetadata(shortId)) {
                    sandbox = s.containers().get(shortId);
                }
            }
            return str(out, read.read(c, sandbox));
        };
    }

    private static Extractor mount(String key, Function<ContainerInfo.Mount, String> get) {
        int index = key != null && !key.isEmpty() && key.chars().allMatch(Character::isDigit) ? Integer.parseInt(key)
                : -1;
        Pattern glob = index >= 0 || key == null ? null : globPattern(key);
        return info(c -> {
            if (index >= 0) {
                return index < c.mounts().size() ? get.apply(c.mounts().get(index)) : NOT_AVAILABLE;
            }
            for (ContainerInfo.Mount m : c.mounts()) {
                if (glob != null && glob.matcher(m.source()).matches()) {
                    return get.apply(m);
                }
            }
            return NOT_AVAILABLE;
        }, NOT_AVAILABLE);
    }

    private static Pattern globPattern(String glob) {
        StringBuilder re = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString());
    }

    private static String mounts(ContainerInfo c) {
        StringBuilder sb = new StringBuilder();
        for (ContainerInfo.Mount m : c.mounts()) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(m.source()).append(':').append(m.destination()).append(':').append(m.mode()).append(':')
                    .append(m.readWrite()).append(':').append(m.propagation());
        }
        return sb.toString();
    }

    private static String labels(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder();
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(en -> {
            if (en.getKey().startsWith("annotation.") || en.getKey().startsWith("io.kubernetes.")) {
                return;
            }
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(en.getKey());
            if (!en.getValue().isEmpty()) {
                sb.append(':').append(en.getValue());
            }
        });
        return sb.toString();
    }
}
