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
