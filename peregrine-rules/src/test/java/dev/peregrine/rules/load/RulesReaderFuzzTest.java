package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Rules text built from YAML and rules-language fragments never escapes as an exception: only problems. */
class RulesReaderFuzzTest {
    private static final String[] FRAGMENTS = {"- ", "rule: ", "macro: ", "list: ", "condition: ", "items: ",
        "output: ", "desc: ", "priority: ", "exceptions:", "fields: ", "values: ", "comps: ", "override:",
        "append: ", "true", "false", "INFO", "[", "]", "{", "}", ",", ":", "\n", "\n  ", "\n    ", "\"", "'", "\\",
        "&a", "*a", "!!", "---", "%", "#", "=", "!=", "evt.type", "proc.name", "(", ")", "enabled: ", "tags: ",
        "required_engine_version: ", "required_plugin_versions: ", "name: ", "version: ", "0.1.0", "7", "~"};

    private static final String[] CONDITION_FRAGMENTS = {"evt.type", "proc.name", "fd.num", "=", "!=", " in ",
        " and ", " or ", "not ", "(", ")", "open", "\"a b\"", "'x'", ",", " exists", "m1", "l1", "startswith ",
        "tolower(", "val(", "[", "]", " ", "<", "3", "pmatch ", "icontains ", "\\", "%"};

    @Provide
    Arbitrary<String> condition() {
        return Arbitraries.of(CONDITION_FRAGMENTS).list().ofMaxSize(20).map(l -> String.join("", l));
    }

    @Property(tries = 500)
    void load_arbitraryConditions_giveProblemsNeverInternalErrors(@ForAll("condition") String macro,
            @ForAll("condition") String condition, @ForAll("condition") String output) {
        String content = "- list: l1\n  items: [a, \"b c\"]\n- macro: m1\n  condition: " + quoted(macro)
                + "\n- rule: r\n  desc: d\n  condition: " + quoted(condition) + "\n  output: " + quoted(output)
                + "\n  priority: INFO\n";
        LoadOutcome o = RulesLoader.load(java.util.List.of(new RulesSource("f.yaml", content)), LoadOptions.defaults());
        assertThat(o.results()).hasSize(1);
        for (Problem p : o.results().getFirst().errors()) {
            assertThat(p.message()).as(content).doesNotStartWith("internal error");
        }
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Provide
    Arbitrary<String> rulesText() {
        return Arbitraries.of(FRAGMENTS).list().ofMaxSize(60).map(l -> String.join("", l));
    }

    @Property(tries = 2000)
    void read_fragmentSoup_givesResultNeverException(@ForAll("rulesText") String text) {
        RulesCollector c = new RulesCollector(FakeSources.syscall());
        FileLoadResult r = FakeSources.read(c, text).getFirst().result();
        assertThat(r.successful()).isEqualTo(r.errors().isEmpty());
        for (Problem p : r.errors()) {
            assertThat(p.snippet()).isNotNull();
            assertThat(p.locations()).isNotEmpty();
        }
    }
}
