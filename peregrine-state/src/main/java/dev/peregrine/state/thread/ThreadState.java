package dev.peregrine.state.thread;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.state.fd.FdTable;
import java.util.List;

/**
 * One thread as libsinsp's {@code sinsp_threadinfo} tracks it: identity, process image, credentials and the links
 * the field extractors follow (parent, main thread, descriptors). Mutable; the state engine updates it in place.
 *
 * <p>Process-wide state lives with the main thread: {@link ThreadTable#fds(ThreadState)} and
 * {@link ThreadTable#cwd(ThreadState)} resolve a thread to its process' table and directory, as libsinsp does.
 */
public final class ThreadState {
    /** {@code PPM_CL_CLONE_FILES}: the thread shares its process' descriptor table. */
    public static final int CL_CLONE_FILES = 1;
    /** {@code PPM_CL_CLONE_NEWPID}. */
    public static final int CL_CLONE_NEWPID = 1 << 6;
    /** {@code PPM_CL_CLONE_PARENT}. */
    public static final int CL_CLONE_PARENT = 1 << 8;
    /** {@code PPM_CL_CLONE_THREAD}: a thread of the caller's process rather than a new process. */
    public static final int CL_CLONE_THREAD = 1 << 13;
    /** {@code PPM_CL_CLONE_INVERTED}: the child's clone exit came before the parent's. */
    public static final int CL_CLONE_INVERTED = 1 << 16;
    /** {@code PPM_CL_NAME_CHANGED}: the thread ran execve. */
    public static final int CL_NAME_CHANGED = 1 << 17;
    /** {@code PPM_CL_ACTIVE}. */
    public static final int CL_ACTIVE = 1 << 19;
    /** {@code PPM_CL_CLONE_VFORK}. */
    public static final int CL_CLONE_VFORK = 1 << 23;
    /** {@code PPM_CL_CHILD_IN_PIDNS}: the child lives in a pid namespace of its own. */
    public static final int CL_CHILD_IN_PIDNS = 1 << 29;
    /** {@code PPM_CL_IS_MAIN_THREAD}. */
    public static final int CL_IS_MAIN_THREAD = 1 << 30;

    /** The uid/gid/loginuid of a thread whose identity is unknown: (uint32_t) -1. */
    public static final long UNKNOWN_ID = 0xFFFF_FFFFL;

    /** Rough fixed cost of one instance, for retained-size reports. */
    static final int SHALLOW_BYTES = 320;

    private final long tid;
    long pid;
    long ptid;
    long sid = -1;
    long vpgid = -1;
    long pgid = -1;
    long vtid = -1;
    long vpid = -1;
    String comm = "";
    String exe = "";
    String exepath = "";
    List<String> args = List.of();
    List<String> env = List.of();
    String cwd = "";
    List<String> cgroups = List.of();
    String root = "";
    long fdlimit;
    int flags;
    long uid;
    long gid;
    long loginuid = UNKNOWN_ID;
    long tty;
    long capInheritable;
    long capPermitted;
    long capEffective;
    boolean exeWritable;
    boolean exeUpperLayer;
    boolean exeLowerLayer;
    boolean exeFromMemfd;
    long exeIno;
    long exeInoCtime;
    long exeInoMtime;
    long exeInoCtimeDurationCloneTs;
    long exeInoCtimeDurationPidnsStart;
    long vmsizeKb;
    long vmrssKb;
    long vmswapKb;
    long pfmajor;
    long pfminor;
    long pidnsInitStartTs;
    long cloneTs;
    long lastExecTs;
    long lastEventTs;
    boolean dead;
    String containerId;
    FdTable ownFds;
    int groupThreads;
    int children;
    int lastEnterType = -1;
    long lastEventFd = -1;
    boolean enterValid;
    int storedEnterType = -1;
    byte[] storedEnter;

