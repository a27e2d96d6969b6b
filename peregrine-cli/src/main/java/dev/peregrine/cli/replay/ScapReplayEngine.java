package dev.peregrine.cli.replay;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.engine.FormattingSink;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.engine.ReplayStats;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.SyscallBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ReplayEngine} of Peregrine builds: {@link ReplayPipeline} over the capture file (state, then the
 * syscall rules routed by event type), alerts rendered by the request's formatter into its channels, Falco's
 * {@code syscall_event_drops} monitoring ({@link SyscallEventDropMonitor}) and {@code -M}.
 */
public final class ScapReplayEngine implements ReplayEngine {
    /* Implementation notes: one binding per engine instance, handed to the command line before it compiles the
     * rules, so conditions and alert formats read the pipeline's SyscallEvent. evt.hostname is the capture's machine-info
     * hostname, as libsinsp's; only without one the formatter's (FALCO_HOSTNAME or the system's). A damaged capture is logged as an
     * error after its earlier events were processed and makes the exit code 1, as Falco's capture errors do. */

    private final SyscallBinding binding = new SyscallBinding();

    @Override
    public ExtractorBinding binding() {
        return binding;
    }

    @Override
    public int replay(ReplayRequest request) {
        if (!Files.isReadable(request.captureFile())) {
            throw new ReplayException("cannot open capture file " + request.captureFile()
                    + ": no such file or not readable");
        }
        SyscallEventDropMonitor drops = new SyscallEventDropMonitor(request.config().syscallEventDrops(),
                request.log(), request.formatter(), request.sink(), wallClockNanos());
        ReplayPipeline pipeline = new ReplayPipeline(request.formatter().options().hostname(), ZoneId.systemDefault())
                .withDurationLimit(TimeUnit.SECONDS.toNanos(request.stopAfterSeconds()))
                .withMonitor(drops);
        ReplayStats stats;
        try {
            stats = pipeline.replay(request.captureFile(), request.ruleset(), binding,
                    new FormattingSink(request.formatter(), request.sink()::emit));
        } catch (IOException e) {
            throw new ReplayException("cannot read capture file " + request.captureFile() + ": " + e.getMessage(), e);
        }
        request.sink().flush();
        drops.printStats(request.err());
        if (stats.stopped()) {
            // Falco's do_inspect fails when the drop manager's exit action fires
            throw new ReplayException("Drop manager internal error");
        }
        if (stats.problem().isPresent()) {
            CaptureProblem p = stats.problem().get();
            request.log().error(p.render());
        }
        return stats.exitCode();
    }

    private static long wallClockNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
