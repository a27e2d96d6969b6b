package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the whole loader (YAML reader, collector, list/macro expansion, parser, compiler, outputs) with mutations
 * of Falco's upstream rule files: deleted, duplicated and swapped line ranges, truncations and characters replaced by
 * YAML and condition syntax. Whatever the input, loading returns a result whose every error is a located
 * {@link Problem}; no exception escapes and the loader's internal-error safety net is never reached.
 */
class RulesLoaderFuzzTest {
    private static final List<String> SEEDS = List.of("falco_rules.yaml", "falco-incubating_rules.yaml",
            "falco-sandbox_rules.yaml", "k8s_audit_rules.yaml");
    private static final String TOKENS = ":-[]{}()\"'&*!|>%#,=\\ \n\t";

    /** One mutation of a file, applied to its lines. */
    record Mutation(int kind, double at, double span, char replacement) {
        String apply(String text) {
            List<String> lines = new ArrayList<>(text.lines().toList());
            if (lines.isEmpty()) {
                return text + replacement;
            }
            int from = (int) (at * lines.size());
            int to = Math.min(lines.size(), from + 1 + (int) (span * 40));
            switch (kind) {
                case 0 -> lines.subList(from, to).clear();
                case 1 -> lines.addAll(to, List.copyOf(lines.subList(from, to)));
                case 2 -> {
                    int other = (int) (span * lines.size());
                    String a = lines.get(from);
                    lines.set(from, lines.get(other));
                    lines.set(other, a);
                }
                case 3 -> {
                    return text.substring(0, (int) (at * text.length()));
                }
                default -> {
                    StringBuilder sb = new StringBuilder(text);
                    int pos = (int) (at * text.length());
                    for (int i = 0; i < 1 + (int) (span * 8) && pos + i * 7 < sb.length(); i++) {
                        sb.setCharAt(pos + i * 7, replacement);
                    }
                    return sb.toString();
                }
            }
            return String.join("\n", lines) + "\n";
        }
    }

    @Property(tries = 400)
    void load_mutatedUpstreamFile_onlyLocatedProblems(@ForAll("seed") String seed,
            @ForAll("mutation") Mutation first, @ForAll("mutation") Mutation second) throws Exception {
        String original = Files.readString(upstream().resolve("falco").resolve(seed), StandardCharsets.UTF_8);
        String mutated = second.apply(first.apply(original));

        LoadOutcome outcome = RulesLoader.load(List.of(new RulesSource(seed, mutated)), LoadOptions.defaults());

        FileLoadResult result = outcome.results().getFirst();
        assertThat(result.successful()).isEqualTo(result.errors().isEmpty());
        assertThat(outcome.ruleset().isPresent()).isEqualTo(result.successful());
        for (Problem p : result.errors()) {
            assertThat(p.message()).as("%s after %s, %s", seed, first, second).doesNotStartWith("internal error");
            assertThat(p.locations()).isNotEmpty();
            assertThat(p.locations().getFirst().position().name()).isEqualTo(seed);
        }
        // Rendering never fails either: these are the user interface.
        assertThat(result.verboseText()).startsWith(seed + ": ");
        assertThat(outcome.toJson()).contains("falco_load_results");
    }

    @Provide
    Arbitrary<String> seed() {
        return Arbitraries.of(SEEDS);
    }

    @Provide
    Arbitrary<Mutation> mutation() {
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.doubles().between(0, 0.999).ofScale(3),
                Arbitraries.doubles().between(0, 0.999).ofScale(3), Arbitraries.of(TOKENS.chars().mapToObj(c -> (char) c).toList()))
                .as(Mutation::new);
    }

    static Path upstream() {
        String prop = System.getProperty("peregrine.upstream");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        return Path.of("/work/shared/upstream");
    }
}