    /** Creates an empty thread with that id; the state engine fills it. */
    public ThreadState(long tid) {
        this.tid = tid;
    }

    /** {@return a thread filled from a process-list entry} */
    public static ThreadState of(ThreadInfo info) {
        ThreadState t = new ThreadState(info.tid());
        t.pid = info.pid();
        t.ptid = info.ptid();
        t.sid = info.sid();
        t.vpgid = info.vpgid();
        t.pgid = info.pgid();
        t.vtid = info.vtid();
        t.vpid = info.vpid();
        t.comm = info.comm();
        t.exe = info.exe();
        t.exepath = info.exepath();
        t.args = info.args();
        t.env = info.env();
        t.cwd = withTrailingSlash(info.cwd());
        t.cgroups = info.cgroups();
        t.root = info.root();
        t.fdlimit = info.fdlimit();
        t.flags = info.flags() | CL_ACTIVE;
        t.uid = info.uid();
        t.gid = info.gid();
        t.loginuid = info.loginuid();
        t.tty = info.tty();
        t.capInheritable = info.capInheritable();
        t.capPermitted = info.capPermitted();
        t.capEffective = info.capEffective();
        t.exeWritable = info.exeWritable();
        t.exeUpperLayer = info.exeUpperLayer();
        t.exeLowerLayer = info.exeLowerLayer();
        t.exeFromMemfd = info.exeFromMemfd();
        t.exeIno = info.exeIno();
        t.exeInoCtime = info.exeInoCtime();
        t.exeInoMtime = info.exeInoMtime();
        t.vmsizeKb = info.vmsizeKb();
        t.vmrssKb = info.vmrssKb();
        t.vmswapKb = info.vmswapKb();
        t.pfmajor = info.pfmajor();
        t.pfminor = info.pfminor();
        t.pidnsInitStartTs = info.pidnsInitStartTs();
        return t;
    }

    /**
     * {@return a placeholder for a thread seen in an event but unknown to the table}: libsinsp's "fake" entry with
     * comm and exe {@code <NA>}, pid and ptid -1 (an invalid thread) and unknown ids
     */
    public static ThreadState placeholder(long tid) {
        ThreadState t = new ThreadState(tid);
        t.pid = -1;
        t.ptid = -1;
        t.comm = "<NA>";
        t.exe = "<NA>";
        t.uid = UNKNOWN_ID;
        t.gid = UNKNOWN_ID;
        t.loginuid = UNKNOWN_ID;
        return t;
    }

    static String withTrailingSlash(String dir) {
        return dir.isEmpty() || dir.endsWith("/") ? dir : dir + "/";
    }

    /** {@return the thread id ({@code thread.tid})} */
    public long tid() {
        return tid;
    }

    /** {@return the process id ({@code proc.pid})} */
    public long pid() {
        return pid;
    }

    /** {@return the parent's thread id ({@code proc.ppid}); 0 when the parent is unknown} */
    public long ptid() {
        return ptid;
    }

    /** {@return the session id ({@code proc.sid}), -1 when unknown} */
    public long sid() {
        return sid;
    }

    /** {@return the process group id in the pid namespace ({@code proc.vpgid}), -1 when unknown} */
    public long vpgid() {
        return vpgid;
    }

    /** {@return the process group id ({@code proc.pgid}), -1 when unknown} */
    public long pgid() {
        return pgid;
    }

    /** {@return the thread id in the pid namespace ({@code thread.vtid}), -1 when unknown} */
    public long vtid() {
        return vtid;
    }

    /** {@return the process id in the pid namespace ({@code proc.vpid}), -1 when unknown} */
    public long vpid() {
        return vpid;
    }

    /** {@return the command name ({@code proc.name})} */
    public String comm() {
        return comm;
    }

    /** {@return argv[0] ({@code proc.exe})} */
    public String exe() {
        return exe;
    }

    /** {@return the executable's full path ({@code proc.exepath})} */
    public String exepath() {
        return exepath;
    }

