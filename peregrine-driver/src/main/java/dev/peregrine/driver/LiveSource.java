package dev.peregrine.driver;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.capture.CaptureSource;
import dev.peregrine.driver.libbpf.Libbpf;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Live events from the kernel: loads Peregrine's eBPF driver, attaches it and delivers its events, merged across
 * the per-CPU ring buffers in timestamp order, as a {@link CaptureSource}.
 *
 * <p>Call {@link #unavailableReason()} first: it says, as a sentence for the user, why live capture cannot work here
 * (not root, no kernel BTF, no libbpf, a build without the eBPF object). {@link #open(Options)} throws
 * {@link BpfException} with a user-facing message (and the verifier's log tail) when the kernel refuses the driver.
 *
 * <p>{@link #next()} returns {@link Next#TIMEOUT} after waiting up to {@link Options#pollMillis()} in {@code poll(2)}
 * on the ring descriptors when no event is ready; it never spins. The view returned by {@link #event()} points into
 * the ring memory and is valid until the next call to {@code next()}, which releases the record to the kernel.
 */
public final class LiveSource implements CaptureSource {
    /** The classpath resource holding the compiled eBPF object. */
    public static final String OBJECT_RESOURCE = "/dev/peregrine/driver/peregrine.bpf.o";
    /** Default bytes per CPU ring (a power of two). */
    public static final long DEFAULT_RING_BYTES = 8L << 20;
    /** Default longest wait in {@code poll(2)} for one {@code next()} call, in milliseconds. */
    public static final int DEFAULT_POLL_MILLIS = 100;

    /** Syscalls this driver version captures, by name: x86_64 number and the tail-called program. */
    public static final Map<String, SyscallProgram> SYSCALLS = syscalls();

    /**
     * Syscalls always selected because the state engine needs them whatever the rules ask: process creation and
     * fd creation/destruction (exec and exit come from always-on tracepoints).
     */
    public static final Set<String> STATE_SYSCALLS = Set.of("openat", "close", "clone", "clone3", "fork", "vfork",
            "execve", "open", "creat", "dup", "dup2", "dup3", "socket", "accept", "accept4", "bind", "chdir", "fchdir",
            "setuid", "setgid", "setresuid", "setresgid", "memfd_create", "setsid", "pipe", "pipe2", "capset");

    /** A syscall the driver captures at exit: its x86_64 number and the program the dispatcher tail-calls. */
    public record SyscallProgram(int number, String program) {
        public SyscallProgram {
            requireNonNull(program, "program is null");
        }
    }

    /**
     * How to open the source.
     *
     * @param ringBytes bytes per CPU ring: a power of two, at least a page
     * @param pollMillis longest wait for events in one {@code next()} call
     * @param syscalls names of the syscalls to deliver (keys of {@link #SYSCALLS}); process exec/exit tracepoints
     *     are always on
     */
    public record Options(long ringBytes, int pollMillis, Set<String> syscalls) {
        public Options {
            syscalls = Set.copyOf(requireNonNull(syscalls, "syscalls is null"));
            if (Long.bitCount(ringBytes) != 1) {
                throw new IllegalArgumentException("ringBytes must be a power of two, got " + ringBytes);
            }
            if (pollMillis < 0) {
                throw new IllegalArgumentException("pollMillis must not be negative, got " + pollMillis);
            }
            for (String s : syscalls) {
                if (!SYSCALLS.containsKey(s)) {
                    throw new IllegalArgumentException("the driver does not capture syscall " + s
                            + " (captured: " + SYSCALLS.keySet() + ")");
                }
            }
        }

        /** {@return the defaults with every syscall the driver captures} */
        public static Options defaults() {
            return new Options(DEFAULT_RING_BYTES, DEFAULT_POLL_MILLIS, SYSCALLS.keySet());
        }

        /**
         * {@return the defaults selecting only what rules need: the driver's syscalls among {@code eventTypes}
         * (the rules' {@code evt.type} names, as the rules engine's event-type index gives them) plus
         * {@link #STATE_SYSCALLS}} Names the driver does not capture are ignored.
         */
        public static Options forEventTypes(java.util.Collection<String> eventTypes) {
            requireNonNull(eventTypes, "eventTypes is null");
            Set<String> selected = new java.util.TreeSet<>(STATE_SYSCALLS);
            for (String type : eventTypes) {
                if (SYSCALLS.containsKey(type)) {
                    selected.add(type);
                }
            }
            return new Options(DEFAULT_RING_BYTES, DEFAULT_POLL_MILLIS, selected);
        }
    }

    /*
     * Implementation notes.
     *
     * Merge: each ring's head record is peeked once and its timestamp cached; next() releases the record it
     * delivered last, re-peeks only that ring, then picks the smallest cached head. Rings are merged by snapshots,
     * as scap merges its per-CPU buffers: the producer positions of all rings are read together (refresh), then the
     * records known at that moment are merged by timestamp without reading any producer position again; only when
     * no ring has a known record left are they all read again. Reading a producer position while its CPU is
     * writing records costs a cache-line transfer, so re-reading an idle ring's position on every call (as the
     * first version did) cost the reader more than the merge itself. Events produced on different CPUs within the
     * same instant can still arrive out of order by the few microseconds of one snapshot.
     *
     * Waiting: the driver writes records without waking the reader (a wake-up per record costs the producing
     * syscall an irq_work), except when a ring is more than half full. So an idle reader sleeps in poll(2) on all
     * ring fds for a backoff that starts at 1 ms and doubles up to MAX_BACKOFF_MILLIS: a burst is picked up within
     * a millisecond, an idle system costs a few wake-ups per second, and a filling ring wakes the reader at once.
     * The kernel's ringbuf poll reports readable whenever producer != consumer, so a record committed between the
     * last peek and the poll is never slept over.
     *
     * That same readiness rule made a reader that had caught up with a fast producer spin: measured with a loop of
     * close(-1) producing 2.1M events/s, the reader called poll(2) 330k times a second, each returning at once with
     * the ~6 records written since the last one. So the first wait after the rings are found empty is a nap of
     * NAP_MILLIS that records do not cut short (poll(2) without descriptors): a producer that keeps the reader busy
     * gets its records read in batches of a millisecond's worth (measured after the change: ~1,000 sleeps a
     * second at 500k-2M events/s), which an 8 MiB ring holds many times over (1 ms at 2M events/s of ~56-byte
     * close records is 112 KiB). Only when the rings are still empty after the nap does the reader poll the ring
     * descriptors with the backoff, where a filling ring's forced wake-up can reach it. A ring too small to hold
     * a millisecond of records (a page, as the drop tests use) drops during the nap, as intended there.
     */

    private static final String[] ATTACHED = {"sys_exit_dispatch", "sched_exec", "sched_exit"};
    private static final int POLLFD_BYTES = 8;
    private static final int MAX_BACKOFF_MILLIS = 16;
    /** Sleep after the rings are found empty, before polling their descriptors (milliseconds). */
    private static final int NAP_MILLIS = 1;
    /** The event's timestamp, the first field of its header (little-endian u64; records are 8-byte aligned). */
    private static final ValueLayout.OfLong TS_AT = ValueLayout.JAVA_LONG.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final Options options;
    private final BpfObject object;
    private final List<BpfLink> links;
    private final RingBuffer[] rings;
    private final long[] headOffset;
    private final long[] headTs;
    private final Arena arena;
    private final MemorySegment pollFds;
    private final BpfMap dropsMap;
    private final EventView view = EventView.forTable(EventTable.get());
    private int delivered = -1;
    private int backoffMillis = 1;
    private long eventCount;
    private long naps;
    private long polls;
    private long malformed;
    private boolean closed;
    private long lastDropTotal;
    private long[] lastByType = new long[0];

    private LiveSource(Options options, BpfObject object, List<BpfLink> links, RingBuffer[] rings, BpfMap dropsMap) {
        this.options = options;
        this.object = object;
        this.links = links;
        this.rings = rings;
        this.dropsMap = dropsMap;
        this.headOffset = new long[rings.length];
        this.headTs = new long[rings.length];
        java.util.Arrays.fill(headOffset, -1);
        this.arena = Arena.ofShared();
        this.pollFds = arena.allocate((long) POLLFD_BYTES * rings.length, 8);
        for (int i = 0; i < rings.length; i++) {
            pollFds.set(ValueLayout.JAVA_INT, (long) i * POLLFD_BYTES, rings[i].fd());
            pollFds.set(ValueLayout.JAVA_SHORT, (long) i * POLLFD_BYTES + 4, Libbpf.POLLIN);
        }
    }

    /** {@return why live capture cannot work on this machine, as a sentence saying what to do; empty when it can} */
    public static Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("live capture needs Linux");
        }
        Optional<String> lib = Libbpf.unavailableReason();
        if (lib.isPresent()) {
            return lib;
        }
        if (Libbpf.geteuid() != 0) {
            return Optional.of("live capture needs root: run Peregrine with sudo (loading eBPF programs needs "
                    + "CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)");
        }
        if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            return Optional.of("this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing): Peregrine's CO-RE "
                    + "driver needs a kernel built with CONFIG_DEBUG_INFO_BTF=y (Linux 5.8 or later)");
        }
        if (LiveSource.class.getResource(OBJECT_RESOURCE) == null) {
            return Optional.of("this build of Peregrine carries no eBPF driver (peregrine.bpf.o): it was built "
                    + "without clang or bpftool; run bin/setup as root and rebuild");
        }
        return Optional.empty();
    }

    /**
     * Loads and attaches the driver and maps one ring per possible CPU.
     *
     * @throws BpfException when live capture is unavailable ({@link #unavailableReason()}) or the kernel refuses
     *     a program, a map or an attachment
     */
    public static LiveSource open(Options options) {
        requireNonNull(options, "options is null");
        Optional<String> reason = unavailableReason();
        if (reason.isPresent()) {
            throw new BpfException(reason.get(), "");
        }
        byte[] elf;
        try (InputStream in = LiveSource.class.getResourceAsStream(OBJECT_RESOURCE)) {
            elf = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + OBJECT_RESOURCE, e);
        }
        int cpus = Libbpf.numPossibleCpus();
        BpfObject object = BpfObject.open(elf);
        List<BpfLink> links = new ArrayList<>();
        RingBuffer[] rings = new RingBuffer[Math.max(cpus, 0)];
        try {
            object.map("rings").setMaxEntries(cpus);
            for (Map.Entry<String, SyscallProgram> e : SYSCALLS.entrySet()) {
                if (!options.syscalls().contains(e.getKey())) {
                    object.program(e.getValue().program()).setAutoload(false);
                }
            }
            object.load();
            BpfMap ringMap = object.map("rings");
            for (int cpu = 0; cpu < cpus; cpu++) {
                rings[cpu] = RingBuffer.create("pg_ring_" + cpu, options.ringBytes());
                ringMap.put(cpu, rings[cpu].fd());
            }
            // struct settings of the driver (its only global variables): boot_to_epoch_ns, wake_threshold.
            object.map(".bss").putLongs(0, epochNanos() - Libbpf.clockNanos(Libbpf.CLOCK_BOOTTIME),
                    options.ringBytes() / 2);
            BpfMap interesting = object.map("interesting");
            BpfMap progs = object.map("syscall_progs");
            for (String name : options.syscalls()) {
                SyscallProgram sp = SYSCALLS.get(name);
                progs.put(sp.number(), object.program(sp.program()).fd());
                interesting.put(sp.number(), 1);
            }
            for (String name : ATTACHED) {
                links.add(object.program(name).attach());
            }
            return new LiveSource(options, object, links, rings, object.map("drops"));
        } catch (RuntimeException e) {
            links.forEach(BpfLink::close);
            for (RingBuffer r : rings) {
                if (r != null) {
                    r.close();
                }
            }
            object.close();
            throw e;
        }
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public Next next() {
        if (closed) {
            return Next.EOF;
        }
        if (delivered >= 0) {
            rings[delivered].consume();
            headOffset[delivered] = -1;
            delivered = -1;
        }
        int best = pickHead();
        long waitedMillis = 0;
        if (best < 0 && options.pollMillis() > 0) {
            // The nap: a sleep that records arriving meanwhile do not cut short (no descriptors polled).
            Libbpf.poll(pollFds, 0, NAP_MILLIS);
            waitedMillis += NAP_MILLIS;
            naps++;
            best = pickHead();
        }
        while (best < 0 && waitedMillis < options.pollMillis()) {
            int wait = (int) Math.min(backoffMillis, options.pollMillis() - waitedMillis);
            Libbpf.poll(pollFds, rings.length, wait);
            waitedMillis += wait;
            polls++;
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
            best = pickHead();
        }
        if (best < 0) {
            return Next.TIMEOUT;
        }
        backoffMillis = 1;
        delivered = best;
        eventCount++;
        return Next.EVENT;
    }

    /**
     * Returns the ring with the oldest head among the records known (view pointed), else refreshes every ring's
     * producer position and tries once more; -1 when no ring has a record.
     */
    private int pickHead() {
        int best = pickKnownHead();
        if (best < 0) {
            for (RingBuffer r : rings) {
                r.refresh();
            }
            best = pickKnownHead();
        }
        return best;
    }

    private int pickKnownHead() {
        int best = -1;
        long bestTs = Long.MAX_VALUE;
        for (int i = 0; i < rings.length; i++) {
            if (headOffset[i] < 0) {
                long off = peekValid(i);
                if (off < 0) {
                    continue;
                }
                headOffset[i] = off;
                headTs[i] = rings[i].data().get(TS_AT, off);
            }
            if (Long.compareUnsigned(headTs[i], bestTs) < 0 || best < 0) {
                best = i;
                bestTs = headTs[i];
            }
        }
        if (best >= 0) {
            view.pointAt(rings[best].data(), headOffset[best], best);
        }
        return best;
    }

    private long peekValid(int i) {
        RingBuffer ring = rings[i];
        while (true) {
            long off = ring.peekKnown();
            if (off < 0) {
                return -1;
            }
            if (view.pointAt(ring.data(), off, i).findMalformation(ring.peekedLength()) == null) {
                return off;
            }
            malformed++;
            ring.consume();
        }
    }

    @Override
    public EventView event() {
        return view;
    }

    @Override
    public Optional<CaptureProblem> problem() {
        return Optional.empty();
    }

    @Override
    public long eventCount() {
        return eventCount;
    }

    /** {@return events the kernel could not deliver, whatever the reason, per possible CPU} */
    public long[] drops() {
        return dropsMap.perCpuLongs(0);
    }

    /** Size of the driver's {@code drops_by_type} map: event codes below it are counted one by one. */
    private static final int DROP_TYPES = 512;

    /**
     * {@return the drops since open: per CPU and per event code} Cheap while nothing was dropped (one map read);
     * after a drop the per-code counters are read again (one map read per event code), so call it about once a
     * second, as Falco's drop manager and metrics do, not per event.
     */
    public synchronized DropCounters dropCounters() {
        long[] perCpu = drops();
        long total = java.util.Arrays.stream(perCpu).sum();
        if (total != lastDropTotal) {
            BpfMap byType = object.map("drops_by_type");
            long[] codes = new long[DROP_TYPES];
            for (int code = 0; code < DROP_TYPES; code++) {
                for (long v : byType.perCpuLongs(code)) {
                    codes[code] += v;
                }
            }
            lastByType = codes;
            lastDropTotal = total;
        }
        return new DropCounters(perCpu, lastByType);
    }

    /** {@return events the kernel could not deliver for {@code reason}, per possible CPU} */
    public long[] drops(DropReason reason) {
        requireNonNull(reason, "reason is null");
        return dropsMap.perCpuLongs(reason.key);
    }

    /**
     * Why the kernel lost an event. Falco's counterparts are the {@code n_drops_buffer} and
     * {@code n_drops_scratch_map} counters of its drop statistics.
     */
    public enum DropReason {
        /** The CPU's ring had no room for the record: the reader did not keep up. */
        RING_FULL(1),
        /** The event outgrew the driver's per-event buffer (or the CPU had no ring): a driver limit, not load. */
        EVENT_TOO_LARGE(2);

        /** Key of the reason's counter in the driver's per-CPU {@code drops} array (key 0 counts every drop). */
        private final int key;

        DropReason(int key) {
            this.key = key;
        }
    }

    /**
     * {@return how often {@link #next()} slept since open: naps (a fixed sleep once the rings were found empty)
     * and polls (a wait on the ring descriptors when they were still empty after the nap)} For benchmarks: a reader
     * that keeps up sleeps in batches instead of calling poll(2) for every few records.
     */
    public long[] sleepCounts() {
        return new long[] {naps, polls};
    }

    /** {@return records skipped because they did not hold a well-formed event (a driver bug if not zero)} */
    public long malformedCount() {
        return malformed;
    }

    /** {@return the number of per-CPU rings} */
    public int ringCount() {
        return rings.length;
    }

    /** Detaches the programs, unloads the driver and unmaps the rings. Closing twice is harmless. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        links.forEach(BpfLink::close);
        for (RingBuffer r : rings) {
            r.close();
        }
        object.close();
        arena.close();
    }

    private static Map<String, SyscallProgram> syscalls() {
        Map<String, SyscallProgram> m = new LinkedHashMap<>();
        m.put("openat", new SyscallProgram(257, "openat_x"));
        m.put("close", new SyscallProgram(3, "close_x"));
        m.put("connect", new SyscallProgram(42, "connect_x"));
        m.put("execve", new SyscallProgram(59, "execve_x"));
        m.put("clone", new SyscallProgram(56, "clone_x"));
        m.put("fork", new SyscallProgram(57, "fork_x"));
        m.put("vfork", new SyscallProgram(58, "vfork_x"));
        m.put("clone3", new SyscallProgram(435, "clone3_x"));
        m.put("link", new SyscallProgram(86, "link_x"));
        m.put("linkat", new SyscallProgram(265, "linkat_x"));
        m.put("symlink", new SyscallProgram(88, "symlink_x"));
        m.put("symlinkat", new SyscallProgram(266, "symlinkat_x"));
        m.put("unlink", new SyscallProgram(87, "unlink_x"));
        m.put("unlinkat", new SyscallProgram(263, "unlinkat_x"));
        m.put("rename", new SyscallProgram(82, "rename_x"));
        m.put("renameat", new SyscallProgram(264, "renameat_x"));
        m.put("renameat2", new SyscallProgram(316, "renameat2_x"));
        m.put("ptrace", new SyscallProgram(101, "ptrace_x"));
        m.put("init_module", new SyscallProgram(175, "init_module_x"));
        m.put("finit_module", new SyscallProgram(313, "finit_module_x"));
        m.put("memfd_create", new SyscallProgram(319, "memfd_create_x"));
        m.put("socket", new SyscallProgram(41, "socket_x"));
        m.put("bind", new SyscallProgram(49, "bind_x"));
        m.put("listen", new SyscallProgram(50, "listen_x"));
        m.put("accept", new SyscallProgram(43, "accept_x"));
        m.put("accept4", new SyscallProgram(288, "accept4_x"));
        m.put("dup", new SyscallProgram(32, "dup_x"));
        m.put("dup2", new SyscallProgram(33, "dup2_x"));
        m.put("dup3", new SyscallProgram(292, "dup3_x"));
        m.put("chdir", new SyscallProgram(80, "chdir_x"));
        m.put("fchdir", new SyscallProgram(81, "fchdir_x"));
        m.put("setuid", new SyscallProgram(105, "setuid_x"));
        m.put("setgid", new SyscallProgram(106, "setgid_x"));
        m.put("setresuid", new SyscallProgram(117, "setresuid_x"));
        m.put("setresgid", new SyscallProgram(119, "setresgid_x"));
        m.put("open", new SyscallProgram(2, "open_x"));
        m.put("creat", new SyscallProgram(85, "creat_x"));
        m.put("mkdir", new SyscallProgram(83, "mkdir_x"));
        m.put("mkdirat", new SyscallProgram(258, "mkdirat_x"));
        m.put("chmod", new SyscallProgram(90, "chmod_x"));
        m.put("fchmodat", new SyscallProgram(268, "fchmodat_x"));
        m.put("fchmod", new SyscallProgram(91, "fchmod_x"));
        m.put("rmdir", new SyscallProgram(84, "rmdir_x"));
        m.put("mknod", new SyscallProgram(133, "mknod_x"));
        m.put("mknodat", new SyscallProgram(259, "mknodat_x"));
        m.put("chown", new SyscallProgram(92, "chown_x"));
        m.put("fchown", new SyscallProgram(93, "fchown_x"));
        m.put("lchown", new SyscallProgram(94, "lchown_x"));
        m.put("fchownat", new SyscallProgram(260, "fchownat_x"));
        m.put("delete_module", new SyscallProgram(176, "delete_module_x"));
        m.put("sendto", new SyscallProgram(44, "sendto_x"));
        m.put("sendmsg", new SyscallProgram(46, "sendmsg_x"));
        m.put("setsid", new SyscallProgram(112, "setsid_x"));
        m.put("pipe", new SyscallProgram(22, "pipe_x"));
        m.put("pipe2", new SyscallProgram(293, "pipe2_x"));
        m.put("capset", new SyscallProgram(126, "capset_x"));
        return java.util.Collections.unmodifiableMap(m);
    }
}
