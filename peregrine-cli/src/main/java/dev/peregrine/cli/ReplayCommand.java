package dev.peregrine.cli;

import dev.peregrine.engine.EventPrinter;
import dev.peregrine.engine.FormattingSink;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.engine.ReplayStats;
import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.syntax.ConditionSyntaxException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code peregrine replay [-r RULES]... [-o key=value]... [--json] CAPTURE}: the alerts Falco would print for a
 * capture (bundled default ruleset without {@code -r}); {@code peregrine replay -p FORMAT CAPTURE [FILTER]}: every
 * event matching the filter printed in a sysdig-style format, like {@code sysdig -r CAPTURE -p FORMAT FILTER}.
 */
@Command(name = "replay", description = "Replay a .scap capture: print Falco's alerts, or events with -p.")
final class ReplayCommand implements Callable<Integer> {
    /* Implementation notes: Falco's full configuration (falco.yaml, outputs, drop monitoring) is the Falco command
     * line's job (-c ... -o engine.kind=replay); this command is the everyday shortcut and accepts the -o keys
     * that shape alerts. Damage in the capture prints the problem on stderr and exits 1 after the alerts of the
     * events before it. */

    @Spec
    CommandSpec spec;

    private ReplayStats lastStats;

    /** {@return the figures of the last replay this command ran, or null} */
    ReplayStats lastStats() {
        return lastStats;
    }

    @Option(names = "-r", paramLabel = "RULES", description = "Rules file (repeatable); default: the bundled ruleset.")
    List<Path> rules = new ArrayList<>();

    @Option(names = "-o", paramLabel = "KEY=VALUE", description = "A falco.yaml key as Falco's -o (json_output, time_format_iso_8601,"
            + " rule_matching, priority, rules[].disable.rule, append_output, ...).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--json", description = "JSON alerts (json_output=true).")
    boolean json;

    @Option(names = "-p", paramLabel = "FORMAT", description = "Print every event matching FILTER with FORMAT.")
    String format;

    @Option(names = "--as-written", description = "With -p: events in the layouts the capture was written with, without"
            + " converting old layouts (what sysdig 0.29 shows; Falco converts).")
    boolean asWritten;

    @Option(names = "--stats", description = "Print the number of events read, matched and alerts on stderr at the end.")
    boolean stats;

    /** Replays the capture this many times in one process: the launcher's start-up cache training run uses it. */
    @Option(names = "--rounds", hidden = true, defaultValue = "1")
    int rounds;

    /** Benchmark aid: prints each round's wall time and the replay thread's CPU time on stderr. */
    @Option(names = "--round-times", hidden = true)
    boolean roundTimes;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "The .scap file (plain or gzip).")
    Path capture;

    @Parameters(index = "1..*", paramLabel = "FILTER", description = "Filter expression for -p (words joined).")
    List<String> filter = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isReadable(capture)) {
            throw new UserError("cannot read capture file " + capture, 1);
        }
        ReplayStats stats = format != null ? print(out) : alerts(out);
        lastStats = stats;
        out.flush();
        stats.problem().ifPresent(p -> err.println(p.render()));
        if (this.stats) {
            err.printf("peregrine: %d events read, %d matched, %d alerts%n", stats.eventsRead(), stats.eventsMatched(),
                    stats.alerts());
        }
        err.flush();
        return stats.exitCode();
    }

    private ReplayStats print(PrintWriter out) throws Exception {
        EventPrinter printer;
        try {
            printer = EventPrinter.compile(format, filter.isEmpty() ? null : String.join(" ", filter),
                    new SyscallBinding());
        } catch (ConditionSyntaxException | CompileException e) {
            throw new UserError("filter error: " + e.getMessage(), 1);
        }
        ReplayPipeline pipeline = ReplayPipeline.withDefaults();
        return printer.print(asWritten ? pipeline.withEventsAsWritten() : pipeline, capture, out::println);
    }

    private ReplayStats alerts(PrintWriter out) throws Exception {
        if (!filter.isEmpty()) {
            throw new UserError("a FILTER is only accepted with -p", 1);
        }
        if (rounds < 1) {
            throw new UserError("--rounds must be at least 1", 1);
        }
        PrintWriter err = spec.commandLine().getErr();
        DetectionSetup setup = DetectionSetup.prepare(rules, overrides, json, err);
        ReplayStats last = null;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (AlertOutputs outputs = AlertOutputs.start(setup, out, err, false, () -> 0)) {
            for (int r = 0; r < rounds; r++) {
                long wall = System.nanoTime();
                long thread = cpu.getCurrentThreadCpuTime();
                last = ReplayPipeline.withDefaults().replay(capture, setup.ruleset(), setup.binding(),
                        new FormattingSink(setup.formatter(), outputs::emit));
                if (roundTimes) {
                    // hidden benchmark aid (bin/bench-replay): wall and replay-thread CPU per round
                    err.printf("peregrine: round %d: %d ms wall, %d ms replay-thread CPU%n", r + 1,
                            (System.nanoTime() - wall) / 1_000_000,
                            (cpu.getCurrentThreadCpuTime() - thread) / 1_000_000);
                }
            }
        }
        return last;
    }
}
