package dev.peregrine.cli.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as {@code falco.yaml} writes them: a plain number of milliseconds ({@code 5000}) or Prometheus units
 * combined largest first ({@code 1h30m}, {@code 15s}, {@code 250ms}; y, w, d, h, m, s, ms, us, ns).
 */
public final class DurationText {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|us|µs|ns|y|w|d|h|m|s)");

    private DurationText() {
    }

    /** {@return the duration, or empty when the text is not one} */
    public static Optional<Duration> parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        if (t.chars().allMatch(Character::isDigit)) {
            return Optional.of(Duration.ofMillis(Long.parseLong(t)));
        }
        Matcher m = PART.matcher(t);
        Duration d = Duration.ZERO;
        int at = 0;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                return Optional.empty();
            }
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "y" -> Duration.ofDays(365 * n);
                case "w" -> Duration.ofDays(7 * n);
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                case "ms" -> Duration.ofMillis(n);
                case "us", "µs" -> Duration.ofNanos(n * 1000);
                default -> Duration.ofNanos(n);
            });
            at = m.end();
        }
        return Optional.of(d);
    }
}
