package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.compile.EvalContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** End-to-end loading: conditions parsed and compiled by the real parser, compiler and field catalogs. */
class RulesLoaderTest {
    private static LoadOutcome load(String... contents) {
        List<RulesSource> sources = new java.util.ArrayList<>();
        for (int i = 0; i < contents.length; i++) {
            sources.add(new RulesSource("f" + i + ".yaml", contents[i]));
        }
        return RulesLoader.load(sources, LoadOptions.defaults());
    }

    private static String rule(String name, String condition) {
        return "- rule: " + name + "\n  desc: d\n  condition: " + condition + "\n  output: \"o %proc.name\"\n"
                + "  priority: WARNING\n";
    }

    private static Problem onlyError(LoadOutcome o) {
        List<Problem> errors = o.results().stream().flatMap(r -> r.errors().stream()).toList();
        assertThat(errors).as(o.toJson()).hasSize(1);
        assertThat(o.ruleset()).isEmpty();
        assertThat(o.exitCode()).isEqualTo(1);
        return errors.getFirst();
    }

    @Test
    void load_unknownField_locatedCompileError() {
        Problem p = onlyError(load(rule("r", "evt.type = open and proc.nme = cat")));
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_COMPILE_CONDITION);
        assertThat(p.message()).isEqualTo("filter_check called with nonexistent field proc.nme");
        assertThat(p.locations()).extracting(Location::itemType).containsExactly(ItemType.RULES_CONTENT,
                ItemType.RULE, ItemType.RULE_CONDITION, ItemType.CONDITION_EXPRESSION);
        assertThat(p.location().position().line()).isEqualTo(3);
        assertThat(p.location().position().name()).isEqualTo("\"evt.type = open a...\"");
    }

    @Test
    void load_unknownMacro_locatedValidateError() {
        Problem p = onlyError(load(rule("r", "evt.type = open and not_defined")));
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_VALIDATE);
        assertThat(p.message()).isEqualTo("Undefined macro 'not_defined' used in filter.");
        assertThat(p.locations().get(1).itemName()).isEqualTo("r");
        assertThat(p.location().itemType()).isEqualTo(ItemType.CONDITION_EXPRESSION);
    }

    @Test
    void load_badOperatorForType_locatedCompileError() {
        Problem p = onlyError(load(rule("r", "evt.type = open and fd.num startswith 3")));
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_COMPILE_CONDITION);
        assertThat(p.message()).isNotBlank();
        assertThat(p.location().itemType()).isEqualTo(ItemType.CONDITION_EXPRESSION);
    }

    @Test
    void load_unbalancedParentheses_locatedParseError() {
        Problem p = onlyError(load(rule("r", "(evt.type = open and proc.name = cat")));
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_COMPILE_CONDITION);
        assertThat(p.message()).isNotBlank();
        assertThat(p.location().itemType()).isEqualTo(ItemType.CONDITION_EXPRESSION);
    }

    @Test
    void load_badEscapeInConditionString_locatedParseError() {
        Problem p = onlyError(load(rule("r", "'evt.type = open and proc.name = \"a\\q\"'")));
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_COMPILE_CONDITION);
        assertThat(p.location().itemType()).isEqualTo(ItemType.CONDITION_EXPRESSION);
    }

    @Test
    void load_overrideOfMissingRule_locatedValidateError() {
        Problem p = onlyError(load("- rule: ghost\n  condition: and proc.name = x\n  override:\n"
                + "    condition: append\n"));
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_VALIDATE);
        assertThat(p.message()).isEqualTo(RulesCollector.ERROR_NO_PREVIOUS_RULE_APPEND);
        assertThat(p.location().itemName()).isEqualTo("ghost");
        assertThat(p.location().position().line()).isZero();
    }

    @Test
    void load_macroVisibility_macroSeesOnlyEarlierMacros_ruleSeesAll() {
        Problem p = onlyError(load("- macro: a\n  condition: b\n- macro: b\n  condition: evt.type = open\n"
                + rule("r", "a")));
        assertThat(p.message()).isEqualTo("Undefined macro 'b' used in filter.");
        assertThat(p.locations().get(1).itemType()).isEqualTo(ItemType.MACRO);
        LoadOutcome ok = load(rule("r", "later") + "- macro: later\n  condition: evt.type = open\n");
        assertThat(ok.successful()).as(ok.toJson()).isTrue();
    }

    @Test
    void load_macroAppendedAfterLaterMacro_seesIt() {
        LoadOutcome ok = load("- macro: a\n  condition: evt.type = open\n- macro: b\n  condition: proc.name = x\n"
                + "- macro: a\n  condition: and b\n  override:\n    condition: append\n" + rule("r", "a"));
        assertThat(ok.successful()).as(ok.toJson()).isTrue();
        assertThat(ok.results().getFirst().warnings()).isEmpty();
    }

    @Test
    void load_listsSubstitutedAndExceptionsBuilt_conditionTextAsFalco() {
        LoadOutcome o = load("- list: shells\n  items: [bash, \"my sh\"]\n- list: all_shells\n  items: [shells, zsh]\n"
                + rule("r", "evt.type = execve and proc.name in (all_shells)")
                + "  exceptions:\n    - name: parent\n      fields: proc.pname\n      values: [sshd]\n");
        assertThat(o.successful()).as(o.toJson()).isTrue();
        Rule r = o.ruleset().orElseThrow().rule("r").orElseThrow();
        assertThat(r.conditionText()).isEqualTo("(evt.type = execve and proc.name in (all_shells)) and not "
                + "(proc.pname in (sshd))");
        assertThat(r.exceptionFields()).containsExactly("proc.pname");
        assertThat(o.results().getFirst().warnings()).isEmpty();
    }

    @Test
    void load_unusedMacroAndList_warn() {
        LoadOutcome o = load("- list: l\n  items: [a]\n- macro: m\n  condition: proc.name = x\n"
                + rule("r", "evt.type = open"));
        assertThat(o.results().getFirst().warnings()).extracting(Problem::code, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(LoadCode.LOAD_UNUSED_MACRO,
                        "Macro not referred to by any other rule/macro"),
                org.assertj.core.groups.Tuple.tuple(LoadCode.LOAD_UNUSED_LIST,
                        "List not referred to by any other rule/macro"));
    }

    @Test
    void load_noEvttype_warnsUnlessDisabled() {
        LoadOutcome o = load(rule("r", "proc.name = x") + rule("q", "proc.name = y") + "  warn_evttypes: false\n");
        assertThat(o.results().getFirst().warnings()).extracting(p -> p.location().itemName()).containsExactly("r");
    }

    @Test
    void load_skipIfUnknownFilter_warnsAndDropsRule() {
        LoadOutcome o = load(rule("r", "evt.type = open and proc.nobody = x") + "  skip-if-unknown-filter: true\n"
                + rule("q", "evt.type = open"));
        assertThat(o.successful()).isTrue();
        assertThat(o.results().getFirst().warnings()).extracting(Problem::code)
                .containsExactly(LoadCode.LOAD_UNKNOWN_FILTER);
        assertThat(o.ruleset().orElseThrow().rules()).extracting(Rule::name).containsExactly("q");
    }

    @Test
    void load_deprecatedFields_warnWithFieldInJsonAndText() throws Exception {
        LoadOutcome o = load("- rule: r\n  desc: d\n  condition: evt.type = open and evt.dir = <\n"
                + "  output: \"lat=%evt.latency\"\n  priority: INFO\n");
        List<Problem> w = o.results().getFirst().warnings();
        assertThat(w).extracting(Problem::deprecatedField).containsExactly("evt.latency", "evt.dir");
        assertThat(w.getFirst().message())
                .isEqualTo("usage of deprecated field 'evt.latency' has been detected in the rule output");
        assertThat(w.get(1).message()).isEqualTo(ConditionWarnings.EVT_DIR_DESC);
        assertThat(o.results().getFirst().summaryText()).contains("LOAD_DEPRECATED_ITEM (Used deprecated item: "
                + "field 'evt.dir')");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(o.toJson());
        assertThat(json.at("/falco_load_results/0/warnings/1/deprecated_field").asText()).isEqualTo("evt.dir");
        assertThat(json.at("/falco_load_results/0/warnings/1/codedesc").asText())
                .isEqualTo(LoadCode.LOAD_DEPRECATED_ITEM.codedesc());
    }

    @Test
    void load_appendedOutputAndFields_applyToMatchingRulesOnly() {
        String content = rule("tagged", "evt.type = open") + "  tags: [net, fs]\n" + rule("plain", "evt.type = open");
        LoadOptions options = LoadOptions.defaults().withAppendedOutputs(
                List.of(new AppendedOutput("pid=%proc.pid", "", java.util.Set.of("net"), ""),
                        new AppendedOutput("k8s", "k8s_audit", java.util.Set.of(), "")),
                List.of(new AppendedField("user", "%user.name", "syscall", java.util.Set.of(), "plain", false),
                        new AppendedField("user", "%user.uid", "", java.util.Set.of(), "plain", true)));
        LoadOutcome o = RulesLoader.load(List.of(new RulesSource("f.yaml", content)), options);
        Ruleset rs = o.ruleset().orElseThrow(() -> new AssertionError(o.toJson()));
        Rule tagged = rs.rule("tagged").orElseThrow();
        Rule plain = rs.rule("plain").orElseThrow();
        assertThat(tagged.outputFormat()).isEqualTo("o %proc.name pid=%proc.pid");
        assertThat(tagged.extraFields()).isEmpty();
        assertThat(plain.outputFormat()).isEqualTo("o %proc.name");
        assertThat(plain.extraFields()).extracting(Rule.ExtraField::key, Rule.ExtraField::format,
                Rule.ExtraField::raw).containsExactly(org.assertj.core.groups.Tuple.tuple("user", "%user.uid", true));
    }

    @Test
    void load_appendedFieldWithUnknownField_isOutputError() {
        LoadOptions options = LoadOptions.defaults().withAppendedOutputs(List.of(),
                List.of(new AppendedField("x", "%proc.nobody", "", java.util.Set.of(), "", false)));
        LoadOutcome o = RulesLoader.load(List.of(new RulesSource("f.yaml", rule("r", "evt.type = open"))), options);
        Problem p = onlyError(o);
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_COMPILE_OUTPUT);
        assertThat(p.location().itemType()).isEqualTo(ItemType.RULE_OUTPUT);
    }

    @Test
    void load_nestingBound_isFalcosThousand() {
        String deep = "(".repeat(100) + "evt.type = open" + ")".repeat(100);
        LoadOutcome ok = load(rule("r", "'" + deep + "'"));
        assertThat(ok.successful()).as(ok.toJson()).isTrue();
        Problem p = onlyError(load(rule("r", "'" + "(".repeat(1200) + "evt.type = open" + ")".repeat(1200) + "'")));
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_COMPILE_CONDITION);
        assertThat(p.message()).contains("exceeded max depth limit of 1000");
    }

    @Test
    void load_macroChainTooDeep_isProblemNotCrash() {
        StringBuilder sb = new StringBuilder("- macro: m0\n  condition: evt.type = open\n");
        int n = 10_000;
        for (int i = 1; i <= n; i++) {
            sb.append("- macro: m").append(i).append("\n  condition: m").append(i - 1).append('\n');
        }
        sb.append(rule("r", "m" + n));
        LoadOutcome o = load(sb.toString());
        assertThat(o.results()).hasSize(1);
        assertThat(o.successful() || o.results().getFirst().errors().getFirst().message().contains("nested"))
                .isTrue();
    }

    @Test
    void match_firstAndAll_returnMatchingRulesInLoadOrder() {
        String content = rule("one", "not proc.name exists") + "  warn_evttypes: false\n"
                + rule("two", "not proc.name exists") + "  warn_evttypes: false\n"
                + rule("three", "proc.name exists") + "  warn_evttypes: false\n";
        int code = EventTable.get().codesForTypeName("open")[0];
        for (RuleMatching m : RuleMatching.values()) {
            LoadOutcome o = RulesLoader.load(List.of(new RulesSource("f.yaml", content)),
                    LoadOptions.defaults().withRuleMatching(m));
            Ruleset rs = o.ruleset().orElseThrow();
            EvalContext ctx = new EvalContext(rs.slots());
            ctx.reset(new Object());
            List<String> names = rs.match(ctx, code).stream().map(Rule::name).toList();
            assertThat(names).isEqualTo(m == RuleMatching.FIRST ? List.of("one") : List.of("one", "two"));
        }
    }
}
