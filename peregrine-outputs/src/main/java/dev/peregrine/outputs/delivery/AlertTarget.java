package dev.peregrine.outputs.delivery;

import dev.peregrine.outputs.format.FormattedAlert;
import java.util.List;

/**
 * A place alerts are delivered to (an HTTP endpoint, Slack, Kafka, a file...). A target only knows how to send: the
 * delivery layer gives each target its own bounded queue and sender thread, batches, retries with backoff, spools to
 * disk while the target is down and counts what it finally drops, so a target's {@link #deliver} may block and may
 * fail.
 */
public interface AlertTarget extends AutoCloseable {
    /** {@return the channel's name in logs and metrics, e.g. {@code http}, {@code slack}, {@code kafka}} */
    String name();

    /**
     * Sends alerts, in order, blocking until the destination has accepted all of them or has failed.
     *
     * @param batch one or more alerts, never empty
     * @throws DeliveryException if not all alerts were accepted; {@link DeliveryException#retryable()} says whether
     *     sending the same batch again may succeed (a timeout, a 5xx) or cannot (a 4xx, a malformed alert)
     */
    void deliver(List<FormattedAlert> batch) throws DeliveryException;

    /** {@return the most alerts {@link #deliver} accepts at once (1 for channels without a batch API)} */
    default int maxBatch() {
        return 1;
    }

    /** Releases connections and threads. Called once, after the last {@link #deliver}. */
    @Override
    default void close() {
    }
}
