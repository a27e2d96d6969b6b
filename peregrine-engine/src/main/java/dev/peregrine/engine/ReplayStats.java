package dev.peregrine.engine;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.CaptureProblem;
import java.util.Optional;

/**
 * What a replay did.
 *
 * @param eventsRead events read from the capture (all of them processed by the state engine)
 * @param eventsMatched events that matched at least one rule
 * @param alerts rule matches delivered to the sink (several per event with {@code rule_matching: all})
 * @param problem why the capture ended early, when damage ended it; the events before it were processed
 * @param stopped whether an {@link ReplayPipeline.EventMonitor} stopped the replay before the end
 */
public record ReplayStats(long eventsRead, long eventsMatched, long alerts, Optional<CaptureProblem> problem,
        boolean stopped) {
    /** Exit code of a replay whose capture is damaged (Falco exits non-zero when the capture cannot be read). */
    public static final int EXIT_CAPTURE_PROBLEM = 1;

    public ReplayStats {
        requireNonNull(problem, "problem is null");
    }

    /** {@return 0 when the whole capture was read, {@link #EXIT_CAPTURE_PROBLEM} otherwise (damage or stopped)} */
    public int exitCode() {
        return problem.isPresent() || stopped ? EXIT_CAPTURE_PROBLEM : 0;
    }
}
