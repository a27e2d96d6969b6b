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
        assertThat(c.unimplementedKeys()).contains("watch_config_files", "syslog_output", "webserver")
                .doesNotContain("json_output", "rules_files", "capture", "http_output", "load_plugins");
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
}
