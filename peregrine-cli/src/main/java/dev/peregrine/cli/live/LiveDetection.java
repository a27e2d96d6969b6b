package dev.peregrine.cli.live;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.cli.FalcoLogger;
import dev.peregrine.cli.config.FalcoConfig;
import dev.peregrine.cli.replay.SyscallEventDropMonitor;
import dev.peregrine.cli.replay.SyscallEventDropMonitor.CaptureStats;
import dev.peregrine.driver.BpfException;
import dev.peregrine.driver.DropCounters;
import dev.peregrine.driver.LiveSource;
import dev.peregrine.engine.FormattingSink;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.engine.ReplayStats;
import dev.peregrine.event.EventTable;
import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.rules.fields.SyscallEvent;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.rules.load.Ruleset;
import dev.peregrine.state.StateEngine;
import dev.peregrine.state.container.ContainerMetadataSource;
import dev.peregrine.state.container.CgroupContainerId;
import dev.peregrine.state.proc.ProcScan;
import dev.peregrine.state.proc.ProcScanner;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Live detection, as {@code peregrine run} and Falco's command line ({@code engine.kind=modern_ebpf}) run it: opens
 * the eBPF driver selecting the system calls the rules need (plus those that keep state right), takes the initial
 * state from a {@code /proc} scan, then judges every event (state first, then the rules routed by event type) and
 * hands each alert, rendered by the formatter, to the sink; Falco's {@code syscall_event_drops} manager watches the
 * driver's drop counters. {@link #run} returns when the stop condition says so (or the drop manager's
 * {@code exit} action fires), with the driver detached.
 *
 * <p>{@link #dropCounters()} may be read from another thread (metrics) while {@link #run} runs.
 */
public final class LiveDetection {
    /* Implementation notes:
     * - The driver is opened before the /proc scan, so a process started during the scan is seen by at least one
     *   of them (its events wait in the rings).
     * - Alerts go through AlertSink.emit only (the delivery service, for `run` and Falco's command line alike), so
     *   how alerts are delivered is the sink's business, not this loop's.
     * - The drop manager reads the kernel's counters once per second of event time; its n_evts is what the driver
     *   produced: events read plus events dropped (the driver does not count produced events in the kernel, to keep
     *   the per-syscall cost down).
     * - Shutdown (runUntilShutdown): the JVM's hook sets the stop flag and waits for the loop to leave (the source
     *   returns TIMEOUT at least every poll interval), so the programs are detached and the summary printed
     *   before the JVM exits. */

    /**
     * What a run did.
     *
     * @param events events read from the driver
     * @param alerts alerts emitted by rules (internal alerts not included)
     * @param drops the driver's drop counters at the end
     * @param processes processes found by the {@code /proc} scan
     * @param syscalls the syscalls selected in the kernel
     * @param stoppedByDropManager true when the {@code syscall_event_drops} {@code exit} action ended the run
     * @param dropOccurrences checks that found drops over the threshold
     * @param dropActions times the drop actions were taken
     */
    public record Summary(long events, long alerts, DropCounters drops, int processes, Set<String> syscalls,
            boolean stoppedByDropManager, long dropOccurrences, long dropActions) {
        public Summary {
            requireNonNull(drops, "drops is null");
            syscalls = Set.copyOf(syscalls);
        }
    }

    /** Told once the driver is attached and the initial state loaded: from then on actions are seen. */
    @FunctionalInterface
    public interface ReadyListener {
        void ready(int rules, Set<String> syscalls, int processes);
    }

    private ReplayPipeline.EventMonitor extraMonitor = view -> true;
    private ContainerMetadataSource containerMetadata;
    private final Ruleset ruleset;
    private final AlertFormatter formatter;
    private final AlertSink sink;
    private final FalcoConfig.SyscallEventDrops dropConfig;
    private final FalcoLogger log;
    private volatile long ringBytes = LiveSource.DEFAULT_RING_BYTES;
    private volatile LiveSource running;
    private volatile CaptureStats lastStats;
    private final Object sourceLock = new Object();

    /**
     * @param ruleset the enabled rules, loaded with a {@code SyscallBinding}
     * @param formatter renders alerts (its hostname is also {@code evt.hostname})
     * @param sink receives every alert, rule alerts and the drop manager's internal alerts, from the event thread
     * @param dropConfig Falco's {@code syscall_event_drops}
     * @param log Falco's log (the drop manager's log lines)
     */
    public LiveDetection(Ruleset ruleset, AlertFormatter formatter, AlertSink sink,
            FalcoConfig.SyscallEventDrops dropConfig, FalcoLogger log) {
        this.ruleset = requireNonNull(ruleset, "ruleset is null");
        this.formatter = requireNonNull(formatter, "formatter is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.dropConfig = requireNonNull(dropConfig, "dropConfig is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** {@return why live detection cannot run here, as a sentence saying what to do; empty when it can} */
    public static Optional<String> unavailableReason() {
        return LiveSource.unavailableReason();
    }

    /** Sets the bytes of each per-CPU ring (a power of two, at least a page); call before {@link #run}. */
    /**
     * Looks up container metadata (name, image, Kubernetes pod) from the runtimes in the background; without it,
     * containers carry only their id.
     */
    public LiveDetection containerMetadata(ContainerMetadataSource source) {
        this.containerMetadata = requireNonNull(source, "source is null");
        return this;
    }

    /** Also calls {@code monitor} before each event is judged (after the drop monitor); e.g. to count events. */
    public LiveDetection eventMonitor(ReplayPipeline.EventMonitor monitor) {
        this.extraMonitor = requireNonNull(monitor, "monitor is null");
        return this;
    }

    public LiveDetection ringBytes(long bytes) {
        if (Long.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("ring bytes must be a power of two, got " + bytes);
        }
        this.ringBytes = bytes;
        return this;
    }

    /** {@return this machine's memory page size in bytes (the smallest ring)} */
    public static long pageSize() {
        return dev.peregrine.driver.libbpf.Libbpf.pageSize();
    }

    /** {@return the driver options: the syscalls among the enabled rules' event types plus the state set} */
    public LiveSource.Options options() {
        Set<String> types = new TreeSet<>();
        for (Rule r : ruleset.enabledRules()) {
            if (r.eventTypes() != null) {
                types.addAll(r.eventTypes().names(EventTable.get()));
            }
        }
        LiveSource.Options o = LiveSource.Options.forEventTypes(types);
        return new LiveSource.Options(ringBytes, o.pollMillis(), o.syscalls());
    }

    /**
     * {@return the driver's drop counters now, while {@link #run} runs (empty before and after)} Safe from any
     * thread; reads the kernel maps, so call it about once a second.
     */
    public Optional<DropCounters> dropCounters() {
        synchronized (sourceLock) {
            LiveSource s = running;
            return s == null ? Optional.empty() : Optional.of(s.dropCounters());
        }
    }

    /**
     * {@return the driver's counters as the drop manager last read them (about once a second of event time): events
     * produced (read + dropped), drops, drops by Falco's categories} Empty before the first reading. Safe from any
     * thread, costs nothing (for metrics).
     */
    public Optional<CaptureStats> captureStats() {
        return Optional.ofNullable(lastStats);
    }

    /**
     * Runs live detection until {@code stop} returns true (checked at least every poll interval) or the drop
     * manager's {@code exit} action fires.
     *
     * @param ready told once actions are observed (may be null)
     * @throws BpfException when live capture is unavailable or the kernel refuses the driver (a user-facing
     *     message)
     */
    public Summary run(BooleanSupplier stop, ReadyListener ready) {
        requireNonNull(stop, "stop is null");
        LiveSource.Options options = options();
        LiveSource source = LiveSource.open(options);
        try {
            synchronized (sourceLock) {
                running = source;
            }
            String hostname = formatter.options().hostname();
            StateEngine state = new StateEngine();
            if (containerMetadata != null) {
                state.setContainerMetadata(containerMetadata, c -> { });
            }
            state.setContainerEngines(CgroupContainerId.forHost(Path.of("/")));
            SyscallEvent event = SyscallEvent.over(state, hostname, ZoneId.systemDefault());
            Consumer<ScapBlock> apply = ReplayPipeline.blockListener(state, event);
            ProcScan scan = new ProcScanner().scan();
            scan.blocks().forEach(apply);
            SyscallEventDropMonitor monitor = SyscallEventDropMonitor.live(dropConfig, log, formatter, sink, () -> {
                CaptureStats now = stats(source);
                lastStats = now;
                return now;
            });
            ReplayPipeline pipeline = new ReplayPipeline(hostname, ZoneId.systemDefault())
                    .withMonitor(view -> monitor.beforeEvent(view) && extraMonitor.beforeEvent(view));
            if (ready != null) {
                ready.ready(ruleset.enabledRules().size(), options.syscalls(), scan.threads().size());
            }
            ReplayStats stats = pipeline.detect(source, state, event, ruleset,
                    new FormattingSink(formatter, sink::emit), stop);
            sink.flush();
            return new Summary(stats.eventsRead(), stats.alerts(), source.dropCounters(), scan.threads().size(),
                    options.syscalls(), stats.stopped(), monitor.dropOccurrences(), monitor.actionsTaken());
        } finally {
            synchronized (sourceLock) {
                running = null;
                source.close();
            }
        }
    }

    /**
     * Runs until SIGINT/SIGTERM (the JVM's shutdown) or {@code maxSeconds} of wall time counted from the moment
     * actions are observed (null: no limit); the shutdown waits for the loop to detach the driver and for
     * {@code after} to run (the caller's summary).
     */
    public Summary runUntilShutdown(Double maxSeconds, ReadyListener ready, Consumer<Summary> after) {
        AtomicLong deadline = new AtomicLong(Long.MAX_VALUE);
        ReadyListener start = (rules, syscalls, processes) -> {
            if (maxSeconds != null) {
                deadline.set(System.nanoTime() + (long) (maxSeconds * 1e9));
            }
            if (ready != null) {
                ready.ready(rules, syscalls, processes);
            }
        };
        try (ShutdownSignal signal = ShutdownSignal.install()) {
            Summary s = run(() -> signal.received() || deadline.get() != Long.MAX_VALUE
                    && System.nanoTime() - deadline.get() >= 0, start);
            if (after != null) {
                after.accept(s);
            }
            return s;
        }
    }

    private static CaptureStats stats(LiveSource source) {
        DropCounters d = source.dropCounters();
        long total = d.total();
        Map<String, Long> categories = new LinkedHashMap<>();
        d.byCategory().forEach((c, n) -> categories.put(c.falcoField(), n));
        return new CaptureStats(source.eventCount() + total, total, total, categories);
    }
}
