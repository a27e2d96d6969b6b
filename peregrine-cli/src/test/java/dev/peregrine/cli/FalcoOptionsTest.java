package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FalcoOptionsTest {
    @Test
    void parse_shortOptions_valueFromNextOrSameArgument() throws Exception {
        FalcoOptions o = FalcoOptions.parse(List.of("-c", "f.yaml", "-rrules.yaml", "-r", "b.yaml",
                "-ojson_output=true", "-o", "a=b", "-V", "v.yaml", "-l", "rule name", "-M", "5"));
        assertThat(o.configFile).isEqualTo("f.yaml");
        assertThat(o.rulesFiles).containsExactly("rules.yaml", "b.yaml");
        assertThat(o.configOptions).containsExactly("json_output=true", "a=b");
        assertThat(o.validateFiles).containsExactly("v.yaml");
        assertThat(o.describeRule).isEqualTo("rule name");
        assertThat(o.stopAfterSeconds).isEqualTo(5);
    }

    @Test
    void parse_groupedFlags_andFlagThenValueOption() throws Exception {
        FalcoOptions o = FalcoOptions.parse(List.of("-UL", "-Nv", "-Ar", "x.yaml"));
        assertThat(o.unbuffered).isTrue();
        assertThat(o.describeAllRules).isTrue();
        assertThat(o.namesOnly).isTrue();
        assertThat(o.verbose).isTrue();
        assertThat(o.allEvents).isTrue();
        assertThat(o.rulesFiles).containsExactly("x.yaml");
    }

    @Test
    void parse_longOptions_equalsOrNextArgument() throws Exception {
        FalcoOptions o = FalcoOptions.parse(List.of("--option=a=1", "--option", "b=2", "--validate=v.yaml",
                "--plugin-info=container", "--dry-run", "--unbuffered", "--version", "--help"));
        assertThat(o.configOptions).containsExactly("a=1", "b=2");
        assertThat(o.validateFiles).containsExactly("v.yaml");
        assertThat(o.pluginInfo).isEqualTo("container");
        assertThat(o.dryRun).isTrue();
        assertThat(o.unbuffered).isTrue();
        assertThat(o.version).isTrue();
        assertThat(o.help).isTrue();
    }

    @Test
    void parse_list_implicitValue() throws Exception {
        assertThat(FalcoOptions.parse(List.of("--list")).listSource).isEmpty();
        assertThat(FalcoOptions.parse(List.of("--list", "syscall")).listSource).isEqualTo("syscall");
        assertThat(FalcoOptions.parse(List.of("--list=k8s_audit")).listSource).isEqualTo("k8s_audit");
        FalcoOptions o = FalcoOptions.parse(List.of("--list", "-N"));
        assertThat(o.listSource).isEmpty();
        assertThat(o.namesOnly).isTrue();
    }

    @Test
    void parse_badInput_failsWithCxxoptsWording() {
        assertThatThrownBy(() -> FalcoOptions.parse(List.of("-x"))).hasMessage("Option 'x' does not exist");
        assertThatThrownBy(() -> FalcoOptions.parse(List.of("--nope=1"))).hasMessage("Option 'nope' does not exist");
        assertThatThrownBy(() -> FalcoOptions.parse(List.of("-r"))).hasMessage("Option 'r' is missing an argument");
        assertThatThrownBy(() -> FalcoOptions.parse(List.of("-M", "-1"))).hasMessage("Argument '-1' failed to parse");
        assertThatThrownBy(() -> FalcoOptions.parse(List.of("--dry-run=maybe")))
                .hasMessage("Argument 'maybe' failed to parse");
        assertThatThrownBy(() -> FalcoOptions.parse(List.of("capture.scap")))
                .hasMessageStartingWith("Unexpected argument 'capture.scap'");
    }
}
