package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.cli.live.LiveDetection;
import dev.peregrine.cli.replay.ReplayEngine;
import dev.peregrine.cli.replay.ReplayRequest;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.load.Rule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Falco's command line end to end, in process, with a fake replay engine that fires every enabled rule once. */
class FalcoCommandLineTest {
    private static final long TS = 1470327477881781397L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Fires each enabled rule once on one event whose fields come from a map. */
    static final class FiringEngine implements ReplayEngine {
        final Map<String, Object> event = Map.of("proc.cmdline", "cat /dev/null", "proc.name", "cat",
                "evt.time", "16:17:57.881781397", "evt.time.iso8601", "2016-08-04T16:17:57.881781397+0000");
        ReplayRequest request;

        @Override
        public ExtractorBinding binding() {
            return field -> (e, out) -> {
                Object v = ((Map<?, ?>) e).get(field.text());
                if (v == null) {
                    return false;
                }
                out.addString(v.toString());
                return true;
            };
        }

        @Override
        public int replay(ReplayRequest r) {
            this.request = r;
            EvalContext ctx = new EvalContext(r.ruleset().slots());
            ctx.reset(event);
            for (Rule rule : r.ruleset().enabledRules()) {
                r.sink().emit(r.formatter().format(rule, ctx, TS));
            }
            return 0;
        }
    }

    record Run(int exit, String out, String err) {
        List<JsonNode> jsonLines() throws Exception {
            List<JsonNode> l = new ArrayList<>();
            for (String s : out.split("\n")) {
                if (s.startsWith("{")) {
                    l.add(JSON.readTree(s));
                }
            }
            return l;
        }
    }

