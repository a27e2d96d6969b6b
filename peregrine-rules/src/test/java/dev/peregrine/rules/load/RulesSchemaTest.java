package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RulesSchemaTest {
    private static FileLoadResult readOne(String content) {
        return FakeSources.read(new RulesCollector(FakeSources.syscall()), content).getFirst().result();
    }

    @ParameterizedTest
    @ValueSource(strings = {"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml",
            "k8s_audit_rules.yaml"})
    void upstreamFiles_matchTheSchema(String file) {
        FileLoadResult r = FakeSources.read(new RulesCollector(FakeSources.syscall()),
                Upstream.read("falco/" + file)).getFirst().result();
        assertThat(r.schemaStatus()).containsOnly("ok");
        assertThat(r.schemaValid()).isTrue();
    }

    @Test
    void lowercasePriorityAndUnknownKey_areSchemaWarningsNotErrors() {
        FileLoadResult r = readOne("- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: error\n"
                + "  colour: red\n");
        assertThat(r.successful()).isTrue();
        assertThat(r.schemaValid()).isFalse();
        assertThat(r.schemaStatus()).containsExactly(
                "failed for <root>[0][priority]: Failed to match against any enum values.",
                "failed for <root>[0]: Object contains a property that could not be validated using 'properties' "
                        + "or 'additionalProperties' constraints: 'colour'.");
        assertThat(r.summaryText()).contains("\n 2 schema warnings: [failed for <root>[0][priority]");
        assertThat(LoadResultsJson.toJson(List.of(r))).contains("\"schema_valid\":false,\"schema_warnings\":"
                + "[\"failed for <root>[0][priority]: Failed to match against any enum values.\",");
    }

    @Test
    void validFile_jsonHasSchemaValidTrueAndNoWarnings() {
        FileLoadResult r = readOne("- list: l\n  items: [a, 1]\n");
        assertThat(LoadResultsJson.toJson(List.of(r))).isEqualTo("{\"falco_load_results\":[{\"errors\":[],\"name\":"
                + "\"f0.yaml\",\"schema_valid\":true,\"schema_warnings\":[],\"successful\":true,\"warnings\":[]}]}");
    }

    @Test
    void weakTypes_booleansIntegersAndOverrides() {
        assertThat(readOne("- rule: r\n  enabled: yes\n").schemaStatus())
                .containsExactly("failed for <root>[0][enabled]: Value type not permitted by 'type' constraint.");
        assertThat(readOne("- rule: r\n  enabled: false\n  capture_duration: 10\n").schemaStatus())
                .containsExactly("ok");
        assertThat(readOne("- rule: r\n  override:\n    source: append\n").schemaStatus()).containsExactly(
                "failed for <root>[0][override]: Object contains a property that could not be validated using "
                        + "'properties' or 'additionalProperties' constraints: 'source'.");
    }

    @Test
    void yamlParseError_hasNoSchemaStatus() {
        FileLoadResult r = readOne("This : is : not : yaml\n");
        assertThat(r.schemaStatus()).isEmpty();
        assertThat(LoadResultsJson.toJson(List.of(r))).doesNotContain("schema_valid");
    }
}
