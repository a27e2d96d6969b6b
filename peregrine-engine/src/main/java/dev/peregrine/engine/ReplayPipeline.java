package dev.peregrine.engine;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.capture.CaptureSource;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.scap.PipelinedSource;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.capture.scap.ScapFileSource;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.fields.SyscallEvent;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.rules.load.Ruleset;
import dev.peregrine.state.StateEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Turns a capture file into rule matches as Falco does in capture mode: every event goes first through the state
 * engine, then to the syscall-source rules routed by its event type, and each match reaches the {@link AlertSink}.
 *
 * <p>A damaged capture is not an exception: the events before the damage are processed and the returned
 * {@link ReplayStats} carries the problem (and a non-zero {@link ReplayStats#exitCode()}).
 *
 * <p>The ruleset must have been loaded with a {@link SyscallBinding} ({@code LoadOptions.withBinding}), the one
 * passed here, so its conditions and outputs read the events this pipeline presents.
 */
public final class ReplayPipeline {
    /* Implementation notes:
     * - Order per event, as libsinsp's sinsp::next then Falco's process_event: the parser updates state first
     *   (StateEngine.onEvent: a new fd is in the table when an open exit is judged, a procexit's thread is kept
     *   until the next event), then the filter sees the event with the updated thread and fd.
     * - Falco hands every event of the capture to its engine; routing by event type (the ruleset's evttype index)
     *   decides which rules run. Only syscall-source rules see these events.
     * - evt.num counts every event read, starting at 1, as libsinsp numbers them.
     * - The capture's interface list tells the extractors which socket end is local (fd.lip, fd.rip, ...).
     * - One EvalContext, one SyscallEvent and one StateEngine per replay: state and rules run on the caller's
     *   thread. Reading, inflating and converting the capture run ahead on reader threads (PipelinedSource,
     *   ReadAheadInputStream), bounded, blocking handoffs: on two cores that takes about a quarter of the per-event
     *   work off the judging thread.
     * - Events nobody needs are left out by the reader before conversion (ScapFileSource.skipEventsNotNeeded): those
     *   of event names that change no state (StateEngine.changesState) and that no enabled syscall rule's event
     *   types include. Not with a monitor or a duration limit, which see every event. evt.num and the stats still
     *   count the events left out. */

    /** Environment variable Falco reads its hostname from, before asking the system. */
    public static final String HOSTNAME_ENV = "FALCO_HOSTNAME";

    private final String hostname;
    private final ZoneId zone;
    private final boolean asWritten;
    private final long durationLimitNanos;
    private final EventMonitor monitor;

    /** Sees every event before the rules do (Falco's syscall event drop manager); may stop the replay. */
    @FunctionalInterface
    public interface EventMonitor {
        /** {@return false to stop the replay before this event is judged (Falco's {@code exit} drop action)} */
        boolean beforeEvent(EventView view);
    }

    /**
     * @param hostname what {@code evt.hostname} shows when the capture has no machine-info block
     * @param zone the zone of {@code evt.time} and {@code evt.datetime}
     */
    public ReplayPipeline(String hostname, ZoneId zone) {
        this(hostname, zone, false, 0, NO_MONITOR);
    }

    /** The monitor of a pipeline without one: lets every event through and needs none of them. */
    private static final EventMonitor NO_MONITOR = view -> true;

    private ReplayPipeline(String hostname, ZoneId zone, boolean asWritten, long durationLimitNanos,
            EventMonitor monitor) {
        this.monitor = requireNonNull(monitor, "monitor is null");
        this.hostname = requireNonNull(hostname, "hostname is null");
        this.zone = requireNonNull(zone, "zone is null");
        this.asWritten = asWritten;
        if (durationLimitNanos < 0) {
            throw new IllegalArgumentException("duration limit must not be negative: " + durationLimitNanos);
        }
        this.durationLimitNanos = durationLimitNanos;
    }

    /**
     * {@return a pipeline that stops once the events read span {@code nanos} of event time (Falco's {@code -M}),
     * 0 for no limit}: the first event at or past the limit is not processed
     */
    public ReplayPipeline withDurationLimit(long nanos) {
        return new ReplayPipeline(hostname, zone, asWritten, nanos, monitor);
    }

    /** {@return a pipeline that shows every event to {@code monitor} before the rules see it} */
    public ReplayPipeline withMonitor(EventMonitor monitor) {
        return new ReplayPipeline(hostname, zone, asWritten, durationLimitNanos, monitor);
    }

    /**
     * {@return a pipeline that reads events in the layouts they were written with, without converting old layouts
     * (as {@code sysdig -r} 0.29 shows them; Falco converts)}
     */
    public ReplayPipeline withEventsAsWritten() {
        return new ReplayPipeline(hostname, zone, true, durationLimitNanos, monitor);
    }

    /** {@return a pipeline with Falco's hostname ({@value #HOSTNAME_ENV}, else the system's) and local time} */
    public static ReplayPipeline withDefaults() {
        return new ReplayPipeline(defaultHostname(), ZoneId.systemDefault());
    }

    /** {@return {@value #HOSTNAME_ENV} when set and not empty, else the system's host name} */
    public static String defaultHostname() {
        String env = System.getenv(HOSTNAME_ENV);
        if (env != null && !env.isEmpty()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * Replays {@code capture} through state and {@code ruleset} with the default pipeline.
     *
     * @throws IOException when the file cannot be opened (damage inside it is reported in the stats instead)
     */
    public static ReplayStats run(Path capture, Ruleset ruleset, SyscallBinding binding, AlertSink sink)
            throws IOException {
        return withDefaults().replay(capture, ruleset, binding, sink);
    }

    /** Replays {@code capture} through state and {@code ruleset}, delivering every match to {@code sink}. */
    public ReplayStats replay(Path capture, Ruleset ruleset, SyscallBinding binding, AlertSink sink)
            throws IOException {
        requireNonNull(capture, "capture is null");
        requireNonNull(binding, "binding is null");
        StateEngine state = new StateEngine();
        SyscallEvent event = SyscallEvent.over(state, hostname, zone);
        IntPredicate wanted = null;
        if (monitor == NO_MONITOR && durationLimitNanos == 0) {
            boolean[] ruled = ruledCodes(ruleset);
            wanted = code -> code >= ruled.length || ruled[code] || state.changesState(code);
        }
        try (CaptureSource source = open(capture, wanted, blockListener(state, event))) {
            return detect(source, state, event, ruleset, sink, () -> false);
        }
    }

    /**
     * {@return by event code, whether an enabled syscall rule of {@code ruleset} can match events of that code
     * (all codes when a rule is not restricted by event type)}
     */
    static boolean[] ruledCodes(Ruleset ruleset) {
        int size = EventTable.get().size();
        boolean[] ruled = new boolean[size];
        for (Rule r : ruleset.enabledRules()) {
            if (!r.source().equals(Ruleset.SYSCALL_SOURCE)) {
                continue;
            }
            if (r.eventTypes() == null) {
                Arrays.fill(ruled, true);
                return ruled;
            }
            BitSet codes = r.eventTypes().codes();
            for (int c = codes.nextSetBit(0); c >= 0 && c < size; c = codes.nextSetBit(c + 1)) {
                ruled[c] = true;
            }
        }
        return ruled;
    }

    /**
     * Judges every event of {@code source} (a capture file or the live driver) until it ends or {@code stop}
     * says so: state first, then the rules routed by event type, matches to {@code sink}. {@code state} and
     * {@code event} must already hold the source's initial state (see {@link #blockListener}).
     */
    public ReplayStats detect(CaptureSource source, StateEngine state, SyscallEvent event, Ruleset ruleset,
            AlertSink sink, BooleanSupplier stop) {
        requireNonNull(ruleset, "ruleset is null");
        requireNonNull(sink, "sink is null");
        EvalContext ctx = new EvalContext(ruleset.slots());
        long[] matched = new long[2];
        long[] read = new long[1];
        boolean[] stopped = new boolean[1];
        var problem = loop(source, state, event, stop, (ev, view) -> {
            read[0]++;
            if (!monitor.beforeEvent(view)) {
                stopped[0] = true;
                return false;
            }
            ctx.reset(ev);
            List<Rule> rules = ruleset.match(ctx, view.type());
            if (!rules.isEmpty()) {
                matched[0]++;
                for (int i = 0, n = rules.size(); i < n; i++) {
                    matched[1]++;
                    sink.alert(rules.get(i), ctx, view.ts());
                }
            }
            return true;
        });
        return new ReplayStats(read[0] + source.eventsLeftOut(), matched[0], matched[1], problem, stopped[0]);
    }

    /** Receives each event after the state engine has processed it. */
    @FunctionalInterface
    public interface EventHandler {
        /**
         * @param event the holder the syscall extractors read, pointed at the event
         * @param view the event, valid during the call only
         * @return false to stop reading
         */
        boolean onEvent(SyscallEvent event, EventView view);
    }

    /**
     * Reads {@code capture}, feeds every block and event to a fresh state engine and hands each event to
     * {@code handler}.
     *
     * @return the problem that ended the capture early, if any
     */
    public Optional<CaptureProblem> forEachEvent(Path capture, EventHandler handler)
            throws IOException {
        requireNonNull(capture, "capture is null");
        requireNonNull(handler, "handler is null");
        StateEngine state = new StateEngine();
        SyscallEvent event = SyscallEvent.over(state, hostname, zone);
        try (CaptureSource source = open(capture, null, blockListener(state, event))) {
            return loop(source, state, event, () -> false, handler);
        }
    }

    /** {@return a new state engine's event holder for this pipeline's hostname and time zone} */
    public SyscallEvent eventHolder(StateEngine state) {
        return SyscallEvent.over(state, hostname, zone);
    }

    /**
     * Opens the capture: read, converted and filtered on a reader thread ({@link PipelinedSource}) unless the system
     * property {@value #READ_THREAD_PROPERTY} is {@code false}, which reads on the caller's thread.
     */
    private CaptureSource open(Path capture, IntPredicate wanted, Consumer<ScapBlock> listener) throws IOException {
        if (!"false".equals(System.getProperty(READ_THREAD_PROPERTY))) {
            return PipelinedSource.open(capture, asWritten, wanted, listener);
        }
        ScapFileSource source = asWritten ? ScapFileSource.openAsWritten(capture, listener)
                : ScapFileSource.open(capture, listener);
        if (wanted != null) {
            source.skipEventsNotNeeded(wanted);
        }
        return source;
    }

    /** System property that, set to {@code false}, reads captures on the replay's own thread (for comparisons). */
    public static final String READ_THREAD_PROPERTY = "peregrine.replay.readThread";

    /** How many events pass between two looks at the stop condition while events keep coming. */
    private static final int STOP_CHECK_INTERVAL = 4096;

    private Optional<CaptureProblem> loop(CaptureSource source, StateEngine state, SyscallEvent event,
            BooleanSupplier stop, EventHandler handler) {
        long num = 0;
        long delivered = 0;
        long first = 0;
        while (true) {
            CaptureSource.Next next = source.next();
            if (next == CaptureSource.Next.EOF) {
                return source.problem();
            }
            if (next == CaptureSource.Next.TIMEOUT || (num % STOP_CHECK_INTERVAL) == 0) {
                if (stop.getAsBoolean()) {
                    return Optional.empty();
                }
                if (next == CaptureSource.Next.TIMEOUT) {
                    continue;
                }
            }
            EventView view = source.event();
            if (durationLimitNanos > 0) {
                if (num == 0) {
                    first = view.ts();
                } else if (view.ts() - first >= durationLimitNanos) {
                    return Optional.empty();
                }
            }
            state.onEvent(view);
            num = ++delivered + source.eventsLeftOut();
            event.next(view, num);
            if (!handler.onEvent(event, view)) {
                return Optional.empty();
            }
        }
    }

    /**
     * {@return the listener that applies a capture's state blocks (or a {@code /proc} scan's) to {@code state}
     * and tells {@code event} the machine's local addresses}
     */
    public static Consumer<ScapBlock> blockListener(StateEngine state, SyscallEvent event) {
        return block -> onBlock(state, event, block);
    }

    private static void onBlock(StateEngine state, SyscallEvent event, ScapBlock block) {
        state.onBlock(block);
        if (block instanceof ScapBlock.Interfaces list) {
            List<Integer> v4 = new ArrayList<>();
            List<byte[]> v6 = new ArrayList<>();
            for (NetInterface i : list.interfaces()) {
                switch (i) {
                    case NetInterface.Ipv4 a -> {
                        byte[] b = a.addr().getAddress();
                        v4.add(((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF));
                    }
                    case NetInterface.Ipv6 a -> v6.add(a.addr().getAddress());
                }
            }
            event.setLocalAddresses(v4.stream().mapToInt(Integer::intValue).toArray(), v6);
        }
    }
}
