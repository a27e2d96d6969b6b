package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.driver.LiveSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine run} end to end with the real driver (root, BTF, compiled eBPF object), and its refusal without. */
class RunCommandTest {
    @Test
    void run_liveOpenOfMarkerFile_alertWithProcessFields(@TempDir Path dir) throws Exception {
        assumeTrue(LiveSource.unavailableReason().isEmpty(), () -> "live capture unavailable: "
                + LiveSource.unavailableReason().orElse(""));
        Path marker = dir.resolve("peregrine-run-marker");
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                - rule: marker opened
                  desc: test rule
                  condition: evt.type in (open, openat) and fd.name = %s
                  output: "marker opened (file=%%fd.name proc=%%proc.name pid=%%proc.pid)"
                  priority: WARNING
                """.formatted(marker));

        CompletableFuture<CliTest.Run> running = CompletableFuture.supplyAsync(
                () -> CliTest.run("run", "-r", rules.toString(), "--duration", "4"));
        // The driver needs a moment to attach; keep opening the marker until the run ends.
        while (!running.isDone()) {
            Files.writeString(marker, "x");
            Thread.sleep(200);
        }
        CliTest.Run run = running.get();

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Warning marker opened (file=" + marker + " proc=java pid="
                + ProcessHandle.current().pid() + ")");
        assertThat(run.err()).containsPattern("peregrine: [1-9][0-9]* events, [1-9][0-9]* alerts, 0 dropped");
    }

    @Test
    void run_liveUnavailable_clearMessageExit1() {
        assumeTrue(LiveSource.unavailableReason().isPresent(), "live capture is available here");
        CliTest.Run run = CliTest.run("run", "--duration", "1");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("live capture is not available").doesNotContain("\tat ");
    }
}
