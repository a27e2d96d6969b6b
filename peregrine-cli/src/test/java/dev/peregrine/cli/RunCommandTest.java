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
        assertThat(run.out()).as(run.err()).contains("Warning marker opened (file=" + marker + " proc=java pid="
                + ProcessHandle.current().pid() + ")");
        assertThat(run.err()).containsPattern("peregrine: [1-9][0-9]* events, [1-9][0-9]* alerts, 0 dropped");
    }

    @Test
    void run_falcoYaml_rulesFilesPriorityAndJsonFromTheConfig(@TempDir Path dir) throws Exception {
        assumeTrue(LiveSource.unavailableReason().isEmpty(), () -> "live capture unavailable: "
                + LiveSource.unavailableReason().orElse(""));
        Path work = dir.toRealPath();
        Path marker = work.resolve("peregrine-run-config-marker");
        Files.writeString(work.resolve("rules.yaml"), """
                - rule: marker opened
                  desc: test rule
                  condition: evt.type in (open, openat) and fd.name = %s
                  output: "marker opened (file=%%fd.name)"
                  priority: WARNING
                - rule: marker opened, low priority
                  desc: below the configured minimum
                  condition: evt.type in (open, openat) and fd.name = %s
                  output: "not shown"
                  priority: INFO
                """.formatted(marker, marker));
        Path config = work.resolve("falco.yaml");
        Files.writeString(config, """
                rules_files:
                  - %s
                priority: notice
                rule_matching: all
                json_output: true
                """.formatted(work.resolve("rules.yaml")));

        CompletableFuture<CliTest.Run> running = CompletableFuture.supplyAsync(
                () -> CliTest.run("run", "-c", config.toString(), "--duration", "4"));
        while (!running.isDone()) {
            Files.writeString(marker, "x");
            Thread.sleep(200);
        }
        CliTest.Run run = running.get();

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("live detection with 1 rules");
        assertThat(run.out()).as(run.err()).contains("\"rule\":\"marker opened\"")
                .contains("\"output_fields\":{").doesNotContain("not shown");
    }

    @Test
    void run_stableRulesLinks_alertsOfTheStableRules(@TempDir Path dir) throws Exception {
        assumeTrue(LiveSource.unavailableReason().isEmpty(), () -> "live capture unavailable: "
                + LiveSource.unavailableReason().orElse(""));
        Path work = dir.toRealPath();
        CompletableFuture<CliTest.Run> running = CompletableFuture.supplyAsync(
                () -> CliTest.run("run", "--duration", "6"));
        // Keep acting until the run ends: the bundled rules take a moment to load and the driver to attach.
        for (int i = 0; !running.isDone(); i++) {
            exec("ln", "-s", "/etc/shadow", work.resolve("sym-" + i).toString());
            exec("ln", "/etc/shadow", work.resolve("hard-" + i).toString());
            Thread.sleep(300);
        }
        CliTest.Run run = running.get();

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern("Warning Symlinks created over sensitive files \\| target=/etc/shadow linkpath="
                        + java.util.regex.Pattern.quote(work.toString()) + "/sym-[0-9]+ evt_type=symlinkat")
                .containsPattern("Warning Hardlinks created over sensitive files \\| target=/etc/shadow linkpath="
                        + java.util.regex.Pattern.quote(work.toString()) + "/hard-[0-9]+ evt_type=linkat");
    }

    /** Runs a command to completion; false when it cannot be started. */
    private static boolean exec(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void run_rootWithoutCapabilities_kernelRefusalIsAClearMessageAndExit1() throws Exception {
        assumeTrue(LiveSource.unavailableReason().isEmpty(), "needs root (the child drops its capabilities)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv not installed");
        // root with an empty bounding set: uid 0 (so the up-front checks pass) but no CAP_BPF/CAP_SYS_ADMIN, so the
        // kernel refuses to load the driver
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--bounding-set=-all", "--inh-caps=-all", javaBin.toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.peregrine.cli.Main", "run", "-r", rulesWithOneRule().toString(), "--duration", "1")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isEqualTo(1);
        assertThat(output).contains("the kernel refused").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void run_sigint_detachesAndPrintsTheSummaryExit0() throws Exception {
        assumeTrue(LiveSource.unavailableReason().isEmpty(), () -> "live capture unavailable: "
                + LiveSource.unavailableReason().orElse(""));
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.peregrine.cli.Main", "run", "-r",
                rulesWithOneRule().toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder err = new StringBuilder();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                err.append(line).append('\n');
                if (line.contains("live detection with")) {
                    // attached: interrupt as a user's Ctrl-C would
                    assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor())
                            .isZero();
                }
            }
        }
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isTrue();

        assertThat(err.toString()).contains("live detection with 1 rules")
                .containsPattern("peregrine: [0-9]+ events, 0 alerts, [0-9]+ dropped in the kernel");
        assertThat(p.exitValue()).as(err.toString()).isZero();
    }

    private Path rulesWithOneRule() throws java.io.IOException {
        Path rules = Files.createTempFile("peregrine-run-rules", ".yaml");
        Files.writeString(rules, """
                - rule: r
                  desc: d
                  condition: evt.type = openat and fd.name = /nonexistent
                  output: "o"
                  priority: WARNING
                """);
        rules.toFile().deleteOnExit();
        return rules;
    }

    @Test
    void run_liveUnavailable_clearMessageExit1() {
        assumeTrue(LiveSource.unavailableReason().isPresent(), "live capture is available here");
        CliTest.Run run = CliTest.run("run", "--duration", "1");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("live capture is not available").doesNotContain("\tat ");
    }
}
