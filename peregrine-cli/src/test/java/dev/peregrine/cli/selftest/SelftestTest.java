package dev.peregrine.cli.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.cli.FalcoLogger;
import dev.peregrine.cli.config.FalcoConfig;
import dev.peregrine.cli.live.LiveDetection;
import dev.peregrine.outputs.format.AlertFormatOptions;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RuleMatching;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.Ruleset;
import dev.peregrine.state.container.meta.MetadataResolver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The host and container scenarios of {@code peregrine selftest}, run against the live engine with Falco's stable
 * rules and Peregrine's rules (root, eBPF; the container scenarios when podman and runc are installed): every
 * scenario's rule must alert, and the scenarios leave nothing behind (files, test address, container).
 */
class SelftestTest {
    @Test
    void hostAndContainerScenarios_liveWithBundledRules_everyRuleDetected() throws Exception {
        assumeTrue(LiveDetection.unavailableReason().isEmpty(),
                () -> "live capture unavailable: " + LiveDetection.unavailableReason().orElse(""));
        SyscallBinding binding = new SyscallBinding();
        LoadOutcome outcome = RulesLoader.load(List.of(BundledRules.stable(),
                BundledRules.byName(BundledRules.PEREGRINE).orElseThrow()),
                LoadOptions.defaults().withBinding(binding).withRuleMatching(RuleMatching.ALL));
        assertThat(outcome.successful()).as(outcome.toJson()).isTrue();
        Ruleset ruleset = outcome.ruleset().orElseThrow();
        AlertFormatter formatter = AlertFormatter.create(ruleset, AlertFormatOptions.defaults("selftest-host"));
        StringWriter logText = new StringWriter();
        FalcoLogger log = new FalcoLogger(new PrintWriter(logText, true), Clock.systemUTC(), ZoneId.of("UTC"));
        FalcoConfig.SyscallEventDrops drops = new FalcoConfig.SyscallEventDrops(Set.of("ignore"), .1, .03333, 1,
                false);

        List<Selftest.Result> results;
        Path workDir;
        String containerName;
        try (HostScenarios host = HostScenarios.create(); ContainerScenarios containers = ContainerScenarios.create();
             MetadataResolver metadata = MetadataResolver.defaults()) {
            workDir = host.directory();
            host.prepareNetwork();
            containers.prepare();
            containerName = containers.containerName();
            List<Scenario> scenarios = new ArrayList<>(host.scenarios());
            scenarios.addAll(containers.scenarios());
            results = new Selftest(Duration.ofSeconds(15)).run(
                    sink -> new LiveDetection(ruleset, formatter, sink, drops, log).containerMetadata(metadata),
                    scenarios, r -> { });
        }

        assertThat(results).isNotEmpty();
        assertThat(results).filteredOn(r -> r.status() != Selftest.Status.SKIPPED)
                .allSatisfy(r -> assertThat(r.status()).as("%s: %s %s", r.scenario().rule(), r.scenario().action(),
                        r.detail()).isEqualTo(Selftest.Status.DETECTED));
        assertThat(results).extracting(r -> r.scenario().rule())
                .contains("Read sensitive file untrusted", "Outbound SSH Connection", "Detect New File",
                        "Kernel Module Modification", "New Executable Run During Build");
        if (containerName != null) {
            // podman ran here: every other container rule was exercised and detected in that container
            List<Selftest.Result> inContainer = results.stream()
                    .filter(r -> r.scenario().action().startsWith("in a Podman container")).toList();
            assertThat(inContainer).extracting(r -> r.scenario().rule() + ": " + r.status()).containsExactly(
                    "Terminal shell in container: DETECTED",
                    "Netcat Remote Code Execution in Container: DETECTED",
                    "Packet socket created in container: DETECTED",
                    "Redirect STDOUT/STDIN to Network Connection in Container: DETECTED",
                    "Linux Kernel Module Injection Detected: DETECTED",
                    "Debugfs Launched in Privileged Container: DETECTED",
                    "Detect release_agent File Container Escapes: DETECTED",
                    "Drop and execute new binary in container: DETECTED",
                    "Contact K8S API Server From Container: DETECTED");
            assertThat(inContainer).filteredOn(r -> r.status() == Selftest.Status.DETECTED)
                    .extracting(r -> r.keyFields().get("container.name")).containsOnly(containerName);
            assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hosts")))
                    .as("the selftest's /etc/hosts line is gone").doesNotContain("# peregrine selftest");
            Process exists = new ProcessBuilder("podman", "container", "exists", containerName).start();
            assertThat(exists.waitFor()).as("container removed").isNotZero();
        }
        assertThat(workDir).doesNotExist();
        assertThat(Path.of("/usr/local/bin/peregrine-selftest-file")).doesNotExist();
        assertThat(Path.of("/etc/peregrine-selftest.d")).doesNotExist();
        assertThat(Path.of("/peregrine-selftest.tmp")).doesNotExist();
        assertThat(Files.exists(Path.of("/dev/shm/peregrine-selftest-true"))).isFalse();
    }
}
