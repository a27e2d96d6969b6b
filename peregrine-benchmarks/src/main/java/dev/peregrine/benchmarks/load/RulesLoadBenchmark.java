package dev.peregrine.benchmarks.load;

import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
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
 * Time to read, parse, validate and compile rule files into a ruleset (everything {@code peregrine rules validate}
 * and startup do), warm.
 *
 * <pre>{@code
 * mvn -q -DskipTests package -pl peregrine-benchmarks -am
 * $JAVA_HOME/bin/java -jar peregrine-benchmarks/target/benchmarks.jar RulesLoadBenchmark
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RulesLoadBenchmark {
    /** {@code stable}: Falco's stable file; {@code syscall3}: stable + incubating + sandbox loaded together. */
    @Param({"stable", "syscall3"})
    public String files;

    List<RulesSource> sources;

    @Setup
    public void setup() {
        sources = sources(files);
    }

    @Benchmark
    public LoadOutcome load() {
        return RulesLoader.load(sources, LoadOptions.defaults());
    }

    static List<RulesSource> sources(String files) {
        return switch (files) {
            case "stable" -> List.of(BundledRules.stable());
            case "syscall3" -> List.of(BundledRules.stable(), BundledRules.byName(BundledRules.INCUBATING).orElseThrow(),
                    BundledRules.byName(BundledRules.SANDBOX).orElseThrow());
            default -> throw new IllegalArgumentException("unknown file set " + files);
        };
    }
}
