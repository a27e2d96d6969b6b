package dev.peregrine.state.container;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the container a thread runs in from its cgroup paths, as the container plugin's cgroup matchers do: Podman
 * ({@code libpod-}), Docker (cgroupfs {@code /docker/ID} and systemd {@code docker-ID.scope}), CRI runtimes
 * (containerd {@code cri-containerd-ID.scope} or {@code :cri-containerd:ID}, CRI-O {@code crio-ID} and
 * {@code crio-ID.scope}, cri-dockerd, nerdctl, and kubelet's cgroupfs layout {@code /kubepods/CLASS/podUID/ID}) and
 * containerd namespaces ({@code /NAMESPACE/ID}). A match yields the 12-character short id; no match means the host.
 *
 * <p>The runtime of a {@link Match} is a first guess from the layout, for a container whose metadata is not known
 * yet; the runtime's own metadata says which runtime it really is.
 */
public final class CgroupContainerId {
    /** Length of a full runc container id (hex digits). */
    public static final int FULL_ID_LENGTH = 64;
    /** Length of the id Falco reports ({@code container.id}). */
    public static final int SHORT_ID_LENGTH = 12;

    /*
     * Implementation notes.
     *
     * Each layout is a prefix and a suffix searched from the end of the cgroup path (rfind); the text between them is
     * the id when it is 64 hex digits. Matchers are tried in the plugin's order (podman, docker, cri, containerd) and
     * the first match over the thread's cgroups, in their order, wins. The hex check reproduces the plugin's
     * comparison of the absolute position of the first non-hex character with 64, which in practice accepts every id
     * followed by a suffix. The containerd matcher also accepts shorter ids (truncated to 12 characters) unless the
     * path ends in .service, .slice or .scope, which is how containerd's own namespaces ("/default/ID") look.
     *
     * The containerd matcher takes any "/WORD/NAME" path. Falco's plugin enables it everywhere; on a host whose
     * supervisor puts processes in such cgroups (this project's CI host runs every session in
     * memory:/process_api/<32 hex>) that makes every host process a container. Live, Peregrine therefore enables it
     * only where containerd runs (forHost); captures are replayed with every matcher, as Falco reads them.
     */

    /** The plugin's cgroup matchers ({@code engines} of its configuration), in the order they are tried. */
    public enum Engine {
        /** {@code libpod-ID} and {@code libpod-payload-ID}, with or without {@code .scope}. */
        PODMAN,
        /** {@code /ID} (cgroupfs) and {@code docker-ID.scope} (systemd). */
        DOCKER,
        /** Kubernetes runtimes: {@code /ID}, {@code crio-ID}, {@code cri-containerd-ID.scope}, ... */
        CRI,
        /** containerd namespaces: {@code /NAMESPACE/NAME}, ids of any length up to 64. */
        CONTAINERD;

        /** Every matcher, as Falco's plugin enables them by default. */
        public static final Set<Engine> ALL = Collections.unmodifiableSet(EnumSet.allOf(Engine.class));
    }

    /** containerd's sockets: its own and k3s's. */
    private static final List<String> CONTAINERD_SOCKETS = List.of("run/containerd/containerd.sock",
            "run/k3s/containerd/containerd.sock");

    /** What a cgroup path resolved to. */
    public record Match(String id, ContainerRuntime runtime) {
        public Match {
            requireNonNull(id, "id is null");
            requireNonNull(runtime, "runtime is null");
        }
    }

    /**
     * A cgroup layout: the id is between prefix and suffix; runtime is the guess it gives (null: Docker, or a CRI
     * runtime below kubelet's {@code /kubepods} cgroupfs hierarchy).
     */
    private record Layout(String prefix, String suffix, ContainerRuntime runtime) {
    }

    private static final List<Layout> PODMAN = List.of(
            new Layout("/libpod-", ".scope", ContainerRuntime.PODMAN),
            new Layout("/libpod-", ".scope/container", ContainerRuntime.PODMAN),
            new Layout("/libpod-", "", ContainerRuntime.PODMAN),
            new Layout("/libpod-payload-", ".scope", ContainerRuntime.PODMAN),
            new Layout("/libpod-payload-", ".scope/container", ContainerRuntime.PODMAN),
            new Layout("/libpod-payload-", "", ContainerRuntime.PODMAN));

    private static final List<Layout> DOCKER = List.of(
            new Layout("/", "", null),
            new Layout("/docker-", ".scope", ContainerRuntime.DOCKER));

    private static final List<Layout> CRI = List.of(
            new Layout("/", "", ContainerRuntime.CRI),
            new Layout("/crio-", "", ContainerRuntime.CRIO),
            new Layout("/cri-containerd-", ".scope", ContainerRuntime.CONTAINERD),
            new Layout("/crio-", ".scope", ContainerRuntime.CRIO),
            new Layout(":cri-containerd:", "", ContainerRuntime.CONTAINERD),
            new Layout("/docker-", ".scope", ContainerRuntime.DOCKER),
            new Layout("/nerdctl-", ".scope", ContainerRuntime.CONTAINERD));

    /** kubelet's cgroupfs layout: a bare 64-hex id below this is a Kubernetes container, not a Docker one. */
    private static final String KUBEPODS = "/kubepods";

    private static final String HEX = "0123456789abcdefABCDEF";

    private CgroupContainerId() {
    }

    /**
     * {@return the matchers to use live on the host whose root directory is {@code root}: all, except containerd's
     * namespace matcher when no containerd socket exists there}
     */
    public static Set<Engine> forHost(Path root) {
        requireNonNull(root, "root is null");
        for (String socket : CONTAINERD_SOCKETS) {
            if (Files.exists(root.resolve(socket))) {
                return Engine.ALL;
            }
        }
        return Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(Engine.CONTAINERD)));
    }

    /**
     * {@return the container of a thread with these cgroups ({@code subsys=path} entries, or bare paths), or null
     * for the host; every matcher enabled}
     */
    public static Match resolve(List<String> cgroups) {
        return resolve(cgroups, Engine.ALL);
    }

    /** {@return the container of a thread with these cgroups, with only {@code engines}' matchers, or null} */
    public static Match resolve(List<String> cgroups, Set<Engine> engines) {
        for (String entry : cgroups) {
            int eq = entry.indexOf('=');
            String path = eq < 0 ? entry : entry.substring(eq + 1);
            Match m = resolvePath(path, engines);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /** {@return the container of one cgroup path, every matcher enabled, or null} */
    public static Match resolvePath(String cgroup) {
        return resolvePath(cgroup, Engine.ALL);
    }

    /** {@return the container of one cgroup path with only {@code engines}' matchers, or null} */
    public static Match resolvePath(String cgroup, Set<Engine> engines) {
        if (cgroup.length() <= 1) {
            return null; // "/" or empty: the root cgroup is the host's
        }
        Match m;
        if (engines.contains(Engine.PODMAN) && (m = matchAny(cgroup, PODMAN)) != null) {
            return m;
        }
        if (engines.contains(Engine.DOCKER) && (m = matchAny(cgroup, DOCKER)) != null) {
            return m;
        }
        if (engines.contains(Engine.CRI) && (m = matchAny(cgroup, CRI)) != null) {
            return m;
        }
        if (engines.contains(Engine.CONTAINERD)) {
            String namespace = containerdNamespace(cgroup);
            if (namespace != null) {
                String id = matchOne(cgroup, namespace, "", true);
                if (id != null) {
                    return new Match(id, ContainerRuntime.CONTAINERD);
                }
            }
        }
        return null;
    }

    private static Match matchAny(String cgroup, List<Layout> layouts) {
        for (Layout l : layouts) {
            String id = matchOne(cgroup, l.prefix(), l.suffix(), false);
            if (id != null) {
                ContainerRuntime runtime = l.runtime() != null ? l.runtime()
                        : cgroup.startsWith(KUBEPODS) ? ContainerRuntime.CRI : ContainerRuntime.DOCKER;
                return new Match(id, runtime);
            }
        }
        return null;
    }

    private static String matchOne(String cgroup, String prefix, String suffix, boolean containerd) {
        int start = cgroup.lastIndexOf(prefix);
        if (start < 0) {
            return null;
        }
        start += prefix.length();
        int end;
        if (suffix.isEmpty()) {
            end = cgroup.length();
        } else {
            end = cgroup.lastIndexOf(suffix);
            if (end < 0) {
                return null;
            }
        }
        int len = end - start;
        if (len == FULL_ID_LENGTH && firstNonHex(cgroup, start) >= FULL_ID_LENGTH) {
            return cgroup.substring(start, start + SHORT_ID_LENGTH);
        }
        if (len > FULL_ID_LENGTH || len <= 0) {
            return null;
        }
        if (containerd && !cgroup.endsWith(".service") && !cgroup.endsWith(".slice") && !cgroup.endsWith(".scope")) {
            return cgroup.substring(start, start + Math.min(len, SHORT_ID_LENGTH));
        }
        return null;
    }

    private static int firstNonHex(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (HEX.indexOf(s.charAt(i)) < 0) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * {@return the first {@code /NAME/} segment of the path, slashes included, where NAME is alphanumeric words
     * joined by single '.', '_' or '-'; null when none}
     */
    private static String containerdNamespace(String path) {
        int n = path.length();
        for (int i = 0; i < n; i++) {
            if (path.charAt(i) != '/') {
                continue;
            }
            int j = i + 1;
            boolean needWord = true;
            while (j < n) {
                char c = path.charAt(j);
                if (Character.isLetterOrDigit(c) && c < 128) {
                    needWord = false;
                    j++;
                } else if ((c == '.' || c == '_' || c == '-') && !needWord) {
                    needWord = true;
                    j++;
                } else {
                    break;
                }
            }
            if (j < n && path.charAt(j) == '/' && j > i + 1 && !needWord) {
                return path.substring(i, j + 1);
            }
        }
        return null;
    }
}