    /** {@return the arguments after argv[0]} */
    public List<String> args() {
        return args;
    }

    /** {@return the environment, NAME=value entries} */
    public List<String> env() {
        return env;
    }

    /**
     * {@return the working directory stored on this entry, with a trailing slash} Threads of a process share the
     * main thread's: use {@link ThreadTable#cwd(ThreadState)} for {@code proc.cwd}.
     */
    public String cwd() {
        return cwd;
    }

    /** {@return this entry's own descriptor table, or null when it uses its process' table} */
    public FdTable ownFds() {
        return ownFds;
    }

    /** Sets this entry's own descriptor table (null to use its process' table). */
    public void setOwnFds(FdTable fds) {
        this.ownFds = fds;
    }

    /** {@return the code of the thread's last enter event, -1 when none (state engine bookkeeping)} */
    public int lastEnterType() {
        return lastEnterType;
    }

    /** Sets the code of the last enter event. */
    public void setLastEnterType(int type) {
        this.lastEnterType = type;
    }

    /** {@return the descriptor the thread's current syscall refers to, -1 when none (libsinsp's lastevent_fd)} */
    public long lastEventFd() {
        return lastEventFd;
    }

    /** Sets the descriptor of the current syscall. */
    public void setLastEventFd(long fd) {
        this.lastEventFd = fd;
    }

    /** {@return whether the current exit event follows its own enter event} */
    public boolean enterValid() {
        return enterValid;
    }

    /** Sets whether the current exit event follows its own enter event. */
    public void setEnterValid(boolean valid) {
        this.enterValid = valid;
    }

    /** {@return the code of the stored enter event, -1 when none} */
    public int storedEnterType() {
        return storedEnterType;
    }

    /** {@return the buffer holding the stored enter event's bytes, or null; reused across events} */
    public byte[] storedEnter() {
        return storedEnter;
    }

    /** Stores an enter event: its code and a buffer with its bytes (the thread keeps the buffer for reuse). */
    public void setStoredEnter(int type, byte[] buffer) {
        this.storedEnterType = type;
        this.storedEnter = buffer;
    }

    /** {@return the cgroups, {@code subsys=path} entries} */
    public List<String> cgroups() {
        return cgroups;
    }

    /** {@return the root directory ({@code proc.is_container_healthcheck} and chroot use it)} */
    public String root() {
        return root;
    }

    /** {@return the descriptor limit} */
    public long fdlimit() {
        return fdlimit;
    }

    /** {@return the {@code PPM_CL_*} flags} */
    public int flags() {
        return flags;
    }

    /** {@return the effective user id (unsigned 32-bit)} */
    public long uid() {
        return uid;
    }

    /** {@return the effective group id (unsigned 32-bit)} */
    public long gid() {
        return gid;
    }

    /** {@return the audit login uid (unsigned 32-bit), {@link #UNKNOWN_ID} when unset} */
    public long loginuid() {
        return loginuid;
    }

    /** {@return the controlling terminal ({@code proc.tty}), 0 when none} */
    public long tty() {
        return tty;
    }

    /** {@return the inheritable capabilities} */
    public long capInheritable() {
        return capInheritable;
    }

    /** {@return the permitted capabilities} */
    public long capPermitted() {
        return capPermitted;
    }

    /** {@return the effective capabilities} */
    public long capEffective() {
        return capEffective;
    }

    /** {@return whether the executable is writable by the process' user ({@code proc.is_exe_writable})} */
    public boolean exeWritable() {
        return exeWritable;
    }

    /** {@return whether the executable is in an overlay's upper layer ({@code proc.is_exe_upper_layer})} */
    public boolean exeUpperLayer() {
        return exeUpperLayer;
    }

    /** {@return whether the executable is in an overlay's lower layer ({@code proc.is_exe_lower_layer})} */
    public boolean exeLowerLayer() {
        return exeLowerLayer;
    }

