package dev.peregrine.cli.replay;

import static java.util.Objects.requireNonNull;

import dev.peregrine.cli.FalcoLogger;
import dev.peregrine.cli.config.FalcoConfig.LogLevel;
import dev.peregrine.cli.config.FalcoConfig.SyscallEventDrops;
import dev.peregrine.event.EventView;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.rules.load.Priority;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Falco's syscall event drop manager ({@code syscall_event_drops}) during a replay: once a second of event time it
 * compares the drops since the last check with the events, and when the ratio passes the threshold (always, with
 * {@code simulate_drops}) it takes the configured actions, rate-limited by a token bucket: {@code log} (debug
 * line), {@code alert} (an internal alert "Falco internal: syscall event drop" at priority Debug), {@code exit}
 * (critical log lines, then the replay stops with exit code 1). {@link #printStats} prints Falco's summary.
 */
final class SyscallEventDropMonitor implements ReplayPipeline.EventMonitor {
    /* Implementation notes: follows falco userspace/falco/event_drops.cpp and libsinsp's token_bucket. A capture
     * file reports no kernel drops, so only simulate_drops ever triggers actions on a replay. The bucket starts
     * full, stamped with the wall clock (token_bucket::init with now = 0); the first claim, stamped with an event
     * time that is usually older, computes the elapsed time as an unsigned 64-bit difference exactly as the C++
     * does, which refills the bucket to its maximum. */

    private static final long ONE_SECOND_NS = 1_000_000_000L;
    private static final String RULE = "Falco internal: syscall event drop";
    private static final double TWO_POW_64 = 18446744073709551616.0;

    private final SyscallEventDrops config;
    private final FalcoLogger log;
    private final AlertFormatter formatter;
    private final AlertSink sink;
    private final double threshold;

    private long nextCheckTs;
    private long eventsAtLastCheck;
    private long events;
    private long drops;
    private long actions;
    private double tokens;
    private long lastSeen;

    SyscallEventDropMonitor(SyscallEventDrops config, FalcoLogger log, AlertFormatter formatter, AlertSink sink,
            long wallClockNanos) {
        this.config = requireNonNull(config, "config is null");
        this.log = requireNonNull(log, "log is null");
        this.formatter = requireNonNull(formatter, "formatter is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.threshold = config.simulateDrops() ? 0 : config.threshold();
        this.tokens = config.maxBurst();
        this.lastSeen = wallClockNanos;
    }

    @Override
    public boolean beforeEvent(EventView view) {
        events++;
        long ts = view.ts();
        if (nextCheckTs == 0) {
            nextCheckTs = ts + ONE_SECOND_NS;
        }
        if (Long.compareUnsigned(nextCheckTs, ts) >= 0) {
            return true;
        }
        nextCheckTs = ts + ONE_SECOND_NS;
        long deltaEvents = events - eventsAtLastCheck;
        eventsAtLastCheck = events;
        long deltaDrops = 0;
        if (config.simulateDrops()) {
            log.log(LogLevel.INFO, "Simulating syscall event drop");
            deltaDrops++;
        }
        if (deltaDrops == 0 || (double) deltaDrops / deltaEvents <= threshold) {
            return true;
        }
        drops++;
        if (!claim(ts)) {
            log.log(LogLevel.DEBUG, "Syscall event drop but token bucket depleted, skipping actions");
            return true;
        }
        actions++;
        return act(ts, deltaEvents, deltaDrops);
    }

    private boolean claim(long now) {
        long elapsed = now - lastSeen;
        double seconds = (elapsed >= 0 ? elapsed : elapsed + TWO_POW_64) / 1e9;
        lastSeen = now;
        tokens = Math.min(config.maxBurst(), tokens + config.rate() * seconds);
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    private boolean act(long ts, long deltaEvents, long deltaDrops) {
        String msg = RULE + ". " + deltaDrops + " system calls dropped in last second.";
        boolean keepGoing = true;
        for (String action : config.actions()) {
            switch (action) {
                case "log" -> log.log(LogLevel.DEBUG, msg);
                case "alert" -> {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("n_evts", Long.toString(deltaEvents));
                    fields.put("n_drops", Long.toString(deltaDrops));
                    for (String k : new String[] {"n_drops_buffer_total", "n_drops_buffer_clone_fork_exit",
                        "n_drops_buffer_execve_exit", "n_drops_buffer_connect_exit", "n_drops_buffer_open_exit",
                        "n_drops_buffer_dir_file_exit", "n_drops_buffer_other_interest_exit",
                        "n_drops_buffer_close_exit", "n_drops_buffer_proc_exit", "n_drops_scratch_map",
                        "n_drops_page_faults", "n_drops_bug"}) {
                        fields.put(k, "0");
                    }
                    fields.put("ebpf_enabled", "0");
                    int offset = ZoneId.systemDefault().getRules()
                            .getOffset(Instant.ofEpochSecond(Math.floorDiv(ts, ONE_SECOND_NS))).getTotalSeconds();
                    sink.emit(formatter.formatInternal(ts, offset, Priority.DEBUG, msg, RULE, fields));
                }
                case "exit" -> {
                    log.log(LogLevel.CRITICAL, msg);
                    log.log(LogLevel.CRITICAL, "Exiting.");
                    keepGoing = false;
                }
                default -> {
                    // "ignore" (DISREGARD)
                }
            }
        }
        return keepGoing;
    }

    /** Prints Falco's end-of-run summary ({@code syscall_evt_drop_mgr::print_stats}). */
    void printStats(PrintWriter err) {
        err.println("Syscall event drop monitoring:");
        err.println("   - event drop detected: " + drops + " occurrences");
        err.println("   - num times actions taken: " + actions);
        err.flush();
    }
}
