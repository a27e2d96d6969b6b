package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.outputs.format.AlertFormatOptions;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Falco's golden outputs for {@code single_rule_with_tags.yaml} on {@code cat_write.scap} (falco-testing
 * {@code outputs/single_rule_with_cat_write.{txt,json}}), through the replay pipeline and the Falco alert formatter:
 * byte for byte in text mode, field for field in JSON (hostname {@code test-falco-hostname}, ISO 8601 times, no
 * suggested output fields, as the upstream cases run it).
 */
class FalcoGoldenOutputTest {
    private static final Path TESTING = Upstream.dir().resolve("falco-testing");
    private static final String HOSTNAME = "test-falco-hostname";

    private List<FormattedAlert> replay(String rulesFile, AlertFormatOptions options) throws IOException {
        SyscallBinding binding = new SyscallBinding();
        Path rules = TESTING.resolve(rulesFile);
        LoadOutcome outcome = RulesLoader.load(List.of(new RulesSource(rules.toString(), Files.readString(rules))),
                LoadOptions.defaults().withBinding(binding));
        assertThat(outcome.successful()).as(outcome.toJson()).isTrue();
        Ruleset ruleset = outcome.ruleset().orElseThrow();
        AlertFormatter formatter = AlertFormatter.create(ruleset, options);
        List<FormattedAlert> alerts = new ArrayList<>();
        ReplayStats stats = new ReplayPipeline(HOSTNAME, ZoneOffset.UTC).replay(Upstream.capture("cat_write.scap"),
                ruleset, binding, new FormattingSink(formatter, alerts::add));
        assertThat(stats.exitCode()).isZero();
        assertThat(stats.alerts()).isEqualTo(alerts.size());
        return alerts;
    }

    @Test
    void replay_singleRuleText_equalsGoldenBytes() throws IOException {
        AlertFormatOptions text = new AlertFormatOptions(false, true, true, false, true, true, HOSTNAME, List.of());
        List<String> lines = replay("rules/single_rule.yaml", text).stream().map(FormattedAlert::line).toList();
        String expected = Files.readString(TESTING.resolve("outputs/single_rule_with_cat_write.txt"));
        assertThat(String.join("\n", lines) + "\n").isEqualTo(expected);
    }

    @Test
    void replay_singleRuleWithTagsJson_equalsGoldenFieldByField() throws IOException {
        AlertFormatOptions json = new AlertFormatOptions(true, true, true, false, true, true, HOSTNAME, List.of());
        List<FormattedAlert> alerts = replay("rules/single_rule_with_tags.yaml", json);
        List<String> expected = Files.readAllLines(TESTING.resolve("outputs/single_rule_with_cat_write.json"));
        ObjectMapper mapper = new ObjectMapper();
        assertThat(alerts).hasSize(8);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = mapper.readTree(expected.get(i));
            JsonNode got = mapper.readTree(alerts.get(i).line());
            assertThat(got).as("alert %d: %s", i, alerts.get(i).line()).isEqualTo(want);
        }
    }
}
