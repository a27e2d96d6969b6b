package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code peregrine} command line end to end, in process: exit codes, text and JSON forms, error messages. */
class CliTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path upstream() {
        String prop = System.getProperty("peregrine.upstream");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        return Path.of("/work/shared/upstream");
    }

    @ParameterizedTest
    @CsvSource({
        "falco_rules.yaml, 25, 87, 49",
        "falco-incubating_rules.yaml, 31, 82, 54",
        "falco-sandbox_rules.yaml, 37, 183, 60",
        "k8s_audit_rules.yaml, 48, 45, 18"})
    void rulesValidate_upstreamFile_succeedsWithFalcoInventory(String file, int rules, int macros, int lists)
            throws Exception {
        String path = upstream().resolve("falco").resolve(file).toString();

        Run validate = run("rules", "validate", path);
        assertThat(validate.exit()).as(validate.out() + validate.err()).isZero();
        assertThat(validate.out()).startsWith(path + ": Ok");

        Run json = run("rules", "validate", "--json", path);
        JsonNode result = new ObjectMapper().readTree(json.out()).get("falco_load_results").get(0);
        assertThat(result.get("successful").asBoolean()).isTrue();
        assertThat(result.get("errors")).isEmpty();

        Run list = run("rules", "list", "--json", path);
        assertThat(list.exit()).isZero();
        JsonNode inventory = new ObjectMapper().readTree(list.out()).get("files").get(0);
        assertThat(inventory.get("rules").asInt()).isEqualTo(rules);
        assertThat(inventory.get("macros").asInt()).isEqualTo(macros);
        assertThat(inventory.get("lists").asInt()).isEqualTo(lists);
    }

    @Test
    void rulesListJson_condition_isExpandedAndSelectsTheEventsTheRuleAlertsOn() throws Exception {
        String rules = upstream().resolve("falco-testing/rules/single_rule_with_tags.yaml").toString();
        String capture = upstream().resolve("scap/cat_write.scap").toString();

        Run list = run("rules", "list", "--json", rules);
        assertThat(list.exit()).as(list.err()).isZero();
        String condition = new ObjectMapper().readTree(list.out()).get("rules").get(0).get("condition").asText();
        // the macro and the nested list are gone: the condition stands on its own as a filter
        assertThat(condition).doesNotContain("is_cat").doesNotContain("cat_binaries").contains("proc.name in (cat)");

        Run alerts = run("replay", "-r", rules, capture);
        Run selected = run("replay", "-p", "%evt.num", capture, condition);
        assertThat(selected.exit()).as(selected.err()).isZero();
        assertThat(alerts.out().lines()).hasSize(8);
        assertThat(selected.out().lines()).hasSize(8);
    }

    @Test
    void rulesList_sandbox_reportsEnabledCount() {
        Run list = run("rules", "list", upstream().resolve("falco/falco-sandbox_rules.yaml").toString());
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("37 rules (25 enabled)");
    }

    @Test
    void rulesValidate_threeSyscallFilesTogether_succeed() {
        Run run = run("rules", "validate", upstream().resolve("falco/falco_rules.yaml").toString(),
                upstream().resolve("falco/falco-incubating_rules.yaml").toString(),
                upstream().resolve("falco/falco-sandbox_rules.yaml").toString());
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out().lines().filter(l -> l.contains(": Ok"))).hasSize(3);
    }

    /** Each malformed input: exit 1, the file and a line:column, the Falco error code, never a stack trace. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        bad yaml            | '- rule: x\\n  condition: [a\\n'                                                         | LOAD_ERR_YAML_PARSE        | 3:1
        unknown field       | '- rule: r\\n  desc: d\\n  condition: evt.type=open and proc.nme=cat\\n  output: o\\n  priority: INFO\\n' | LOAD_ERR_COMPILE_CONDITION | 3:14
        unknown macro       | '- rule: r\\n  desc: d\\n  condition: evt.type=open and no_such_macro\\n  output: o\\n  priority: INFO\\n' | LOAD_ERR_VALIDATE          | 1:3
        bad operator        | '- rule: r\\n  desc: d\\n  condition: evt.type=open and proc.pid contains 3\\n  output: o\\n  priority: INFO\\n' | LOAD_ERR_COMPILE_CONDITION | 3:14
        unbalanced parens   | '- rule: r\\n  desc: d\\n  condition: (evt.type=open and proc.name=cat\\n  output: o\\n  priority: INFO\\n' | LOAD_ERR_COMPILE_CONDITION | 3:14
        bad escape          | '- rule: r\\n  desc: d\\n  condition: evt.type=open and proc.name="a\\\\q"\\n  output: o\\n  priority: INFO\\n' | LOAD_ERR_COMPILE_CONDITION | 3:14
        override missing    | '- rule: nope\\n  condition: evt.type=open\\n  override:\\n    condition: append\\n'             | LOAD_ERR_VALIDATE          | 1:3
        """)
    void rulesValidate_malformedInput_locatedErrorNoStackTrace(String what, String content, String code,
            String lineColumn, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, content.translateEscapes());

        Run run = run("rules", "validate", file.toString());

        assertThat(run.exit()).as(what).isEqualTo(1);
        assertThat(run.out()).as(what).contains(file + ": Invalid").contains(file + ":" + lineColumn + ": error " + code);
        assertThat(run.out() + run.err()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void rulesValidate_missingFile_clearMessage() {
        Run run = run("rules", "validate", "/nonexistent/rules.yaml");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("cannot read rules file /nonexistent/rules.yaml: no such file");
    }

    @Test
    void fields_json_listsTypedFieldsOfBothSources() throws Exception {
        Run run = run("fields", "--json");
        assertThat(run.exit()).isZero();
        JsonNode all = new ObjectMapper().readTree(run.out());
        boolean procName = false;
        boolean kaVerb = false;
        for (JsonNode f : all) {
            if (f.get("name").asText().equals("proc.name")) {
                procName = f.get("type").asText().equals("CHARBUF") && f.get("source").asText().equals("syscall");
            }
            if (f.get("name").asText().equals("ka.verb")) {
                kaVerb = f.get("source").asText().equals("k8s_audit");
            }
        }
        assertThat(procName).isTrue();
        assertThat(kaVerb).isTrue();
    }

    @Test
    void fields_text_marksArguments() {
        Run run = run("fields", "--source", "syscall");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("proc.aname[N]").contains("Event Sources:                syscall");
    }

    @Test
    void replaySample_bundledRules_summaryNoAlerts() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.replaySample(new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        // 1,536 blocks in the file; the converter folds enter events into exits (see scap-compat.md).
        assertThat(out.toString()).containsPattern("Replayed [1-9][0-9]* events: 0 alerts");
    }

    @Test
    void sampleCapture_isByteCopyOfUpstream() throws Exception {
        byte[] expected = Files.readAllBytes(upstream().resolve("scap/libs_curl_google.scap"));
        try (var in = Main.class.getResourceAsStream(Main.SAMPLE_CAPTURE)) {
            assertThat(in).isNotNull();
            assertThat(in.readAllBytes()).isEqualTo(expected);
        }
    }

    @Test
    void unknownOption_usageErrorExit2() {
        Run run = run("rules", "validate", "--bogus");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--bogus'");
    }
}
