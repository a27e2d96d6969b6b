package dev.peregrine.outputs.format;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The hostname alerts carry: {@code FALCO_HOSTNAME} when set (even empty), else {@code FALCO_GRPC_HOSTNAME} when
 * set, else the system's host name, as Falco's {@code init_outputs} reads it.
 */
public final class Hostname {
    /* Implementation notes: Falco reads FALCO_HOSTNAME and falls back to gethostname(2), which is the kernel's
     * UTS name: /proc/sys/kernel/hostname on Linux. InetAddress is only the fallback for other systems because it
     * may resolve through DNS. */

    /** The environment variable Falco reads. */
    public static final String ENV_VARIABLE = "FALCO_HOSTNAME";
    /** The legacy variable Falco still reads when {@link #ENV_VARIABLE} is not set. */
    public static final String LEGACY_ENV_VARIABLE = "FALCO_GRPC_HOSTNAME";

    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private Hostname() {
    }

    /** {@return the hostname for this environment} */
    public static String resolve(Map<String, String> environment) {
        String fromEnv = environment.get(ENV_VARIABLE);
        if (fromEnv == null) {
            fromEnv = environment.get(LEGACY_ENV_VARIABLE);
        }
        if (fromEnv != null) {
            return fromEnv;
        }
        try {
            if (Files.isReadable(KERNEL_HOSTNAME)) {
                return Files.readString(KERNEL_HOSTNAME, StandardCharsets.UTF_8).strip();
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "";
        }
    }
}
