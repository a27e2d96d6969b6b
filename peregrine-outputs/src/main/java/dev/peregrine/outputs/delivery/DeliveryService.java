package dev.peregrine.outputs.delivery;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.FormattedAlert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Delivers alerts to targets without ever making the event path wait: {@link #emit} hands each alert to every
 * target's bounded queue and returns; each target has its own threads that batch, retry with exponential backoff,
 * spool to disk while the target is down (delivered later, also by the next run over the same spool directory)
 * and count what they send, retry, spool and drop.
 *
 * <p>Delivery contract, per target: alerts arrive in the order they were emitted, at least once. An alert is sent
 * twice only when (1) a failure left it unknown whether the destination got it (a timeout after the request was
 * written; counted in {@link DeliveryCounters#maybeDuplicated()}), or (2) the process died (not a clean
 * {@link #close()}) between the destination accepting a batch read from the spool and the spool recording it
 * (at most that one batch). Refused connections and error statuses (HTTP 5xx) are never duplicated. What cannot
 * be delivered is counted in {@link DeliveryCounters#dropped()} by reason and logged once per reason. Alerts still
 * in memory when the process is killed (not closed) are lost: the spool holds what a target could not take, it is
 * not a write-ahead log.
 */
public final class DeliveryService implements AlertSink {
    /* Implementation notes: the service is an AlertSink so the command line's existing call sites (the replay
     * engine, the syscall-event-drop monitor) need no change. flush() waits (bounded by the shutdown timeout) for
     * targets that are up to catch up, so `falco` runs over a capture print every alert before the summary;
     * targets that are down are not waited for. The per-rule throttle runs on the event thread before the
     * fan-out, so every target sees the same alerts. */

    private final List<TargetLane> lanes;
    private final DeliveryOptions options;
    private final RuleThrottle throttle;
    private final Consumer<String> log;
    private boolean closed;

    private DeliveryService(List<TargetLane> lanes, DeliveryOptions options, Consumer<String> log) {
        this.lanes = lanes;
        this.options = options;
        this.throttle = options.throttle().map(RuleThrottle::new).orElse(null);
        this.log = log;
    }

    /**
     * Starts delivery to the targets; targets named alike get {@code -2}, {@code -3}... suffixes.
     *
     * @param log receives operator messages: a target failing and recovering, drops (once per reason), spooled
     *     alerts found at start
     * @throws UncheckedIOException when a spool directory cannot be opened
     */
    public static DeliveryService start(List<ConfiguredTarget> targets, DeliveryOptions options,
            Consumer<String> log) {
        requireNonNull(targets, "targets is null");
        requireNonNull(options, "options is null");
        requireNonNull(log, "log is null");
        Map<String, Integer> seen = new HashMap<>();
        List<TargetLane> lanes = new ArrayList<>();
        try {
            for (ConfiguredTarget t : targets) {
                String base = t.target().name();
                int n = seen.merge(base, 1, Integer::sum);
                lanes.add(new TargetLane(n == 1 ? base : base + "-" + n, t, options, log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spool: " + e.getMessage(), e);
        }
        lanes.forEach(TargetLane::start);
        return new DeliveryService(List.copyOf(lanes), options, log);
    }

    /** Hands an alert to every target (those whose minimum priority it meets); never blocks. */
    @Override
    public void emit(FormattedAlert alert) {
        FormattedAlert a = alert;
        if (throttle != null) {
            a = throttle.admit(alert, System.nanoTime());
            if (a == null) {
                return;
            }
        }
        for (TargetLane lane : lanes) {
            lane.offer(a);
        }
    }

    /**
     * Waits, at most the shutdown timeout, until the targets that are up have sent everything emitted so far
     * (targets that are failing are not waited for: {@link #close()} gives them the shutdown timeout).
     */
    @Override
    public void flush() {
        long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
        try {
            for (TargetLane lane : lanes) {
                lane.awaitIdle(deadline, true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops: waits at most the shutdown timeout for targets to send what they hold, spools the rest (or counts it
     * as dropped, reason {@code shutdown}, without a spool) and closes the targets. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
        boolean interrupted = false;
        for (TargetLane lane : lanes) {
            try {
                lane.stop(deadline);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@return each target's counters, in target order} */
    public List<DeliveryCounters> counters() {
        return lanes.stream().map(TargetLane::counters).toList();
    }

    /** {@return the throttle's count of alerts suppressed so far (0 without throttling)} */
    public long suppressed() {
        return throttle == null ? 0 : throttle.suppressedTotal();
    }

    /**
     * {@return one line per target that did not deliver everything (dropped or left undelivered), for the summary
     * printed at exit; empty when every alert was delivered}
     */
    public List<String> undeliveredSummary() {
        List<String> out = new ArrayList<>();
        for (DeliveryCounters c : counters()) {
            if (c.droppedTotal() + c.queued() + c.spoolPending() > 0) {
                out.add(c.summary());
            }
        }
        return out;
    }

    /** Logs every target's counters through the service's log. */
    public void logCounters() {
        counters().forEach(c -> log.accept(c.summary()));
    }
}
