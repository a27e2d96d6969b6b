package dev.peregrine.cli;

import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.driver.BpfException;
import dev.peregrine.driver.LiveSource;
import dev.peregrine.engine.FormattingSink;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.engine.ReplayStats;
import dev.peregrine.event.EventTable;
import dev.peregrine.rules.fields.SyscallEvent;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.state.StateEngine;
import dev.peregrine.state.container.CgroupContainerId;
import dev.peregrine.state.proc.ProcScan;
import dev.peregrine.state.proc.ProcScanner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code peregrine run}: live detection. Opens the eBPF driver selecting the system calls the rules need (plus those
 * that keep state right), takes the initial state from a {@code /proc} scan, then judges every event until
 * SIGINT/SIGTERM or {@code --duration}, and prints a summary.
 */
@Command(name = "run", description = {
    "Live detection with the eBPF driver (root): the bundled ruleset unless -r is given. Stops on SIGINT/SIGTERM",
    "(detaching the driver and printing a summary) or after --duration seconds."})
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    /* Implementation notes: the driver is opened before the /proc scan, so a process started during the scan is
     * seen by at least one of them (the events wait in the rings). Shutdown: the JVM's hook sets the stop flag and
     * waits for the loop to leave (the source returns TIMEOUT at least every poll interval), so the programs are
     * detached and the summary printed before the JVM exits. */

    /** Longest wait of the shutdown hook for the event loop to finish. */
    private static final long SHUTDOWN_WAIT_MILLIS = 5_000;

    @Spec
    CommandSpec spec;

    @Option(names = "-r", paramLabel = "RULES", description = "Rules file (repeatable); default: the bundled ruleset.")
    List<Path> rules = new ArrayList<>();

    @Option(names = "-o", paramLabel = "KEY=VALUE", description = "A falco.yaml key as Falco's -o.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--json", description = "JSON alerts (json_output=true).")
    boolean json;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after detecting for this many seconds.")
    Double duration;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LiveSource.unavailableReason().ifPresent(reason -> {
            throw new UserError("live capture is not available: " + reason
                    + " (replay a capture instead: peregrine replay CAPTURE)", 1);
        });
        DetectionSetup setup = DetectionSetup.prepare(rules, overrides, json, err);
        Set<String> types = new TreeSet<>();
        for (Rule r : setup.ruleset().enabledRules()) {
            if (r.eventTypes() != null) {
                types.addAll(r.eventTypes().names(EventTable.get()));
            }
        }
        LiveSource.Options options = LiveSource.Options.forEventTypes(types);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                done.await(SHUTDOWN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "peregrine-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (LiveSource source = LiveSource.open(options)) {
            ReplayPipeline pipeline = ReplayPipeline.withDefaults();
            StateEngine state = new StateEngine();
            state.setContainerEngines(CgroupContainerId.forHost(Path.of("/")));
            SyscallEvent event = pipeline.eventHolder(state);
            Consumer<ScapBlock> apply = ReplayPipeline.blockListener(state, event);
            ProcScan scan = new ProcScanner().scan();
            scan.blocks().forEach(apply);
            err.printf("peregrine: live detection with %d rules on syscalls %s; %d processes from /proc%n",
                    setup.ruleset().enabledRules().size(), options.syscalls(), scan.threads().size());
            err.flush();
            // --duration counts detection time: loading the driver and scanning /proc take seconds on a busy host.
            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + (long) (duration * 1e9);
            ReplayStats stats = pipeline.detect(source, state, event, setup.ruleset(),
                    new FormattingSink(setup.formatter(), a -> {
                        out.println(a.line());
                        out.flush();
                    }), () -> stop.get() || System.nanoTime() >= deadline);
            long drops = 0;
            for (long d : source.drops()) {
                drops += d;
            }
            err.printf("peregrine: %d events, %d alerts, %d dropped in the kernel%n", stats.eventsRead(),
                    stats.alerts(), drops);
            err.flush();
            return 0;
        } catch (BpfException e) {
            throw new UserError(e.getMessage(), 1);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and waits for done
            }
        }
    }
}
