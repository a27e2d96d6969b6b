package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The upstream Falco rules files load without error and define what Falco counts. */
class UpstreamRulesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "falco_rules.yaml, 25, 25, 87, 49",
            "falco-incubating_rules.yaml, 31, 31, 82, 54",
            "falco-sandbox_rules.yaml, 37, 25, 183, 60",
            "k8s_audit_rules.yaml, 48, 48, 45, 18"})
    void load_upstreamFile_noErrorAndFalcoInventory(String file, int rules, int enabled, int macros, int lists) {
        LoadOutcome outcome = RulesLoader.load(List.of(Upstream.source("falco/" + file)), LoadOptions.defaults());
        assertThat(outcome.results().getFirst().errors()).as(outcome.toJson()).isEmpty();
        assertThat(outcome.inventories().getFirst()).isEqualTo(new FileInventory(file, rules, macros, lists));
        Ruleset ruleset = outcome.ruleset().orElseThrow();
        assertThat(ruleset.rules()).hasSize(rules);
        assertThat(ruleset.enabledRules()).hasSize(enabled);
        assertThat(ruleset.macroCount()).isEqualTo(macros);
        assertThat(ruleset.listCount()).isEqualTo(lists);
    }

    @Test
    void load_threeSyscallFilesTogether_laterDefinitionsOverride() {
        LoadOutcome outcome = RulesLoader.load(List.of(Upstream.source("falco/falco_rules.yaml"),
                Upstream.source("falco/falco-incubating_rules.yaml"),
                Upstream.source("falco/falco-sandbox_rules.yaml")), LoadOptions.defaults());
        assertThat(outcome.successful()).as(outcome.toJson()).isTrue();
        Ruleset ruleset = outcome.ruleset().orElseThrow();
        assertThat(ruleset.rules()).hasSize(25 + 31 + 37);
        assertThat(ruleset.rules()).extracting(Rule::name).doesNotHaveDuplicates();
        assertThat(ruleset.rules()).allMatch(r -> r.source().equals("syscall") && r.eventTypes() != null);
    }

    @Test
    void load_minimumPriority_dropsLowerRulesFromEnabledSet() {
        LoadOutcome outcome = RulesLoader.load(List.of(Upstream.source("falco/falco_rules.yaml")),
                LoadOptions.defaults().withMinPriority(Priority.CRITICAL));
        Ruleset ruleset = outcome.ruleset().orElseThrow();
        assertThat(ruleset.enabledRules()).isNotEmpty()
                .allMatch(r -> r.priority().atLeast(Priority.CRITICAL));
        ruleset.apply(new RuleSelector.ByName(true, "*"));
        assertThat(ruleset.enabledRules()).allMatch(r -> r.priority().atLeast(Priority.CRITICAL));
    }

    @Test
    void load_selectors_disableAllThenEnableByTag() {
        LoadOutcome outcome = RulesLoader.load(List.of(Upstream.source("falco/falco_rules.yaml")),
                LoadOptions.defaults().withSelectors(List.of(new RuleSelector.ByName(false, "*"),
                        new RuleSelector.ByTag(true, "network"))));
        Ruleset ruleset = outcome.ruleset().orElseThrow();
        assertThat(ruleset.enabledRules()).isNotEmpty().allMatch(r -> r.tags().contains("network"));
        assertThat(ruleset.enabledRules().size()).isLessThan(ruleset.rules().size());
    }
}
