package dev.peregrine.outputs.format;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Event times as Falco's JSON alerts print them. */
public final class AlertTime {
    /* Implementation notes: Falco formats the JSON "time" with strftime("%FT%T") on gmtime of the seconds and
     * ".%09luZ" of the remainder, independent of time_format_iso_8601 and of the time zone. */

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private AlertTime() {
    }

    /** {@return e.g. {@code 2016-08-04T16:17:57.881781397Z} for a timestamp in nanoseconds since the epoch} */
    public static String iso8601Utc(long timestampNanos) {
        long seconds = Long.divideUnsigned(timestampNanos, NANOS_PER_SECOND);
        long nanos = Long.remainderUnsigned(timestampNanos, NANOS_PER_SECOND);
        return SECONDS.format(Instant.ofEpochSecond(seconds)) + "." + String.format("%09d", nanos) + "Z";
    }
}
