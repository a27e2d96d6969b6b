package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class BundledRulesTest {
    static final java.util.List<String> NAMES = BundledRules.NAMES;
    /** The files copied from upstream (all but Peregrine's own). */
    static final java.util.List<String> UPSTREAM_NAMES = NAMES.stream()
            .filter(n -> !n.equals(BundledRules.PEREGRINE)).toList();

    @ParameterizedTest
    @FieldSource("UPSTREAM_NAMES")
    void byName_bundledFile_isByteCopyOfUpstream(String name) throws Exception {
        Path upstream = upstreamDir().resolve("falco").resolve(name);
        String expected = Files.readString(upstream, StandardCharsets.UTF_8);

        assertThat(BundledRules.byName(name)).hasValueSatisfying(src -> {
            assertThat(src.name()).isEqualTo(name);
            assertThat(src.content()).isEqualTo(expected);
        });
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void byName_bundledFile_loadsWithoutErrors(String name) {
        LoadOutcome outcome = RulesLoader.load(java.util.List.of(BundledRules.byName(name).orElseThrow()),
                LoadOptions.defaults());
        assertThat(outcome.successful()).as(outcome.toJson()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void peregrineRules_withStable_loadWithoutWarningsOrNameClashes() {
        LoadOutcome alone = RulesLoader.load(java.util.List.of(BundledRules.byName(BundledRules.PEREGRINE)
                .orElseThrow()), LoadOptions.defaults());
        LoadOutcome both = RulesLoader.load(java.util.List.of(BundledRules.stable(),
                BundledRules.byName(BundledRules.PEREGRINE).orElseThrow()), LoadOptions.defaults());
        LoadOutcome stable = RulesLoader.load(java.util.List.of(BundledRules.stable()), LoadOptions.defaults());

        assertThat(alone.successful()).as(alone.toJson()).isTrue();
        assertThat(alone.toJson()).doesNotContain("\"warnings\":[{");
        assertThat(both.successful()).as(both.toJson()).isTrue();
        int ours = alone.ruleset().orElseThrow().enabledRules().size();
        assertThat(both.ruleset().orElseThrow().enabledRules())
                .hasSize(stable.ruleset().orElseThrow().enabledRules().size() + ours);
    }

    @org.junit.jupiter.api.Test
    void byName_unknownFile_isEmpty() {
        assertThat(BundledRules.byName("nope.yaml")).isEmpty();
    }

    static Path upstreamDir() {
        String prop = System.getProperty("peregrine.upstream");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        return Path.of("/work/shared/upstream");
    }
}
