package dev.peregrine.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.outputs.format.AppendOutput;
import dev.peregrine.rules.load.Priority;
import dev.peregrine.rules.load.RuleMatching;
import dev.peregrine.rules.load.RuleSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FalcoConfigLoaderTest {
    @TempDir
    Path dir;

    static Path upstream() {
        String prop = System.getProperty("peregrine.upstream");
        return prop != null && Files.isDirectory(Path.of(prop)) ? Path.of(prop) : Path.of("/work/shared/upstream");
    }

    private FalcoConfig load(String yaml, String... options) throws Exception {
        Path f = dir.resolve("falco.yaml");
        Files.writeString(f, yaml);
        return FalcoConfigLoader.load(f, List.of(options), Map.of(), dir);
    }

    @Test
    void load_upstreamFalcoYaml_loadsWithFalcoDefaults() {
        FalcoConfig c = FalcoConfigLoader.load(upstream().resolve("falco/falco.yaml"), List.of(), Map.of(), dir);
        assertThat(c.rules().minPriority()).isEqualTo(Priority.DEBUG);
        assertThat(c.rules().ruleMatching()).isEqualTo(RuleMatching.FIRST);
        assertThat(c.outputs().json()).isFalse();
        assertThat(c.outputs().jsonIncludeOutput()).isTrue();
        assertThat(c.outputs().jsonIncludeTags()).isTrue();
        assertThat(c.outputs().jsonIncludeMessage()).isFalse();
        assertThat(c.outputs().jsonIncludeOutputFields()).isTrue();
        assertThat(c.outputs().stdout()).isTrue();
        assertThat(c.outputs().appendOutputs()).containsExactly(AppendOutput.suggested());
        assertThat(c.engine().kind()).isEqualTo("modern_ebpf");
        assertThat(c.engine().bufSizePreset()).isEqualTo(4);
        assertThat(c.syscallEventDrops().actions()).containsExactlyInAnyOrder("log", "alert");
        assertThat(c.webserver().enabled()).isTrue();
        // /etc/falco/config.d is missing here: skipped, as Falco does
        assertThat(c.files()).hasSize(1);
        assertThat(c.unimplementedKeys()).contains("watch_config_files")
                .doesNotContain("json_output", "rules_files", "capture", "http_output", "load_plugins",
                        "syslog_output", "webserver", "outputs_queue", "metrics");
        assertThat(c.delivery().syslog().enabled()).isTrue();
        assertThat(c.delivery().http().enabled()).isFalse();
        assertThat(c.delivery().http().userAgent()).isEqualTo("falcosecurity/falco");
        assertThat(c.delivery().outputsQueueCapacity()).isZero();
        assertThat(c.delivery().forwarders()).isEmpty();
    }

    @Test
    void load_harnessOptions_disableAppendOutputAndSetReplay() {
        FalcoConfig c = FalcoConfigLoader.load(upstream().resolve("falco/falco.yaml"), List.of(
                "append_output.suggested_output=false", "engine.kind=replay",
                "engine.replay.capture_file=x.scap", "json_output=true", "rules[].disable.rule=*",
                "rules[].enable.tag=network", "priority=WARNING"), Map.of(), dir);
        assertThat(c.outputs().appendOutputs()).isEmpty();
        assertThat(c.engine().isReplay()).isTrue();
        assertThat(c.engine().replayCaptureFile()).isEqualTo("x.scap");
        assertThat(c.outputs().json()).isTrue();
        assertThat(c.rules().selectors()).containsExactly(new RuleSelector.ByName(false, "*"),
                new RuleSelector.ByTag(true, "network"));
        assertThat(c.rules().minPriority()).isEqualTo(Priority.WARNING);
    }

    @Test
    void load_ruleMatchingWrongValue_failsWithFalcosMessage() {
        assertThatThrownBy(() -> load("rule_matching: wrong_value\n"))
                .hasMessage("Unknown rule matching strategy \"wrong_value\"--must be one of first, all");
    }

    @Test
    void load_unknownPriority_failsWithFalcosMessage() {
        assertThatThrownBy(() -> load("priority: loud\n"))
                .hasMessageStartingWith("Unknown priority \"loud\"--must be one of emergency");
    }

    @Test
    void load_dropsThresholdOutOfRange_failsNamingFile() {
        assertThatThrownBy(() -> load("syscall_event_drops:\n  threshold: 1.5\n"))
                .hasMessageEndingWith("falco.yaml): syscall event drops threshold must be a double in the range"
                        + " [0, 1]");
        assertThatThrownBy(() -> load("syscall_event_drops:\n  actions: [ignore, log]\n"))
                .hasMessageEndingWith("syscall event drop action \"log\" does not make sense with the \"ignore\""
                        + " action");
    }

    @Test
    void load_replayWithoutCapture_fails() {
        assertThatThrownBy(() -> load("engine:\n  kind: replay\n"))
                .hasMessageEndingWith("engine.kind is 'replay' but no engine.replay.capture_file specified.");
        assertThatThrownBy(() -> load("engine:\n  kind: warp\n"))
                .hasMessageEndingWith("engine.kind 'warp' is not a valid kind.");
    }

    @Test
    void load_wrongType_namesKeyAndExpectation() {
        assertThatThrownBy(() -> load("json_output: maybe\n"))
                .hasMessage("Config error at key \"json_output\": expected a boolean (true or false), got 'maybe'");
    }

    @Test
    void load_yamlCppBooleanWords_accepted() throws Exception {
        assertThat(load("json_output: 'yes'\n").outputs().json()).isTrue();
        assertThat(load("", "json_output=On").outputs().json()).isTrue();
        assertThat(load("json_output: true\n", "json_output=false").outputs().json()).isFalse();
    }

    @Test
    void load_fileOutputWithoutFilename_fails() {
        assertThatThrownBy(() -> load("file_output:\n  enabled: true\n"))
                .hasMessageEndingWith("file output enabled but no filename in configuration block");
    }

    @Test
    void load_rulesFiles_keepsOnlyExistingAndRejectsBothKeys() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "[]");
        assertThat(load("rules_files: [a.yaml, missing.yaml]\n").rules().files()).containsExactly("a.yaml");
        assertThat(load("rules_file: a.yaml\n").rules().files()).containsExactly("a.yaml");
        assertThatThrownBy(() -> load("rules_files: [a.yaml]\nrules_file: [a.yaml]\n"))
                .hasMessageEndingWith("both 'rules_files' and 'rules_file' keys set");
    }

    @Test
    void load_configFilesDirectory_mergedInNameOrderWithStrategies() throws Exception {
        Path d = Files.createDirectories(dir.resolve("config.d"));
        Files.writeString(d.resolve("b.yaml"), "json_output: true\nrules_files: [b.yaml]\n");
        Files.writeString(d.resolve("a.yaml"), "priority: error\nrules_files: [x.yaml]\n");
        Files.writeString(dir.resolve("x.yaml"), "[]");
        Files.writeString(dir.resolve("b.yaml"), "[]");
        FalcoConfig c = load("config_files: [config.d, missing.d]\nrules_files: [b.yaml]\npriority: debug\n");
        assertThat(c.files()).hasSize(3);
        assertThat(c.rules().minPriority()).isEqualTo(Priority.ERROR);
        assertThat(c.outputs().json()).isTrue();
        assertThat(c.rules().files()).containsExactly("b.yaml", "x.yaml", "b.yaml");
    }

    @Test
    void load_includedFileWithConfigFiles_fails() throws Exception {
        Files.writeString(dir.resolve("inc.yaml"), "config_files: [other.yaml]\n");
        assertThatThrownBy(() -> load("config_files: [inc.yaml]\n"))
                .hasMessage("Config error: 'config_files' directive in included config file inc.yaml.");
    }

    @Test
    void load_appendOutputEntries_typed() throws Exception {
        FalcoConfig c = load("""
                append_output:
                  - match:
                      source: syscall
                      tags: [a, b]
                      rule: r
                    extra_output: "x=%proc.name"
                    extra_fields:
                      - key1: "%proc.pid"
                      - proc.name
                """);
        AppendOutput a = c.outputs().appendOutputs().getFirst();
        assertThat(a.source()).isEqualTo("syscall");
        assertThat(a.tags()).containsExactly("a", "b");
        assertThat(a.rule()).isEqualTo("r");
        assertThat(a.extraOutput()).isEqualTo("x=%proc.name");
        assertThat(a.suggestedOutput()).isFalse();
        assertThat(a.formattedFields()).containsExactly(Map.entry("key1", "%proc.pid"));
        assertThat(a.rawFields()).isEqualTo(Set.of("proc.name"));
    }

    @Test
    void load_unknownPluginInLoadPlugins_fails() {
        assertThatThrownBy(() -> load("load_plugins: [json]\nplugins: []\n"))
                .hasMessage("Cannot load plugin 'json': plugin config not found for given name");
    }

    @Test
    void load_emptyFile_allDefaults() throws Exception {
        FalcoConfig c = load("");
        assertThat(c.outputs().stdout()).isFalse();
        assertThat(c.rules().files()).isEmpty();
        assertThat(c.engine().kind()).isEqualTo("kmod");
        assertThat(c.logging().syslog()).isTrue();
    }

    @Test
    void load_deliveryKeys_typed() throws Exception {
        FalcoConfig c = load("""
                outputs_queue:
                  capacity: 100
                output_timeout: 500
                http_output:
                  enabled: true
                  url: "'http://127.0.0.1:2801/'"
                  insecure: true
                syslog_output:
                  enabled: true
                  socket: /tmp/log.sock
                delivery:
                  spool_dir: spool
                  retry_initial: 50ms
                  retry_max: 1m
                  throttle:
                    max_alerts: 10
                    interval: 30s
                """, "delivery.shutdown_timeout=2s");
        DeliveryConfig d = c.delivery();
        assertThat(d.outputsQueueCapacity()).isEqualTo(100);
        assertThat(d.outputTimeout()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(d.http().url()).isEqualTo("http://127.0.0.1:2801/");
        assertThat(d.http().tls().insecure()).isTrue();
        assertThat(d.syslog().socket()).isEqualTo("/tmp/log.sock");
        assertThat(d.spool().dir()).isEqualTo("spool");
        assertThat(d.retryInitial()).isEqualTo(java.time.Duration.ofMillis(50));
        assertThat(d.retryMax()).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(d.shutdownTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(d.throttle()).isEqualTo(new DeliveryConfig.Throttle(10, java.time.Duration.ofSeconds(30)));
        assertThat(c.outputs().anyEnabled(d)).isTrue();
        assertThat(c.unimplementedKeys()).containsExactly("log_syslog (logs go to stderr only)");
    }

    @Test
    void load_badDeliveryValues_nameKeyAndReason() {
        assertThatThrownBy(() -> load("http_output:\n  enabled: true\n  url: ftp://x/\n"))
                .hasMessage("Config error at key \"http_output.url\": 'ftp://x/' is not a valid URL (expected an"
                        + " http:// or https:// URL)");
        assertThatThrownBy(() -> load("delivery:\n  retry_initial: soon\n"))
                .hasMessage("Config error at key \"delivery.retry_initial\": 'soon' is not a duration (e.g. 500ms,"
                        + " 30s, 1m, or a number of milliseconds)");
        assertThatThrownBy(() -> load("outputs_queue:\n  capacity: -1\n"))
                .hasMessage("Config error at key \"outputs_queue.capacity\": -1 is out of range (0..2147483647)");
        assertThatThrownBy(() -> load("forwarders: [slack]\n"))
                .hasMessage("Config error at key \"forwarders\": expected a map of forwarder names to their"
                        + " options, got a list");
        assertThatThrownBy(() -> load("metrics:\n  enabled: true\n  interval: often\n"))
                .hasMessage("Config error at key \"metrics.interval\": 'often' is not a duration");
    }

    @Test
    void load_listSyntaxOption_appendsRuleSelector() throws Exception {
        FalcoConfig c = load("rules:\n  - disable:\n      tag: network\n", "rules[].disable.rule=*");
        assertThat(c.rules().selectors()).hasSize(2);
        assertThat(c.rules().selectors().getLast().toString()).contains("*");
    }

    @Test
    void durationText_prometheusUnitsAndMillis_parse() {
        assertThat(DurationText.parse("1h30m")).contains(java.time.Duration.ofMinutes(90));
        assertThat(DurationText.parse("5000")).contains(java.time.Duration.ofSeconds(5));
        assertThat(DurationText.parse("250ms")).contains(java.time.Duration.ofMillis(250));
        assertThat(DurationText.parse("1x")).isEmpty();
        assertThat(DurationText.parse("")).isEmpty();
    }
}
