package dev.peregrine.outputs.delivery;

import dev.peregrine.outputs.format.FormattedAlert;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-rule throttling on the event thread: at most {@code maxAlerts} alerts of a rule per interval (a fixed window
 * starting at the rule's first alert); the first alert let through after suppressed ones carries their number, in
 * the field {@value #FIELD} and at the end of its line.
 */
final class RuleThrottle {
    /** The output field that carries the number of alerts of the same rule suppressed before this one. */
    static final String FIELD = "peregrine.suppressed";

    private final int maxAlerts;
    private final long intervalNanos;
    private final Map<String, Window> windows = new HashMap<>();
    private long suppressedTotal;

    private static final class Window {
        long start;
        int count;
        long suppressed;
    }

    RuleThrottle(DeliveryOptions.Throttle t) {
        this.maxAlerts = t.maxAlerts();
        this.intervalNanos = t.interval().toNanos();
    }

    /** {@return the alert to deliver (possibly carrying a suppressed count), or null to suppress it} */
    FormattedAlert admit(FormattedAlert a, long nowNanos) {
        Window w = windows.computeIfAbsent(a.rule(), r -> new Window());
        if (w.count == 0 || nowNanos - w.start >= intervalNanos) {
            w.start = nowNanos;
            w.count = 0;
        }
        if (w.count >= maxAlerts) {
            w.suppressed++;
            suppressedTotal++;
            return null;
        }
        w.count++;
        if (w.suppressed == 0) {
            return a;
        }
        long n = w.suppressed;
        w.suppressed = 0;
        return withSuppressed(a, n);
    }

    long suppressedTotal() {
        return suppressedTotal;
    }

    /** The alert with {@code "peregrine.suppressed": n}: a JSON line gets the key first, a text line a suffix. */
    static FormattedAlert withSuppressed(FormattedAlert a, long n) {
        Map<String, String> fields = new LinkedHashMap<>(a.fields());
        fields.put(FIELD, Long.toString(n));
        String line = a.line();
        if (line.startsWith("{")) {
            line = "{\"" + FIELD + "\":" + n + (line.equals("{}") ? "" : ",") + line.substring(1);
        } else {
            line = line + " (" + n + " similar alerts suppressed)";
        }
        return new FormattedAlert(line, a.rule(), a.priority(), a.source(), a.tags(), a.timestampNanos(),
                a.output(), fields);
    }
}
