package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.compile.CompiledCondition;
import dev.peregrine.rules.compile.ConditionCompiler;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.fields.FieldCatalogs;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.rules.load.Ruleset;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The generated code of every syscall rule (the bundled files and the rules files of Falco's regression suite)
 * decides every event of every shared capture as the tree of checks it was generated from (the evaluator Peregrine
 * had before generating code).
 */
class GeneratedConditionsReplayTest {

    @Test
    void replay_rulesOnEverySharedCapture_generatedCodeAgreesWithTree() throws Exception {
        List<Path> captures;
        try (Stream<Path> files = Files.list(Upstream.dir().resolve("scap"))) {
            captures = files.filter(p -> p.toString().endsWith(".scap")).sorted().toList();
        }
        assertThat(captures).isNotEmpty();
        long[] decided = new long[2];
        int rulesets = 0;
        // the bundled files together, then every rules file of Falco's regression suite that loads on its own
        rulesets += compare(List.of(BundledRules.byName(BundledRules.STABLE).orElseThrow(),
                BundledRules.byName(BundledRules.INCUBATING).orElseThrow(),
                BundledRules.byName(BundledRules.SANDBOX).orElseThrow(),
                BundledRules.byName(BundledRules.PEREGRINE).orElseThrow()), captures, decided);
        try (Stream<Path> files = Files.list(Upstream.dir().resolve("falco-testing/rules"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                rulesets += compare(List.of(new RulesSource(f.getFileName().toString(), Files.readString(f))),
                        captures, decided);
            }
        }
        assertThat(rulesets).isGreaterThan(20);
        // the comparison covered many decisions, matches as well as non-matches
        assertThat(decided[0]).isGreaterThan(10_000);
        assertThat(decided[1]).isGreaterThan(10);
    }

    /** Compares both evaluators for every syscall rule of one ruleset; {@return 1 if it loaded, else 0} */
    private static int compare(List<RulesSource> sources, List<Path> captures, long[] decided) throws Exception {
        SyscallBinding binding = new SyscallBinding();
        LoadOutcome outcome = RulesLoader.load(sources, LoadOptions.defaults().withBinding(binding));
        if (outcome.ruleset().isEmpty()) {
            return 0;
        }
        Ruleset ruleset = outcome.ruleset().get();
        ConditionCompiler treeCompiler = new ConditionCompiler(FieldCatalogs.forSource(FieldCatalogs.SYSCALL)
                .orElseThrow(), binding, ruleset.slots(), EventTable.get());
        List<Rule> rules = new ArrayList<>();
        List<CompiledCondition> trees = new ArrayList<>();
        for (Rule r : ruleset.rules()) {
            if (r.source().equals(Ruleset.SYSCALL_SOURCE)) {
                assertThat(ConditionCompiler.isGenerated(r.compiled())).as(r.name()).isTrue();
                rules.add(r);
                trees.add(treeCompiler.compileTree(r.condition()));
            }
        }
        ReplayPipeline pipeline = new ReplayPipeline("test-host", ZoneOffset.UTC);
        EvalContext generatedCtx = new EvalContext(ruleset.slots());
        EvalContext treeCtx = new EvalContext(ruleset.slots());
        for (Path capture : captures) {
            pipeline.forEachEvent(capture, (event, view) -> {
                generatedCtx.reset(event);
                treeCtx.reset(event);
                for (int i = 0; i < rules.size(); i++) {
                    Rule r = rules.get(i);
                    if (!r.eventTypes().contains(view.type())) {
                        continue;
                    }
                    boolean generated = r.compiled().matches(generatedCtx);
                    boolean tree = trees.get(i).matches(treeCtx);
                    assertThat(generated).as("rule '%s' on event %d of %s", r.name(), event.num(),
                            capture.getFileName()).isEqualTo(tree);
                    decided[generated ? 1 : 0]++;
                }
                return true;
            });
        }
        return 1;
    }
}