    /** {@return whether the executable is a memfd ({@code proc.is_exe_from_memfd})} */
    public boolean exeFromMemfd() {
        return exeFromMemfd;
    }

    /** {@return the executable's inode ({@code proc.exe_ino}), 0 when unknown} */
    public long exeIno() {
        return exeIno;
    }

    /** {@return the executable's inode ctime, ns ({@code proc.exe_ino.ctime})} */
    public long exeInoCtime() {
        return exeInoCtime;
    }

    /** {@return the executable's inode mtime, ns ({@code proc.exe_ino.mtime})} */
    public long exeInoMtime() {
        return exeInoMtime;
    }

    /**
     * {@return clone time minus the executable's inode ctime, ns ({@code proc.exe_ino.ctime_duration_proc_start});
     * 0 when unknown}
     */
    public long exeInoCtimeDurationCloneTs() {
        return exeInoCtimeDurationCloneTs;
    }

    /** Sets {@link #exeInoCtimeDurationCloneTs()}. */
    public void setExeInoCtimeDurationCloneTs(long ns) {
        this.exeInoCtimeDurationCloneTs = ns;
    }

    /**
     * {@return the executable's inode ctime minus the pid namespace's start, ns
     * ({@code proc.exe_ino.ctime_duration_pidns_start}); 0 when unknown}
     */
    public long exeInoCtimeDurationPidnsStart() {
        return exeInoCtimeDurationPidnsStart;
    }

    /** Sets {@link #exeInoCtimeDurationPidnsStart()}. */
    public void setExeInoCtimeDurationPidnsStart(long ns) {
        this.exeInoCtimeDurationPidnsStart = ns;
    }

    /** {@return the virtual memory size, KiB} */
    public long vmsizeKb() {
        return vmsizeKb;
    }

    /** {@return the resident set size, KiB} */
    public long vmrssKb() {
        return vmrssKb;
    }

    /** {@return the swapped memory, KiB} */
    public long vmswapKb() {
        return vmswapKb;
    }

    /** {@return the major page faults} */
    public long pfmajor() {
        return pfmajor;
    }

    /** {@return the minor page faults} */
    public long pfminor() {
        return pfminor;
    }

    /** {@return the start of the pid namespace's init, ns since the epoch; 0 when unknown} */
    public long pidnsInitStartTs() {
        return pidnsInitStartTs;
    }

    /** {@return when the thread was cloned, ns since the epoch; 0 when it predates the capture} */
    public long cloneTs() {
        return cloneTs;
    }

    /** {@return when the thread last ran execve, ns since the epoch; 0 when not seen} */
    public long lastExecTs() {
        return lastExecTs;
    }

    /** {@return the timestamp of the thread's last event, ns} */
    public long lastEventTs() {
        return lastEventTs;
    }

    /**
     * {@return the thread's age at {@code now} ({@code proc.duration}), ns; 0 when the clone was not seen}
     */
    public long duration(long now) {
        return cloneTs == 0 ? 0 : now - cloneTs;
    }

    /** {@return whether the thread has exited (its procexit was seen)} */
    public boolean dead() {
        return dead;
    }

    /**
     * {@return for a main thread, how many other threads of its process the table holds} A dead main thread stays in
     * the table while this is positive, as libsinsp keeps a zombie leader for its threads' descriptors and cwd.
     */
    public int groupThreads() {
        return groupThreads;
    }

    /** {@return whether the entry lacks a valid pid or parent (a placeholder)} */
    public boolean invalid() {
        return tid < 0 || pid < 0 || ptid < 0;
    }

    /** {@return whether this thread is its process' main thread} */
    public boolean isMainThread() {
        return tid == pid || (flags & CL_IS_MAIN_THREAD) != 0;
    }

    /** {@return the container id of the thread ({@code container.id}): empty for the host} */
    public String containerId() {
        return containerId == null ? "" : containerId;
    }

