package dev.peregrine.cli;

import dev.peregrine.cli.live.LiveDetection;
import dev.peregrine.driver.BpfException;
import dev.peregrine.state.container.meta.MetadataResolver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine run}: live detection ({@link LiveDetection}) with the bundled ruleset unless {@code -r} is given,
 * until SIGINT/SIGTERM or {@code --duration} (counted from the end of set-up); prints a summary. Container metadata
 * is looked up from Podman's and Docker's sockets in the background ({@code MetadataResolver}); alerts before an
 * answer show {@code <NA>} for it.
 */
@Command(name = "run", description = {
    "Live detection with the eBPF driver (root): the bundled ruleset unless -r is given. Stops on SIGINT/SIGTERM",
    "(detaching the driver and printing a summary) or after --duration seconds."})
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    /* Implementation notes: the loop, the drop manager and the shutdown handling are LiveDetection's, shared with
     * Falco's command line; this command only prepares the rules and configuration (DetectionSetup: Falco's
     * defaults or -c falco.yaml, plus -o) and prints its own status lines. Alerts go through AlertOutputs (delivery
     * service, metrics, web server), as for replay. */

    @Spec
    CommandSpec spec;

    @Option(names = "-c", paramLabel = "FALCO_YAML", description = {
        "Falco configuration: priority, rule selectors, rule_matching, json_*, syscall_event_drops, logging, and its",
        "rules_files when no -r is given, and its outputs (delivery)."})
    Path configFile;

    @Option(names = "-r", paramLabel = "RULES", description = "Rules file (repeatable); default: the bundled ruleset.")
    List<Path> rules = new ArrayList<>();

    @Option(names = "-o", paramLabel = "KEY=VALUE", description = "A falco.yaml key as Falco's -o.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--json", description = "JSON alerts (json_output=true).")
    boolean json;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop after this many seconds of detection (counted once the driver is attached).")
    Double duration;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LiveDetection.unavailableReason().ifPresent(reason -> {
            throw new UserError("live capture is not available: " + reason
                    + " (replay a capture instead: peregrine replay CAPTURE)", 1);
        });
        DetectionSetup setup = DetectionSetup.prepare(configFile, rules, overrides, json, err);
        FalcoLogger log = new FalcoLogger(err, Clock.systemUTC(), ZoneId.systemDefault());
        log.configure(setup.config().logging().level(), setup.config().logging().stderr(),
                setup.config().outputs().timeIso8601());
        LiveDetection[] running = new LiveDetection[1];
        try (AlertOutputs outputs = AlertOutputs.start(setup, out, err, true, () -> running[0] == null ? 0
                : running[0].dropCounters().map(d -> d.total()).orElse(0L));
                MetadataResolver containers = MetadataResolver.defaults()) {
            LiveDetection live = new LiveDetection(setup.ruleset(), setup.formatter(), outputs.sink(),
                    setup.config().syscallEventDrops(), log).eventMonitor(outputs.eventCounter())
                    .containerMetadata(containers);
            running[0] = live;
            LiveDetection.Summary s = live.runUntilShutdown(duration, (rules, syscalls, processes) -> {
                err.printf("peregrine: live detection with %d rules on syscalls %s; %d processes from /proc%n",
                        rules, syscalls, processes);
                err.flush();
            }, summary -> {
                err.printf("peregrine: %d events, %d alerts, %d dropped in the kernel%n", summary.events(),
                        summary.alerts(), summary.drops().total());
                err.flush();
            });
            if (s.stoppedByDropManager()) {
                throw new UserError("Drop manager internal error", 1);
            }
            return 0;
        } catch (BpfException e) {
            throw new UserError(e.getMessage(), 1);
        }
    }
}
