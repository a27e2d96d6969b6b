package dev.peregrine.cli;

import static java.util.Objects.requireNonNull;

import dev.peregrine.cli.config.FalcoConfig.LogLevel;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Falco's own log lines ({@code log_level}, {@code log_stderr}, {@code time_format_iso_8601}): on stderr, each
 * line prefixed by the wall-clock time, {@code Thu Nov 26 15:02:42 2026: } or, with ISO 8601,
 * {@code 2026-11-26T15:02:42+0000: }. Syslog is not available: {@code log_syslog} is reported as unimplemented.
 */
public final class FalcoLogger {
    /* Implementation notes (Falco 0.42 userspace/engine/logger.cpp): the default before the configuration is
     * read is level info on stderr; the text form uses localtime and "%a %b %d %H:%M:%S %Y", the ISO form
     * gmtime and "%FT%T%z"; a trailing newline is added when missing. */

    private static final DateTimeFormatter TEXT =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy", Locale.ROOT);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx", Locale.ROOT);

    private final PrintWriter err;
    private final Clock clock;
    private final ZoneId localZone;
    private LogLevel level = LogLevel.INFO;
    private boolean stderr = true;
    private boolean iso8601;

    public FalcoLogger(PrintWriter err, Clock clock, ZoneId localZone) {
        this.err = requireNonNull(err, "err is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.localZone = requireNonNull(localZone, "localZone is null");
    }

    /** Applies the configuration's settings. */
    public void configure(LogLevel level, boolean stderr, boolean iso8601) {
        this.level = requireNonNull(level, "level is null");
        this.stderr = stderr;
        this.iso8601 = iso8601;
    }

    /** {@return whether log lines reach stderr} */
    public boolean toStderr() {
        return stderr;
    }

    public void log(LogLevel priority, String message) {
        if (!priority.enabledAt(level) || !stderr) {
            return;
        }
        String line = message.endsWith("\n") ? message : message + "\n";
        String time = iso8601 ? ISO.format(ZonedDateTime.now(clock.withZone(ZoneOffset.UTC)))
                : TEXT.format(ZonedDateTime.now(clock.withZone(localZone)));
        synchronized (err) {
            err.print(time + ": " + line);
            err.flush();
        }
    }

    public void debug(String message) {
        log(LogLevel.DEBUG, message);
    }

    public void info(String message) {
        log(LogLevel.INFO, message);
    }

    public void warning(String message) {
        log(LogLevel.WARNING, message);
    }

    public void error(String message) {
        log(LogLevel.ERROR, message);
    }
}
