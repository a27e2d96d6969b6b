package dev.peregrine.outputs.metrics;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Falco's {@code metrics.output_rule} and {@code metrics.output_file}: every interval, an Informational alert
 * "Falco metrics snapshot" (rule "Falco internal: metrics snapshot", source {@code internal}) with
 * {@link AgentMetrics#snapshotFields} as output fields, sent through the outputs, and/or one JSON line
 * {@code {"output_fields":{...},"sample":N}} appended to a file.
 */
public final class MetricsSnapshots implements AutoCloseable {
    /** The rule name of Falco's snapshot alert. */
    public static final String RULE = "Falco internal: metrics snapshot";
    /** The message of Falco's snapshot alert. */
    public static final String MESSAGE = "Falco metrics snapshot";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Thread thread;
    private volatile boolean stopped;

    private MetricsSnapshots(Thread thread) {
        this.thread = thread;
    }

    /**
     * Starts taking a snapshot every {@code interval}.
     *
     * @param sink receives the snapshot alerts (must accept calls from any thread), or null for none
     * @param outputFile where snapshot lines are appended, or null for none
     * @param log receives a message when the file cannot be written
     */
    public static MetricsSnapshots start(AgentMetrics metrics, AlertFormatter formatter, AlertSink sink,
            Path outputFile, Duration interval, ZoneId zone, Consumer<String> log) {
        requireNonNull(metrics, "metrics is null");
        requireNonNull(formatter, "formatter is null");
        requireNonNull(log, "log is null");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        MetricsSnapshots[] self = new MetricsSnapshots[1];
        Thread t = Thread.ofVirtual().name("peregrine-metrics-snapshots").unstarted(() -> {
            long prevEvents = 0;
            long prevNanos = System.nanoTime();
            long sample = 0;
            while (!self[0].stopped) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                FormattedAlert a = snapshot(metrics, formatter, zone, prevEvents, (now - prevNanos) / 1e9);
                sample++;
                if (sink != null) {
                    sink.emit(a);
                }
                if (outputFile != null) {
                    appendLine(outputFile, sample, metrics, formatter, prevEvents, (now - prevNanos) / 1e9, log);
                }
                prevEvents = metrics.events();
                prevNanos = now;
            }
        });
        self[0] = new MetricsSnapshots(t);
        t.start();
        return self[0];
    }

    /** {@return Falco's metrics file line: {@code {"output_fields":{...},"sample":N}}, keys sorted as Falco's} */
    public static String fileLine(long sample, Map<String, Object> fields) {
        Map<String, Object> doc = new TreeMap<>();
        doc.put("output_fields", new TreeMap<>(fields));
        doc.put("sample", sample);
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a metrics snapshot", e);
        }
    }

    private static void appendLine(Path file, long sample, AgentMetrics metrics, AlertFormatter formatter,
            long prevEvents, double seconds, Consumer<String> log) {
        Instant now = Instant.now();
        Map<String, Object> fields = metrics.snapshotFields(formatter.options().hostname(),
                now.getEpochSecond() * 1_000_000_000L + now.getNano(), prevEvents, seconds);
        try {
            Files.writeString(file, fileLine(sample, fields) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            log.accept("metrics.output_file: cannot write " + file + ": " + e.getMessage());
        }
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
