package dev.peregrine.cli.replay;

import static java.util.Objects.requireNonNull;

import dev.peregrine.cli.FalcoLogger;
import dev.peregrine.cli.config.FalcoConfig;
import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.rules.load.Ruleset;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Everything a replay needs, prepared by the command line.
 *
 * @param config the loaded configuration ({@code syscall_event_drops}, {@code base_syscalls}, ...)
 * @param captureFile {@code engine.replay.capture_file}, resolved against the working directory
 * @param ruleset the enabled rules (selectors, minimum priority and {@code rule_matching} applied)
 * @param formatter renders an alert for a matching rule and event
 * @param sink the enabled output channels; the caller closes it after {@link ReplayEngine#replay} returns
 * @param stopAfterSeconds Falco's {@code -M}: stop once the events span this many seconds of event time; 0 for
 *     no limit
 * @param log Falco's log lines (stderr)
 * @param err the process's standard error, for messages Falco prints outside its logger
 */
public record ReplayRequest(FalcoConfig config, Path captureFile, Ruleset ruleset, AlertFormatter formatter,
        AlertSink sink, long stopAfterSeconds, FalcoLogger log, PrintWriter err) {
    public ReplayRequest {
        requireNonNull(config, "config is null");
        requireNonNull(captureFile, "captureFile is null");
        requireNonNull(ruleset, "ruleset is null");
        requireNonNull(formatter, "formatter is null");
        requireNonNull(sink, "sink is null");
        requireNonNull(log, "log is null");
        requireNonNull(err, "err is null");
    }
}
