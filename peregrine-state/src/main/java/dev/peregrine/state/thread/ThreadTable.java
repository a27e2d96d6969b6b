package dev.peregrine.state.thread;

import static java.util.Objects.requireNonNull;

import dev.peregrine.state.LongKeyedMap;
import dev.peregrine.state.fd.FdTable;
import dev.peregrine.state.fd.FsPath;

/**
 * The threads known to the state engine, keyed by tid, with the relations libsinsp's thread manager derives: main
 * thread, parent chain, the process' descriptor table and working directory.
 *
 * <p>Bounded: at most {@link #MAX_THREADS} entries. When an insertion finds the table full, exited threads are evicted
 * first, then the thread idle the longest; {@link #evictions()} counts them.
 */
public final class ThreadTable {
    /** Most threads kept (libsinsp's default {@code m_max_thread_table_size} is 262144; we halve it). */
    public static final int MAX_THREADS = 131_072;

    /** Parent-chain walks stop after this many hops, so a corrupt cycle in ptids cannot hang extraction. */
    public static final int MAX_ANCESTRY_DEPTH = 256;

    /** The cwd libsinsp reports for a thread whose main thread is unknown. */
    public static final String UNKNOWN_CWD = "./";

    /*
     * Implementation notes.
     *
     * libsinsp keeps a thread group object per pid; here the main thread *is* the group: threads whose tid != pid
     * resolve their descriptor table and cwd through thread(pid). A thread whose main thread is unknown (an invalid
     * placeholder, or a thread list without its leader) keeps a table of its own, as libsinsp's get_fd_table falls
     * back to the thread's own table when it has no CLONE_FILES flag.
     *
     * A dead main thread with live threads stays, like libsinsp's zombie leader, so its threads keep the process'
     * descriptors and cwd; groupThreads counts them and the last one's removal takes the leader along.
     *
     * Children are counted per thread (a hint kept on put and remove, recounted after bulk loads) so a procexit
     * scans the table for orphans to reparent only when the exiting thread has children.
     *
     * Eviction: libsinsp refuses new threads when full and purges inactive ones on a timer. A replay has no timer, so
     * the table makes room on demand instead; the scan is linear but only happens once per insertion beyond the bound.
     */

    private final LongKeyedMap<ThreadState> threads = new LongKeyedMap<>();
    private final int maxThreads;
    private long evictions;

    /** Creates a table bounded by {@link #MAX_THREADS}. */
    public ThreadTable() {
        this(MAX_THREADS);
    }

