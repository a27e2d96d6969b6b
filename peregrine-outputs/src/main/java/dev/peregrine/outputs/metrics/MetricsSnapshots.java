package dev.peregrine.outputs.metrics;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * Falco's {@code metrics.output_rule}: every interval, an Informational alert "Falco metrics snapshot" (rule
 * "Falco internal: metrics snapshot", source {@code internal}) with {@link AgentMetrics#snapshotFields} as output
 * fields, sent through the outputs.
 */
public final class MetricsSnapshots implements AutoCloseable {
    /** The rule name of Falco's snapshot alert. */
    public static final String RULE = "Falco internal: metrics snapshot";
    /** The message of Falco's snapshot alert. */
    public static final String MESSAGE = "Falco metrics snapshot";

    private final Thread thread;
    private volatile boolean stopped;

    private MetricsSnapshots(Thread thread) {
        this.thread = thread;
    }

    /** Starts emitting a snapshot every {@code interval} to {@code sink} (which must accept calls from any thread). */
    public static MetricsSnapshots start(AgentMetrics metrics, AlertFormatter formatter, AlertSink sink,
            Duration interval, ZoneId zone) {
        requireNonNull(metrics, "metrics is null");
        requireNonNull(formatter, "formatter is null");
        requireNonNull(sink, "sink is null");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        MetricsSnapshots[] self = new MetricsSnapshots[1];
        Thread t = Thread.ofVirtual().name("peregrine-metrics-snapshots").unstarted(() -> {
            long prevEvents = 0;
            long prevNanos = System.nanoTime();
            while (!self[0].stopped) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                sink.emit(snapshot(metrics, formatter, zone, prevEvents, (now - prevNanos) / 1e9));
                prevEvents = metrics.events();
                prevNanos = now;
            }
        });
        self[0] = new MetricsSnapshots(t);
        t.start();
        return self[0];
    }

    /** {@return one snapshot alert, now} */
    public static FormattedAlert snapshot(AgentMetrics metrics, AlertFormatter formatter, ZoneId zone,
            long previousEvents, double secondsSincePrevious) {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        Map<String, Object> fields = metrics.snapshotFields(formatter.options().hostname(), nanos, previousEvents,
                secondsSincePrevious);
        int offset = zone.getRules().getOffset(now).getTotalSeconds();
        return formatter.formatInternal(nanos, offset, Priority.INFORMATIONAL, MESSAGE, RULE, fields);
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
