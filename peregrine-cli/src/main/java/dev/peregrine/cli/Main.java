package dev.peregrine.cli;

import dev.peregrine.cli.replay.ReplayEngine;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.FileLoadResult;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RulesLoader;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code peregrine} command.
 *
 * <p>Every failure the user can cause is reported as a one-line message and an exit code; a stack trace is printed
 * only with {@code --verbose} (see {@link ErrorHandler}).
 */
@Command(name = "peregrine",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Runtime and supply-chain security for Linux hosts, speaking the Falco rules language.",
        subcommands = {RulesCommand.class, FieldsCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** First arguments that select Peregrine's own (picocli) commands rather than Falco's command line. */
    private static final Set<String> SUBCOMMANDS = Set.of("rules", "fields", "replay", "help");

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The main job with embedded defaults. Until capture lands (see README "Status"), it loads and compiles the
     * bundled default ruleset and reports it, so a fresh install shows at once that the engine works.
     */
    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        LoadOutcome outcome = RulesLoader.load(List.of(BundledRules.stable()), LoadOptions.defaults());
        long millis = (System.nanoTime() - start) / 1_000_000;
        for (FileLoadResult r : outcome.results()) {
            out.println(r.summaryText());
        }
        outcome.ruleset().ifPresent(rs -> out.printf(
                "Bundled ruleset compiled in %d ms: %d rules (%d enabled), %d macros, %d lists.%n", millis,
                rs.rules().size(), rs.enabledRules().size(), rs.macroCount(), rs.listCount()));
        out.println("Event capture (live eBPF and .scap replay) is not available yet in this version.");
        out.println("Try: peregrine rules list | peregrine rules validate FILE... | peregrine fields | peregrine --help");
        out.flush();
        spec.commandLine().setExecutionResult(outcome.exitCode());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams and returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(out, err, Invocation.current(), ReplayEngine.discover(), args);
    }

    /**
     * Runs the command line in the given process context and with the given replay engine; returns the exit code.
     * Arguments that start with a subcommand ({@code rules}, {@code fields}, {@code help}), and no arguments at all,
     * run Peregrine's own commands; anything else is Falco's command line ({@code -c}, {@code -r}, {@code -o},
     * {@code -V}, ...).
     */
    public static int execute(PrintWriter out, PrintWriter err, Invocation invocation, ReplayEngine replayEngine,
            String... args) {
        if (args.length > 0 && !SUBCOMMANDS.contains(args[0])) {
            return new FalcoCommandLine(out, err, invocation, replayEngine).run(List.of(args));
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        ErrorHandler handler = new ErrorHandler();
        cli.setExecutionExceptionHandler(handler);
        cli.setParameterExceptionHandler(handler);
        int code = cli.execute(args);
        if (code == 0 && cli.getExecutionResult() instanceof Integer result) {
            return result;
        }
        return code;
    }
}
