package dev.peregrine.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs each benchmark's setup and one operation, so the benchmarks cannot rot unnoticed. */
class BenchmarksSmokeTest {
    @Test
    void rulesLoad_syscall3_loadsSuccessfully() {
        RulesLoadBenchmark b = new RulesLoadBenchmark();
        b.files = "syscall3";
        b.setup();
        assertThat(b.load().successful()).isTrue();
    }

    @Test
    void rulesetEval_stable_matchesSomeEvents() {
        RulesetEvalBenchmark b = new RulesetEvalBenchmark();
        b.files = "stable";
        b.matching = "all";
        b.setup();
        int matched = 0;
        for (int i = 0; i < 16_384; i++) {
            matched += b.evaluate();
        }
        // The synthetic mix contains shells, sensitive files and container ids: some stable rules must fire,
        // otherwise the benchmark would only measure rejection.
        assertThat(matched).isPositive();
    }
}
