package dev.peregrine.cli.replay;

import static java.util.Objects.requireNonNull;

import dev.peregrine.cli.FalcoLogger;
import dev.peregrine.cli.config.FalcoConfig.LogLevel;
import dev.peregrine.cli.config.FalcoConfig.SyscallEventDrops;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.event.EventView;
import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.rules.load.Priority;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Falco's syscall event drop manager ({@code syscall_event_drops}), for a replay or the live driver: once a second
 * of event time it compares the drops since the last check with the events, and when the ratio passes the threshold
 * (always, with {@code simulate_drops}) it takes the configured actions, rate-limited by a token bucket
 * ({@code rate} tokens a second, at most {@code max_burst}): {@code log} (debug line), {@code alert} (an internal
 * alert "Falco internal: syscall event drop" at priority Debug with Falco's output fields), {@code exit} (critical
 * log lines, then {@link #beforeEvent} returns false and the caller stops with exit code 1). {@link #printStats}
 * prints Falco's summary.
 */
public final class SyscallEventDropMonitor implements ReplayPipeline.EventMonitor {
    /* Implementation notes: follows falco userspace/falco/event_drops.cpp and libsinsp's token_bucket. A capture
     * file reports no kernel drops, so only simulate_drops ever triggers actions on a replay; live, the counters
     * come from the driver (CaptureStats supplier, read once per check, not per event). The bucket starts full,
     * stamped with the wall clock (token_bucket::init with now = 0); the first claim, stamped with an event time
     * that may be older, computes the elapsed time as an unsigned 64-bit difference exactly as the C++ does, which
     * refills the bucket to its maximum. Falco keeps the actions in an unordered_set; they run here in the
     * declaration order of its enum (ignore, log, alert, exit) so the output does not depend on hashing. */

    /** The rule name and message prefix of Falco's drop alert. */
    public static final String RULE = "Falco internal: syscall event drop";

    private static final long ONE_SECOND_NS = 1_000_000_000L;
    private static final double TWO_POW_64 = 18446744073709551616.0;
    private static final List<String> ACTION_ORDER = List.of("ignore", "log", "alert", "exit");
    /** The {@code n_drops_buffer_*} category fields of the alert, in Falco's order. */
    public static final List<String> BUFFER_CATEGORY_FIELDS = List.of("n_drops_buffer_clone_fork_exit",
            "n_drops_buffer_execve_exit", "n_drops_buffer_connect_exit", "n_drops_buffer_open_exit",
            "n_drops_buffer_dir_file_exit", "n_drops_buffer_other_interest_exit", "n_drops_buffer_close_exit",
            "n_drops_buffer_proc_exit");

    /**
     * The capture counters the drop manager compares, cumulative since the capture started (libscap's
     * {@code scap_stats}).
     *
     * @param events events the kernel produced (delivered or dropped)
     * @param drops events dropped, all reasons
     * @param bufferDrops events dropped because the buffer was full
     * @param bufferCategories those drops by Falco's categories, keyed by {@link #BUFFER_CATEGORY_FIELDS} (missing
     *     keys count as 0)
     */
    public record CaptureStats(long events, long drops, long bufferDrops, Map<String, Long> bufferCategories) {
        public CaptureStats {
            bufferCategories = Map.copyOf(requireNonNull(bufferCategories, "bufferCategories is null"));
        }
    }

    private final SyscallEventDrops config;
    private final FalcoLogger log;
    private final AlertFormatter formatter;
    private final AlertSink sink;
    private final Supplier<CaptureStats> stats;
    private final boolean ebpf;
    private final double threshold;

    private long nextCheckTs;
    private CaptureStats last;
    private long events;
    private long drops;
    private long actions;
    private double tokens;
    private long lastSeen;

    /** A monitor for a replay: the events it sees are the capture's events, and nothing is dropped. */
    SyscallEventDropMonitor(SyscallEventDrops config, FalcoLogger log, AlertFormatter formatter, AlertSink sink,
            long wallClockNanos) {
        this(config, log, formatter, sink, null, false, wallClockNanos);
    }

    private SyscallEventDropMonitor(SyscallEventDrops config, FalcoLogger log, AlertFormatter formatter,
            AlertSink sink, Supplier<CaptureStats> stats, boolean ebpf, long wallClockNanos) {
        this.config = requireNonNull(config, "config is null");
        this.log = requireNonNull(log, "log is null");
        this.formatter = requireNonNull(formatter, "formatter is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.stats = stats != null ? stats : () -> new CaptureStats(events, 0, 0, Map.of());
        this.ebpf = ebpf;
        this.threshold = config.simulateDrops() ? 0 : config.threshold();
        this.tokens = config.maxBurst();
        this.lastSeen = wallClockNanos;
        this.last = this.stats.get();
    }

    /**
     * {@return a monitor of the live driver} {@code stats} is read once at creation (the baseline) and then once per
     * check, from the thread that calls {@link #beforeEvent}; the alert says {@code ebpf_enabled=1}.
     */
    public static SyscallEventDropMonitor live(SyscallEventDrops config, FalcoLogger log, AlertFormatter formatter,
            AlertSink sink, Supplier<CaptureStats> stats) {
        requireNonNull(stats, "stats is null");
        return new SyscallEventDropMonitor(config, log, formatter, sink, stats, true, wallClockNanos());
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
        CaptureStats now = stats.get();
        long deltaEvents = now.events() - last.events();
        long deltaDrops = now.drops() - last.drops();
        long deltaBuffer = now.bufferDrops() - last.bufferDrops();
        Map<String, Long> deltaCategories = new LinkedHashMap<>();
        for (String k : BUFFER_CATEGORY_FIELDS) {
            deltaCategories.put(k, now.bufferCategories().getOrDefault(k, 0L)
                    - last.bufferCategories().getOrDefault(k, 0L));
        }
        last = now;
        if (config.simulateDrops()) {
            log.log(LogLevel.INFO, "Simulating syscall event drop");
            deltaDrops++;
        }
        if (deltaDrops <= 0 || (double) deltaDrops / deltaEvents <= threshold) {
            return true;
        }
        drops++;
        if (!claim(ts)) {
            log.log(LogLevel.DEBUG, "Syscall event drop but token bucket depleted, skipping actions");
            return true;
        }
        actions++;
        return act(ts, deltaEvents, deltaDrops, deltaBuffer, deltaCategories);
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

    private boolean act(long ts, long deltaEvents, long deltaDrops, long deltaBuffer, Map<String, Long> categories) {
        String msg = RULE + ". " + deltaDrops + " system calls dropped in last second.";
        boolean keepGoing = true;
        for (String action : ACTION_ORDER) {
            if (!config.actions().contains(action)) {
                continue;
            }
            switch (action) {
                case "log" -> log.log(LogLevel.DEBUG, msg);
                case "alert" -> {
                    // Falco's nlohmann::json object keeps its keys sorted: the alert lists them that way
                    Map<String, Object> fields = new TreeMap<>();
                    fields.put("n_evts", Long.toString(deltaEvents));
                    fields.put("n_drops", Long.toString(deltaDrops));
                    fields.put("n_drops_buffer_total", Long.toString(deltaBuffer));
                    categories.forEach((k, v) -> fields.put(k, Long.toString(v)));
                    fields.put("n_drops_scratch_map", "0");
                    fields.put("n_drops_page_faults", "0");
                    fields.put("n_drops_bug", "0");
                    fields.put("ebpf_enabled", ebpf ? "1" : "0");
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

    /** {@return how many checks found drops over the threshold (Falco's "event drop detected" occurrences)} */
    public long dropOccurrences() {
        return drops;
    }

    /** {@return how many times the actions were taken (not suppressed by the token bucket)} */
    public long actionsTaken() {
        return actions;
    }

    /** Prints Falco's end-of-run summary ({@code syscall_evt_drop_mgr::print_stats}). */
    public void printStats(PrintWriter err) {
        printStats(err, drops, actions);
    }

    /** Prints Falco's end-of-run summary of a monitor that counted these occurrences and actions. */
    public static void printStats(PrintWriter err, long occurrences, long actionsTaken) {
        err.println("Syscall event drop monitoring:");
        err.println("   - event drop detected: " + occurrences + " occurrences");
        err.println("   - num times actions taken: " + actionsTaken);
        err.flush();
    }

    private static long wallClockNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
