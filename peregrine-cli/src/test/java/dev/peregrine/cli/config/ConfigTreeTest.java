package dev.peregrine.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTreeTest {
    private static ConfigTree tree(String yaml) {
        return ConfigTree.parse(yaml, "test.yaml", Map.of());
    }

    @Test
    void setOption_dottedKey_createsNestedMaps() {
        ConfigTree t = ConfigTree.empty();
        t.setOption("engine.replay.capture_file=a.scap");
        assertThat(t.get("engine.replay.capture_file").asText()).isEqualTo("a.scap");
        assertThat(t.get("engine").isObject()).isTrue();
    }

    @Test
    void setOption_valueWithEquals_keepsEverythingAfterFirstEquals() {
        ConfigTree t = ConfigTree.empty();
        t.setOption("program_output.program=jq '.x == 1'");
        assertThat(t.get("program_output.program").asText()).isEqualTo("jq '.x == 1'");
    }

    @Test
    void setOption_emptyIndex_appendsEntriesInOrder() {
        ConfigTree t = tree("rules:\n  - enable: {tag: a}\n");
        t.setOption("rules[].disable.rule=*");
        t.setOption("rules[].enable.tag=network");
        assertThat(t.get("rules").size()).isEqualTo(3);
        assertThat(t.get("rules[1].disable.rule").asText()).isEqualTo("*");
        assertThat(t.get("rules[2].enable.tag").asText()).isEqualTo("network");
    }

    @Test
    void setOption_numericIndex_setsOrAppends() {
        ConfigTree t = tree("load_plugins: []\n");
        t.setOption("load_plugins[0]=json");
        t.setOption("load_plugins[1]=k8saudit");
        t.setOption("load_plugins[0]=container");
        assertThat(t.get("load_plugins").toString()).isEqualTo("[\"container\",\"k8saudit\"]");
    }

    @Test
    void setOption_nameOnSequence_turnsSequenceIntoMapAsYamlCpp() {
        ConfigTree t = tree("append_output:\n  - suggested_output: true\n");
        t.setOption("append_output.suggested_output=false");
        assertThat(t.get("append_output").isObject()).isTrue();
        assertThat(t.get("append_output.0.suggested_output").asBoolean()).isTrue();
        assertThat(t.get("append_output.suggested_output").asText()).isEqualTo("false");
    }

    @Test
    void setOption_braces_parsesYamlObject() {
        ConfigTree t = ConfigTree.empty();
        t.setOption("file_output={enabled: true, filename: out.txt}");
        assertThat(t.get("file_output.filename").asText()).isEqualTo("out.txt");
        assertThat(t.get("file_output.enabled").asBoolean()).isTrue();
    }

    @Test
    void setOption_scalars_typedAsYamlWhenLossless() {
        ConfigTree t = ConfigTree.empty();
        t.setOption("a=true");
        t.setOption("b=FALSE");
        t.setOption("c=42");
        t.setOption("d=0.1");
        t.setOption("e=010");
        t.setOption("f=yes");
        t.setOption("g=*");
        t.setOption("h=1e3");
        t.setOption("i=");
        assertThat(t.get("a").isBoolean()).isTrue();
        assertThat(t.get("b").booleanValue()).isFalse();
        assertThat(t.get("c").isIntegralNumber()).isTrue();
        assertThat(t.get("c").longValue()).isEqualTo(42);
        assertThat(t.get("d").doubleValue()).isEqualTo(0.1);
        for (String textual : new String[] {"e", "f", "g", "h", "i"}) {
            assertThat(t.get(textual).isTextual()).as(textual).isTrue();
        }
        assertThat(t.get("e").asText()).isEqualTo("010");
    }

    @Test
    void setOption_noEquals_failsWithFalcosMessage() {
        assertThatThrownBy(() -> ConfigTree.empty().setOption("json_output"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Error parsing config option \"json_output\". Must be of the form key=val or"
                        + " key.subkey=val");
    }

    @Test
    void setOption_badIndex_namesKeyAndReason() {
        assertThatThrownBy(() -> ConfigTree.empty().setOption("a[x]=1"))
                .hasMessage("Config error at key \"a[x]\": Parsing error: expected a numeric index, found 'x'");
        assertThatThrownBy(() -> ConfigTree.empty().setOption("a..b=1"))
                .hasMessageStartingWith("Config error at key \"a..b\": Parsing error: unexpected character");
    }

    @Test
    void setOption_childOfScalar_failsNamingKey() {
        ConfigTree t = tree("json_output: true\n");
        assertThatThrownBy(() -> t.setOption("json_output.x=1"))
                .hasMessageContaining("Config error at key \"json_output.x\"");
    }

    @Test
    void get_missingOrWrongShape_isMissing() {
        ConfigTree t = tree("a: [1, 2]\nb: {c: 1}\n");
        assertThat(t.isDefined("a.x")).isFalse();
        assertThat(t.isDefined("b[0]")).isFalse();
        assertThat(t.isDefined("a[5]")).isFalse();
        assertThat(t.get("a[1]").asInt()).isEqualTo(2);
    }

    @Test
    void parse_envVariables_expandedAndEscaped() {
        ConfigTree t = ConfigTree.parse("a: ${HOME_X}/x\nb: $${HOME_X}\nc: ${UNSET_X}y\n", "t.yaml",
                Map.of("HOME_X", "/h"));
        assertThat(t.get("a").asText()).isEqualTo("/h/x");
        assertThat(t.get("b").asText()).isEqualTo("${HOME_X}");
        assertThat(t.get("c").asText()).isEqualTo("y");
    }

    @Test
    void parse_invalidYaml_namesFileAndPosition() {
        assertThatThrownBy(() -> ConfigTree.parse("a: [1\n", "bad.yaml", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Cannot read config file (bad.yaml): YAML error at line");
    }
}
