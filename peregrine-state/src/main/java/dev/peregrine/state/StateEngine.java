package dev.peregrine.state;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.FdType;
import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.MachineInfo;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import dev.peregrine.event.params.SocketAddress;
import dev.peregrine.event.params.SocketTuple;
import dev.peregrine.state.container.CgroupContainerId;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerMetadataSource;
import dev.peregrine.state.container.ContainerRuntime;
import dev.peregrine.state.container.ContainerTable;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.fd.FdTable;
import dev.peregrine.state.fd.FsPath;
import dev.peregrine.state.fd.InetText;
import dev.peregrine.state.thread.ThreadState;
import dev.peregrine.state.thread.ThreadTable;
import dev.peregrine.state.user.UserDirectory;
import dev.peregrine.state.user.UserTable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.Set;

/**
 * The system state an event is judged against, kept as libsinsp keeps it: threads, their descriptors, users,
 * containers. Feed it every state block ({@link #onBlock}) and every event ({@link #onEvent}), in capture order, then
 * read the state for the event just fed through the accessors ({@link #currentThread()}, {@link #currentFd()}, ...).
 *
 * <p>Ordering follows libsinsp's: {@code onEvent} updates the state for the event <em>before</em> rules see it, so
 * the rules evaluating an open exit see the new descriptor, and those evaluating an execve exit see the new process
 * image. What an event removes stays visible to that event: a closed descriptor and an exited thread disappear when
 * the next event arrives.
 *
 * <p>Not thread-safe: one engine per event stream, driven by the thread that reads the stream. The state objects it
 * returns are mutable and owned by the engine; read them during the event, do not keep them.
 */
public final class StateEngine {
    /*
     * Implementation notes.
     *
     * Semantics follow libsinsp 0.20+ (falcosecurity/libs 48dfd53): parsers.cpp for event effects, thread_manager.cpp
     * for lookups (an unknown tid gets a placeholder entry with comm "<NA>", except for clone/fork exits and
     * procexit, which never create one), threadinfo.cpp for cwd and main-thread sharing. Container ids come from
     * cgroups as the container plugin resolves them.
     *
     * Hot path: an event that changes no state (read, write, ...) costs a table lookup for the thread and, for
     * events using a descriptor, one for the descriptor; no allocation. Stored enter events (open, connect, execve)
     * are copied into a per-thread buffer that is reused.
     *
     * Deviations from libsinsp, on purpose:
     * - Network-interface inference of zero addresses in fd-list sockets (sinsp_network_interfaces::update_fd) is not
     *   done; hostname/port resolution is never done (Falco disables it too).
     * - The table makes room by evicting dead then idle threads instead of refusing new ones (see ThreadTable).
     * - Thread groups: the main thread stands for the group (libsinsp's thread_group_info); a dead main thread stays
     *   while its process has threads, and leaves with the last of them.
     * - prctl(PR_SET_NAME) does not change proc.name, as in libsinsp (it only tracks the child-subreaper flag, which
     *   Peregrine does not need yet).
     */

    /** {@code PPM_AT_FDCWD}: the dirfd meaning "the current directory". */
    static final long AT_FDCWD = -100;
    /** {@code PPM_O_F_CREATED}: the first of the flags the exit event adds to the enter event's. */
    static final int O_F_CREATED = 1 << 14;
    /** {@code PPM_EXVAT_AT_EMPTY_PATH}. */
    static final int EXVAT_AT_EMPTY_PATH = 1;
    /** {@code EINPROGRESS}: a non-blocking connect in progress still names the socket. */
    static final long EINPROGRESS = 115;
    /** Clone exits of the child arriving this long after a previous one for the same tid mean a tid reuse, ns. */
    static final long CLONE_STALE_TIME_NS = 2_000_000_000L;

    private static final int PPM_AF_UNIX = 1;
    private static final int PPM_AF_INET = 2;
    private static final int PPM_AF_INET6 = 10;
    private static final int PPM_AF_NETLINK = 16;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;
    private static final int IPPROTO_RAW = 255;
    private static final int FCNTL_F_DUPFD = 1;
    private static final int FCNTL_F_SETFD = 3;
    private static final int FCNTL_F_DUPFD_CLOEXEC = 26;
    private static final int FD_CLOEXEC = 1;
    private static final int EPOLL_CLOEXEC = 1;
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 1;
    private static final int EXE_WRITABLE = 1;
    private static final int EXE_UPPER_LAYER = 1 << 1;
    private static final int EXE_FROM_MEMFD = 1 << 2;
    private static final int EXE_LOWER_LAYER = 1 << 3;
    private static final int FD_UPPER_LAYER_CREAT = 1;
    private static final int FD_LOWER_LAYER_CREAT = 1 << 1;
    private static final String NA = "<NA>";
    private static final int LOOPBACK = 0x7F000001;
    /** {@code PPM_RLIMIT_NOFILE}: the resource of the descriptor limit. */
    private static final int RLIMIT_NOFILE = 7;
    /** Name of the container plugin's async event announcing a container (same as the container event's name). */
    private static final String ASYNC_CONTAINER_ADDED = "container";
    /** Name of the container plugin's async event announcing a removal. */
    private static final String ASYNC_CONTAINER_REMOVED = "container_removed";

    private final EventKinds kinds;
    /** PPME_PROCINFO_E: skips the parser reset, but libsinsp still gives it the thread it names. */
    private final int procinfoE;
    private final ThreadTable threads;
    private final UserTable users;
    private final ContainerTable containers = new ContainerTable();
    private Set<CgroupContainerId.Engine> containerEngines = CgroupContainerId.Engine.ALL;
    /** The last cgroups resolved and their container (null: the host), reused while they repeat. */
    private List<String> lastCgroups = List.of();
    private CgroupContainerId.Match lastContainerMatch;
    private final Wire wire = new Wire();
    private final EventView enterView;
    private final byte[] ip6a = new byte[FdState.IPV6_BYTES];
    private final byte[] ip6b = new byte[FdState.IPV6_BYTES];

    private MachineInfo machine;
    private int[][] ipv4Interfaces = new int[0][];
    private ThreadState current;
    private FdState currentFd;
    private long currentFdNum = -1;
    private long pendingTidRemoval = -1;
    private long pendingReaperTid = -1;
    private long pendingFdTid = -1;
    private long pendingFd = -1;
    private long events;
    private long containerJsonErrors;
    private ContainerMetadataSource metadata;
    private Consumer<ContainerInfo> onMetadata = c -> { };
    private String pendingContainerRemoval;

    /** Creates an engine over the bundled event table, without live user lookups. */
    public StateEngine() {
        this(EventTable.get(), UserDirectory.NONE, ThreadTable.MAX_THREADS);
    }

    /**
     * Creates an engine.
     *
     * @param table the event table the events follow
     * @param directory where host users and groups missing from the capture are looked up
     * @param maxThreads bound of the thread table
     */
    public StateEngine(EventTable table, UserDirectory directory, int maxThreads) {
        requireNonNull(table, "table is null");
        this.kinds = new EventKinds(table);
        this.procinfoE = kinds.code("PPME_PROCINFO_E");
        this.threads = new ThreadTable(maxThreads);
        this.users = new UserTable(requireNonNull(directory, "directory is null"));
        this.enterView = EventView.forTable(table);
    }

    // ---------------------------------------------------------------- accessors

    /** {@return the thread with that id, or null} */
    public ThreadState thread(long tid) {
        return threads.get(tid);
    }

    /** {@return the thread of the event last fed, or null (events of no thread, unknown clone children)} */
    public ThreadState currentThread() {
        return current;
    }

    /**
     * {@return the descriptor the event last fed refers to, or null}: the one named by its fd parameter, or the one
     * it created (open, socket, accept, dup, ...)
     */
    public FdState currentFd() {
        return currentFd;
    }

    /** {@return the number of the descriptor the event last fed refers to ({@code fd.num}), -1 when none} */
    public long currentFdNum() {
        return currentFdNum;
    }

    /** {@return whether parsing the event last fed changed its descriptor's name ({@code fd.name_changed})} */
    public boolean currentFdNameChanged() {
        return currentFd != null && currentFd.nameChanged();
    }

    /** {@return the thread table} */
    public ThreadTable threads() {
        return threads;
    }

    /** {@return the users and groups} */
    public UserTable users() {
        return users;
    }

    /** {@return the containers} */
    public ContainerTable containers() {
        return containers;
    }

    /**
     * Chooses the cgroup matchers that tell containers from the host (all by default, as Falco's container plugin);
     * live, {@link CgroupContainerId#forHost} leaves out those that cannot apply there. Threads already known keep
     * their container until their next clone or execve.
     */
    public void setContainerEngines(Set<CgroupContainerId.Engine> engines) {
        containerEngines = Set.copyOf(requireNonNull(engines, "engines is null"));
        lastCgroups = List.of();
        lastContainerMatch = null;
    }

    /** {@return the machine the capture came from, or null before its block} */
    public MachineInfo machine() {
        return machine;
    }

    /** {@return the descriptor table of {@code thread}'s process, or null} */
    public FdTable fds(ThreadState thread) {
        return threads.fds(thread);
    }

    /** {@return the working directory of {@code thread}'s process, with a trailing slash} */
    public String cwd(ThreadState thread) {
        return threads.cwd(thread);
    }

    /** {@return the user a thread runs as, in its container's user table; null when unknown} */
    public UserInfo user(ThreadState thread) {
        return users.user(thread.containerId(), thread.uid());
    }

    /** {@return the login user of a thread ({@code user.loginname}); null when unknown or unset} */
    public UserInfo loginUser(ThreadState thread) {
        return thread.loginuid() == ThreadState.UNKNOWN_ID ? null : users.user(thread.containerId(), thread.loginuid());
    }

    /** {@return the group a thread runs as; null when unknown} */
    public GroupInfo group(ThreadState thread) {
        return users.group(thread.containerId(), thread.gid());
    }

