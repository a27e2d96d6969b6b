package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.RulesLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulesDocTest {
    @Test
    void docsRulesMd_isTheCurrentBundledReference() throws Exception {
        Path doc = Path.of("..", "docs", "rules.md");

        assertThat(Files.readString(doc))
                .as("docs/rules.md is out of date: bin/peregrine rules doc > docs/rules.md")
                .isEqualTo(RulesCommand.Doc.bundledReference());
    }

    @Test
    void bundledReference_everyDefaultAndPeregrineRule_hasSectionWithSummaryAndMitre() {
        String doc = RulesCommand.Doc.bundledReference();
        for (String file : List.of(BundledRules.STABLE, BundledRules.PEREGRINE)) {
            var rules = RulesLoader.load(List.of(BundledRules.byName(file).orElseThrow()), LoadOptions.defaults())
                    .ruleset().orElseThrow().rules();
            for (var r : rules) {
                int at = doc.indexOf("\n### " + r.name() + "\n");
                assertThat(at).as(r.name()).isPositive();
                String section = doc.substring(at, doc.indexOf("\n\n", doc.indexOf("- Tune with:", at)));
                assertThat(section).as(r.name()).contains("- Detects: ", "- Tags: ", "- Priority: ");
                if (file.equals(BundledRules.STABLE)) {
                    String upstreamStart = r.description().strip().replaceAll("\\s+", " ").substring(0, 40);
                    assertThat(section).as("%s: Peregrine's own summary, not Falco's description", r.name())
                            .doesNotContain(upstreamStart);
                }
                if (r.sortedTags().stream().anyMatch(t -> t.matches("T\\d{4}.*"))) {
                    assertThat(section).as(r.name()).doesNotContain("MITRE ATT&CK: none fits");
                }
            }
        }
    }
}
