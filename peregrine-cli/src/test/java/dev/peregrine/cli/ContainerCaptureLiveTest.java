package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.driver.LiveSource;
import dev.peregrine.state.container.meta.MetadataResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peregrine capture} next to a real Podman container with Kubernetes labels: the capture carries the
 * container's metadata as a container event, so {@code peregrine replay} shows its name and pod. Skipped without
 * the live driver or when Podman cannot run the busybox test image here.
 */
class ContainerCaptureLiveTest {
    static final String NAME = "peregrine-capture-live";

    static String sh(List<String> command, long seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no result within " + seconds + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @Test
    void capture_podmanContainerRunning_replayShowsItsNameAndPod(@TempDir Path dir) throws Exception {
        assumeTrue(LiveSource.unavailableReason().isEmpty(), () -> "live capture unavailable: "
                + LiveSource.unavailableReason().orElse(""));
        Process service = null;
        String id;
        try {
            sh(List.of("bash", Path.of("..", "tools", "podman-busybox-image.sh").toString()), 300);
            if (!Files.exists(MetadataResolver.PODMAN_SOCKET)) {
                Files.createDirectories(MetadataResolver.PODMAN_SOCKET.getParent());
                service = new ProcessBuilder("podman", "system", "service", "--time=0",
                        "unix://" + MetadataResolver.PODMAN_SOCKET).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                for (int i = 0; i < 100 && !Files.exists(MetadataResolver.PODMAN_SOCKET); i++) {
                    Thread.sleep(50);
                }
            }
            sh(List.of("podman", "rm", "-f", "--ignore", NAME), 60);
            id = sh(List.of("podman", "--runtime", "runc", "run", "-d", "--ulimit", "nofile=1024:1024", "--ulimit",
                    "nproc=1024:1024", "--label", "io.kubernetes.pod.name=p1", "--label",
                    "io.kubernetes.pod.namespace=ns1", "--name", NAME, "peregrine-test:busybox", "sh", "-c",
                    "while true; do cat /etc/passwd > /dev/null; sleep 0.2; done"), 120).lines()
                    .reduce((a, b) -> b).orElse("").substring(0, 12);
        } catch (IOException e) {
            if (service != null) {
                service.destroy();
            }
            assumeTrue(false, "podman cannot run the test container here: " + e.getMessage());
            return;
        }
        try {
            Path file = dir.resolve("containers.scap");
            CliTest.Run run = CliTest.run("capture", "-w", file.toString(), "--duration", "4");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.err()).contains("container events (metadata from the container runtimes)");
            CliTest.Run replay = CliTest.run("replay", "-p",
                    "%container.id %container.name %container.type %container.image.repository %k8s.pod.name"
                            + " %k8s.ns.name", file.toString(), "container.id=" + id + " and evt.num > 1");
            assertThat(replay.exit()).as(replay.err()).isZero();
            assertThat(replay.out().lines()).as(run.err())
                    .contains(id + " " + NAME + " podman localhost/peregrine-test p1 ns1");
        } finally {
            sh(List.of("podman", "rm", "-f", "-t", "0", NAME), 60);
            if (service != null) {
                service.destroy();
                service.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
