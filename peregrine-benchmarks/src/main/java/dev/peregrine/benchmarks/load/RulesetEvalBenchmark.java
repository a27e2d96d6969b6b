package dev.peregrine.benchmarks.load;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RuleMatching;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.Ruleset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost per event of judging it against a compiled ruleset: event-type routing, then the conditions of the rules
 * routed to it, with field values shared across rules. Events are {@link SyntheticEvents} (a realistic mix of
 * syscalls and values, 5% of fields missing), so the figure excludes capture decoding and state lookups.
 *
 * <pre>{@code
 * mvn -q -DskipTests package -pl peregrine-benchmarks -am
 * $JAVA_HOME/bin/java -jar peregrine-benchmarks/target/benchmarks.jar RulesetEvalBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RulesetEvalBenchmark {
    private static final int EVENT_COUNT = 1 << 14;

    @Param({"stable", "syscall3"})
    public String files;

    @Param({"first", "all"})
    public String matching;

    Ruleset ruleset;
    EvalContext ctx;
    SyntheticEvents.Event[] events;
    int next;

    @Setup
    public void setup() {
        SyntheticEvents synthetic = new SyntheticEvents();
        LoadOptions options = LoadOptions.defaults()
                .withBinding(synthetic.binding())
                .withRuleMatching(matching.equals("all") ? RuleMatching.ALL : RuleMatching.FIRST);
        LoadOutcome outcome = RulesLoader.load(RulesLoadBenchmark.sources(files), options);
        ruleset = outcome.ruleset().orElseThrow(() -> new IllegalStateException(outcome.toJson()));
        List<SyntheticEvents.Event> generated = synthetic.generate(EVENT_COUNT, 42, EventTable.get());
        events = generated.toArray(SyntheticEvents.Event[]::new);
        ctx = new EvalContext(ruleset.slots());
    }

    /** Judges one event; returns the number of matching rules so the work cannot be eliminated. */
    @Benchmark
    public int evaluate() {
        SyntheticEvents.Event e = events[next++ & (EVENT_COUNT - 1)];
        ctx.reset(e);
        return ruleset.match(ctx, e.code()).size();
    }
}
