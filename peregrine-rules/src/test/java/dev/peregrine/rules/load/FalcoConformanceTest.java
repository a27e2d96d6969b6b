package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Runs the rule-validation cases of the Falco black-box suite ({@code falco-testing/cases.yaml}: {@code runnable},
 * {@code kind: validation}, no capture): every listed rules file is loaded as {@code falco -V} would, and the JSON
 * document and exit code are checked with the suite's matching rules (see falco-testing/README.md).
 */
class FalcoConformanceTest {
    /**
     * Cases Peregrine knowingly does not pass, with the reason. Empty means every case must pass.
     */
    static final Map<String, String> KNOWN_DEVIATIONS = Map.of();

    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() {
        Map<String, Object> doc = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Upstream.read("falco-testing/cases.yaml"));
        List<Arguments> out = new ArrayList<>();
        for (Object o : (List<Object>) doc.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            if (Boolean.TRUE.equals(c.get("runnable")) && "validation".equals(c.get("kind"))
                    && c.get("capture") == null) {
                out.add(Arguments.of(c.get("id"), c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void validationCase_loadedAsFalcoV_meetsEveryExpectation(String id, Map<String, Object> c) throws Exception {
        Assumptions.assumeFalse(KNOWN_DEVIATIONS.containsKey(id), () -> "known deviation: " + KNOWN_DEVIATIONS.get(id));
        List<RulesSource> sources = ((List<String>) c.get("rules")).stream()
                .map(r -> Upstream.source("falco-testing/" + r)).toList();
        LoadOutcome outcome = RulesLoader.load(sources, LoadOptions.defaults());
        String json = outcome.toJson();
        JsonNode results = JSON.readTree(json).get("falco_load_results");
        Map<String, Object> expect = (Map<String, Object>) c.get("expect");
        String why = id + "\n" + json;

        if (expect.containsKey("exit_code")) {
            assertThat(outcome.exitCode()).as(why).isEqualTo(((Number) expect.get("exit_code")).intValue());
        }
        Map<String, Object> validation = (Map<String, Object>) expect.get("validation");
        if (validation == null) {
            return;
        }
        List<JsonNode> errors = new ArrayList<>();
        List<JsonNode> warnings = new ArrayList<>();
        results.forEach(r -> {
            r.get("errors").forEach(errors::add);
            r.get("warnings").forEach(warnings::add);
        });
        for (Map<String, Object> r : (List<Map<String, Object>>) validation.getOrDefault("results", List.of())) {
            int index = ((Number) r.get("index")).intValue();
            assertThat(results.get(index).get("successful").asBoolean()).as(why)
                    .isEqualTo(r.get("successful"));
        }
        if (validation.containsKey("errors_count")) {
            assertThat(errors).as(why).hasSize(((Number) validation.get("errors_count")).intValue());
        }
        if (validation.containsKey("warnings_count")) {
            assertThat(warnings).as(why).hasSize(((Number) validation.get("warnings_count")).intValue());
        }
        for (Map<String, Object> e : (List<Map<String, Object>>) validation.getOrDefault("errors", List.of())) {
            assertThat(errors).as(why + "\nexpected error " + e).anyMatch(p -> matches(p, e));
        }
        for (Map<String, Object> w : (List<Map<String, Object>>) validation.getOrDefault("warnings", List.of())) {
            assertThat(warnings).as(why + "\nexpected warning " + w).anyMatch(p -> matches(p, w));
        }
    }

    /** The suite's attribute matching: code and item_type case-insensitive, item_name and message exact. */
    static boolean matches(JsonNode problem, Map<String, Object> want) {
        if (want.containsKey("code") && !problem.get("code").asText().equalsIgnoreCase((String) want.get("code"))) {
            return false;
        }
        if (want.containsKey("message") && !problem.get("message").asText().equals(want.get("message"))) {
            return false;
        }
        JsonNode locs = problem.get("context").get("locations");
        if (want.containsKey("item_type")) {
            boolean any = false;
            for (JsonNode l : locs) {
                any |= l.get("item_type").asText().toLowerCase(Locale.ROOT)
                        .equals(((String) want.get("item_type")).toLowerCase(Locale.ROOT));
            }
            if (!any) {
                return false;
            }
        }
        if (want.containsKey("item_name")) {
            boolean any = false;
            for (JsonNode l : locs) {
                any |= Objects.equals(l.get("item_name").asText(), want.get("item_name"));
            }
            return any;
        }
        return true;
    }
}
