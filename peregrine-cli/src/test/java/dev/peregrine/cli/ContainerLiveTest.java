package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.driver.LiveSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peregrine run} and {@code peregrine capture} next to a real Podman container with Kubernetes labels (the
 * busybox image of {@code tools/podman-test-container.sh}, a shell looping over {@code cat}): live alerts carry the
 * container's name and pod once the resolver has answered, and the capture carries the metadata as a container
 * event, so {@code peregrine replay} shows it. Skipped without the live driver or when Podman cannot run here.
 */
class ContainerLiveTest {
    static final String NAME = "peregrine-container-live";

    static long servicePid = -1;
    static String id;
    static String skipReason;

    @BeforeAll
    static void startContainer() throws Exception {
        skipReason = LiveSource.unavailableReason().map(r -> "live capture unavailable: " + r).orElse(null);
        if (skipReason != null) {
            return;
        }
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
            skipReason = "podman cannot run the test container here: " + String.join("\n", lines);
        }
    }

    @AfterAll
    static void stopContainer() throws Exception {
        if (id != null) {
            new ProcessBuilder("podman", "rm", "-f", "-t", "0", NAME).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        }
        ProcessHandle.of(servicePid).ifPresent(ProcessHandle::destroy);
    }

    @Test
    void capture_podmanContainerRunning_replayShowsItsNameAndPod(@TempDir Path dir) {
        assumeTrue(skipReason == null, skipReason);
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
    }

    @Test
    void run_shellInPodmanContainer_alertsCarryNameAndPodWithSuggestedFields(@TempDir Path dir) throws Exception {
        assumeTrue(skipReason == null, skipReason);
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                - rule: shell forks in container
                  desc: test rule
                  condition: evt.type in (clone, clone3, fork, vfork) and proc.name = sh and container.id != host
                  output: "fork in container (proc=%proc.name)"
                  priority: NOTICE
                """);
        CliTest.Run run = CliTest.run("run", "-r", rules.toString(), "--duration", "4");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines()).as(run.err()).anySatisfy(l -> assertThat(l).endsWith(
                "Notice fork in container (proc=sh) container_id=" + id + " container_name=" + NAME
                        + " container_image_repository=localhost/peregrine-test container_image_tag=busybox"
                        + " k8s_pod_name=p1 k8s_ns_name=ns1"));
    }
}