    /** Creates a table holding at most {@code maxThreads} threads. */
    public ThreadTable(int maxThreads) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be positive: " + maxThreads);
        }
        this.maxThreads = maxThreads;
    }

    /** {@return the thread with that id, or null} */
    public ThreadState get(long tid) {
        return threads.get(tid);
    }

    /** {@return the number of threads} */
    public int size() {
        return threads.size();
    }

    /** {@return the number of threads evicted to make room} */
    public long evictions() {
        return evictions;
    }

    /**
     * Adds (or replaces) a thread, evicting another when the table is full. A main thread, or a thread whose main
     * thread is absent, gets a descriptor table of its own when it has none.
     *
     * @return the added thread
     */
    public ThreadState put(ThreadState thread) {
        requireNonNull(thread, "thread is null");
        if (threads.size() >= maxThreads && !threads.containsKey(thread.tid())) {
            evictOne();
        }
        ThreadState old = threads.put(thread.tid(), thread);
        if (old != null) {
            leaveGroup(old);
            leaveParent(old);
        }
        joinGroup(thread);
        ThreadState parent = parent(thread);
        if (parent != null) {
            parent.children++;
        }
        if (thread.ownFds == null && needsOwnTable(thread)) {
            thread.ownFds = new FdTable();
        }
        return thread;
    }

    /**
     * Removes a thread; returns it or null. Removing the last thread of a process whose main thread already exited
     * removes that main thread too.
     */
    public ThreadState remove(long tid) {
        ThreadState t = threads.remove(tid);
        if (t != null) {
            leaveParent(t);
            ThreadState main = leaveGroup(t);
            if (main != null && main.dead && main.groupThreads == 0 && threads.get(main.tid()) == main) {
                threads.remove(main.tid());
            }
        }
        return t;
    }

    /**
     * Removes an exited thread as libsinsp does after its procexit: a main thread whose process still has threads
     * stays (dead) until the last of them goes.
     *
     * @return whether the thread left the table
     */
    public boolean removeExited(long tid) {
        ThreadState t = threads.get(tid);
        if (t == null) {
            return false;
        }
        if (t.isMainThread() && t.groupThreads > 0) {
            return false;
        }
        remove(tid);
        return true;
    }

    /**
     * Gives the children of an exiting thread a new parent, as libsinsp's remove_thread does: the reaper the
     * procexit event names when known, else a live thread of the same process, else the nearest ancestor that is an
     * init process (pid or vpid 1) in the same kind of pid namespace; without one, the children's parent becomes 0.
     *
     * @param reaperTid the procexit's {@code reaper_tid}, or a value &lt;= 0 when absent
     */
    public void reparentChildren(ThreadState exiting, long reaperTid) {
        if (exiting.children == 0) {
            return;
        }
        long tid = exiting.tid();
        ThreadState reaper = reaperTid > 0 ? threads.get(reaperTid) : null;
        if (reaper == null || reaper.invalid() || reaper == exiting) {
            reaper = findReaper(exiting);
        }
        long newParent = reaper == null ? 0 : reaper.tid();
        int[] moved = {0};
        threads.forEach((k, t) -> {
            if (t.ptid == tid && t != exiting) {
                t.ptid = newParent;
                moved[0]++;
            }
            return true;
        });
        exiting.children = 0;
        if (reaper != null) {
            reaper.children += moved[0];
        }
    }

    private ThreadState findReaper(ThreadState exiting) {
        ThreadState[] sibling = {null};
        long pid = exiting.pid;
        threads.forEach((k, t) -> {
            if (t.pid == pid && t != exiting && !t.dead) {
                sibling[0] = t;
                return false;
            }
            return true;
        });
        if (sibling[0] != null) {
            return sibling[0];
        }
        boolean inNamespace = inPidNamespace(exiting);
        ThreadState at = threads.get(exiting.ptid);
        for (int i = 0; at != null && i < MAX_ANCESTRY_DEPTH && at != exiting; i++) {
            if (inPidNamespace(at) != inNamespace) {
                break;
            }
            if ((at.pid == 1 || at.vpid == 1) && !at.dead) {
                return at;
            }
            if (at.ptid == at.tid()) {
                break;
            }
            at = threads.get(at.ptid);
        }
        return null;
    }

    /**
     * Recounts every process' threads and every thread's children (after a bulk load where threads may precede
     * their main thread or parent).
     */
    public void recountGroups() {
        threads.forEach((tid, t) -> {
            t.groupThreads = 0;
            t.children = 0;
            return true;
        });
        threads.forEach((tid, t) -> {
            joinGroup(t);
            ThreadState parent = parent(t);
            if (parent != null) {
                parent.children++;
            }
            return true;
        });
    }

    private void leaveParent(ThreadState t) {
        ThreadState parent = parent(t);
        if (parent != null && parent.children > 0) {
            parent.children--;
        }
    }

    private void joinGroup(ThreadState t) {
        if (!t.isMainThread() && t.pid >= 0) {
            ThreadState main = threads.get(t.pid);
            if (main != null && main.isMainThread()) {
                main.groupThreads++;
            }
        }
    }

    private ThreadState leaveGroup(ThreadState t) {
        if (!t.isMainThread() && t.pid >= 0) {
            ThreadState main = threads.get(t.pid);
            if (main != null && main.isMainThread() && main.groupThreads > 0) {
                main.groupThreads--;
                return main;
            }
        }
        return null;
    }

    /** Removes every thread. */
    public void clear() {
        threads.clear();
    }

    /** {@return the main thread of {@code thread}'s process: itself, thread(pid), or null when unknown} */
    public ThreadState mainThread(ThreadState thread) {
        if (thread.isMainThread()) {
            return thread;
        }
        if (thread.pid < 0) {
            return null;
        }
        ThreadState main = threads.get(thread.pid);
        return main != null && main.isMainThread() ? main : null;
    }

    /** {@return the parent of {@code thread} (thread(ptid)), or null} */
    public ThreadState parent(ThreadState thread) {
        long ptid = thread.ptid;
        return ptid <= 0 || ptid == thread.tid() ? null : threads.get(ptid);
    }

    /**
     * {@return the {@code n}-th ancestor process of {@code thread} as libsinsp's get_ancestor_process walks it, for
     * {@code proc.pname} (n = 1), {@code proc.aname[n]} and {@code proc.apid[n]}: start from the main thread, then
     * n times the main thread of the parent; null when a main thread or parent is unknown. n = 0 is the process
     * itself.}
     */
    public ThreadState ancestor(ThreadState thread, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("ancestor level must not be negative: " + n);
        }
        ThreadState at = mainThread(thread);
        for (int i = 0; i < n && at != null; i++) {
            if (i >= MAX_ANCESTRY_DEPTH) {
                return null;
            }
            ThreadState p = parent(at);
            at = p == null ? null : mainThread(p);
        }
        return at;
    }

    /**
     * {@return the session leader of {@code thread} ({@code proc.sname}, {@code proc.sid.exe}), as libsinsp's
     * get_oldest_matching_ancestor finds it: outside a pid namespace the thread whose tid is the session id, else
     * (or when that thread is unknown) the oldest of the consecutive ancestors sharing the session id; null when
     * the id is unset or nothing matches}
     */
    public ThreadState sessionLeader(ThreadState thread) {
        return oldestMatchingAncestor(thread, true);
    }

    /** {@return the process group leader of {@code thread} by {@code vpgid} ({@code proc.vpgid.name}), likewise} */
    public ThreadState processGroupLeader(ThreadState thread) {
        return oldestMatchingAncestor(thread, false);
    }

    /** {@return whether the thread lives in a pid namespace of its own (libsinsp is_in_pid_namespace)} */
    public static boolean inPidNamespace(ThreadState t) {
        return (t.flags & ThreadState.CL_CHILD_IN_PIDNS) != 0 || (t.tid() != t.vtid && t.vtid >= 0);
    }

    private ThreadState oldestMatchingAncestor(ThreadState thread, boolean bySid) {
        long id = bySid ? thread.sid : thread.vpgid;
        if (id == -1) {
            return null;
        }
        if (!inPidNamespace(thread)) {
            ThreadState leader = threads.get(id);
            if (leader != null) {
                return leader;
            }
        }
        ThreadState leader = null;
        ThreadState at = threads.get(thread.ptid);
        for (int i = 0; at != null && at.tid() != -1 && i < MAX_ANCESTRY_DEPTH; i++) {
            if ((bySid ? at.sid : at.vpgid) != id) {
                break;
            }
            leader = at;
            if (at.ptid == at.tid()) {
                break;
            }
            at = threads.get(at.ptid);
        }
        return leader;
    }

    /** {@return the descriptor table of {@code thread}'s process, or null when there is none} */
    public FdTable fds(ThreadState thread) {
        if (thread.ownFds != null && (thread.isMainThread() || mainThread(thread) == null)) {
            return thread.ownFds;
        }
        ThreadState main = mainThread(thread);
        if (main == null) {
            return thread.ownFds;
        }
        if (main.ownFds == null) {
            main.ownFds = new FdTable();
        }
        return main.ownFds;
    }

    /** {@return the working directory of {@code thread}'s process, with a trailing slash; "./" when unknown} */
    public String cwd(ThreadState thread) {
        ThreadState main = mainThread(thread);
        return main == null ? UNKNOWN_CWD : main.cwd;
    }

    /**
     * Changes the working directory of {@code thread}'s process: {@code path} resolved against the current one, as
     * libsinsp's update_cwd does. Does nothing when the main thread is unknown.
     */
    public void updateCwd(ThreadState thread, String path) {
        ThreadState main = mainThread(thread);
        if (main == null) {
            return;
        }
        String joined = FsPath.concatenate(thread.cwd, path);
        main.cwd = ThreadState.withTrailingSlash(joined);
    }

    /** Calls {@code visitor} for each thread until it returns false. */
    public void forEach(LongKeyedMap.EntryTest<? super ThreadState> visitor) {
        threads.forEach(visitor);
    }

    /** {@return an estimate of the bytes the table retains, threads and descriptor tables included} */
    public long retainedBytes() {
        long[] total = {64L + threads.capacity() * 12L};
        threads.forEach((tid, t) -> {
            total[0] += t.retainedBytes();
            return true;
        });
        return total[0];
    }

    private boolean needsOwnTable(ThreadState thread) {
        return thread.isMainThread() || thread.invalid() || mainThread(thread) == null;
    }

    private void evictOne() {
        long[] victim = {Long.MIN_VALUE};
        long[] oldest = {Long.MAX_VALUE};
        boolean[] foundDead = {false};
        threads.forEach((tid, t) -> {
            if (t.dead) {
                victim[0] = tid;
                foundDead[0] = true;
                return false;
            }
            if (t.lastEventTs < oldest[0]) {
                oldest[0] = t.lastEventTs;
                victim[0] = tid;
            }
            return true;
        });
        if (victim[0] != Long.MIN_VALUE || foundDead[0]) {
            ThreadState gone = threads.remove(victim[0]);
            if (gone != null) {
                leaveGroup(gone);
                leaveParent(gone);
            }
            evictions++;
        }
    }
}
