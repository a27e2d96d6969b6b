package dev.peregrine.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;

/**
 * The process context a command line runs in: environment variables, working directory (relative paths resolve
 * against it), and the clock and time zone of log lines. Tests pass their own to run Falco's cases in process.
 */
public record Invocation(Map<String, String> env, Path workingDir, Clock clock, ZoneId zone) {
    public Invocation {
        env = Map.copyOf(env);
        requireNonNull(workingDir, "workingDir is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(zone, "zone is null");
    }

    /** {@return this process's environment, working directory, clock and zone} */
    public static Invocation current() {
        return new Invocation(System.getenv(), Path.of("").toAbsolutePath(), Clock.systemUTC(),
                ZoneId.systemDefault());
    }

    /** {@return {@code path} resolved against the working directory} */
    public Path resolve(String path) {
        return workingDir.resolve(path);
    }
}
