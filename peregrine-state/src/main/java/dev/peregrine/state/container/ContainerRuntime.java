package dev.peregrine.state.container;

/**
 * The container runtimes Peregrine recognizes, with the numeric type of the container JSON ({@code CT_*} codes of
 * the container plugin) and the name {@code container.type} shows.
 */
public enum ContainerRuntime {
    DOCKER(0, "docker"),
    LXC(1, "lxc"),
    LIBVIRT_LXC(2, "libvirt-lxc"),
    MESOS(3, "mesos"),
    RKT(4, "rkt"),
    CUSTOM(5, "custom"),
    CRI(6, "cri"),
    CONTAINERD(7, "containerd"),
    CRIO(8, "cri-o"),
    BPM(9, "bpm"),
    STATIC(10, "static"),
    PODMAN(11, "podman"),
    HOST(0xfffe, "host"),
    UNKNOWN(0xffff, "unknown");

    private final int code;
    private final String displayName;

    ContainerRuntime(int code, String displayName) {
        this.code = code;
        this.displayName = displayName;
    }

    /** {@return the numeric type used in container JSON} */
    public int code() {
        return code;
    }

    /** {@return the name {@code container.type} shows} */
    public String displayName() {
        return displayName;
    }

    /** {@return the runtime with that JSON type code, {@link #UNKNOWN} for others} */
    public static ContainerRuntime ofCode(int code) {
        for (ContainerRuntime r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return UNKNOWN;
    }
}