    /** {@return the command line as {@code proc.cmdline} shows it: comm then the arguments, space-separated} */
    public String cmdline() {
        if (args.isEmpty()) {
            return comm;
        }
        StringBuilder sb = new StringBuilder(comm);
        for (String a : args) {
            sb.append(' ').append(a);
        }
        return sb.toString();
    }

    /** {@return the value of environment variable {@code name}, or null} */
    public String envValue(String name) {
        requireNonNull(name, "name is null");
        for (String e : env) {
            if (e.length() > name.length() && e.charAt(name.length()) == '=' && e.startsWith(name)) {
                return e.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** {@return an estimate of the bytes this thread retains, its own descriptor table included} */
    public long retainedBytes() {
        long bytes = SHALLOW_BYTES;
        bytes += str(comm) + str(exe) + str(exepath) + str(cwd) + str(root) + list(args) + list(env) + list(cgroups);
        if (ownFds != null) {
            bytes += ownFds.retainedBytes();
        }
        if (storedEnter != null) {
            bytes += 16 + storedEnter.length;
        }
        return bytes;
    }

    private static long str(String s) {
        return s == null || s.isEmpty() ? 0 : 40 + s.length();
    }

    private static long list(List<String> l) {
        long b = l.isEmpty() ? 0 : 24 + 8L * l.size();
        for (String s : l) {
            b += str(s);
        }
        return b;
    }

    // Mutators, for the state engine.

    /** Sets {@link #pid()}. */
    public void setPid(long pid) {
        this.pid = pid;
    }

    /** Sets {@link #ptid()}. */
    public void setPtid(long ptid) {
        this.ptid = ptid;
    }

    /** Sets {@link #sid()}. */
    public void setSid(long sid) {
        this.sid = sid;
    }

    /** Sets {@link #vpgid()}. */
    public void setVpgid(long vpgid) {
        this.vpgid = vpgid;
    }

    /** Sets {@link #pgid()}. */
    public void setPgid(long pgid) {
        this.pgid = pgid;
    }

    /** Sets {@link #vtid()}. */
    public void setVtid(long vtid) {
        this.vtid = vtid;
    }

    /** Sets {@link #vpid()}. */
    public void setVpid(long vpid) {
        this.vpid = vpid;
    }

    /** Sets {@link #comm()}. */
    public void setComm(String comm) {
        this.comm = requireNonNull(comm, "comm is null");
    }

    /** Sets {@link #exe()}. */
    public void setExe(String exe) {
        this.exe = requireNonNull(exe, "exe is null");
    }

    /** Sets {@link #exepath()}. */
    public void setExepath(String exepath) {
        this.exepath = requireNonNull(exepath, "exepath is null");
    }

    /** Sets {@link #args()}. */
    public void setArgs(List<String> args) {
        this.args = List.copyOf(args);
    }

    /** Sets {@link #env()}. */
    public void setEnv(List<String> env) {
        this.env = List.copyOf(env);
    }

    /** Sets {@link #cwd()}. */
    public void setCwd(String cwd) {
        this.cwd = requireNonNull(cwd, "cwd is null");
    }

    /** Sets {@link #cgroups()}. */
    public void setCgroups(List<String> cgroups) {
        this.cgroups = List.copyOf(cgroups);
    }

    /** Sets {@link #root()}. */
    public void setRoot(String root) {
        this.root = requireNonNull(root, "root is null");
    }

    /** Sets {@link #fdlimit()}. */
    public void setFdlimit(long fdlimit) {
        this.fdlimit = fdlimit;
    }

    /** Sets {@link #flags()}. */
    public void setFlags(int flags) {
        this.flags = flags;
    }

    /** Sets {@link #uid()}. */
    public void setUid(long uid) {
        this.uid = uid;
    }

    /** Sets {@link #gid()}. */
    public void setGid(long gid) {
        this.gid = gid;
    }

    /** Sets {@link #loginuid()}. */
    public void setLoginuid(long loginuid) {
        this.loginuid = loginuid;
    }

    /** Sets {@link #tty()}. */
    public void setTty(long tty) {
        this.tty = tty;
    }

    /** Sets {@link #capInheritable()}. */
    public void setCapInheritable(long capInheritable) {
        this.capInheritable = capInheritable;
    }

    /** Sets {@link #capPermitted()}. */
    public void setCapPermitted(long capPermitted) {
        this.capPermitted = capPermitted;
    }

    /** Sets {@link #capEffective()}. */
    public void setCapEffective(long capEffective) {
        this.capEffective = capEffective;
    }

    /** Sets {@link #exeWritable()}. */
    public void setExeWritable(boolean exeWritable) {
        this.exeWritable = exeWritable;
    }

    /** Sets {@link #exeUpperLayer()}. */
    public void setExeUpperLayer(boolean exeUpperLayer) {
        this.exeUpperLayer = exeUpperLayer;
    }

    /** Sets {@link #exeLowerLayer()}. */
    public void setExeLowerLayer(boolean exeLowerLayer) {
        this.exeLowerLayer = exeLowerLayer;
    }

    /** Sets {@link #exeFromMemfd()}. */
    public void setExeFromMemfd(boolean exeFromMemfd) {
        this.exeFromMemfd = exeFromMemfd;
    }

    /** Sets {@link #exeIno()}. */
    public void setExeIno(long exeIno) {
        this.exeIno = exeIno;
    }

    /** Sets {@link #exeInoCtime()}. */
    public void setExeInoCtime(long exeInoCtime) {
        this.exeInoCtime = exeInoCtime;
    }

    /** Sets {@link #exeInoMtime()}. */
    public void setExeInoMtime(long exeInoMtime) {
        this.exeInoMtime = exeInoMtime;
    }

    /** Sets {@link #vmsizeKb()}. */
    public void setVmsizeKb(long vmsizeKb) {
        this.vmsizeKb = vmsizeKb;
    }

    /** Sets {@link #vmrssKb()}. */
    public void setVmrssKb(long vmrssKb) {
        this.vmrssKb = vmrssKb;
    }

    /** Sets {@link #vmswapKb()}. */
    public void setVmswapKb(long vmswapKb) {
        this.vmswapKb = vmswapKb;
    }

    /** Sets {@link #pfmajor()}. */
    public void setPfmajor(long pfmajor) {
        this.pfmajor = pfmajor;
    }

    /** Sets {@link #pfminor()}. */
    public void setPfminor(long pfminor) {
        this.pfminor = pfminor;
    }

    /** Sets {@link #pidnsInitStartTs()}. */
    public void setPidnsInitStartTs(long pidnsInitStartTs) {
        this.pidnsInitStartTs = pidnsInitStartTs;
    }

    /** Sets {@link #cloneTs()}. */
    public void setCloneTs(long cloneTs) {
        this.cloneTs = cloneTs;
    }

    /** Sets {@link #lastExecTs()}. */
    public void setLastExecTs(long lastExecTs) {
        this.lastExecTs = lastExecTs;
    }

    /** Sets {@link #lastEventTs()}. */
    public void setLastEventTs(long lastEventTs) {
        this.lastEventTs = lastEventTs;
    }

    /** Sets {@link #dead()}. */
    public void setDead(boolean dead) {
        this.dead = dead;
    }

    /** Sets {@link #containerId()}. */
    public void setContainerId(String containerId) {
        this.containerId = requireNonNull(containerId, "containerId is null");
    }

    @Override
    public String toString() {
        return "ThreadState[tid=" + tid + ", pid=" + pid + ", ptid=" + ptid + ", comm=" + comm + ", exe=" + exe
                + (dead ? ", dead" : "") + "]";
    }
}