    /** {@return the container a thread runs in, or null for the host or an unknown container} */
    public ContainerInfo container(ThreadState thread) {
        String id = thread.containerId();
        return id.isEmpty() ? null : containers.get(id);
    }

    /** {@return the number of events fed} */
    public long eventCount() {
        return events;
    }

    /**
     * Looks container metadata up while events flow (live): each container id seen for the first time from now on is
     * {@linkplain ContainerMetadataSource#request requested}, and before each event the containers resolved so far
     * are recorded and passed to {@code onResolved} (e.g. to write them into a capture). With a source set, the exit
     * of a container's init process (vpid 1) forgets the container, as Falco's container plugin does live.
     */
    public void setContainerMetadata(ContainerMetadataSource source, Consumer<ContainerInfo> onResolved) {
        this.metadata = requireNonNull(source, "source is null");
        this.onMetadata = requireNonNull(onResolved, "onResolved is null");
    }

    /** {@return the number of container events whose JSON could not be read} */
    public long containerJsonErrors() {
        return containerJsonErrors;
    }

    /** {@return an estimate of the bytes the state retains (threads, descriptors; users and containers excluded)} */
    public long retainedBytes() {
        return threads.retainedBytes();
    }

    /** Forgets all state (a new capture section). */
    public void reset() {
        threads.clear();
        users.clear();
        containers.clear();
        machine = null;
        ipv4Interfaces = new int[0][];
        current = null;
        currentFd = null;
        currentFdNum = -1;
        pendingTidRemoval = -1;
        pendingFdTid = -1;
        pendingFd = -1;
    }

    // ---------------------------------------------------------------- state blocks

    /** Applies a state block of a capture: a new section resets the state, lists fill the tables. */
    public void onBlock(ScapBlock block) {
        switch (block) {
            case ScapBlock.SectionHeader h -> reset();
            case ScapBlock.Machine m -> machine = m.info();
            case ScapBlock.Processes p -> addProcesses(p.threads());
            case ScapBlock.Fds f -> addFds(f.tid(), f.fds());
            case ScapBlock.Users u -> {
                u.users().forEach(user -> users.addUser("", user));
                u.groups().forEach(group -> users.addGroup("", group));
            }
            case ScapBlock.Interfaces i -> {
                int n = 0;
                int[][] v4 = new int[i.interfaces().size()][];
                for (NetInterface ni : i.interfaces()) {
                    if (ni instanceof NetInterface.Ipv4 a) {
                        v4[n++] = new int[] {ipv4(a.addr()), ipv4(a.netmask())};
                    }
                }
                ipv4Interfaces = Arrays.copyOf(v4, n);
            }
            case ScapBlock.Unknown u -> {
                // Skipped by the reader; nothing to apply.
            }
        }
    }

    private void addProcesses(List<ThreadInfo> list) {
        for (ThreadInfo info : list) {
            ThreadState t = ThreadState.of(info);
            assignContainer(t);
            threads.put(t);
        }
        threads.recountGroups();
        // As libsinsp after a /proc scan: a parent missing from the table becomes 0 (except for init).
        for (ThreadInfo info : list) {
            ThreadState t = threads.get(info.tid());
            if (t != null && t.pid() != 1 && !t.invalid()) {
                ThreadState parent = threads.get(t.ptid());
                if (parent == null || parent.invalid()) {
                    t.setPtid(0);
                }
            }
        }
    }

    /**
     * libsinsp's sinsp_network_interfaces::update_fd for IPv4 sockets: a zero end takes the address of the local
     * interface that would serve the other end (exact match, same subnet, else the first non-loopback one).
     */
    private void inferZeroAddress(FdState s) {
        if (s.type() != FdType.IPV4_SOCK || (s.sip() != 0 && s.dip() != 0)) {
            return;
        }
        if (s.sip() == 0) {
            int inferred = inferIpv4(s.dip());
            if (inferred == s.dip() && s.sport() == s.dport()) {
                return;
            }
            s.setIpv4Tuple(inferred, s.sport(), s.dip(), s.dport());
        } else {
            int inferred = inferIpv4(s.sip());
            if (inferred == s.sip() && s.sport() == s.dport()) {
                return;
            }
            s.setIpv4Tuple(s.sip(), s.sport(), inferred, s.dport());
        }
    }

    private int inferIpv4(int destination) {
        for (int[] i : ipv4Interfaces) {
            if (i[0] == destination) {
                return i[0];
            }
        }
        for (int[] i : ipv4Interfaces) {
            if ((i[0] & i[1]) == (destination & i[1])) {
                return i[0];
            }
        }
        for (int[] i : ipv4Interfaces) {
            if (i[0] != LOOPBACK) {
                return i[0];
            }
        }
        return 0;
    }

    private void addFds(long tid, List<FdInfo> list) {
        ThreadState t = threads.get(tid);
        if (t == null) {
            return;
        }
        FdTable table = threads.fds(t);
        if (table == null) {
            return;
        }
        for (FdInfo info : list) {
            FdState fd = fromCapture(info);
            if (fd.type() == FdType.IPV4_SOCK) {
                inferZeroAddress(fd);
                fd.setName(ipv4TupleName(fd.sip(), fd.sport(), fd.dip(), fd.dport()));
            }
            table.put(fd);
        }
    }

    private static FdState fromCapture(FdInfo info) {
        FdState s = new FdState(info.fd());
        s.setType(info.type());
        s.setIno(info.ino());
        switch (info) {
            case FdInfo.Named n -> s.setName(n.name());
            case FdInfo.RegularFile r -> {
                s.setName(r.name());
                s.setOpenFlags(r.openFlags());
                s.setDev(r.dev());
            }
            case FdInfo.Ipv4Socket v -> {
                s.setL4proto(l4FromScap(v.l4proto()));
                s.setIpv4Tuple(ipv4(v.sip()), v.sport(), ipv4(v.dip()), v.dport());
                s.setConnected(s.l4proto() == FdState.L4_TCP);
                s.setName(ipv4TupleName(s.sip(), s.sport(), s.dip(), s.dport()));
            }
            case FdInfo.Ipv4ServerSocket v -> {
                s.setL4proto(l4FromScap(v.l4proto()));
                s.setIpv4Server(ipv4(v.ip()), v.port());
                s.setName(InetText.ipv4(s.sip()) + ":" + v.port());
            }
            case FdInfo.Ipv6Socket v -> {
                byte[] sip = v.sip().getAddress();
                byte[] dip = v.dip().getAddress();
                s.setL4proto(l4FromScap(v.l4proto()));
                s.setConnected(s.l4proto() == FdState.L4_TCP);
                if (InetText.isIpv4Mapped(sip) && InetText.isIpv4Mapped(dip)) {
                    s.setType(FdType.IPV4_SOCK);
                    s.setIpv4Tuple(InetText.mappedIpv4(sip), v.sport(), InetText.mappedIpv4(dip), v.dport());
                    s.setName(ipv4TupleName(s.sip(), s.sport(), s.dip(), s.dport()));
                } else {
                    s.setIpv6Tuple(sip, v.sport(), dip, v.dport());
                    s.setName(InetText.ipv6(sip) + ":" + v.sport() + "->" + InetText.ipv6(dip) + ":" + v.dport());
                }
            }
            case FdInfo.Ipv6ServerSocket v -> {
                s.setL4proto(l4FromScap(v.l4proto()));
                byte[] ip = v.ip().getAddress();
                s.setIpv6Server(ip, v.port());
                s.setName(InetText.ipv6(ip) + ":" + v.port());
            }
            case FdInfo.UnixSocket u -> {
                s.setUnixEnds(u.source(), u.destination());
                s.setName(u.name());
                s.setRole(u.name().isEmpty() ? FdState.Role.CLIENT : FdState.Role.SERVER);
            }
        }
        return s;
    }

    /**
     * Converts a fd list's {@code scap_l4_proto} (0 unknown, 1 not applicable, 2 TCP, 3 UDP, 4 ICMP, 5 raw) to the
     * {@link FdState} codes, which leave out "not applicable".
     */
    static int l4FromScap(int scap) {
        return switch (scap) {
            case 2 -> FdState.L4_TCP;
            case 3 -> FdState.L4_UDP;
            case 4 -> FdState.L4_ICMP;
            case 5 -> FdState.L4_RAW;
            default -> FdState.L4_UNKNOWN;
        };
    }

