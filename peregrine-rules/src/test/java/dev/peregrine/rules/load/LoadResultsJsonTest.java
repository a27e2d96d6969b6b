package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadResultsJsonTest {
    @Test
    void toJson_errorWithNestedContext_matchesFalcoLayoutAndKeyOrder() {
        String content = "- rule: r\n  desc: d\n";
        Context ctx = Context.root("r.yaml").child(0, 2, 2, ItemType.RULE, "r");
        Problem p = ctx.problem(LoadCode.LOAD_ERR_YAML_VALIDATE, "Item has no mapping for key 'condition'",
                Map.of("r.yaml", content));
        FileLoadResult r = new FileLoadResult("r.yaml", false, List.of(p), List.of());
        assertThat(LoadResultsJson.toJson(List.of(r))).isEqualTo("{\"falco_load_results\":[{\"errors\":[{\"code\":"
                + "\"LOAD_ERR_YAML_VALIDATE\",\"codedesc\":\"Error validating internal structure of YAML file\","
                + "\"context\":{\"locations\":[{\"item_name\":\"\",\"item_type\":\"rules content\",\"position\":"
                + "{\"column\":0,\"line\":0,\"name\":\"r.yaml\",\"offset\":0}},{\"item_name\":\"r\",\"item_type\":"
                + "\"rule\",\"position\":{\"column\":2,\"line\":0,\"name\":\"r.yaml\",\"offset\":2}}],\"snippet\":"
                + "\"- rule: r\\n  ^\\n\"},\"message\":\"Item has no mapping for key 'condition'\"}],\"name\":"
                + "\"r.yaml\",\"successful\":false,\"warnings\":[]}]}");
    }

    @Test
    void warningCodedesc_isLongDescription_errorCodedesc_isShortText() {
        assertThat(LoadCode.LOAD_UNUSED_MACRO.codedesc())
                .isEqualTo("A macro is defined in the rules content but is not used by any other macro or rule.");
        assertThat(LoadCode.LOAD_ERR_COMPILE_CONDITION.codedesc()).isEqualTo("Error compiling condition");
        assertThat(LoadCode.LOAD_UNUSED_MACRO.isError()).isFalse();
        assertThat(LoadCode.LOAD_ERR_EXTENSION.isError()).isTrue();
    }

    @Test
    void texts_summaryAndVerbose_asFalcoPrintsThem() {
        String content = "- macro: m\n  condition: a\n";
        Context ctx = Context.root("m.yaml").child(0, 2, 2, ItemType.MACRO, "m");
        Problem w = ctx.problem(LoadCode.LOAD_UNUSED_MACRO, "Macro not referred to by any other rule/macro",
                Map.of("m.yaml", content));
        FileLoadResult r = new FileLoadResult("m.yaml", true, List.of(), List.of(w));
        assertThat(r.summaryText()).isEqualTo("m.yaml: Ok, with warnings\n 1 warnings: [LOAD_UNUSED_MACRO (Unused "
                + "macro)]");
        assertThat(r.verboseText()).isEqualTo("""
                m.yaml: Ok, with warnings
                1 Warnings:
                In rules content: (m.yaml:0:0)
                    macro 'm': (m.yaml:0:2)
                ------
                - macro: m
                  ^
                ------
                LOAD_UNUSED_MACRO (Unused macro): Macro not referred to by any other rule/macro
                """);
    }
}
