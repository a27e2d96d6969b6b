package dev.peregrine.rules.fields;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.UserInfo;
import dev.peregrine.event.EventView;
import dev.peregrine.event.params.FdNameResolver;
import dev.peregrine.event.params.ParamDecoder;
import dev.peregrine.state.StateEngine;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerTable;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.fd.FdTable;
import dev.peregrine.state.fd.FsPath;
import dev.peregrine.state.thread.ThreadState;
import dev.peregrine.state.thread.ThreadTable;
import dev.peregrine.state.user.UserTable;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The event object the syscall extractors of {@link SyscallBinding} read: the current event's view, its number, and
 * what the state engine knows about it (its thread, the file descriptor it is about, and the thread, user and
 * container tables). One instance per evaluating thread; whoever drives evaluation re-points it with
 * {@link #set} after updating state for the event and before evaluating rules on it, then passes it to
 * {@code EvalContext.reset}.
 *
 * <p>The holder is also the {@link FdNameResolver} the parameter renderer uses for {@code evt.arg} and
 * {@code evt.args} ({@code fd=3(<f>/etc/passwd)}).
 */
public final class SyscallEvent implements FdNameResolver {
    /* Implementation notes: libsinsp's sinsp_evt carries the same three pointers (thread info, fd info, the thread's
     * "last event fd"), set by the parser before filtering; keeping them in one mutable holder lets every extractor
     * be a stateless lambda shared by all threads, while everything per event lives here. IP addresses are handed
     * to Values as byte arrays by reference, so the holder keeps a small pool of scratch arrays that is recycled at
     * each set(): a field's values stay valid for the whole event (the EvalContext caches them) and nothing is
     * allocated once the pool has grown.
     * - A few libsinsp fields are stateful: evt.deltatime and thread.exectime keep their previous value in the
     *   filtercheck object, thread.totexectime and thread.cpu keep a per-thread value in a dynamic field of the thread
     *   table. Extractors are shared and stateless, so that state lives here, per evaluating thread: extractorState
     *   is keyed by an object the extractor owns, threadScratch by the ThreadState (weakly, so it goes with the
     *   thread as libsinsp's dynamic field goes with its threadinfo). */

    /** Scratch address arrays available per event; more are allocated on demand and then kept. */
    private static final int INITIAL_SCRATCH = 8;

    private final ThreadTable threads;
    private final UserTable users;
    private final ContainerTable containers;
    private final String hostname;
    private final ZoneId zone;

    private StateEngine state;
    private EventView view;
    private long num;
    private long firstTs = -1;
    private long previousTs = -1;
    private long currentTs = -1;
    private ThreadState thread;
    private FdState fd;
    private long lastEventFd = -1;
    private boolean fdNameChanged;

    private ThreadState cmdlineThread;
    private List<String> cmdlineArgs;
    private String cmdlineComm;
    private String cmdline;
    private ThreadState argsThread;
    private List<String> argsList;
    private String args;

    private final Map<Object, long[]> extractorState = new IdentityHashMap<>();
    private final Map<ThreadState, long[]> threadScratch = new WeakHashMap<>();

    private int[] localIpv4 = new int[0];
    private List<byte[]> localIpv6 = List.of();

    private byte[][] scratch4 = new byte[INITIAL_SCRATCH][];
    private byte[][] scratch16 = new byte[INITIAL_SCRATCH][];
    private int used4;
    private int used16;

    /**
     * @param threads the thread table of the state engine (parents, ancestors, fd tables)
     * @param users users and groups
     * @param containers container metadata
     * @param hostname what {@code evt.hostname} shows
     * @param zone the zone {@code evt.time} and {@code evt.datetime} print in (libsinsp: local time)
     */
    public SyscallEvent(ThreadTable threads, UserTable users, ContainerTable containers, String hostname, ZoneId zone) {
        this.threads = requireNonNull(threads, "threads is null");
        this.users = requireNonNull(users, "users is null");
        this.containers = requireNonNull(containers, "containers is null");
        this.hostname = requireNonNull(hostname, "hostname is null");
        this.zone = requireNonNull(zone, "zone is null");
    }

    /** {@return a holder over the tables of {@code state}; point it at each event with {@link #next}} */
    public static SyscallEvent over(StateEngine state, String hostname, ZoneId zone) {
        SyscallEvent s = new SyscallEvent(state.threads(), state.users(), state.containers(), hostname, zone);
        s.state = state;
        return s;
    }

    /**
     * Points the holder at the event {@code state} (given to {@link #over}) has just processed: its thread and
     * descriptor are the state engine's current ones.
     */
    public void next(EventView view, long num) {
        StateEngine st = requireNonNull(state, "holder was not created over a state engine");
        set(view, num, st.currentThread(), st.currentFd(), st.currentFdNum(), st.currentFdNameChanged());
    }

    /**
     * Points the holder at the next event.
     *
     * @param view the event, valid until the next call
     * @param num the event number ({@code evt.num}, 1 for the first event of a capture)
     * @param thread the event's thread, or null when the state engine does not know it
     * @param fd the file descriptor the event is about, or null
     * @param lastEventFd the descriptor number the event is about ({@code fd.num}), -1 when none
     * @param fdNameChanged whether handling this event renamed the descriptor ({@code fd.name_changed})
     */
    public void set(EventView view, long num, ThreadState thread, FdState fd, long lastEventFd,
            boolean fdNameChanged) {
        this.view = view;
        this.num = num;
        long ts = view == null ? -1 : view.ts();
        if (firstTs == -1) {
            firstTs = ts;
        }
        previousTs = currentTs == -1 ? ts : currentTs;
        currentTs = ts;
        this.thread = thread;
        this.fd = fd;
        this.lastEventFd = lastEventFd;
        this.fdNameChanged = fdNameChanged;
        used4 = 0;
        used16 = 0;
    }

    public EventView view() {
        return view;
    }

    public long num() {
        return num;
    }

    /** {@return the time of the first event this holder saw ({@code evt.reltime} counts from it)} */
    public long firstTs() {
        return firstTs;
    }

    /** {@return the time of the event before the current one (the current one's for the first event)} */
    public long previousTs() {
        return previousTs;
    }

    /** {@return the event's thread, or null} */
    public ThreadState thread() {
        return thread;
    }

    /** {@return the descriptor the event is about, or null} */
    public FdState fd() {
        return fd;
    }

    public long lastEventFd() {
        return lastEventFd;
    }

    public boolean fdNameChanged() {
        return fdNameChanged;
    }

    public ThreadTable threads() {
        return threads;
    }

    public UserTable users() {
        return users;
    }

    public ContainerTable containers() {
        return containers;
    }

    public String hostname() {
        return hostname;
    }

    /**
     * {@return what {@code evt.hostname} shows: as libsinsp's machine info, the hostname of the machine the events
     * come from (a capture's machine-info block), else the configured hostname}
     */
    public String machineHostname() {
        var m = state == null ? null : state.machine();
        return m == null ? hostname : m.hostname();
    }

    public ZoneId zone() {
        return zone;
    }

    /** {@return the container of the event's thread, or null for the host or an unknown one} */
    public ContainerInfo container() {
        if (thread == null) {
            return null;
        }
        String id = thread.containerId();
        return id.isEmpty() ? null : containers.get(id);
    }

    /** {@return {@code proc.cmdline} of {@code t}, cached while its comm and argument list stay the same objects} */
    String cmdline(ThreadState t) {
        if (t != cmdlineThread || t.args() != cmdlineArgs || t.comm() != cmdlineComm) {
            cmdlineThread = t;
            cmdlineArgs = t.args();
            cmdlineComm = t.comm();
            cmdline = t.cmdline();
        }
        return cmdline;
    }

    /** {@return {@code proc.args} of {@code t}, cached while its argument list stays the same object} */
    String args(ThreadState t) {
        if (t != argsThread || t.args() != argsList) {
            argsThread = t;
            argsList = t.args();
            args = String.join(" ", argsList);
        }
        return args;
    }

    /**
     * {@return the state array of the extractor identified by {@code owner}, at least {@code minLength} long (new
     * elements are 0); the array may be replaced when it grows, so callers read it anew at each event}
     */
    long[] extractorState(Object owner, int minLength) {
        long[] a = extractorState.get(owner);
        if (a == null || a.length < minLength) {
            a = a == null ? new long[minLength] : Arrays.copyOf(a, minLength);
            extractorState.put(owner, a);
        }
        return a;
    }

    /** Slot of {@link #threadScratch}: {@code thread.totexectime}'s running total, ns. */
    static final int SCRATCH_TOTEXECTIME = 0;
    /** Slot of {@link #threadScratch}: the cpu time the last {@code procinfo} event gave {@code thread.cpu*}. */
    static final int SCRATCH_LAST_CPU = 1;
    private static final int SCRATCH_SLOTS = 2;

    /** {@return the per-thread values stateful fields keep for {@code t} (libsinsp's dynamic thread fields)} */
    long[] threadScratch(ThreadState t) {
        return threadScratch.computeIfAbsent(t, k -> new long[SCRATCH_SLOTS]);
    }

    UserInfo user(long uid) {
        return thread == null ? null : users.user(thread.containerId(), uid);
    }

    GroupInfo group(long gid) {
        return thread == null ? null : users.group(thread.containerId(), gid);
    }

    /**
     * Sets the addresses of this machine's interfaces (the capture's interface list), which decide the local and
     * remote ends of a socket ({@code fd.lip}, {@code fd.rip}, ...). Without any, loopback addresses count as local.
     */
    public void setLocalAddresses(int[] ipv4, List<byte[]> ipv6) {
        this.localIpv4 = ipv4.clone();
        this.localIpv6 = List.copyOf(ipv6);
    }

    /** {@return whether {@code ip} (first octet in the high byte) is an address of this machine} */
    public boolean isLocalIpv4(int ip) {
        if (localIpv4.length == 0) {
            return (ip >>> 24) == 127;
        }
        for (int a : localIpv4) {
            if (a == ip) {
                return true;
            }
        }
        return false;
    }

    /** {@return whether the IPv6 address {@code ip} is an address of this machine} */
    public boolean isLocalIpv6(byte[] ip) {
        if (ip == null) {
            return false;
        }
        if (localIpv6.isEmpty()) {
            for (int i = 0; i < 15; i++) {
                if (ip[i] != 0) {
                    return false;
                }
            }
            return ip[15] == 1;
        }
        for (byte[] a : localIpv6) {
            if (Arrays.equals(a, ip)) {
                return true;
            }
        }
        return false;
    }

    /** {@return a 4-byte array owned by this event, holding {@code ip} (first octet in the high byte)} */
    byte[] ipv4(int ip) {
        if (used4 == scratch4.length) {
            scratch4 = Arrays.copyOf(scratch4, used4 * 2);
        }
        byte[] b = scratch4[used4];
        if (b == null) {
            b = new byte[4];
            scratch4[used4] = b;
        }
        used4++;
        b[0] = (byte) (ip >>> 24);
        b[1] = (byte) (ip >>> 16);
        b[2] = (byte) (ip >>> 8);
        b[3] = (byte) ip;
        return b;
    }

    /** {@return a 16-byte array owned by this event, holding a copy of {@code ip}} */
    byte[] ipv6(byte[] ip) {
        if (used16 == scratch16.length) {
            scratch16 = Arrays.copyOf(scratch16, used16 * 2);
        }
        byte[] b = scratch16[used16];
        if (b == null) {
            b = new byte[16];
            scratch16[used16] = b;
        }
        used16++;
        System.arraycopy(ip, 0, b, 0, 16);
        return b;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // FdNameResolver: the output path only

    @Override
    public boolean appendFd(long fdNum, StringBuilder out) {
        FdState f = fdOf(fdNum);
        if (f == null) {
            return false;
        }
        out.append('<').append(f.typechar());
        if (f.isInetSocket()) {
            out.append(switch (f.l4proto()) {
                case FdState.L4_TCP -> 't';
                case FdState.L4_UDP -> 'u';
                case FdState.L4_ICMP -> 'i';
                case FdState.L4_RAW -> 'r';
                default -> '?';
            });
        }
        out.append('>').append(f.name());
        return true;
    }

    @Override
    public boolean hasThread() {
        return thread != null;
    }

    @Override
    public char fdTypeChar(long fdNum) {
        FdState f = fdOf(fdNum);
        return f == null ? '?' : f.typechar();
    }

    @Override
    public String threadComm(long tid) {
        ThreadState t = threads.get(tid);
        return t == null ? null : t.comm();
    }

    @Override
    public String userName(long uid) {
        UserInfo u = user(uid);
        return u == null ? null : u.name();
    }

    @Override
    public String groupName(long gid) {
        GroupInfo g = group(gid);
        return g == null ? null : g.name();
    }

    @Override
    public String resolvePath(long dirfd, String relativePath) {
        if (thread == null) {
            return null;
        }
        String base;
        if (dirfd == ParamDecoder.AT_FDCWD) {
            base = threads.cwd(thread);
        } else {
            FdState d = fdOf(dirfd);
            if (d == null) {
                return null;
            }
            base = d.name().endsWith("/") ? d.name() : d.name() + "/";
        }
        return FsPath.concatenate(base, relativePath);
    }

    private FdState fdOf(long fdNum) {
        if (thread == null || fdNum < 0) {
            return null;
        }
        FdTable table = threads.fds(thread);
        return table == null ? null : table.get(fdNum);
    }
}