    private static int ipv4(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    // ---------------------------------------------------------------- events

    /**
     * {@return whether events of {@code code} change the state} False for events the engine only notes (the
     * thread's last event time and descriptor), such as {@code mprotect} or {@code read}: a reader may leave those
     * out when no rule reads them either, and every later event sees the same threads, descriptors and names.
     * Unknown codes count as needed.
     */
    public boolean changesState(int code) {
        /* Implementation notes: what a left-out event would have done is a placeholder thread for an unknown tid
         * (the next event of that thread creates it) and the thread's last-event time (used to pick the thread to
         * evict when the table is full) and last enter type (only an exit right after its own enter reads it). */
        if (code < 0 || code >= kinds.size) {
            return true;
        }
        return kinds.handler[code] != EventKinds.NONE || kinds.storesEnter[code];
    }

    /**
     * Updates the state for one event and makes it the current event of the accessors. Never throws because of the
     * event's content; a well-formed event (see {@link EventView#findMalformation}) is assumed.
     */
    public void onEvent(EventView v) {
        applyPendingRemovals();
        if (metadata != null) {
            applyResolvedMetadata();
        }
        containers.setDescribed(null);
        events++;
        current = null;
        currentFd = null;
        currentFdNum = -1;
        int type = v.type();
        if (type >= kinds.size) {
            return;
        }
        int h = kinds.handler[type];
        switch (h) {
            case EventKinds.CONTAINER_JSON -> {
                parseContainerJson(v);
                return;
            }
            case EventKinds.CONTAINER_OLD -> {
                parseContainerOld(v);
                return;
            }
            case EventKinds.USER_EVENT -> {
                parseUserEvent(v, type);
                return;
            }
            case EventKinds.GROUP_EVENT -> {
                parseGroupEvent(v, type);
                return;
            }
            case EventKinds.META -> {
                if (type == EventTable.ASYNCEVENT_E) {
                    parseAsyncEvent(v);
                }
                return;
            }
            default -> {
                // Thread events continue below.
            }
        }
        if (kinds.skipReset[type]) {
            if (type == procinfoE) {
                current = threads.get(v.tid());
            }
            return;
        }
        long tid = v.tid();
        boolean mayCreate = !(h == EventKinds.CLONE || h == EventKinds.PROCEXIT || h == EventKinds.SCHEDSWITCH);
        ThreadState t = threads.get(tid);
        if (t == null && mayCreate) {
            t = threads.put(ThreadState.placeholder(tid));
        }
        current = t;
        if (h == EventKinds.SCHEDSWITCH) {
            parseContextSwitch(v, t);
            return;
        }
        if (t != null) {
            t.setLastEventTs(v.ts());
            if (kinds.enter[type]) {
                resetEnter(v, t, type);
            } else {
                resetExit(v, t, type);
            }
        }
        dispatch(v, t, type, h);
    }

    private void resetEnter(EventView v, ThreadState t, int type) {
        t.setLastEventFd(-1);
        t.setLastEnterType(type);
        if (kinds.usesFd[type]) {
            int loc = kinds.fdLocation[type];
            if (Wire.has(v, loc)) {
                long fd = Wire.s64(v, loc);
                t.setLastEventFd(fd);
                lookupFd(t, fd);
            }
        }
        if (kinds.storesEnter[type]) {
            storeEnter(v, t, type);
        }
    }

    private void resetExit(EventView v, ThreadState t, int type) {
        boolean valid = (type == kinds.execveX && t.lastEnterType() == kinds.execveatE)
                || type == t.lastEnterType() + 1;
        t.setEnterValid(valid);
        if (!valid) {
            t.setLastEventFd(-1);
        }
        if (kinds.usesFd[type]) {
            if (t.lastEventFd() == -1) {
                int loc = kinds.fdLocation[type];
                if (Wire.has(v, loc)) {
                    t.setLastEventFd(Wire.s64(v, loc));
                }
            }
            lookupFd(t, t.lastEventFd());
        }
    }

    private void lookupFd(ThreadState t, long fd) {
        currentFdNum = fd;
        FdTable table = threads.fds(t);
        FdState s = table == null ? null : table.get(fd);
        if (s != null) {
            s.markLookup();
        }
        currentFd = s;
    }

    private void storeEnter(EventView v, ThreadState t, int type) {
        int len = (int) v.len();
        byte[] buf = t.storedEnter();
        if (buf == null || buf.length < len) {
            buf = new byte[Math.max(len, 64)];
        }
        MemorySegment.copy(v.segment(), ValueLayout.JAVA_BYTE, v.offset(), buf, 0, len);
        t.setStoredEnter(type, buf);
    }

    /** {@return a view of the stored enter event matching the exit {@code type}, or null} */
    private EventView enterFor(ThreadState t, int type) {
        if (!t.enterValid() || t.storedEnter() == null) {
            return null;
        }
        int stored = t.storedEnterType();
        boolean matches = stored == kinds.enterOf(type) || (type == kinds.execveX && stored == kinds.execveatE);
        if (!matches) {
            return null;
        }
        return enterView.pointAt(MemorySegment.ofArray(t.storedEnter()), 0, -1);
    }

    private void applyResolvedMetadata() {
        if (pendingContainerRemoval != null) {
            containers.remove(pendingContainerRemoval);
            metadata.forget(pendingContainerRemoval);
            pendingContainerRemoval = null;
        }
        for (ContainerInfo c = metadata.poll(); c != null; c = metadata.poll()) {
            containers.put(c);
            onMetadata.accept(c);
        }
    }

    private void applyPendingRemovals() {
        if (pendingFd >= 0) {
            ThreadState t = threads.get(pendingFdTid);
            if (t != null) {
                FdTable table = threads.fds(t);
                if (table != null) {
                    table.remove(pendingFd);
                }
            }
            pendingFd = -1;
            pendingFdTid = -1;
        }
        if (pendingTidRemoval != -1) {
            ThreadState t = threads.get(pendingTidRemoval);
            if (t != null && t.dead()) {
                if (!t.invalid()) {
                    threads.reparentChildren(t, pendingReaperTid);
                }
                threads.removeExited(pendingTidRemoval);
            }
            pendingTidRemoval = -1;
            pendingReaperTid = -1;
        }
    }

    private void dispatch(EventView v, ThreadState t, int type, int h) {
        switch (h) {
            case EventKinds.OPEN -> parseOpen(v, t, type);
            case EventKinds.CLONE -> parseClone(v, t, type);
            case EventKinds.EXECVE -> parseExecve(v, t, type);
            case EventKinds.PROCEXIT -> parseProcexit(v, t);
            case EventKinds.PIPE -> parsePipe(v, t, type);
            case EventKinds.SOCKET -> parseSocket(v, t, type);
            case EventKinds.BIND -> parseBind(v);
            case EventKinds.CONNECT -> parseConnect(v, t, type);
            case EventKinds.ACCEPT -> parseAccept(v, t, type);
            case EventKinds.CLOSE -> parseClose(v, t);
            case EventKinds.CLOSE_RANGE -> parseCloseRange(v, t);
            case EventKinds.FCNTL -> parseFcntl(v, t, type);
            case EventKinds.EVENTFD -> parseEventfd(v, t, type);
            case EventKinds.CHDIR, EventKinds.GETCWD -> {
                if (t != null && res(v) >= 0) {
                    EventView src = either(v, enterFor(t, type), EventKinds.PATH);
                    if (src != null) {
                        threads.updateCwd(t, str(src, EventKinds.PATH));
                    }
                }
            }
            case EventKinds.FCHDIR -> {
                if (t != null && res(v) >= 0 && currentFd != null) {
                    threads.updateCwd(t, currentFd.name());
                }
            }
            case EventKinds.DUP -> parseDup(v, t, type);
            case EventKinds.SINGLE_FD -> parseSingleFd(v, t, type);
            case EventKinds.SOCKETPAIR -> parseSocketpair(v, t);
            case EventKinds.SEND -> parseSendRecv(v, t, type, false);
            case EventKinds.RECV -> parseSendRecv(v, t, type, true);
            case EventKinds.SET_EUID -> {
                int slot = has(v, EventKinds.EUID) ? EventKinds.EUID : EventKinds.UID;
                if (t != null && res(v) == 0 && has(v, slot)) {
                    t.setUid(u(v, slot));
                    noteUser(t);
                }
            }
            case EventKinds.SET_EGID -> {
                int slot = has(v, EventKinds.EGID) ? EventKinds.EGID : EventKinds.GID;
                if (t != null && res(v) == 0 && has(v, slot)) {
                    t.setGid(u(v, slot));
                }
            }
            case EventKinds.SETSID -> {
                long r = res(v);
                if (t != null && r >= 0) {
                    t.setSid(r);
                }
            }
            case EventKinds.CAPSET -> {
                if (t != null && res(v) >= 0 && has(v, EventKinds.CAP_EFFECTIVE)) {
                    t.setCapInheritable(u(v, EventKinds.CAP_INHERITABLE));
                    t.setCapPermitted(u(v, EventKinds.CAP_PERMITTED));
                    t.setCapEffective(u(v, EventKinds.CAP_EFFECTIVE));
                }
            }
            case EventKinds.CHROOT -> {
                if (t != null && res(v) == 0 && has(v, EventKinds.PATH)) {
                    t.setRoot(str(v, EventKinds.PATH));
                }
            }
            case EventKinds.MEMFD -> parseMemfd(v, t);
            case EventKinds.RLIMIT -> {
                if (t != null && res(v) >= 0 && u(v, EventKinds.RESOURCE) == RLIMIT_NOFILE) {
                    long cur = s64(v, EventKinds.CUR);
                    ThreadState main = threads.mainThread(t);
                    if (cur != -1 && main != null) {
                        main.setFdlimit(cur);
                    }
                }
            }
            case EventKinds.PRLIMIT -> {
                if (res(v) == 0 && has(v, EventKinds.RESOURCE) && u(v, EventKinds.RESOURCE) == RLIMIT_NOFILE
                        && has(v, EventKinds.PID)) {
                    long cur = s64(v, EventKinds.NEWCUR);
                    long pid = s64(v, EventKinds.PID);
                    ThreadState target = threads.get(pid == 0 ? v.tid() : pid);
                    ThreadState main = target == null || target.invalid() ? null : threads.mainThread(target);
                    if (cur != -1 && main != null) {
                        main.setFdlimit(cur);
                    }
                }
            }
            case EventKinds.MEMORY -> {
                if (t != null) {
                    if (has(v, EventKinds.VM_SIZE)) {
                        t.setVmsizeKb(u(v, EventKinds.VM_SIZE));
                    }
                    if (has(v, EventKinds.VM_SWAP)) {
                        t.setVmrssKb(u(v, EventKinds.VM_RSS));
                        t.setVmswapKb(u(v, EventKinds.VM_SWAP));
                    }
                }
            }
            case EventKinds.PIDFD_OPEN -> parsePidfdOpen(v, t);
            case EventKinds.PIDFD_GETFD -> parsePidfdGetfd(v, t);
            default -> {
                // No state change.
            }
        }
    }

    /** {@return the return value of an exit event: its first parameter, as libsinsp reads it} */
    private static long res(EventView v) {
        return Wire.s64(v, 0);
    }

    private int at(EventView v, int slot) {
        return kinds.slot[v.type()][slot];
    }

    private boolean has(EventView v, int slot) {
        return Wire.has(v, at(v, slot));
    }

    private long s64(EventView v, int slot) {
        return Wire.s64(v, at(v, slot));
    }

    private long u(EventView v, int slot) {
        return Wire.u(v, at(v, slot));
    }

    private String str(EventView v, int slot) {
        return wire.str(v, at(v, slot));
    }

    private List<String> strs(EventView v, int slot) {
        return wire.strList(v, at(v, slot));
    }

    /**
     * {@return the event carrying parameter {@code slot}: the exit itself, else its stored enter event (old layouts
     * kept values in the enter event), else null}
     */
    private EventView either(EventView exit, EventView enter, int slot) {
        if (has(exit, slot)) {
            return exit;
        }
        return enter != null && has(enter, slot) ? enter : null;
    }

    private FdState addFd(ThreadState t, FdState fd) {
        FdTable table = threads.fds(t);
        FdState stored = table == null ? null : table.put(fd);
        t.setLastEventFd(fd.fd());
        currentFdNum = fd.fd();
        currentFd = stored;
        return stored;
    }

    // ---------------------------------------------------------------- files

    private void parseOpen(EventView v, ThreadState t, int type) {
        if (t == null) {
            return;
        }
        int variant = kinds.variant[type];
        EventView enter = variant == EventKinds.V_BY_HANDLE ? null : enterFor(t, type);
        long fd = res(v);
        String name;
        String dir;
        int flags;
        long dev = 0;
        long ino = 0;
        if (has(v, EventKinds.DEV)) {
            dev = u(v, EventKinds.DEV);
            ino = u(v, EventKinds.INO);
        }
        if (variant == EventKinds.V_OPEN || variant == EventKinds.V_CREAT) {
            name = has(v, EventKinds.NAME) ? str(v, EventKinds.NAME) : NA;
            if (variant == EventKinds.V_OPEN) {
                flags = (int) u(v, EventKinds.FLAGS);
            } else {
                flags = 0;
                long cf = u(v, EventKinds.CREAT_FLAGS);
                if ((cf & FD_UPPER_LAYER_CREAT) != 0) {
                    flags |= FdState.FD_UPPER_LAYER;
                } else if ((cf & FD_LOWER_LAYER_CREAT) != 0) {
                    flags |= FdState.FD_LOWER_LAYER;
                }
            }
            if (enter != null && has(enter, EventKinds.NAME)) {
                String en = str(enter, EventKinds.NAME);
                if (!en.equals(NA)) {
                    name = en;
                    if (variant == EventKinds.V_OPEN) {
                        flags = (int) u(enter, EventKinds.FLAGS) | (flags & ~(O_F_CREATED - 1));
                    }
                }
            }
            dir = threads.cwd(t);
        } else if (variant == EventKinds.V_OPENAT) {
            name = has(v, EventKinds.NAME) ? str(v, EventKinds.NAME) : NA;
            flags = (int) u(v, EventKinds.FLAGS);
            boolean hasDirfd = has(v, EventKinds.DIRFD);
            long dirfd = s64(v, EventKinds.DIRFD);
            if (enter != null && has(enter, EventKinds.NAME)) {
                String en = str(enter, EventKinds.NAME);
                if (!en.equals(NA)) {
                    name = en;
                    flags = (int) u(enter, EventKinds.FLAGS) | (flags & ~(O_F_CREATED - 1));
                    hasDirfd = has(enter, EventKinds.DIRFD);
                    dirfd = s64(enter, EventKinds.DIRFD);
                }
            }
            dir = hasDirfd ? dirfdBase(t, name, dirfd) : "";
        } else {
            flags = (int) u(v, EventKinds.FLAGS);
            name = str(v, EventKinds.PATH);
            dir = "";
        }
        if (fd < 0) {
            return;
        }
        String full = FsPath.concatenate(dir, name);
        FdState s = new FdState(fd);
        s.setType((flags & FdState.O_DIRECTORY) != 0 ? FdType.DIRECTORY : FdType.FILE_V2);
        s.setOpenFlags(flags);
        s.setDev(dev);
        s.setIno(ino);
        s.setNameRaw(name);
        s.setName(full);
        addFd(t, s);
    }

    /** libsinsp's parse_dirfd: "." for absolute names, the cwd for AT_FDCWD, the dirfd's name with a slash. */
    private String dirfdBase(ThreadState t, String name, long dirfd) {
        if (!name.isEmpty() && name.charAt(0) == '/') {
            return ".";
        }
        if (dirfd == AT_FDCWD) {
            return threads.cwd(t);
        }
        FdTable table = threads.fds(t);
        FdState d = table == null ? null : table.get(dirfd);
        if (d == null) {
            return "<UNKNOWN>";
        }
        String n = d.name();
        return n.isEmpty() || n.endsWith("/") ? n : n + "/";
    }

    private void parseMemfd(EventView v, ThreadState t) {
        if (t == null) {
            return;
        }
        long fd = res(v);
        FdState s = new FdState(fd);
        if (fd >= 0) {
            s.setType(FdType.MEMFD);
            s.setName(str(v, EventKinds.NAME));
            s.setOpenFlags((int) u(v, EventKinds.FLAGS));
        }
        addFd(t, s);
    }

    private void parsePidfdOpen(EventView v, ThreadState t) {
        long fd = res(v);
        if (t == null || fd < 0) {
            return;
        }
        long pid = s64(v, EventKinds.PID);
        FdState s = new FdState(fd);
        s.setType(FdType.PIDFD);
        s.setName("/proc/" + pid);
        s.setOpenFlags((int) u(v, EventKinds.FLAGS));
        s.setPidfdPid(pid);
        addFd(t, s);
    }

    private void parsePidfdGetfd(EventView v, ThreadState t) {
        if (t == null) {
            return;
        }
        long fd = res(v);
        FdTable table = threads.fds(t);
        FdState pidfd = table == null ? null : table.get(s64(v, EventKinds.PID_FD));
        if (pidfd == null || pidfd.type() != FdType.PIDFD) {
            return;
        }
        ThreadState target = threads.get(pidfd.pidfdPid());
        FdTable targetTable = target == null ? null : threads.fds(target);
        FdState source = targetTable == null ? null : targetTable.get(s64(v, EventKinds.TARGET_FD));
        if (source == null) {
            return;
        }
        FdState s = source.copyAs(fd);
        s.setOpenFlags(s.openFlags() | FdState.O_CLOEXEC);
        addFd(t, s);
    }

    private void parsePipe(EventView v, ThreadState t, int type) {
        if (t == null || res(v) < 0 || !has(v, EventKinds.FD2)) {
            return;
        }
        long ino = u(v, EventKinds.INO);
        int flags = kinds.variant[type] == EventKinds.V_WITH_FLAGS ? (int) u(v, EventKinds.FLAGS) : 0;
        FdState first = pipe(s64(v, EventKinds.FD1), ino, flags);
        FdState second = pipe(s64(v, EventKinds.FD2), ino, flags);
        addFd(t, first);
        addFd(t, second);
    }

    private static FdState pipe(long fd, long ino, int flags) {
        FdState s = new FdState(fd);
        s.setType(FdType.FIFO);
        s.setIno(ino);
        s.setOpenFlags(flags);
        return s;
    }

    private void parseEventfd(EventView v, ThreadState t, int type) {
        long fd = res(v);
        if (t == null || fd < 0) {
            return;
        }
        FdState s = new FdState(fd);
        s.setType(FdType.EVENT);
        if (kinds.variant[type] == EventKinds.V_WITH_FLAGS) {
            s.setOpenFlags((int) u(v, EventKinds.FLAGS));
        }
        addFd(t, s);
    }

    private void parseSingleFd(EventView v, ThreadState t, int type) {
        long fd = res(v);
        if (t == null || fd < 0) {
            return;
        }
        FdState s = new FdState(fd);
        s.setType(kinds.singleFdType[type]);
        int variant = kinds.variant[type];
        if (s.type() == FdType.EVENTPOLL) {
            if (variant == EventKinds.V_WITH_FLAGS && (u(v, EventKinds.FLAGS) & EPOLL_CLOEXEC) != 0) {
                s.setOpenFlags(FdState.O_CLOEXEC);
            }
        } else if (variant == EventKinds.V_WITH_FLAGS || variant == EventKinds.V_TIMERFD) {
            s.setOpenFlags((int) u(v, EventKinds.FLAGS));
        }
        addFd(t, s);
    }

    private void parseClose(EventView v, ThreadState t) {
        if (t == null || res(v) < 0 || currentFd == null) {
            return;
        }
        pendingFdTid = t.tid();
        pendingFd = t.lastEventFd();
    }

    private void parseCloseRange(EventView v, ThreadState t) {
        if (t == null || res(v) < 0) {
            return;
        }
        FdTable table = threads.fds(t);
        if (table == null) {
            return;
        }
        long first = u(v, EventKinds.FIRST);
        long last = u(v, EventKinds.LAST);
        long flags = u(v, EventKinds.FLAGS);
        if ((flags & CLOSE_RANGE_CLOEXEC) != 0) {
            table.forEach((fd, s) -> {
                if (fd >= first && fd <= last) {
                    s.setOpenFlags(s.openFlags() | FdState.O_CLOEXEC);
                }
                return true;
            });
        } else {
            long[] doomed = new long[table.size()];
            int[] n = {0};
            table.forEach((fd, s) -> {
                if (fd >= first && fd <= last) {
                    doomed[n[0]++] = fd;
                }
                return true;
            });
            for (int i = 0; i < n[0]; i++) {
                table.remove(doomed[i]);
            }
        }
    }

    private void parseDup(EventView v, ThreadState t, int type) {
        long r = res(v);
        if (t == null || r < 0 || currentFd == null) {
            return;
        }
        FdState s = currentFd.copyAs(r);
        s.setOpenFlags(s.openFlags() & ~FdState.O_CLOEXEC);
        if (kinds.variant[type] == EventKinds.V_WITH_FLAGS && (u(v, EventKinds.FLAGS) & FdState.O_CLOEXEC) != 0) {
            s.setOpenFlags(s.openFlags() | FdState.O_CLOEXEC);
        }
        addFd(t, s);
    }

    private void parseFcntl(EventView v, ThreadState t, int type) {
        if (t == null) {
            return;
        }
        EventView src = either(v, enterFor(t, type), EventKinds.CMD);
        long cmd = src == null ? 0 : u(src, EventKinds.CMD);
        if (cmd != FCNTL_F_DUPFD && cmd != FCNTL_F_DUPFD_CLOEXEC && cmd != FCNTL_F_SETFD) {
            return;
        }
        long r = res(v);
        if (r < 0 || currentFd == null) {
            return;
        }
        if (cmd == FCNTL_F_SETFD) {
            int f = currentFd.openFlags() & ~FdState.O_CLOEXEC;
            if ((u(v, EventKinds.ARG) & FD_CLOEXEC) != 0) {
                f |= FdState.O_CLOEXEC;
            }
            currentFd.setOpenFlags(f);
            return;
        }
        FdState s = currentFd.copyAs(r);
        int f = s.openFlags() & ~FdState.O_CLOEXEC;
        if (cmd == FCNTL_F_DUPFD_CLOEXEC) {
            f |= FdState.O_CLOEXEC;
        }
        s.setOpenFlags(f);
        addFd(t, s);
    }

    // ---------------------------------------------------------------- sockets

    private void parseSocket(EventView v, ThreadState t, int type) {
        long fd = res(v);
        if (t == null || fd < 0) {
            return;
        }
        EventView src = either(v, enterFor(t, type), EventKinds.DOMAIN);
        if (src == null) {
            addSocket(t, fd, -1, 0, 0, 0);
            return;
        }
        addSocket(t, fd, (int) u(src, EventKinds.DOMAIN), (int) u(src, EventKinds.TYPE), (int) u(src, EventKinds.PROTO),
                (int) u(v, EventKinds.FLAGS));
    }

    private void addSocket(ThreadState t, long fd, int domain, int type, int protocol, int flags) {
        FdState s = new FdState(fd);
        s.setOpenFlags(flags);
        if (domain == PPM_AF_UNIX) {
            s.setType(FdType.UNIX_SOCK);
        } else if (domain == PPM_AF_INET || domain == PPM_AF_INET6) {
            s.setType(domain == PPM_AF_INET ? FdType.IPV4_SOCK : FdType.IPV6_SOCK);
            int l4 = FdState.L4_UNKNOWN;
            if (protocol == IPPROTO_TCP) {
                l4 = type == SOCK_RAW ? FdState.L4_RAW : FdState.L4_TCP;
            } else if (protocol == IPPROTO_UDP) {
                l4 = type == SOCK_RAW ? FdState.L4_RAW : FdState.L4_UDP;
            } else if (protocol == IPPROTO_IP) {
                if ((type & 0xFF) == SOCK_STREAM) {
                    l4 = FdState.L4_TCP;
                } else if ((type & 0xFF) == SOCK_DGRAM) {
                    l4 = FdState.L4_UDP;
                }
            } else if (protocol == IPPROTO_ICMP) {
                l4 = type == SOCK_RAW ? FdState.L4_RAW : FdState.L4_ICMP;
            } else if (protocol == IPPROTO_RAW) {
                l4 = FdState.L4_RAW;
            }
            s.setL4proto(l4);
        } else if (domain == PPM_AF_NETLINK) {
            s.setType(FdType.NETLINK);
        } else {
            s.setType(FdType.UNKNOWN);
        }
        addFd(t, s);
    }

    private void parseSocketpair(EventView v, ThreadState t) {
        if (t == null || res(v) < 0) {
            return;
        }
        long fd1 = s64(v, EventKinds.FD1);
        long fd2 = s64(v, EventKinds.FD2);
        if (fd1 == fd2) {
            currentFd = null;
            return;
        }
        FdState a = new FdState(fd1);
        a.setType(FdType.UNIX_SOCK);
        a.setUnixEnds(u(v, EventKinds.SOURCE), u(v, EventKinds.PEER));
        FdState b = a.copyAs(fd2);
        addFd(t, b);
        addFd(t, a);
    }

    private void parseBind(EventView v) {
        FdState s = currentFd;
        int ai = at(v, EventKinds.ADDR);
        if (s == null || res(v) < 0 || !Wire.has(v, ai)) {
            return;
        }
        int family = Wire.byteAt(v, ai, 0);
        int len = v.paramLength(ai);
        if (family == PPM_AF_INET && len >= 7) {
            int ip = Wire.ipv4At(v, ai, 1);
            int port = Wire.u16At(v, ai, 5);
            if (port > 0) {
                s.setType(FdType.IPV4_SERVSOCK);
                s.setIpv4Server(ip, port);
                s.setRole(FdState.Role.SERVER);
            }
        } else if (family == PPM_AF_INET6 && len >= 19) {
            Wire.ipv6At(v, ai, 1, ip6a);
            int port = Wire.u16At(v, ai, 17);
            if (port > 0) {
                if (InetText.isIpv4Mapped(ip6a)) {
                    s.setType(FdType.IPV4_SERVSOCK);
                    s.setIpv4Server(InetText.mappedIpv4(ip6a), port);
                } else {
                    s.setType(FdType.IPV6_SERVSOCK);
                    s.setIpv6Server(ip6a, port);
                }
                s.setRole(FdState.Role.SERVER);
            }
        }
        s.setName(addressText(v, ai));
    }

    private void parseConnect(EventView v, ThreadState t, int type) {
        FdState s = currentFd;
        if (t == null || s == null) {
            return;
        }
        long r = res(v);
        if (r < 0 && r != -EINPROGRESS) {
            return;
        }
        s.setConnected(true);
        EventView enter = enterFor(t, type);
        int ei = enter == null ? -1 : at(enter, EventKinds.ADDR);
        boolean enterAddr = enter != null && Wire.has(enter, ei) && validSockaddr(enter, ei);
        int ti = at(v, EventKinds.TUPLE);
        int xi = at(v, EventKinds.ADDR);
        if (!Wire.has(v, ti)) {
            if (enterAddr) {
                destinationFromAddr(enter, ei, s);
            }
            return;
        }
        if (!validTuple(v, ti)) {
            return;
        }
        int family = Wire.byteAt(v, ti, 0);
        boolean exitAddr = Wire.has(v, xi) && validSockaddr(v, xi) && Wire.byteAt(v, xi, 0) == family;
        enterAddr = enterAddr && Wire.byteAt(enter, ei, 0) == family;
        if (family == PPM_AF_INET) {
            int sip = Wire.ipv4At(v, ti, 1);
            int sport = Wire.u16At(v, ti, 5);
            int dip = Wire.ipv4At(v, ti, 7);
            int dport = Wire.u16At(v, ti, 11);
            if (exitAddr && enterAddr && Wire.ipv4At(v, xi, 1) == dip && Wire.u16At(v, xi, 5) == dport) {
                dip = Wire.ipv4At(enter, ei, 1);
                dport = Wire.u16At(enter, ei, 5);
            }
            s.setType(FdType.IPV4_SOCK);
            boolean changed = updateIpv4(s, sip, sport, dip, dport);
            finishClientTuple(s, changed);
        } else if (family == PPM_AF_INET6) {
            Wire.ipv6At(v, ti, 1, ip6a);
            int sport = Wire.u16At(v, ti, 17);
            Wire.ipv6At(v, ti, 19, ip6b);
            int dport = Wire.u16At(v, ti, 35);
            if (exitAddr && enterAddr && Wire.u16At(v, xi, 17) == dport && sameIpv6(v, xi, 1, ip6b)) {
                Wire.ipv6At(enter, ei, 1, ip6b);
                dport = Wire.u16At(enter, ei, 17);
            }
            boolean changed;
            if (InetText.isIpv4Mapped(ip6a) && InetText.isIpv4Mapped(ip6b)) {
                s.setType(FdType.IPV4_SOCK);
                changed = updateIpv4(s, InetText.mappedIpv4(ip6a), sport, InetText.mappedIpv4(ip6b), dport);
            } else {
                s.setType(FdType.IPV6_SOCK);
                changed = updateIpv6(s, ip6a, sport, ip6b, dport);
            }
            finishClientTuple(s, changed);
        } else if (family == PPM_AF_UNIX) {
            long source = Wire.u64At(v, ti, 1);
            long dest = Wire.u64At(v, ti, 9);
            String path = wire.strAt(v, ti, 17);
            if (exitAddr && enterAddr && path.equals(wire.strAt(v, xi, 1))) {
                path = wire.strAt(enter, ei, 1);
            }
            s.setUnixEnds(source, dest);
            s.setName(unixName(source, dest, path));
            if (s.role() == FdState.Role.NONE) {
                s.setRole(FdState.Role.CLIENT);
            }
        }
    }

    private void finishClientTuple(FdState s, boolean changed) {
        if (changed && s.role() == FdState.Role.SERVER && s.l4proto() == FdState.L4_UDP) {
            s.swapEnds();
        }
        s.setName(socketName(s));
        if (s.role() == FdState.Role.NONE) {
            s.setRole(FdState.Role.CLIENT);
        }
    }

    private boolean sameIpv6(EventView v, int param, int at, byte[] ip) {
        for (int k = 0; k < FdState.IPV6_BYTES; k++) {
            if ((byte) Wire.byteAt(v, param, at + k) != ip[k]) {
                return false;
            }
        }
        return true;
    }

    /** Fills the destination from a sockaddr when the exit carries no tuple (libsinsp's fill_..._from_addr). */
    private void destinationFromAddr(EventView e, int ai, FdState s) {
        int family = Wire.byteAt(e, ai, 0);
        if (family == PPM_AF_INET) {
            s.setType(FdType.IPV4_SOCK);
            s.setIpv4Destination(Wire.ipv4At(e, ai, 1), Wire.u16At(e, ai, 5));
        } else if (family == PPM_AF_INET6) {
            Wire.ipv6At(e, ai, 1, ip6a);
            int port = Wire.u16At(e, ai, 17);
            if (InetText.isIpv4Mapped(ip6a)) {
                s.setType(FdType.IPV4_SOCK);
                s.setIpv4Destination(InetText.mappedIpv4(ip6a), port);
            } else {
                s.setType(FdType.IPV6_SOCK);
                s.setIpv6Destination(ip6a, port);
            }
        } else {
            s.setName(addressText(e, ai));
        }
    }

    private static boolean updateIpv4(FdState s, int sip, int sport, int dip, int dport) {
        if (s.type() == FdType.IPV4_SOCK
                && ((sip == s.sip() && sport == s.sport() && dip == s.dip() && dport == s.dport())
                        || (dip == s.sip() && dport == s.sport() && sip == s.dip() && sport == s.dport()))) {
            return false;
        }
        boolean changed = sip != s.sip() || sport != s.sport() || dip != s.dip() || dport != s.dport();
        s.setIpv4Tuple(sip, sport, dip, dport);
        return changed;
    }

    private static boolean updateIpv6(FdState s, byte[] sip, int sport, byte[] dip, int dport) {
        byte[] osip = s.sip6();
        byte[] odip = s.dip6();
        if (osip != null && odip != null && s.type() == FdType.IPV6_SOCK
                && ((Arrays.equals(sip, osip) && sport == s.sport() && Arrays.equals(dip, odip)
                        && dport == s.dport())
                        || (Arrays.equals(dip, osip) && dport == s.sport()
                                && Arrays.equals(sip, odip) && sport == s.dport()))) {
            return false;
        }
        s.setIpv6Tuple(sip, sport, dip, dport);
        return true;
    }

    /** {@return the name libsinsp gives a connected socket (sockinfo_to_str)} */
    private static String socketName(FdState s) {
        if (s.type() == FdType.IPV4_SOCK) {
            return switch (s.l4proto()) {
                case FdState.L4_TCP, FdState.L4_UDP -> ipv4TupleName(s.sip(), s.sport(), s.dip(), s.dport());
                case FdState.L4_ICMP, FdState.L4_RAW -> InetText.ipv4(s.sip()) + "->" + InetText.ipv4(s.dip());
                default -> "<unknown>";
            };
        }
        return switch (s.l4proto()) {
            case FdState.L4_TCP, FdState.L4_UDP ->
                    InetText.ipv6(s.sip6()) + ":" + s.sport() + "->" + InetText.ipv6(s.dip6()) + ":" + s.dport();
            case FdState.L4_ICMP, FdState.L4_RAW -> InetText.ipv6(s.sip6()) + "->" + InetText.ipv6(s.dip6());
            default -> "<unknown>";
        };
    }

    private static String ipv4TupleName(int sip, int sport, int dip, int dport) {
        return InetText.ipv4(sip) + ":" + sport + "->" + InetText.ipv4(dip) + ":" + dport;
    }

    /** {@return parameter {@code i}, a socket tuple, as libsinsp prints it (get_param_as_str)} */
    private static String tupleText(EventView v, int i) {
        return SocketTuple.decode(v.segment(), v.paramOffset(i), v.paramLength(i)).render();
    }

    /** {@return parameter {@code i}, a socket address, as libsinsp prints it (get_param_as_str)} */
    private static String addressText(EventView v, int i) {
        return SocketAddress.decode(v.segment(), v.paramOffset(i), v.paramLength(i)).render();
    }

    private static String unixName(long source, long dest, String path) {
        return Long.toHexString(source) + "->" + Long.toHexString(dest) + " " + path;
    }

    private static boolean validSockaddr(EventView v, int i) {
        int len = v.paramLength(i);
        if (len < 1) {
            return false;
        }
        int family = Wire.byteAt(v, i, 0);
        return switch (family) {
            case PPM_AF_INET -> len >= 7;
            case PPM_AF_INET6 -> len >= 19;
            case PPM_AF_UNIX -> len >= 1;
            default -> false;
        };
    }

    private static boolean validTuple(EventView v, int i) {
        int len = v.paramLength(i);
        if (len < 1) {
            return false;
        }
        int family = Wire.byteAt(v, i, 0);
        return switch (family) {
            case PPM_AF_INET -> len >= 13;
            case PPM_AF_INET6 -> len >= 37;
            case PPM_AF_UNIX -> len >= 17;
            default -> false;
        };
    }

    /**
     * libsinsp's parse_read_exit / parse_write_exit for sockets: a send on an unknown descriptor with an IP tuple
     * makes a UDP socket; an unnamed or non-TCP socket takes the tuple the event carries.
     */
    private void parseSendRecv(EventView v, ThreadState t, int type, boolean incoming) {
        if (t == null) {
            return;
        }
        long r = res(v);
        EventView tupleSrc = either(v, enterFor(t, type), EventKinds.TUPLE);
        if (currentFd == null && !incoming && kinds.variant[type] == EventKinds.V_INFERS_SOCKET && r >= 0
                && tupleSrc != null) {
            int family = Wire.byteAt(tupleSrc, at(tupleSrc, EventKinds.TUPLE), 0);
            if (family == PPM_AF_INET || family == PPM_AF_INET6) {
                long fd = t.lastEventFd() >= 0 ? t.lastEventFd() : s64(v, EventKinds.FD);
                addSocket(t, fd, family, SOCK_DGRAM, IPPROTO_UDP, 0);
            }
        }
        FdState s = currentFd;
        if (s == null || r < 0) {
            return;
        }
        if (s.type() == FdType.IPV4_SOCK || s.type() == FdType.IPV6_SOCK) {
            s.setConnected(true);
        }
        if (tupleSrc == null || !(s.name().isEmpty() || s.l4proto() != FdState.L4_TCP || !s.isInetSocket())) {
            return;
        }
        int ti = at(tupleSrc, EventKinds.TUPLE);
        if (!updateFromTuple(tupleSrc, ti, s)) {
            return;
        }
        if (s.type() == FdType.IPV4_SOCK || s.type() == FdType.IPV6_SOCK) {
            if (s.role() == FdState.Role.NONE) {
                // libsinsp guesses by the process' other sockets, but its loops always find this socket itself,
                // so the guess is the direction: server for reads, client for writes.
                s.setRole(incoming ? FdState.Role.SERVER : FdState.Role.CLIENT);
            }
            if (s.role() == (incoming ? FdState.Role.CLIENT : FdState.Role.SERVER)) {
                s.swapEnds();
            }
            s.setName(socketName(s));
        } else {
            s.setName(tupleText(tupleSrc, ti));
        }
    }

    /** libsinsp's update_fd: takes a socket tuple into the descriptor; false when nothing changed or invalid. */
    private boolean updateFromTuple(EventView v, int ti, FdState s) {
        if (!Wire.has(v, ti) || !validTuple(v, ti)) {
            return false;
        }
        int family = Wire.byteAt(v, ti, 0);
        if (family == PPM_AF_INET) {
            s.setType(FdType.IPV4_SOCK);
            if (!updateIpv4(s, Wire.ipv4At(v, ti, 1), Wire.u16At(v, ti, 5), Wire.ipv4At(v, ti, 7),
                    Wire.u16At(v, ti, 11))) {
                return false;
            }
        } else if (family == PPM_AF_INET6) {
            Wire.ipv6At(v, ti, 1, ip6a);
            int sport = Wire.u16At(v, ti, 17);
            Wire.ipv6At(v, ti, 19, ip6b);
            int dport = Wire.u16At(v, ti, 35);
            if (InetText.isIpv4Mapped(ip6a) && InetText.isIpv4Mapped(ip6b)) {
                s.setType(FdType.IPV4_SOCK);
                if (!updateIpv4(s, InetText.mappedIpv4(ip6a), sport, InetText.mappedIpv4(ip6b), dport)) {
                    return false;
                }
            } else if (!updateIpv6(s, ip6a, sport, ip6b, dport)) {
                return false;
            }
        } else {
            s.setType(FdType.UNIX_SOCK);
            s.setUnixEnds(Wire.u64At(v, ti, 1), Wire.u64At(v, ti, 9));
            return true;
        }
        if (s.l4proto() == FdState.L4_UNKNOWN) {
            s.setL4proto(FdState.L4_UDP);
        }
        inferZeroAddress(s);
        return true;
    }

    private void parseAccept(EventView v, ThreadState t, int type) {
        long fd = res(v);
        if (t == null || fd < 0) {
            return;
        }
        t.setLastEventFd(fd);
        int ti = at(v, EventKinds.TUPLE);
        if (!Wire.has(v, ti) || !validTuple(v, ti)) {
            return;
        }
        int family = Wire.byteAt(v, ti, 0);
        FdState s = new FdState(fd);
        if (family == PPM_AF_INET) {
            s.setIpv4Tuple(Wire.ipv4At(v, ti, 1), Wire.u16At(v, ti, 5), Wire.ipv4At(v, ti, 7), Wire.u16At(v, ti, 11));
            s.setType(FdType.IPV4_SOCK);
            s.setL4proto(FdState.L4_TCP);
        } else if (family == PPM_AF_INET6) {
            Wire.ipv6At(v, ti, 1, ip6a);
            int sport = Wire.u16At(v, ti, 17);
            Wire.ipv6At(v, ti, 19, ip6b);
            int dport = Wire.u16At(v, ti, 35);
            if (InetText.isIpv4Mapped(ip6a) && InetText.isIpv4Mapped(ip6b)) {
                s.setIpv4Tuple(InetText.mappedIpv4(ip6a), sport, InetText.mappedIpv4(ip6b), dport);
                s.setType(FdType.IPV4_SOCK);
            } else {
                s.setIpv6Tuple(ip6a, sport, ip6b, dport);
                s.setType(FdType.IPV6_SOCK);
            }
            s.setL4proto(FdState.L4_TCP);
        } else if (family == PPM_AF_UNIX) {
            long source = Wire.u64At(v, ti, 1);
            long dest = Wire.u64At(v, ti, 9);
            s.setType(FdType.UNIX_SOCK);
            s.setUnixEnds(source, dest);
        } else {
            return;
        }
        s.setName(tupleText(v, ti));
        if (kinds.variant[type] == EventKinds.V_WITH_FLAGS) {
            EventView src = either(v, enterFor(t, type), EventKinds.FLAGS);
            if (src != null) {
                s.setOpenFlags((int) (s64(src, EventKinds.FLAGS) & FdState.O_CLOEXEC));
            }
        }
        s.setRole(FdState.Role.SERVER);
        s.setConnected(true);
        addFd(t, s);
    }

    // ---------------------------------------------------------------- processes

    /** libsinsp's parse_context_switch: page faults of the thread, memory of its process (when the event has them). */
    private void parseContextSwitch(EventView v, ThreadState t) {
        if (t == null || !has(v, EventKinds.VM_SWAP)) {
            return;
        }
        t.setPfmajor(u(v, EventKinds.PGFT_MAJ));
        t.setPfminor(u(v, EventKinds.PGFT_MIN));
        ThreadState main = threads.mainThread(t);
        if (main != null) {
            main.setVmsizeKb(u(v, EventKinds.VM_SIZE));
            main.setVmrssKb(u(v, EventKinds.VM_RSS));
            main.setVmswapKb(u(v, EventKinds.VM_SWAP));
        }
    }

    private void parseProcexit(EventView v, ThreadState t) {
        if (t == null) {
            return;
        }
        t.setDead(true);
        pendingTidRemoval = t.tid();
        if (metadata != null && t.vpid() == 1 && t.vtid() == 1 && !t.containerId().isEmpty()) {
            pendingContainerRemoval = t.containerId();
        }
        pendingReaperTid = has(v, EventKinds.REAPER_TID) ? s64(v, EventKinds.REAPER_TID) : -1;
    }

    private void parseClone(EventView v, ThreadState t, int type) {
        long child = res(v);
        if (child < 0) {
            return;
        }
        if (child == 0) {
            cloneChild(v, t, type);
        } else {
            cloneCaller(v, t, type, child);
        }
    }

    private void cloneCaller(EventView v, ThreadState caller, int type, long childTid) {
        long callerTid = v.tid();
        boolean validCaller = true;
        if (caller == null) {
            caller = threads.put(ThreadState.placeholder(callerTid));
        }
        if (caller.invalid()) {
            validCaller = false;
            caller.setPid(s64(v, EventKinds.PID));
            caller.setPtid(s64(v, EventKinds.PTID));
            if (has(v, EventKinds.VPID)) {
                caller.setVtid(s64(v, EventKinds.VTID));
                caller.setVpid(s64(v, EventKinds.VPID));
            } else {
                caller.setVtid(callerTid);
                caller.setVpid(-1);
            }
            linkParent(caller);
        }
        current = caller;
        int flags = (int) u(v, EventKinds.FLAGS);
        if ((flags & (ThreadState.CL_CHILD_IN_PIDNS | ThreadState.CL_CLONE_NEWPID | ThreadState.CL_CLONE_PARENT)) != 0
                || callerTid != caller.vtid()) {
            return;
        }
        if ((flags & ThreadState.CL_CLONE_VFORK) != 0 || kinds.variant[type] == EventKinds.V_VFORK) {
            return;
        }
        ThreadState existing = threads.get(childTid);
        if (existing != null) {
            if ((existing.flags() & ThreadState.CL_CLONE_INVERTED) != 0) {
                return;
            }
            threads.remove(childTid);
        }
        ThreadState c = new ThreadState(childTid);
        c.setFlags(flags);
        boolean leader = (flags & ThreadState.CL_CLONE_THREAD) == 0;
        if (leader) {
            c.setPid(childTid);
            c.setPtid(caller.tid());
        } else {
            c.setPid(caller.pid());
            c.setPtid(caller.ptid());
            c.setFlags(c.flags() | ThreadState.CL_CLONE_FILES);
            c.setLastExecTs(caller.lastExecTs());
        }
        c.setVtid(c.tid());
        c.setVpid(c.pid());
        fillChild(v, c, caller, validCaller, leader);
        c.setPidnsInitStartTs(machine == null ? 0 : machine.bootTsEpoch());
        threads.put(c);
        if (leader && validCaller) {
            FdTable parentFds = threads.fds(caller);
            FdTable own = c.ownFds();
            if (parentFds != null && own != null) {
                own.copyFrom(parentFds);
            }
        }
        assignContainer(c);
        noteUser(c);
    }

    private void cloneChild(EventView v, ThreadState existing, int type) {
        long childTid = v.tid();
        if (existing != null && existing.cloneTs() != 0) {
            if (v.ts() - existing.cloneTs() < CLONE_STALE_TIME_NS) {
                return;
            }
            threads.remove(childTid);
        }
        ThreadState c = new ThreadState(childTid);
        c.setPid(s64(v, EventKinds.PID));
        c.setPtid(s64(v, EventKinds.PTID));
        if (has(v, EventKinds.VPID)) {
            c.setVtid(s64(v, EventKinds.VTID));
            c.setVpid(s64(v, EventKinds.VPID));
        } else {
            c.setVtid(childTid);
            c.setVpid(-1);
        }
        c.setFlags((int) u(v, EventKinds.FLAGS) | ThreadState.CL_CLONE_INVERTED);
        boolean leader = (c.flags() & ThreadState.CL_CLONE_THREAD) == 0;
        long lookupTid;
        if (leader) {
            lookupTid = c.ptid();
        } else {
            lookupTid = c.pid();
            c.setFlags(c.flags() | ThreadState.CL_CLONE_FILES);
        }
        ThreadState lookup = threads.get(lookupTid);
        if (lookup == null) {
            lookup = threads.put(ThreadState.placeholder(lookupTid));
        }
        boolean validLookup = !lookup.invalid();
        if (!validLookup && !leader) {
            lookup.setPid(c.pid());
            lookup.setPtid(c.ptid());
            lookup.setVpid(c.vpid());
            lookup.setVtid(lookup.vpid());
            linkParent(lookup);
        }
        fillChild(v, c, lookup, validLookup, leader);
        if (!validLookup && !leader) {
            lookup.setExe(c.exe());
            lookup.setComm(c.comm());
            lookup.setArgs(c.args());
        }
        if ((c.flags() & (ThreadState.CL_CHILD_IN_PIDNS | ThreadState.CL_CLONE_NEWPID)) != 0 || c.tid() != c.vtid()) {
            if (has(v, EventKinds.PIDNS_INIT_START_TS)) {
                c.setPidnsInitStartTs(u(v, EventKinds.PIDNS_INIT_START_TS) + (machine == null ? 0 : machine.bootTsEpoch()));
            }
        } else {
            c.setPidnsInitStartTs(machine == null ? 0 : machine.bootTsEpoch());
        }
        threads.put(c);
        linkParent(c);
        if (leader && validLookup) {
            FdTable parentFds = threads.fds(lookup);
            FdTable own = c.ownFds();
            if (parentFds != null && own != null) {
                own.copyFrom(parentFds);
            }
        }
        assignContainer(c);
        noteUser(c);
        current = c;
    }

    /** Fields both clone parsers take from the event and, when trustworthy, from the caller or parent. */
    private void fillChild(EventView v, ThreadState c, ThreadState from, boolean trustFrom, boolean leader) {
        c.setExe(str(v, EventKinds.EXE));
        c.setArgs(strs(v, EventKinds.ARGS));
        c.setComm(has(v, EventKinds.COMM) ? str(v, EventKinds.COMM) : c.exe());
        c.setFdlimit(s64(v, EventKinds.FDLIMIT));
        if (has(v, EventKinds.VM_SWAP)) {
            c.setPfmajor(u(v, EventKinds.PGFT_MAJ));
            c.setPfminor(u(v, EventKinds.PGFT_MIN));
            c.setVmsizeKb(u(v, EventKinds.VM_SIZE));
            c.setVmrssKb(u(v, EventKinds.VM_RSS));
            c.setVmswapKb(u(v, EventKinds.VM_SWAP));
        }
        c.setUid(u(v, EventKinds.UID));
        c.setGid(u(v, EventKinds.GID));
        if (has(v, EventKinds.CGROUPS)) {
            c.setCgroups(strs(v, EventKinds.CGROUPS));
        }
        c.setCloneTs(v.ts());
        if (trustFrom) {
            c.setExepath(from.exepath());
            c.setExeWritable(from.exeWritable());
            c.setExeUpperLayer(from.exeUpperLayer());
            c.setExeLowerLayer(from.exeLowerLayer());
            c.setExeFromMemfd(from.exeFromMemfd());
            c.setRoot(from.root());
            c.setSid(from.sid());
            c.setVpgid(from.vpgid());
            c.setPgid(from.pgid());
            c.setTty(from.tty());
            c.setLoginuid(from.loginuid());
            c.setCapPermitted(from.capPermitted());
            c.setCapInheritable(from.capInheritable());
            c.setCapEffective(from.capEffective());
            c.setExeIno(from.exeIno());
            c.setExeInoCtime(from.exeInoCtime());
            c.setExeInoMtime(from.exeInoMtime());
            c.setExeInoCtimeDurationCloneTs(from.exeInoCtimeDurationCloneTs());
            if (leader) {
                c.setCwd(threads.cwd(from));
                c.setEnv(from.env());
            } else {
                c.setLastExecTs(from.lastExecTs());
            }
        }
    }

    /** libsinsp's create_thread_dependencies: a parent missing from the table becomes 0 (init excepted). */
    private void linkParent(ThreadState t) {
        if (t.invalid() || t.pid() == 1) {
            return;
        }
        ThreadState parent = threads.get(t.ptid());
        if (parent == null || parent.invalid()) {
            t.setPtid(0);
        }
    }

    private void parseExecve(EventView v, ThreadState t, int type) {
        if (res(v) < 0 || t == null) {
            return;
        }
        if (t.dead()) {
            t.setDead(false);
        }
        t.setExe(str(v, EventKinds.EXE));
        t.setLastExecTs(v.ts());
        t.setComm(has(v, EventKinds.COMM) ? str(v, EventKinds.COMM) : t.exe());
        t.setArgs(strs(v, EventKinds.ARGS));
        t.setPid(s64(v, EventKinds.PID));
        if (t.invalid()) {
            t.setPtid(s64(v, EventKinds.PTID));
            if ((t.flags() & ThreadState.CL_CHILD_IN_PIDNS) == 0) {
                t.setVtid(t.tid());
                t.setVpid(t.pid());
            }
            linkParent(t);
            if (t.ownFds() == null && threads.mainThread(t) == null) {
                t.setOwnFds(new FdTable());
            }
        }
        t.setFdlimit(s64(v, EventKinds.FDLIMIT));
        if (has(v, EventKinds.VM_SWAP)) {
            t.setPfmajor(u(v, EventKinds.PGFT_MAJ));
            t.setPfminor(u(v, EventKinds.PGFT_MIN));
            t.setVmsizeKb(u(v, EventKinds.VM_SIZE));
            t.setVmrssKb(u(v, EventKinds.VM_RSS));
            t.setVmswapKb(u(v, EventKinds.VM_SWAP));
        }
        if (has(v, EventKinds.ENV)) {
            t.setEnv(strs(v, EventKinds.ENV));
        }
        if (has(v, EventKinds.CGROUPS)) {
            t.setCgroups(strs(v, EventKinds.CGROUPS));
        }
        if (has(v, EventKinds.TTY)) {
            t.setTty(u(v, EventKinds.TTY));
        }
        if (has(v, EventKinds.TRUSTED_EXEPATH)) {
            t.setExepath(str(v, EventKinds.TRUSTED_EXEPATH));
        } else {
            EventView enter = enterFor(t, type);
            if (enter != null) {
                t.setExepath(exepathFromEnter(enter, t));
            } else if (has(v, EventKinds.FILENAME)) {
                t.setExepath(exepathFromExitFilename(v, t));
            }
        }
        if (has(v, EventKinds.VPGID)) {
            t.setVpgid(s64(v, EventKinds.VPGID));
        }
        if (has(v, EventKinds.LOGINUID)) {
            t.setLoginuid(u(v, EventKinds.LOGINUID));
        }
        if (has(v, EventKinds.FLAGS)) {
            long f = u(v, EventKinds.FLAGS);
            t.setExeWritable((f & EXE_WRITABLE) != 0);
            t.setExeUpperLayer((f & EXE_UPPER_LAYER) != 0);
            t.setExeFromMemfd((f & EXE_FROM_MEMFD) != 0);
            t.setExeLowerLayer((f & EXE_LOWER_LAYER) != 0);
        }
        if (has(v, EventKinds.CAP_EFFECTIVE)) {
            t.setCapInheritable(u(v, EventKinds.CAP_INHERITABLE));
            t.setCapPermitted(u(v, EventKinds.CAP_PERMITTED));
            t.setCapEffective(u(v, EventKinds.CAP_EFFECTIVE));
        }
        if (has(v, EventKinds.EXE_INO_MTIME)) {
            t.setExeIno(u(v, EventKinds.EXE_INO));
            t.setExeInoCtime(u(v, EventKinds.EXE_INO_CTIME));
            t.setExeInoMtime(u(v, EventKinds.EXE_INO_MTIME));
            if (t.cloneTs() != 0) {
                t.setExeInoCtimeDurationCloneTs(t.cloneTs() - t.exeInoCtime());
            }
            if (t.pidnsInitStartTs() != 0 && t.exeInoCtime() > t.pidnsInitStartTs()) {
                t.setExeInoCtimeDurationPidnsStart(t.exeInoCtime() - t.pidnsInitStartTs());
            }
        }
        if (has(v, EventKinds.UID)) {
            t.setUid(u(v, EventKinds.UID));
        }
        t.setPgid(has(v, EventKinds.PGID) ? s64(v, EventKinds.PGID) : -1);
        if (has(v, EventKinds.GID)) {
            t.setGid(u(v, EventKinds.GID));
        }
        assignContainer(t);
        noteUser(t);
        FdTable table = threads.fds(t);
        if (table != null) {
            table.closeOnExec();
        }
        int keep = t.flags() & (ThreadState.CL_IS_MAIN_THREAD | ThreadState.CL_CLONE_INVERTED);
        t.setFlags(ThreadState.CL_ACTIVE | keep | ThreadState.CL_NAME_CHANGED);
        // Other threads of the process die with the exec.
        if (t.isMainThread() || threads.mainThread(t) != null) {
            long pid = t.pid();
            long self = t.tid();
            long[] others = new long[threads.size()];
            int[] n = {0};
            threads.forEach((tid, other) -> {
                if (other.pid() == pid && tid != self && !other.isMainThread()) {
                    others[n[0]++] = tid;
                }
                return true;
            });
            for (int i = 0; i < n[0]; i++) {
                threads.remove(others[i]);
            }
        }
    }

    /**
     * The new image's path from the exit event's own {@code filename} (exit-only drivers, no enter event, no
     * trusted_exepath): libsinsp keeps the previous image's path there, which makes a {@code cat} started from bash
     * report {@code /usr/bin/bash}; Peregrine resolves the filename against the cwd instead. An execveat's relative
     * filename is relative to a dirfd the exit does not carry: {@code <NA>}.
     */
    private String exepathFromExitFilename(EventView v, ThreadState t) {
        String filename = str(v, EventKinds.FILENAME);
        if (filename.equals(NA) || filename.isEmpty()) {
            return NA;
        }
        if (filename.startsWith("/")) {
            return FsPath.concatenate("", filename);
        }
        return kinds.nameOf[v.type()].equals("execve") ? FsPath.concatenate(threads.cwd(t), filename) : NA;
    }

    private String exepathFromEnter(EventView enter, ThreadState t) {
        if (kinds.nameOf[enter.type()].equals("execve")) {
            String filename = str(enter, EventKinds.FILENAME);
            return filename.equals(NA) ? NA : FsPath.concatenate(threads.cwd(t), filename);
        }
        long dirfd = s64(enter, EventKinds.DIRFD);
        String pathname = str(enter, EventKinds.PATHNAME);
        long flags = u(enter, EventKinds.FLAGS);
        String dir = dirfdBase(t, pathname, dirfd);
        if (((flags & EXVAT_AT_EMPTY_PATH) == 0 && pathname.equals(NA)) || dir.equals("<UNKNOWN>")) {
            return NA;
        }
        if ((flags & EXVAT_AT_EMPTY_PATH) != 0) {
            return FsPath.concatenate("", dir);
        }
        return FsPath.concatenate(dir, pathname);
    }

    /**
     * libsinsp's add_user from clone, execve and set*uid: a host thread running as uid 0 whose user is unknown gets
     * the implicit {@code root} entry (other unknown uids are left to the live directory lookup).
     */
    private void noteUser(ThreadState t) {
        if (t.uid() == 0 && t.containerId().isEmpty() && users.user("", 0) == null) {
            users.addUser("", new UserInfo(0, t.gid(), "root", "/root", ""));
        }
    }

    private void assignContainer(ThreadState t) {
        List<String> cgroups = t.cgroups();
        CgroupContainerId.Match m;
        if (cgroups.equals(lastCgroups)) {
            // Clones and execs come in runs from the same cgroups: reuse the answer, and share the list.
            m = lastContainerMatch;
            t.setCgroups(lastCgroups);
        } else {
            m = CgroupContainerId.resolve(cgroups, containerEngines);
            lastCgroups = cgroups;
            lastContainerMatch = m;
        }
        if (m == null) {
            t.setContainerId("");
        } else {
            t.setContainerId(m.id());
            boolean added = containers.addIfAbsent(m.id(), m.runtime());
            if (metadata != null && (added || !containers.hasMetadata(m.id()))) {
                metadata.request(m.id(), m.runtime()); // again while unanswered: the source dedupes and backs off
            }
        }
    }

    // ---------------------------------------------------------------- meta events

    private void parseContainerJson(EventView v) {
        String json = wire.str(v, 0);
        try {
            containers.setDescribed(containers.putJson(json));
        } catch (IllegalArgumentException e) {
            containerJsonErrors++;
        }
    }

    /** Async events of the container plugin: "container" adds or updates one, "container_removed" removes it. */
    private void parseAsyncEvent(EventView v) {
        if (v.paramCount() < 3) {
            return;
        }
        String name = wire.str(v, 1);
        boolean added = name.equals(ASYNC_CONTAINER_ADDED);
        if (!added && !name.equals(ASYNC_CONTAINER_REMOVED)) {
            return;
        }
        try {
            ContainerInfo info = ContainerTable.parseJson(wire.str(v, 2));
            containers.setDescribed(info);
            if (added) {
                containers.put(info);
            } else {
                containers.remove(info.id());
            }
        } catch (IllegalArgumentException e) {
            containerJsonErrors++;
        }
    }

    private void parseContainerOld(EventView v) {
        String id = wire.str(v, 0);
        if (id.isEmpty()) {
            return;
        }
        ContainerInfo bare = ContainerInfo.bare(id,
                ContainerRuntime.ofCode((int) Wire.u(v, 1)));
        ContainerInfo info = new ContainerInfo(id, "", bare.runtime(), wire.str(v, 2), wire.str(v, 3), "", "", "",
                "", "", "", false, false, false, false, false, "", List.of(), Map.of(), Map.of());
        containers.put(info);
        containers.setDescribed(info);
    }

    private void parseUserEvent(EventView v, int type) {
        long uid = Wire.u(v, 0);
        String container = wire.str(v, 5);
        if (type == kinds.userAddedE) {
            users.addUser(container, new UserInfo(uid, Wire.u(v, 1), wire.str(v, 2), wire.str(v, 3), wire.str(v, 4)));
        } else {
            users.removeUser(container, uid);
        }
    }

    private void parseGroupEvent(EventView v, int type) {
        long gid = Wire.u(v, 0);
        String container = wire.str(v, 2);
        if (type == kinds.groupAddedE) {
            users.addGroup(container, new GroupInfo(gid, wire.str(v, 1)));
        } else {
            users.removeGroup(container, gid);
        }
    }
}
