package dev.peregrine.outputs.channel;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Falco's {@code syslog_output}: each alert as one syslog message on the local socket ({@code /dev/log}), facility
 * {@code user}, severity from the alert's priority (Falco's priorities are syslog's severities: Emergency is 0,
 * Debug 7), in the format glibc's {@code syslog(3)} writes: {@code <PRI>Mmm dd hh:mm:ss ident: message}.
 */
public final class SyslogTarget implements AlertTarget {
    /* Implementation notes: Falco calls syslog(priority, "%s", msg) without openlog, so the facility is LOG_USER (1)
     * and the tag is the program name; we write the same datagram glibc would (its timestamp is local time, the day
     * of month padded with a space). A missing socket is not retryable: glibc drops such messages silently, we count
     * them. A full socket buffer (EAGAIN/ENOBUFS) is retryable. */

    /** The local syslog socket. */
    public static final Path DEV_LOG = Path.of("/dev/log");
    /** Facility {@code user} (LOG_USER is 1 << 3). */
    static final int FACILITY_USER = 1 << 3;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private final Path socketPath;
    private final String ident;
    private final ZoneId zone;
    private final Supplier<Instant> clock;
    private UnixDatagram socket;

    /**
     * @param socketPath the syslog socket, normally {@link #DEV_LOG}
     * @param ident the tag before the message (Falco's is its program name, {@code falco})
     */
    public SyslogTarget(Path socketPath, String ident, ZoneId zone, Supplier<Instant> clock) {
        this.socketPath = requireNonNull(socketPath, "socketPath is null");
        this.ident = requireNonNull(ident, "ident is null");
        this.zone = requireNonNull(zone, "zone is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String name() {
        return "syslog";
    }

    /** {@return the syslog severity of a Falco priority: emergency 0 ... debug 7} */
    public static int severity(Priority p) {
        return switch (p) {
            case EMERGENCY -> 0;
            case ALERT -> 1;
            case CRITICAL -> 2;
            case ERROR -> 3;
            case WARNING -> 4;
            case NOTICE -> 5;
            case INFORMATIONAL -> 6;
            case DEBUG -> 7;
        };
    }

    /** {@return the datagram for an alert: {@code <PRI>Mmm dd hh:mm:ss ident: line}} */
    public String message(FormattedAlert a) {
        int pri = FACILITY_USER | severity(a.priority());
        return "<" + pri + ">" + TIMESTAMP.format(ZonedDateTime.ofInstant(clock.get(), zone)) + " " + ident + ": "
                + a.line();
    }

    @Override
    public synchronized void deliver(List<FormattedAlert> batch) throws DeliveryException {
        if (!Files.exists(socketPath)) {
            throw new DeliveryException("no syslog socket at " + socketPath, false, null);
        }
        try {
            if (socket == null) {
                socket = UnixDatagram.open();
            }
            for (FormattedAlert a : batch) {
                socket.send(socketPath, message(a).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new DeliveryException("syslog " + socketPath + ": " + e.getMessage(), UnixDatagram.isTransient(e),
                    null);
        }
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
