package dev.peregrine.cli;

import dev.peregrine.cli.replay.ReplayEngine;
import dev.peregrine.driver.LiveSource;
import dev.peregrine.engine.ReplayStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
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
        subcommands = {RulesCommand.class, FieldsCommand.class, ReplayCommand.class, RunCommand.class, CaptureCommand.class, SelftestCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** First arguments that select Peregrine's own (picocli) commands rather than Falco's command line. */
    private static final Set<String> SUBCOMMANDS = Set.of("rules", "fields", "replay", "run", "capture", "selftest", "help");

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The capture bundled in the jar, replayed by the main job when live capture is not available. */
    static final String SAMPLE_CAPTURE = "/dev/peregrine/cli/sample/curl_google.scap";

    /**
     * The main job with embedded defaults: the bundled ruleset over events. As root with a kernel that takes the
     * eBPF driver, that is live detection until SIGINT/SIGTERM ({@code peregrine run}); otherwise it says why and
     * replays the bundled sample capture, printing the alerts as Falco would and a summary.
     */
    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> liveUnavailable = LiveSource.unavailableReason();
        if (liveUnavailable.isEmpty()) {
            CommandLine cli = new CommandLine(new RunCommand());
            cli.setOut(out);
            cli.setErr(err);
            cli.setExecutionExceptionHandler(new ErrorHandler());
            spec.commandLine().setExecutionResult(cli.execute());
            return;
        }
        err.println("peregrine: live capture is not available here (" + liveUnavailable.get()
                + "); replaying the bundled sample capture (curl fetching google.com) with the bundled rules (Falco's stable rules and Peregrine's).");
        err.flush();
        spec.commandLine().setExecutionResult(replaySample(out, err));
    }

    /** Replays the bundled sample capture with the bundled ruleset; returns the exit code. */
    static int replaySample(PrintWriter out, PrintWriter err) {
        Path sample = extractSample();
        try {
            ReplayCommand replay = new ReplayCommand();
            CommandLine cli = new CommandLine(replay);
            cli.setOut(out);
            cli.setErr(err);
            cli.setExecutionExceptionHandler(new ErrorHandler());
            int code = cli.execute(sample.toString());
            ReplayStats stats = replay.lastStats();
            if (stats != null) {
                out.printf("Replayed %d events: %d alerts. Try: peregrine replay -r RULES CAPTURE | peregrine rules"
                        + " validate FILE | peregrine fields | peregrine --help%n", stats.eventsRead(), stats.alerts());
            }
            out.flush();
            return code;
        } finally {
            try {
                Files.deleteIfExists(sample);
            } catch (IOException e) {
                // a leftover temporary file is harmless
            }
        }
    }

    private static Path extractSample() {
        try (InputStream in = Main.class.getResourceAsStream(SAMPLE_CAPTURE)) {
            if (in == null) {
                throw new IllegalStateException("bundled sample capture missing from the jar");
            }
            Path tmp = Files.createTempFile("peregrine-sample", ".scap");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UserError("cannot extract the bundled sample capture: " + e.getMessage(), 1);
        }
    }

    public static void main(String[] args) {
        StartupPreload.start(List.of(args));
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