    private Run run(ReplayEngine engine, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Invocation inv = new Invocation(env, dir, Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC),
                ZoneOffset.UTC);
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), inv, engine, args);
        return new Run(exit, out.toString(), err.toString());
    }

    private void files() throws Exception {
        Files.writeString(dir.resolve("falco.yaml"), """
                stdout_output:
                  enabled: true
                log_stderr: true
                log_syslog: false
                """);
        Files.writeString(dir.resolve("rules.yaml"), """
                - rule: open_from_cat
                  desc: A process named cat does an open and a rather long description that has to be wrapped by \
                the describe printer
                  condition: evt.type=open and proc.name=cat
                  output: "An open was seen (command=%proc.cmdline)"
                  priority: WARNING
                  tags: [filesystem, process]
                - rule: net_rule
                  desc: d2
                  condition: evt.type=connect
                  output: "connect (%proc.name)"
                  priority: NOTICE
                  tags: [network]
                """);
    }

    private static String[] replayArgs(String... extra) {
        List<String> a = new ArrayList<>(List.of("-c", "falco.yaml", "-r", "rules.yaml", "-o", "engine.kind=replay",
                "-o", "engine.replay.capture_file=x.scap"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void version_withFalcoDefaults_printsVersionWithoutConfigurationWarnings() {
        // Falco's defaults have log_syslog on, which Peregrine does not implement: worth a warning when something
        // runs, noise when only the version is asked for
        Run r = run(new FiringEngine(), Map.of(), "--version");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Peregrine version");
        assertThat(r.err()).doesNotContain("not implemented");
    }

    @Test
    void replay_jsonOutput_printsFalcoJsonAlertsWithHostname() throws Exception {
        files();
        FiringEngine engine = new FiringEngine();
        Run r = run(engine, Map.of("FALCO_HOSTNAME", "h"), replayArgs("-o", "json_output=true",
                "-o", "time_format_iso_8601=true", "-o", "append_output[].suggested_output=true"));
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> alerts = r.jsonLines();
        assertThat(alerts).hasSize(2);
        JsonNode a = alerts.getFirst();
        assertThat(a.get("hostname").asText()).isEqualTo("h");
        assertThat(a.get("rule").asText()).isEqualTo("open_from_cat");
        assertThat(a.get("time").asText()).isEqualTo("2016-08-04T16:17:57.881781397Z");
        assertThat(a.get("output").asText()).isEqualTo("2016-08-04T16:17:57.881781397+0000: Warning An open was"
                + " seen (command=cat /dev/null) container_id=<NA> container_name=<NA>"
                + " container_image_repository=<NA> container_image_tag=<NA> k8s_pod_name=<NA> k8s_ns_name=<NA>");
        assertThat(a.get("output_fields").get("evt.time.iso8601").asLong()).isEqualTo(TS);
        assertThat(engine.request.captureFile()).isEqualTo(dir.resolve("x.scap"));
        assertThat(r.err()).startsWith("2026-01-02T03:04:05+0000: Peregrine version");
    }

    @Test
    void replay_harnessOptions_textAlertsWithoutSuggestedFieldsAndSelectors() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), replayArgs("-o", "append_output.suggested_output=false",
                "-o", "rules[].disable.rule=*", "-o", "rules[].enable.tag=network"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("16:17:57.881781397: Notice connect (cat)\n");
        assertThat(r.err()).contains("Disabling rules with name: *", "Enabling rules with tag: network");
    }

    @Test
    void replay_minPriority_dropsLowerRules() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), replayArgs("-o", "append_output.suggested_output=false",
                "-o", "priority=warning"));
        assertThat(r.out()).isEqualTo("16:17:57.881781397: Warning An open was seen (command=cat /dev/null)\n");
    }

    @Test
    void replay_fileOutput_appendsAlertLines() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), replayArgs("-o", "append_output.suggested_output=false",
                "-o", "file_output.enabled=true", "-o", "file_output.filename=alerts.txt",
                "-o", "stdout_output.enabled=false", "-o", "priority=warning"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(dir.resolve("alerts.txt")))
                .isEqualTo("16:17:57.881781397: Warning An open was seen (command=cat /dev/null)\n");
    }

    @Test
    void replay_programOutput_pipesAlertsToProgram() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), replayArgs("-o", "append_output.suggested_output=false",
                "-o", "program_output.enabled=true", "-o", "program_output.program=tr a-z A-Z",
                "-o", "stdout_output.enabled=false", "-o", "priority=warning"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("16:17:57.881781397: WARNING AN OPEN WAS SEEN (COMMAND=CAT /DEV/NULL)\n");
    }

    @Test
    void replay_appendOutputByRule_appendsExtraOutput() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), replayArgs("-o", "append_output[].match.rule=net_rule",
                "-o", "append_output[0].extra_output=pid=%proc.name",
                "-o", "rules[].disable.tag=filesystem"));
        assertThat(r.out()).isEqualTo("16:17:57.881781397: Notice connect (cat) pid=cat\n");
    }

    @Test
    void appendOutputIndexOnMap_failsNamingTheKey() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), replayArgs("-o", "append_output.suggested_output=false",
                "-o", "append_output[].extra_output=x", "-o", "log_stderr=false"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("Error: Config error at key \"append_output[].extra_output\": a list index is"
                + " used on a map\n");
    }

    @Test
    void replay_noEngine_failsWithClearError() throws Exception {
        files();
        Run r = run(ReplayEngine.UNAVAILABLE, Map.of(), replayArgs("-o", "log_stderr=false"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).endsWith("Error: capture replay is not available in this build\n");
    }

    @Test
    void replay_stopAfterAndAllEvents_reachTheEngine() throws Exception {
        files();
        FiringEngine engine = new FiringEngine();
        Run r = run(engine, Map.of(), replayArgs("-M", "7", "-A", "-U"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(engine.request.stopAfterSeconds()).isEqualTo(7);
        assertThat(engine.request.config().baseSyscalls().all()).isTrue();
        Run bad = run(engine, Map.of(), replayArgs("-M", "soon"));
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("Error: Argument 'soon' failed to parse\n");
    }

    @Test
    void dryRun_loadsEverythingWithoutReplaying() throws Exception {
        files();
        FiringEngine engine = new FiringEngine();
        Run r = run(engine, Map.of(), replayArgs("--dry-run"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(engine.request).isNull();
        assertThat(r.out()).isEmpty();
    }

    @Test
    void engineKindNodriver_failsSayingItIsNotAvailable() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-r", "rules.yaml", "-o", "log_stderr=false",
                "-o", "engine.kind=nodriver");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Error: engine.kind 'nodriver' is not available in Peregrine; use modern_ebpf");
    }

    @Test
    void liveEngineKind_liveUnavailable_clearMessageExit1() throws Exception {
        assumeTrue(LiveDetection.unavailableReason().isPresent(), "live capture is available here");
        files();
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-r", "rules.yaml", "-o", "log_stderr=false",
                "-o", "engine.kind=modern_ebpf");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Error: live capture is not available: ").doesNotContain("\tat ");
    }

    @Test
    void liveEngineKind_simulatedDropsWithExitAction_dropManagerErrorExit1() throws Exception {
        var reason = LiveDetection.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "live capture unavailable: " + reason.orElseThrow());
        files();
        Files.writeString(dir.resolve("falco.yaml"), """
                stdout_output:
                  enabled: true
                log_stderr: true
                log_syslog: false
                syscall_event_drops:
                  actions: [exit]
                  simulate_drops: true
                """);
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-r", "rules.yaml",
                "-o", "engine.kind=modern_ebpf", "-M", "60");

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("Falco internal: syscall event drop. 1 system calls dropped in last second.")
                .contains("Exiting.").contains("   - num times actions taken: 1")
                .contains("Error: Drop manager internal error");
    }

    @Test
    void liveEngineKind_bufSizePresetOutOfRange_falcosError() throws Exception {
        var reason = LiveDetection.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "live capture unavailable: " + reason.orElseThrow());
        files();
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-r", "rules.yaml", "-o", "log_stderr=false",
                "-o", "engine.kind=modern_ebpf", "-o", "engine.modern_ebpf.buf_size_preset=11");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Error: The 'buf_size_preset' value must be between '1' and '10'");
    }

    @Test
    void liveEngineKind_kmod_runsLiveDetectionWithTheConfiguredOutputs() throws Exception {
        var reason = LiveDetection.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "live capture unavailable: " + reason.orElseThrow());
        Path marker = dir.toRealPath().resolve("falco-live-marker");
        Files.writeString(dir.resolve("falco.yaml"), """
                stdout_output:
                  enabled: true
                file_output:
                  enabled: true
                  filename: alerts.txt
                json_output: true
                log_stderr: true
                log_syslog: false
                syscall_event_drops:
                  actions: [log, alert]
                engine:
                  kind: modern_ebpf
                  kmod:
                    buf_size_preset: 2
                """);
        Files.writeString(dir.resolve("rules.yaml"), """
                - rule: marker opened
                  desc: test rule
                  condition: evt.type in (open, openat) and fd.name = %s
                  output: "marker opened (file=%%fd.name proc=%%proc.name pid=%%proc.pid)"
                  priority: WARNING
                - rule: quiet notice
                  desc: below the configured priority
                  condition: evt.type in (open, openat) and fd.name = %s
                  output: "not shown"
                  priority: NOTICE
                """.formatted(marker, marker));
        CompletableFuture<Run> running = CompletableFuture.supplyAsync(() -> run(new FiringEngine(),
                Map.of("FALCO_HOSTNAME", "live-host"), "-c", "falco.yaml", "-r", "rules.yaml", "-o", "engine.kind=kmod",
                "-o", "priority=WARNING", "-M", "12"));
        // The driver needs a moment to attach; keep opening the marker until the run ends.
        while (!running.isDone()) {
            Files.writeString(marker, "x");
            Thread.sleep(200);
        }
        Run r = running.get();

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("The chosen syscall buffer dimension is: 2097152 bytes (2 MBs)")
                .contains("engine.kind 'kmod': Peregrine has no kernel module; using its CO-RE eBPF"
                + " driver (as engine.kind=modern_ebpf)").contains("Opening 'syscall' source with modern BPF probe.")
                .contains("Syscall event drop monitoring:").containsPattern("   - event drop detected: [0-9]+ occurrences");
        // A 2 MiB ring per CPU can overflow on a busy machine: then the drop alert (source internal) is there too.
        List<JsonNode> alerts = r.jsonLines();
        assertThat(alerts).filteredOn(a -> a.get("source").asText().equals("internal")).allSatisfy(a -> {
            assertThat(a.get("rule").asText()).isEqualTo("Falco internal: syscall event drop");
            assertThat(a.get("output_fields").get("ebpf_enabled").asText()).isEqualTo("1");
        });
        assertThat(alerts).filteredOn(a -> !a.get("source").asText().equals("internal")).isNotEmpty().allSatisfy(a -> {
            assertThat(a.get("rule").asText()).isEqualTo("marker opened");
            assertThat(a.get("hostname").asText()).isEqualTo("live-host");
            assertThat(a.get("output_fields").get("fd.name").asText()).isEqualTo(marker.toString());
            assertThat(a.get("output_fields").get("proc.pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        });
        assertThat(Files.readString(dir.resolve("alerts.txt"))).contains("\"rule\":\"marker opened\"");
    }

    @Test
    void describeRule_text_isFalcosTwoColumnFormat() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-r", "rules.yaml", "-l", "open_from_cat",
                "-o", "log_stderr=false");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(String.format("%-50s %s%n%-50s %s%n", "Rule", "Description", "----",
                "-----------")
                + String.format("%-50s %s", "open_from_cat", "A process named cat does an open and a rather long \n"
                + " ".repeat(51) + "description that has to be wrapped by the describe printer \n") + "\n");
    }

    @Test
    void describeRule_unknown_runtimeErrorExit1() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-r", "rules.yaml", "-l", "nope",
                "-o", "log_stderr=false");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Runtime error: Rule \"nope\" is not loaded. Exiting.");
    }

    @Test
    void describeAll_json_listsRuleInfo() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-r", "rules.yaml", "-L",
                "-o", "json_output=true", "-o", "log_stderr=false");
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("rules")).hasSize(2);
        assertThat(doc.get("rules").get(1).get("info").get("priority").asText()).isEqualTo("Notice");
        assertThat(doc.get("rules").get(1).get("details").get("events").toString())
                .isEqualTo("[\"asyncevent\",\"connect\"]");
        assertThat(doc.get("macros")).isEmpty();
        assertThat(doc.get("lists")).isEmpty();
        assertThat(doc.get("required_engine_version").asText()).isEqualTo("0.0.0");
    }

    @Test
    void validate_jsonWithDescribe_addsDescribeResults() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-V", "rules.yaml", "-L",
                "-o", "json_output=true", "-o", "log_stderr=false");
        assertThat(r.exit()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("falco_load_results").get(0).get("successful").asBoolean()).isTrue();
        assertThat(doc.get("falco_describe_results").get("rules")).hasSize(2);
    }

    @Test
    void validate_missingFile_failsLikeFalco() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-V", "nope.yaml", "-o", "log_stderr=false");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).endsWith("Error: Could not open file nope.yaml for reading\n");
    }

    @Test
    void rulesDirectory_loadsYamlFilesAlphabetically() throws Exception {
        files();
        Path d = Files.createDirectories(dir.resolve("rules.d"));
        Files.writeString(d.resolve("b.yaml"), "- macro: m\n  condition: evt.type=open\n");
        Files.writeString(d.resolve("a.yml"), "- list: l\n  items: [a]\n");
        Files.writeString(d.resolve("c.txt"), "not rules");
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "-r", "rules.d/", "-L");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("Loading rules from:\n   rules.d/a.yml\n   rules.d/b.yaml\n");
    }

    @Test
    void listFields_unknownSource_fails() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "--list=nope", "-o", "log_stderr=false");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).endsWith("Error: Value for --list must be a valid source type\n");
        Run names = run(new FiringEngine(), Map.of(), "-c", "falco.yaml", "--list", "syscall", "-N",
                "-o", "log_stderr=false");
        assertThat(names.out().lines().toList()).contains("proc.name", "fd.name").doesNotContain("ka.verb");
    }

    @Test
    void unknownOption_and_missingConfig_failWithFalcosMessages() throws Exception {
        assertThat(run(new FiringEngine(), Map.of(), "--nope").err())
                .isEqualTo("Error: Option 'nope' does not exist\n");
        Run r = run(new FiringEngine(), Map.of(), "-c", "missing.yaml");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("Error: Could not find configuration file at missing.yaml\n");
    }

    @Test
    void unimplementedKeys_warnedOnceOnStderr() throws Exception {
        files();
        Files.writeString(dir.resolve("falco.yaml"), "stdout_output: {enabled: true}\nlog_syslog: false\n"
                + "grpc: {enabled: true}\nhttp_output: {enabled: false}\n");
        Run r = run(new FiringEngine(), Map.of(), replayArgs("--dry-run"));
        assertThat(r.err()).contains("Configuration keys not implemented by Peregrine (ignored): grpc\n");
        assertThat(r.err().split("not implemented", -1)).hasSize(2);
    }

    @Test
    void subcommands_stillRunPeregrinesOwnCommands() throws Exception {
        files();
        Run r = run(new FiringEngine(), Map.of(), "rules", "validate", dir.resolve("rules.yaml").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains(": Ok");
    }
}
