package dev.peregrine.engine;

import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.Ruleset;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Replay throughput: events per second through state and the whole stable ruleset, on a capture given as the
 * first argument (e.g. many concatenated copies of a shared capture: {@code for i in $(seq 100); do cat
 * libs_curl_google.scap; done > big.scap}). Run from the repository root after {@code mvn -pl peregrine-engine -am
 * test-compile}: {@code java -cp <test and main classes of the modules, jackson, snakeyaml>
 * dev.peregrine.engine.ReplayThroughputMain big.scap [rounds]}. Compare with {@code time sysdig -r big.scap FILTER}.
 */
public final class ReplayThroughputMain {
    private ReplayThroughputMain() {
    }

    public static void main(String[] args) throws Exception {
        Path capture = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        SyscallBinding binding = new SyscallBinding();
        Ruleset stable = RulesLoader.load(List.of(BundledRules.stable()), LoadOptions.defaults().withBinding(binding))
                .ruleset().orElseThrow();
        ReplayPipeline pipeline = new ReplayPipeline("bench", ZoneOffset.UTC);
        for (int r = 0; r < rounds; r++) {
            CollectingSink sink = new CollectingSink();
            long t0 = System.nanoTime();
            ReplayStats stats = pipeline.replay(capture, stable, binding, sink);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("round %d: %d events, %d alerts, %.3f s, %.0f events/s%n", r, stats.eventsRead(),
                    stats.alerts(), secs, stats.eventsRead() / secs);
        }
    }
}
