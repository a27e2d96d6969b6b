package dev.peregrine.driver;

/**
 * A failure to open, load, attach or drive the eBPF driver, with a message meant for the user: what failed, the
 * errno's name when there is one, and what to do. {@link #log()} holds libbpf's log tail (the verifier's output when
 * the kernel rejected a program).
 */
public final class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String log;

    /** Creates an exception with a user-facing message and libbpf's log excerpt (may be empty). */
    public BpfException(String message, String log) {
        super(message);
        this.log = log == null ? "" : log;
    }

    /** {@return libbpf's log excerpt collected around the failure, empty when none} */
    public String log() {
        return log;
    }

    static String errnoName(int errno) {
        return switch (Math.abs(errno)) {
            case 1 -> "EPERM (operation not permitted: run as root or with CAP_BPF and CAP_PERFMON)";
            case 2 -> "ENOENT (no such object)";
            case 7 -> "E2BIG (argument list too long)";
            case 12 -> "ENOMEM (out of memory or locked-memory limit)";
            case 13 -> "EACCES (permission denied: the verifier rejected the program)";
            case 14 -> "EFAULT (bad address)";
            case 22 -> "EINVAL (invalid argument)";
            case 95 -> "EOPNOTSUPP (not supported by this kernel)";
            case 524 -> "ENOTSUPP (not supported by this kernel)";
            default -> "errno " + Math.abs(errno);
        };
    }
}
