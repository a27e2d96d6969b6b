package dev.peregrine.cli.replay;

import dev.peregrine.rules.fields.ExtractorBinding;
import java.util.ServiceLoader;

/**
 * Runs Falco's {@code engine.kind=replay}: reads {@code engine.replay.capture_file}, keeps the system state, matches
 * every event against the ruleset and sends the alerts to the sink. The command line prepares everything (config,
 * rules, formatter, channels) and calls {@link #replay}; the engine only processes events.
 *
 * <p>Implementations are found with {@link ServiceLoader}
 * ({@code META-INF/services/dev.peregrine.cli.replay.ReplayEngine});
 * without one, {@link #UNAVAILABLE} reports that this build has no replay.
 */
public interface ReplayEngine {
    /** The engine of a build without capture replay: fails with a clear message. */
    ReplayEngine UNAVAILABLE = request -> {
        throw new ReplayException("capture replay is not available in this build");
    };

    /**
     * {@return the binding of fields to this engine's extractors} The command line compiles the rules (and the
     * alert formats) with it before calling {@link #replay}.
     */
    default ExtractorBinding binding() {
        return ExtractorBinding.UNBOUND;
    }

    /**
     * Replays the capture.
     *
     * @return the process exit code: 0 when the capture was processed (alerts are not failures), 1 when it could
     *     not be, e.g. a truncated file or a {@code syscall_event_drops} exit action
     * @throws ReplayException for a failure to report as Falco's {@code Error: <message>} (exit code 1)
     */
    int replay(ReplayRequest request);

    /** {@return the engine registered with {@link ServiceLoader}, or {@link #UNAVAILABLE}} */
    static ReplayEngine discover() {
        return ServiceLoader.load(ReplayEngine.class).findFirst().orElse(UNAVAILABLE);
    }
}
