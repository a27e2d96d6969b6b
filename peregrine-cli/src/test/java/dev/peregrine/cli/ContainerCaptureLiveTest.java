package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.driver.LiveSource;
import java.nio.charset.StandardCharsets;
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

    @Test
    void capture_podmanContainerRunning_replayShowsItsNameAndPod(@TempDir Path dir) throws Exception {
        assumeTrue(LiveSource.unavailableReason().isEmpty(), () -> "live capture unavailable: "
                + LiveSource.unavailableReason().orElse(""));
        long servicePid = -1;
        String id = null;
        Process setup = new ProcessBuilder("bash", Path.of("..", "tools", "podman-test-container.sh").toString(), NAME,
                "--label", "io.kubernetes.pod.name=p1", "--label", "io.kubernetes.pod.namespace=ns1",
                "peregrine-test:busybox", "sh", "-c", "while true; do cat /etc/passwd > /dev/null; sleep 0.2; done")
                .redirectErrorStream(true).start();
        List<String> lines = setup.inputReader(StandardCharsets.UTF_8).lines().toList();
        for (String line : lines) {
            if (line.startsWith("service ")) {
                servicePid = Long.parseLong(line.substring("service ".length()));
            } else if (line.startsWith("container ")) {
                id = line.substring("container ".length(), "container ".length() + 12);
            }
        }
        if (setup.waitFor() != 0 || id == null) {
            ProcessHandle.of(servicePid).ifPresent(ProcessHandle::destroy);
            assumeTrue(false, "podman cannot run the test container here: " + String.join("\n", lines));
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
            new ProcessBuilder("podman", "rm", "-f", "-t", "0", NAME).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
            ProcessHandle.of(servicePid).ifPresent(ProcessHandle::destroy);
        }
    }
}
