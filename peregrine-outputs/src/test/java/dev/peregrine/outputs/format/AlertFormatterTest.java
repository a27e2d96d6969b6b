package dev.peregrine.outputs.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Alert rendering against Falco's golden outputs of falcosecurity/testing ({@code single_rule_with_cat_write.*}),
 * with the event fields supplied by a map instead of a capture.
 */
class AlertFormatterTest {
    private static final long FIRST_TS = 1470327477881781397L;
    private static final String HOST = "test-falco-hostname";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path upstream() {
        String prop = System.getProperty("peregrine.upstream");
        return prop != null && Files.isDirectory(Path.of(prop)) ? Path.of(prop) : Path.of("/work/shared/upstream");
    }

    static Ruleset load(String name, String yaml) {
        LoadOutcome outcome = RulesLoader.load(List.of(new RulesSource(name, yaml)),
                LoadOptions.defaults().withBinding(new MapBinding()));
        assertThat(outcome.successful()).as(outcome.toJson()).isTrue();
        return outcome.ruleset().orElseThrow();
    }

    static Ruleset singleRuleWithTags() throws Exception {
        Path p = upstream().resolve("falco-testing/rules/single_rule_with_tags.yaml");
        return load(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
    }

    /** The event of the golden line with this timestamp: the text of evt.time.iso8601 and the command line. */
    static Map<String, Object> catEvent(long ts) {
        Map<String, Object> e = new HashMap<>();
        String iso = AlertTime.iso8601Utc(ts).replace("Z", "+0000");
        e.put("evt.time.iso8601", iso);
        e.put("evt.time", iso.substring(11, 29));
        e.put("proc.cmdline", "cat /dev/null");
        return e;
    }

    static List<Long> goldenTimestamps() throws Exception {
        List<Long> out = new ArrayList<>();
        for (String line : Files.readAllLines(upstream().resolve(
                "falco-testing/outputs/single_rule_with_cat_write.json"))) {
            out.add(JSON.readTree(line).get("output_fields").get("evt.time.iso8601").asLong());
        }
        return out;
    }

    @Test
    void format_textIso8601_matchesGoldenTextLines() throws Exception {
        Ruleset rs = singleRuleWithTags();
        AlertFormatOptions opts = new AlertFormatOptions(false, true, true, false, true, true, HOST, List.of());
        AlertFormatter f = AlertFormatter.create(rs, opts);
        Rule rule = rs.rule("open_from_cat").orElseThrow();
        List<String> golden = Files.readAllLines(upstream().resolve(
                "falco-testing/outputs/single_rule_with_cat_write.txt"));
        List<Long> ts = goldenTimestamps();
        assertThat(golden).hasSameSizeAs(ts).hasSize(8);
        EvalContext ctx = new EvalContext(rs.slots());
        for (int i = 0; i < ts.size(); i++) {
            ctx.reset(catEvent(ts.get(i)));
            assertThat(f.format(rule, ctx, ts.get(i)).line()).isEqualTo(golden.get(i));
        }
    }

    @Test
    void format_json_equalsGoldenJsonFieldForField() throws Exception {
        Ruleset rs = singleRuleWithTags();
        AlertFormatOptions opts = new AlertFormatOptions(true, true, true, false, true, true, HOST, List.of());
        AlertFormatter f = AlertFormatter.create(rs, opts);
        Rule rule = rs.rule("open_from_cat").orElseThrow();
        List<String> golden = Files.readAllLines(upstream().resolve(
                "falco-testing/outputs/single_rule_with_cat_write.json"));
        EvalContext ctx = new EvalContext(rs.slots());
        for (String line : golden) {
            JsonNode expected = JSON.readTree(line);
            long ts = expected.get("output_fields").get("evt.time.iso8601").asLong();
            ctx.reset(catEvent(ts));
            String actual = f.format(rule, ctx, ts).line();
            assertThat(JSON.readTree(actual)).isEqualTo(expected);
            List<String> keys = new ArrayList<>();
            Iterator<String> it = JSON.readTree(actual).fieldNames();
            it.forEachRemaining(keys::add);
            assertThat(keys).containsExactly("hostname", "output", "priority", "rule", "source", "tags", "time",
                    "output_fields");
        }
    }

    @Test
    void format_jsonWithoutOptionalProperties_omitsThem() throws Exception {
        Ruleset rs = singleRuleWithTags();
        AlertFormatOptions opts = new AlertFormatOptions(true, false, false, true, false, false, HOST, List.of());
        Rule rule = rs.rule("open_from_cat").orElseThrow();
        EvalContext ctx = new EvalContext(rs.slots());
        ctx.reset(catEvent(FIRST_TS));
        JsonNode n = JSON.readTree(AlertFormatter.create(rs, opts).format(rule, ctx, FIRST_TS).line());
        List<String> keys = new ArrayList<>();
        n.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("hostname", "message", "priority", "rule", "source", "time");
        assertThat(n.get("message").asText()).isEqualTo("An open was seen (command=cat /dev/null)");
    }

    @Test
    void format_textNotIso_usesEvtTime() throws Exception {
        Ruleset rs = singleRuleWithTags();
        AlertFormatter f = AlertFormatter.create(rs,
                new AlertFormatOptions(false, true, true, false, true, false, HOST, List.of()));
        EvalContext ctx = new EvalContext(rs.slots());
        ctx.reset(catEvent(FIRST_TS));
        assertThat(f.format(rs.rule("open_from_cat").orElseThrow(), ctx, FIRST_TS).line())
                .isEqualTo("16:17:57.881781397: Warning An open was seen (command=cat /dev/null)");
    }

    @Test
    void format_missingField_printsNaAndJsonNull() throws Exception {
        Ruleset rs = load("r.yaml", """
                - rule: r
                  desc: d
                  condition: evt.type=open
                  output: "seen (cport=%fd.cport command=%proc.cmdline)"
                  priority: WARNING
                """);
        AlertFormatter f = AlertFormatter.create(rs,
                new AlertFormatOptions(true, true, true, false, true, false, HOST, List.of()));
        EvalContext ctx = new EvalContext(rs.slots());
        ctx.reset(catEvent(FIRST_TS));
        JsonNode n = JSON.readTree(f.format(rs.rule("r").orElseThrow(), ctx, FIRST_TS).line());
        assertThat(n.get("output").asText()).endsWith("Warning seen (cport=<NA> command=cat /dev/null)");
        assertThat(n.get("output_fields").get("fd.cport").isNull()).isTrue();
        assertThat(n.get("output_fields").get("evt.time").asLong()).isEqualTo(FIRST_TS);
        assertThat(n.get("tags").isArray()).isTrue();
        assertThat(n.get("tags")).isEmpty();
    }

    @Test
    void format_suggestedOutput_appendsContainerFieldsToSyscallRules() throws Exception {
        Ruleset rs = singleRuleWithTags();
        AlertFormatter f = AlertFormatter.create(rs, AlertFormatOptions.defaults(HOST));
        Rule rule = rs.rule("open_from_cat").orElseThrow();
        assertThat(f.outputFormat(rule)).isEqualTo("An open was seen (command=%proc.cmdline)"
                + " container_id=%container.id container_name=%container.name"
                + " container_image_repository=%container.image.repository"
                + " container_image_tag=%container.image.tag k8s_pod_name=%k8s.pod.name k8s_ns_name=%k8s.ns.name");
        Map<String, Object> event = catEvent(FIRST_TS);
        event.put("container.id", "host");
        event.put("container.name", "host");
        EvalContext ctx = new EvalContext(rs.slots());
        ctx.reset(event);
        assertThat(f.format(rule, ctx, FIRST_TS).line()).isEqualTo("16:17:57.881781397: Warning An open was seen"
                + " (command=cat /dev/null) container_id=host container_name=host container_image_repository=<NA>"
                + " container_image_tag=<NA> k8s_pod_name=<NA> k8s_ns_name=<NA>");
    }

    @Test
    void format_appendOutputMatch_appliesOnlyToMatchingRulesAndAddsExtraFields() throws Exception {
        Ruleset rs = load("r.yaml", """
                - rule: tagged
                  desc: d
                  condition: evt.type=open
                  output: "a"
                  priority: INFO
                  tags: [x, y]
                - rule: other
                  desc: d
                  condition: evt.type=open
                  output: "b"
                  priority: INFO
                  tags: [x]
                """);
        AppendOutput byTag = new AppendOutput("", Set.of("x", "y"), "", "cmd=%proc.cmdline", false,
                Map.of("where", "on %proc.cmdline"), Set.of("proc.cmdline"));
        AppendOutput byRule = new AppendOutput("syscall", Set.of(), "other", "(other)", false, Map.of(), Set.of());
        AppendOutput otherSource = new AppendOutput("k8s_audit", Set.of(), "", "never", false, Map.of(), Set.of());
        AlertFormatter f = AlertFormatter.create(rs, new AlertFormatOptions(true, true, true, false, true, false,
                HOST, List.of(byTag, byRule, otherSource)));
        assertThat(f.outputFormat(rs.rule("tagged").orElseThrow())).isEqualTo("a cmd=%proc.cmdline");
        assertThat(f.outputFormat(rs.rule("other").orElseThrow())).isEqualTo("b (other)");
        EvalContext ctx = new EvalContext(rs.slots());
        ctx.reset(catEvent(FIRST_TS));
        JsonNode n = JSON.readTree(f.format(rs.rule("tagged").orElseThrow(), ctx, FIRST_TS).line());
        assertThat(n.get("output").asText()).isEqualTo("16:17:57.881781397: Informational a cmd=cat /dev/null");
        assertThat(n.get("output_fields").get("where").asText()).isEqualTo("on cat /dev/null");
        assertThat(n.get("output_fields").get("proc.cmdline").asText()).isEqualTo("cat /dev/null");
    }

    @Test
    void create_appendedFormatWithUnknownField_failsNamingTheRule() throws Exception {
        Ruleset rs = singleRuleWithTags();
        AppendOutput bad = new AppendOutput("", Set.of(), "", "x=%not.a_field", false, Map.of(), Set.of());
        assertThatThrownBy(() -> AlertFormatter.create(rs,
                new AlertFormatOptions(false, true, true, false, true, false, HOST, List.of(bad))))
                .isInstanceOf(AlertFormatException.class)
                .hasMessageContaining("rule 'open_from_cat'")
                .hasMessageContaining("not.a_field");
    }

    @Test
    void formatInternal_textAndJson_asFalcoHandleMsg() throws Exception {
        Ruleset rs = singleRuleWithTags();
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("n_evts", 9L);
        fields.put("n_drops", "1");
        AlertFormatter text = AlertFormatter.create(rs,
                new AlertFormatOptions(false, true, true, false, true, true, HOST, List.of()));
        FormattedAlert t = text.formatInternal(FIRST_TS, 3600, dev.peregrine.rules.load.Priority.CRITICAL,
                "Falco internal: syscall event drop. 9 system calls dropped in last second.",
                "Falco internal: syscall event drop", fields);
        assertThat(t.line()).isEqualTo("17:17:57.881781397: Critical Falco internal: syscall event drop. 9 system"
                + " calls dropped in last second. (n_evts=9 n_drops=\"1\")");
        assertThat(t.source()).isEqualTo("internal");
        AlertFormatter json = AlertFormatter.create(rs,
                new AlertFormatOptions(true, true, true, false, true, true, HOST, List.of()));
        JsonNode n = JSON.readTree(json.formatInternal(FIRST_TS, 0, dev.peregrine.rules.load.Priority.CRITICAL,
                "msg", "r", fields).line());
        assertThat(n.get("source").asText()).isEqualTo("internal");
        assertThat(n.get("output").asText()).isEqualTo("msg");
        assertThat(n.get("output_fields").get("n_evts").asLong()).isEqualTo(9);
        assertThat(n.get("time").asText()).isEqualTo("2016-08-04T16:17:57.881781397Z");
    }

    @Test
    void json_controlCharactersAndQuotes_escapedAsNlohmann() {
        StringBuilder sb = new StringBuilder();
        AlertJson.string(sb, "a\"b\\c\n\u0001é");
        assertThat(sb.toString()).isEqualTo("\"a\\\"b\\\\c\\n\\u0001é\"");
    }

    @Test
    void hostname_envVariableWins_elseSystem() {
        assertThat(Hostname.resolve(Map.of("FALCO_HOSTNAME", "h1", "FALCO_GRPC_HOSTNAME", "h2"))).isEqualTo("h1");
        assertThat(Hostname.resolve(Map.of("FALCO_GRPC_HOSTNAME", "h2"))).isEqualTo("h2");
        assertThat(Hostname.resolve(Map.of("FALCO_HOSTNAME", ""))).isEmpty();
        assertThat(Hostname.resolve(Map.of())).isNotEmpty();
    }

    @Test
    void iso8601Utc_nineDigitsAndZ() {
        assertThat(AlertTime.iso8601Utc(FIRST_TS)).isEqualTo("2016-08-04T16:17:57.881781397Z");
        assertThat(AlertTime.iso8601Utc(5L)).isEqualTo("1970-01-01T00:00:00.000000005Z");
    }
}
