package dev.peregrine.outputs.delivery;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a {@link DeliveryService} queues, retries, spools and shuts down.
 *
 * @param queueCapacity alerts each target's queue holds between the event thread and the target's intake (Falco's
 *     {@code outputs_queue.capacity}; 0 means unbounded, as in Falco). When it is full the alert is dropped with
 *     reason {@code queue_full}, never waited for.
 * @param memoryBacklog alerts each target keeps in memory, waiting to be sent, before it spools to disk
 * @param spoolDir where targets spool alerts they cannot send yet (one subdirectory per target), or empty for
 *     no spool: then a target that stays down fills its backlog and queue, and further alerts are dropped
 * @param spoolMaxBytes the most each target's spool may hold on disk; beyond it alerts are dropped with reason
 *     {@code spool_full}
 * @param retryInitial the first wait after a failed delivery; each further failure doubles it
 * @param retryMax the longest wait between two attempts
 * @param shutdownTimeout the longest {@link DeliveryService#close()} waits for targets to send what they hold;
 *     what is left is spooled (or counted as dropped with reason {@code shutdown} without a spool)
 * @param throttle per-rule throttling, or empty for none
 */
public record DeliveryOptions(int queueCapacity, int memoryBacklog, Optional<Path> spoolDir, long spoolMaxBytes,
        Duration retryInitial, Duration retryMax, Duration shutdownTimeout, Optional<Throttle> throttle) {
    /** Alerts kept in memory per target before spooling, by default. */
    public static final int DEFAULT_MEMORY_BACKLOG = 1024;
    /** Bytes of spool per target, by default (1 GiB). */
    public static final long DEFAULT_SPOOL_MAX_BYTES = 1L << 30;

    public DeliveryOptions {
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity must not be negative: " + queueCapacity);
        }
        if (memoryBacklog < 1) {
            throw new IllegalArgumentException("memoryBacklog must be at least 1: " + memoryBacklog);
        }
        requireNonNull(spoolDir, "spoolDir is null");
        if (spoolMaxBytes < 1) {
            throw new IllegalArgumentException("spoolMaxBytes must be positive: " + spoolMaxBytes);
        }
        requireNonNull(retryInitial, "retryInitial is null");
        requireNonNull(retryMax, "retryMax is null");
        requireNonNull(shutdownTimeout, "shutdownTimeout is null");
        requireNonNull(throttle, "throttle is null");
        if (retryInitial.isNegative() || retryInitial.isZero() || retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException("retry waits must be positive and retryMax >= retryInitial: "
                    + retryInitial + ", " + retryMax);
        }
    }

    /** {@return unbounded queues, 1024 alerts in memory, no spool, retries from 200 ms to 30 s, 3 s to shut down} */
    public static DeliveryOptions defaults() {
        return new DeliveryOptions(0, DEFAULT_MEMORY_BACKLOG, Optional.empty(), DEFAULT_SPOOL_MAX_BYTES,
                Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(3), Optional.empty());
    }

    public DeliveryOptions withSpoolDir(Path dir) {
        return new DeliveryOptions(queueCapacity, memoryBacklog, Optional.of(dir), spoolMaxBytes, retryInitial,
                retryMax, shutdownTimeout, throttle);
    }

    public DeliveryOptions withQueueCapacity(int capacity) {
        return new DeliveryOptions(capacity, memoryBacklog, spoolDir, spoolMaxBytes, retryInitial, retryMax,
                shutdownTimeout, throttle);
    }

    public DeliveryOptions withMemoryBacklog(int alerts) {
        return new DeliveryOptions(queueCapacity, alerts, spoolDir, spoolMaxBytes, retryInitial, retryMax,
                shutdownTimeout, throttle);
    }

    public DeliveryOptions withRetry(Duration initial, Duration max) {
        return new DeliveryOptions(queueCapacity, memoryBacklog, spoolDir, spoolMaxBytes, initial, max,
                shutdownTimeout, throttle);
    }

    public DeliveryOptions withShutdownTimeout(Duration timeout) {
        return new DeliveryOptions(queueCapacity, memoryBacklog, spoolDir, spoolMaxBytes, retryInitial, retryMax,
                timeout, throttle);
    }

    public DeliveryOptions withThrottle(Throttle t) {
        return new DeliveryOptions(queueCapacity, memoryBacklog, spoolDir, spoolMaxBytes, retryInitial, retryMax,
                shutdownTimeout, Optional.of(t));
    }

    /**
     * Per-rule throttling: at most {@code maxAlerts} alerts of one rule per {@code interval}; the first alert of the
     * rule after suppressed ones carries their number.
     */
    public record Throttle(int maxAlerts, Duration interval) {
        public Throttle {
            requireNonNull(interval, "interval is null");
            if (maxAlerts < 1 || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("throttle needs maxAlerts >= 1 and a positive interval: "
                        + maxAlerts + " per " + interval);
            }
        }
    }
}
