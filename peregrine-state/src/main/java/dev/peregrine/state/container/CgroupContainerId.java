package dev.peregrine.state.container;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Finds the container a thread runs in from its cgroup paths, as the container plugin's cgroup matchers do: Podman
 * ({@code libpod-}), Docker (cgroupfs {@code /docker/ID} and systemd {@code docker-ID.scope}), CRI runtimes
 * (containerd {@code cri-containerd-ID.scope} or {@code :cri-containerd:ID}, CRI-O {@code crio-ID} and
 * {@code crio-ID.scope}, cri-dockerd, nerdctl) and containerd namespaces ({@code /NAMESPACE/ID}). A match yields the
 * 12-character short id; no match means the host.
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
     */

    /** What a cgroup path resolved to. */
    public record Match(String id, ContainerRuntime runtime) {
        public Match {
            requireNonNull(id, "id is null");
            requireNonNull(runtime, "runtime is null");
        }
    }

    private record Layout(String prefix, String suffix) {
    }

    private static final List<Layout> PODMAN = List.of(
            new Layout("/libpod-", ".scope"),
            new Layout("/libpod-", ".scope/container"),
            new Layout("/libpod-", ""),
            new Layout("/libpod-payload-", ".scope"),
            new Layout("/libpod-payload-", ".scope/container"),
            new Layout("/libpod-payload-", ""));

    private static final List<Layout> DOCKER = List.of(
            new Layout("/", ""),
            new Layout("/docker-", ".scope"));

    private static final List<Layout> CRI = List.of(
            new Layout("/", ""),
            new Layout("/crio-", ""),
            new Layout("/cri-containerd-", ".scope"),
            new Layout("/crio-", ".scope"),
            new Layout(":cri-containerd:", ""),
            new Layout("/docker-", ".scope"),
            new Layout("/nerdctl-", ".scope"));

    private static final String HEX = "0123456789abcdefABCDEF";

    private CgroupContainerId() {
    }

    /**
     * {@return the container of a thread with these cgroups ({@code subsys=path} entries, or bare paths), or null
     * for the host}
     */
    public static Match resolve(List<String> cgroups) {
        for (String entry : cgroups) {
            int eq = entry.indexOf('=');
            String path = eq < 0 ? entry : entry.substring(eq + 1);
            Match m = resolvePath(path);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /** {@return the container of one cgroup path, or null} */
    public static Match resolvePath(String cgroup) {
        String id = matchAny(cgroup, PODMAN, false);
        if (id != null) {
            return new Match(id, ContainerRuntime.PODMAN);
        }
        id = matchAny(cgroup, DOCKER, false);
        if (id != null) {
            return new Match(id, ContainerRuntime.DOCKER);
        }
        id = matchAny(cgroup, CRI, false);
        if (id != null) {
            return new Match(id, cgroup.contains("crio-") ? ContainerRuntime.CRIO : ContainerRuntime.CRI);
        }
        String namespace = containerdNamespace(cgroup);
        if (namespace != null) {
            id = matchOne(cgroup, namespace, "", true);
            if (id != null) {
                return new Match(id, ContainerRuntime.CONTAINERD);
            }
        }
        return null;
    }

    private static String matchAny(String cgroup, List<Layout> layouts, boolean containerd) {
        for (Layout l : layouts) {
            String id = matchOne(cgroup, l.prefix(), l.suffix(), containerd);
            if (id != null) {
                return id;
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
