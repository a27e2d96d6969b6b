package dev.peregrine.outputs.delivery;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one target did so far (a snapshot).
 *
 * @param target the target's name in logs and metrics
 * @param sent alerts the target accepted
 * @param retried alerts sent again after a failed attempt
 * @param maybeDuplicated alerts sent again after a failure that left it unknown whether the destination had
 *     received them (a timeout after the request was written): the upper bound of duplicates the destination saw
 * @param spooled alerts written to the spool (each counted once, when first written)
 * @param failures failed delivery attempts (each batch attempt counts once)
 * @param queued alerts waiting in the queue and in memory now
 * @param spoolPending alerts waiting in the spool now
 * @param dropped alerts given up, by reason ({@code queue_full}, {@code rejected}, {@code spool_full},
 *     {@code spool_error}, {@code shutdown}, {@code target_error})
 * @param lastError the last failure's message, or empty
 */
public record DeliveryCounters(String target, long sent, long retried, long maybeDuplicated, long spooled,
        long failures, long queued, long spoolPending, Map<String, Long> dropped, String lastError) {
    public DeliveryCounters {
        requireNonNull(target, "target is null");
        dropped = Map.copyOf(dropped);
        requireNonNull(lastError, "lastError is null");
    }

    /** {@return the alerts dropped for any reason} */
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@return one line for logs: {@code http: 10 sent, 2 retried, 0 spooled, 1 dropped (rejected=1)}} */
    public String summary() {
        StringBuilder sb = new StringBuilder(target).append(": ").append(sent).append(" sent, ").append(retried)
                .append(" retried, ").append(spooled).append(" spooled, ").append(droppedTotal()).append(" dropped");
        if (!dropped.isEmpty()) {
            sb.append(' ').append(new TreeMap<>(dropped).toString().replace('{', '(').replace('}', ')')
                    .replace(", ", " "));
        }
        if (queued + spoolPending > 0) {
            sb.append(", ").append(queued + spoolPending).append(" undelivered");
            if (spoolPending > 0) {
                sb.append(" (").append(spoolPending).append(" spooled for the next start)");
            }
        }
        return sb.toString();
    }
}
