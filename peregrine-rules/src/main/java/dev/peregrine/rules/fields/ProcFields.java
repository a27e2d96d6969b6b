package dev.peregrine.rules.fields;

import static dev.peregrine.rules.fields.EvtFields.add;
import static dev.peregrine.rules.fields.EvtFields.ev;
import static dev.peregrine.rules.fields.EvtFields.str;

import dev.peregrine.event.EventView;
import dev.peregrine.event.params.ParamDecoder;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.fd.FdTable;
import dev.peregrine.state.thread.ThreadState;
import dev.peregrine.state.thread.ThreadTable;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Extractors of the {@code proc.*} and {@code thread.*} fields (libsinsp {@code sinsp_filter_check_thread}): the
 * event's thread, its process, its parent and ancestors, session and process-group leaders.
 */
final class ProcFields {
    /* Implementation notes:
     * - Every field but thread.tid needs the thread; without one the field has no value (libsinsp returns NULL).
     * - Ancestors are walked through ThreadTable.ancestor, libsinsp's get_ancestor_process: level 0 is the process
     *   itself (its main thread), 1 the parent, and so on. Without an index, proc.aname/aexe/aexepath/apid/acmdline
     *   yield one value per ancestor from the parent up, because libsinsp's compare_full_a* matches when any
     *   ancestor matches; an output shows the first (the parent).
     * - Strings the state holds (comm, exe, exepath, cwd) are added by reference. proc.args and proc.cmdline are
     *   joined per thread and cached in the event holder while the thread's argument list is unchanged.
     * - thread.exectime, thread.totexectime and thread.cpu* are stateful in libsinsp (previous switch time per CPU in
     *   the filtercheck, running totals in dynamic thread fields); that state is kept in the SyscallEvent. libsinsp
     *   has one filtercheck per occurrence of a field in rules and outputs, Peregrine one per distinct field text (its
     *   value is computed once per event and shared), so a field repeated in several rules advances its state once
     *   per event, not once per occurrence.
     * - Capabilities print as libsinsp's caps_to_string: CAP_* names of the set bits, ascending, space-separated. */

    /** Linux capability names by bit (include/uapi/linux/capability.h), as libsinsp prints them. */
    private static final List<String> CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
            "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
            "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
            "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    private static final long BYTES_PER_KB = 1024;
    private static final double PERCENT = 100;
    /** The most {@code thread.cpu} reports for one interval (libsinsp caps the tick delta at 100). */
    private static final double MAX_CPU_DELTA = 100;

    /** The largest id libsinsp shows as a pid or tid ({@code should_extract_xid}). */
    private static final long MAX_XID = 0xFFFF_FFFFL;

    private static final ParamDecoder DECODER = ParamDecoder.get();

    private ProcFields() {
    }

    /** {@return the extractor of {@code field}, or null when this class does not know it} */
    static Extractor bind(ResolvedField field) {
        String arg = field.arg();
        return switch (field.info().name()) {
            case "thread.tid" -> (e, out) -> {
                long tid = ev(e).view().tid();
                return xid(tid) && add(out, tid);
            };
            case "proc.pid" -> num(t -> t.pid(), true);
            case "thread.vtid" -> num(ThreadState::vtid, false);
            case "proc.vpid" -> num(ThreadState::vpid, false);
            case "proc.sid" -> num(ThreadState::sid, false);
            case "proc.vpgid" -> num(ThreadState::vpgid, false);
            case "proc.pgid" -> num(ThreadState::pgid, false);
            case "proc.tty" -> num(ThreadState::tty, false);
            case "proc.fdlimit" -> num(ThreadState::fdlimit, false);
            case "proc.vmsize" -> num(ThreadState::vmsizeKb, false);
            case "proc.vmrss" -> num(ThreadState::vmrssKb, false);
            case "proc.vmswap" -> num(ThreadState::vmswapKb, false);
            case "thread.vmsize" -> num(t -> t.isMainThread() ? t.vmsizeKb() : 0, false);
            case "thread.vmrss" -> num(t -> t.isMainThread() ? t.vmrssKb() : 0, false);
            case "thread.vmsize.b" -> num(t -> t.isMainThread() ? t.vmsizeKb() * BYTES_PER_KB : 0, false);
            case "thread.vmrss.b" -> num(t -> t.isMainThread() ? t.vmrssKb() * BYTES_PER_KB : 0, false);
            case "thread.nametid" -> (e, out) -> {
                SyscallEvent s = ev(e);
                return s.thread() != null && str(out, s.thread().comm() + s.view().tid());
            };
            case "proc.nthreads" -> (e, out) -> {
                SyscallEvent s = ev(e);
                return s.thread() != null && add(out, liveThreads(s, s.thread(), false));
            };
            case "proc.nchilds" -> (e, out) -> {
                SyscallEvent s = ev(e);
                return s.thread() != null && add(out, liveThreads(s, s.thread(), true));
            };
            case "proc.fdusage" -> (e, out) -> {
                SyscallEvent s = ev(e);
                if (s.thread() == null) {
                    return false;
                }
                ThreadState main = s.threads().mainThread(s.thread());
                long limit = main == null ? 0 : main.fdlimit();
                FdTable fds = main == null ? null : s.threads().fds(main);
                long open = fds == null ? 0 : fds.size();
                double pct = limit <= 0 ? 0 : open <= limit ? open * PERCENT / (double) limit : PERCENT;
                out.addDouble(pct);
                return true;
            };
            case "proc.loginshellid" -> (e, out) -> {
                SyscallEvent s = ev(e);
                if (s.thread() == null) {
                    return false;
                }
                ThreadState shell = loginShell(s.threads(), s.thread());
                return shell != null && add(out, shell.pid());
            };
            case "thread.exectime" -> (e, out) -> add(out, exectime(ev(e), field));
            case "thread.totexectime" -> (e, out) -> {
                SyscallEvent s = ev(e);
                long delta = exectime(s, field);
                if (s.thread() == null) {
                    return false;
                }
                long[] scratch = s.threadScratch(s.thread());
                scratch[SyscallEvent.SCRATCH_TOTEXECTIME] += delta;
                return add(out, scratch[SyscallEvent.SCRATCH_TOTEXECTIME]);
            };
            case "thread.cpu" -> cpu(true, true);
            case "thread.cpu.user" -> cpu(true, false);
            case "thread.cpu.system" -> cpu(false, true);
            case "thread.pfmajor" -> num(ThreadState::pfmajor, false);
            case "thread.pfminor" -> num(ThreadState::pfminor, false);
            case "proc.exe_ino" -> num(ThreadState::exeIno, false);
            case "proc.exe_ino.ctime" -> num(ThreadState::exeInoCtime, false);
            case "proc.exe_ino.mtime" -> num(ThreadState::exeInoMtime, false);
            case "proc.pidns_init_start_ts" -> nonZero(ThreadState::pidnsInitStartTs);
            case "proc.pid.ts" -> nonZero(ThreadState::cloneTs);
            case "proc.exe_ino.ctime_duration_proc_start" -> nonZero(t ->
                    t.cloneTs() != 0 && t.exeInoCtime() != 0 ? t.cloneTs() - t.exeInoCtime() : 0);
            case "proc.exe_ino.ctime_duration_pidns_start" -> nonZero(t ->
                    t.pidnsInitStartTs() != 0 && t.exeInoCtime() != 0 ? t.exeInoCtime() - t.pidnsInitStartTs() : 0);
            case "thread.ismain" -> bool(ThreadState::isMainThread);
            case "proc.is_exe_writable" -> bool(ThreadState::exeWritable);
            case "proc.is_exe_upper_layer" -> bool(ThreadState::exeUpperLayer);
            case "proc.is_exe_lower_layer" -> bool(ThreadState::exeLowerLayer);
            case "proc.is_exe_from_memfd" -> bool(ThreadState::exeFromMemfd);
            case "proc.is_vpgid_leader" -> bool(t -> t.vpgid() == t.vpid());
            case "proc.is_sid_leader" -> bool(t -> t.sid() == t.vpid());
            case "proc.is_pgid_leader" -> bool(t -> t.pgid() == t.pid());
            case "proc.name" -> text(ThreadState::comm);
            case "proc.exe" -> text(ThreadState::exe);
            case "proc.exepath" -> text(ThreadState::exepath);
            case "proc.exeline" -> text(t -> join(t.exe() + " ", t.args()));
            case "proc.cwd" -> (e, out) -> {
                SyscallEvent s = ev(e);
                return s.thread() != null && str(out, s.threads().cwd(s.thread()));
            };
            case "proc.args" -> args(arg);
            case "proc.cmdline" -> (e, out) -> {
                SyscallEvent s = ev(e);
                return s.thread() != null && str(out, s.cmdline(s.thread()));
            };
            case "proc.cmdnargs" -> num(t -> t.args().size(), false);
            case "proc.cmdlenargs" -> num(t -> t.args().stream().mapToLong(String::length).sum(), false);
            case "proc.env" -> arg == null ? text(t -> String.join(" ", t.env())) : text(t -> t.envValue(arg));
            case "proc.aenv" -> aenv(arg);
            case "proc.duration" -> (e, out) -> {
                SyscallEvent s = ev(e);
                ThreadState t = s.thread();
                return t != null && t.cloneTs() != 0 && add(out, s.view().ts() - t.cloneTs());
            };
            case "proc.fdopencount" -> (e, out) -> {
                SyscallEvent s = ev(e);
                if (s.thread() == null) {
                    return false;
                }
                FdTable fds = s.threads().fds(s.thread());
                return add(out, fds == null ? 0 : fds.size());
            };
            case "thread.cap_permitted" -> text(t -> caps(t.capPermitted()));
            case "thread.cap_effective" -> text(t -> caps(t.capEffective()));
            case "thread.cap_inheritable" -> text(t -> caps(t.capInheritable()));
            case "thread.cgroups" -> text(t -> String.join(" ", t.cgroups()));
            case "thread.cgroup" -> text(t -> cgroup(t, arg));
            case "proc.ppid" -> parent((s, p) -> xid(p.pid()) && add(s, p.pid()));
            case "proc.pvpid" -> parent((s, p) -> add(s, p.vpid()));
            case "proc.pname" -> parent((s, p) -> str(s, p.comm()));
            case "proc.pexe" -> parent((s, p) -> str(s, p.exe()));
            case "proc.pexepath" -> parent((s, p) -> str(s, p.exepath()));
            case "proc.pcmdline" -> parent((s, p) -> str(s, p.cmdline()));
            case "proc.ppid.ts" -> parent((s, p) -> add(s, p.cloneTs()));
            case "proc.ppid.duration" -> (e, out) -> {
                SyscallEvent s = ev(e);
                ThreadState p = s.thread() == null ? null : s.threads().ancestor(s.thread(), 1);
                return p != null && p.cloneTs() != 0 && add(out, s.view().ts() - p.cloneTs());
            };
            case "proc.aname" -> ancestor(arg, (o, t) -> str(o, t.comm()));
            case "proc.aexe" -> ancestor(arg, (o, t) -> str(o, t.exe()));
            case "proc.aexepath" -> ancestor(arg, (o, t) -> str(o, t.exepath()));
            case "proc.acmdline" -> ancestor(arg, (o, t) -> str(o, t.cmdline()));
            case "proc.apid" -> ancestor(arg, (o, t) -> add(o, t.pid()));
            case "proc.aargs" -> ancestor(arg, (o, t) -> str(o, String.join(" ", t.args())));
            case "proc.sname" -> leader(true, (o, t) -> str(o, t.comm()));
            case "proc.sid.exe" -> leader(true, (o, t) -> str(o, t.exe()));
            case "proc.sid.exepath" -> leader(true, (o, t) -> str(o, t.exepath()));
            case "proc.vpgid.name" -> leader(false, (o, t) -> str(o, t.comm()));
            case "proc.vpgid.exe" -> leader(false, (o, t) -> str(o, t.exe()));
            case "proc.vpgid.exepath" -> leader(false, (o, t) -> str(o, t.exepath()));
            case "proc.pgid.name" -> pgidLeader((o, t) -> str(o, t.comm()));
            case "proc.pgid.exe" -> pgidLeader((o, t) -> str(o, t.exe()));
            case "proc.pgid.exepath" -> pgidLeader((o, t) -> str(o, t.exepath()));
            // The container plugin marks health-check processes from container metadata Peregrine does not keep
            // yet: never one.
            case "proc.is_container_healthcheck", "proc.is_container_liveness_probe",
                 "proc.is_container_readiness_probe" -> bool(t -> false);
            case "proc.stdin.type" -> stdFd(0, (o, f) -> str(o, FdFields.typeName(f)));
            case "proc.stdout.type" -> stdFd(1, (o, f) -> str(o, FdFields.typeName(f)));
            case "proc.stderr.type" -> stdFd(2, (o, f) -> str(o, FdFields.typeName(f)));
            case "proc.stdin.name" -> stdFd(0, (o, f) -> str(o, f.name()));
            case "proc.stdout.name" -> stdFd(1, (o, f) -> str(o, f.name()));
            case "proc.stderr.name" -> stdFd(2, (o, f) -> str(o, f.name()));
            default -> null;
        };
    }

    /**
     * libsinsp's {@code get_num_threads} ({@code excludeLeader} false) and {@code get_num_not_leader_threads}: the
     * live threads of {@code t}'s process, with or without a live main thread. An invalid thread has no thread group
     * (0).
     */
    private static long liveThreads(SyscallEvent s, ThreadState t, boolean excludeLeader) {
        if (t.invalid()) {
            return 0;
        }
        ThreadTable threads = s.threads();
        ThreadState main = threads.mainThread(t);
        long live;
        if (main != null) {
            // groupThreads counts the other threads the table holds; of those only the one whose procexit is being
            // handled can be dead, since an exited thread that is not a main thread leaves at the next event.
            live = (main.dead() ? 0 : 1) + main.groupThreads() - (t != main && t.dead() ? 1 : 0);
        } else {
            long pid = t.pid();
            long[] n = {0};
            threads.forEach((tid, o) -> {
                if (o.pid() == pid && !o.dead() && !o.invalid()) {
                    n[0]++;
                }
                return true;
            });
            live = n[0];
        }
        boolean liveLeader = main != null && !main.dead();
        return excludeLeader && liveLeader ? live - 1 : live;
    }

    /**
     * libsinsp's {@code proc.loginshellid}: among the process's main thread and the chain of its parents (by ptid),
     * the farthest whose name ends in {@code sh}; null when none does.
     */
    private static ThreadState loginShell(ThreadTable threads, ThreadState t) {
        ThreadState at = threads.mainThread(t);
        if (at == null) {
            return null;
        }
        ThreadState shell = null;
        for (int hops = 0; at != null && hops <= ThreadTable.MAX_ANCESTRY_DEPTH; hops++) {
            if (at.comm().endsWith("sh")) {
                shell = at;
            }
            at = threads.parent(at);
            if (at != null && at.tid() == -1) {
                break;
            }
        }
        return shell;
    }

    /**
     * libsinsp's {@code extract_exectime}: on a context switch, the time since the previous switch on the same CPU
     * that this field saw (0 for the first one); 0 for every other event.
     */
    private static long exectime(SyscallEvent s, ResolvedField key) {
        EventView v = s.view();
        if (v.type() != EventFacts.INSTANCE.schedSwitchE) {
            return 0;
        }
        int cpu = v.cpu();
        long[] lastSwitch = s.extractorState(key, cpu + 1);
        long last = lastSwitch[cpu];
        lastSwitch[cpu] = v.ts();
        return last == 0 ? 0 : v.ts() - last;
    }

    /**
     * libsinsp's {@code thread.cpu}, {@code thread.cpu.user}, {@code thread.cpu.system}: on a {@code procinfo} event,
     * the increase of the thread's cpu ticks (user, system or both) since the previous {@code procinfo} event any of
     * the three fields saw for the thread, at most 100; 0 the first time; no value on other events.
     */
    private static Extractor cpu(boolean user, boolean system) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            EventView v = s.view();
            ThreadState t = s.thread();
            if (t == null || v.type() != EventFacts.INSTANCE.procinfoE || v.paramCount() < 2) {
                return false;
            }
            long total = (user ? DECODER.asLong(v, 0) : 0) + (system ? DECODER.asLong(v, 1) : 0);
            long[] scratch = s.threadScratch(t);
            long last = scratch[SyscallEvent.SCRATCH_LAST_CPU];
            scratch[SyscallEvent.SCRATCH_LAST_CPU] = total;
            out.addDouble(last == 0 ? 0 : Math.min(MAX_CPU_DELTA, unsignedToDouble(total - last)));
            return true;
        };
    }

    /** {@return the unsigned 64-bit {@code value} as a double, as C++'s conversion of a uint64_t} */
    private static double unsignedToDouble(long value) {
        return value >= 0 ? value : (value >>> 1) * 2.0 + (value & 1);
    }

    private static boolean xid(long id) {
        return id >= -1 && id <= MAX_XID;
    }

    private static Extractor num(ToLongFunction<ThreadState> get, boolean checkXid) {
        return (e, out) -> {
            ThreadState t = ev(e).thread();
            if (t == null) {
                return false;
            }
            long v = get.applyAsLong(t);
            return (!checkXid || xid(v)) && add(out, v);
        };
    }

    private static Extractor nonZero(ToLongFunction<ThreadState> get) {
        return (e, out) -> {
            ThreadState t = ev(e).thread();
            if (t == null) {
                return false;
            }
            long v = get.applyAsLong(t);
            return v != 0 && add(out, v);
        };
    }

    private interface ThreadTest {
        boolean test(ThreadState t);
    }

    private static Extractor bool(ThreadTest test) {
        return (e, out) -> {
            ThreadState t = ev(e).thread();
            return t != null && add(out, test.test(t) ? 1 : 0);
        };
    }

    private static Extractor text(Function<ThreadState, String> get) {
        return (e, out) -> {
            ThreadState t = ev(e).thread();
            return t != null && str(out, get.apply(t));
        };
    }

    private static Extractor args(String arg) {
        if (arg == null) {
            return (e, out) -> {
                SyscallEvent s = ev(e);
                return s.thread() != null && str(out, s.args(s.thread()));
            };
        }
        int index = Integer.parseInt(arg);
        return text(t -> index < t.args().size() ? t.args().get(index) : "");
    }

    private interface Emit<T> {
        boolean emit(Values out, T value);
    }

    private static Extractor parent(Emit<ThreadState> emit) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            if (s.thread() == null) {
                return false;
            }
            ThreadState p = s.threads().ancestor(s.thread(), 1);
            return p != null && emit.emit(out, p);
        };
    }

    private static Extractor ancestor(String arg, Emit<ThreadState> emit) {
        if (arg != null) {
            int level = Integer.parseInt(arg);
            return (e, out) -> {
                SyscallEvent s = ev(e);
                if (s.thread() == null) {
                    return false;
                }
                ThreadState a = s.threads().ancestor(s.thread(), level);
                return a != null && emit.emit(out, a);
            };
        }
        return (e, out) -> {
            SyscallEvent s = ev(e);
            if (s.thread() == null) {
                return false;
            }
            ThreadTable threads = s.threads();
            for (int level = 1; level <= ThreadTable.MAX_ANCESTRY_DEPTH; level++) {
                ThreadState a = threads.ancestor(s.thread(), level);
                if (a == null) {
                    break;
                }
                emit.emit(out, a);
            }
            return !out.isEmpty();
        };
    }

    /**
     * libsinsp's {@code get_ancestor_field_as_string} over the session id ({@code session}) or the virtual process
     * group id: the thread with that id when it is in the table (outside a pid namespace), else the oldest of the
     * consecutive ancestors that share the id; the empty string when there is none.
     */
    private static Extractor leader(boolean session, Emit<ThreadState> emit) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            ThreadState t = s.thread();
            if (t == null) {
                return false;
            }
            long id = session ? t.sid() : t.vpgid();
            ThreadState found = null;
            if (id != -1) {
                boolean inPidNs = (t.flags() & ThreadState.CL_CHILD_IN_PIDNS) != 0
                        || (t.vtid() >= 0 && t.vtid() != t.tid());
                if (!inPidNs) {
                    found = s.threads().get(id);
                }
                if (found == null) {
                    for (int level = 1; level <= ThreadTable.MAX_ANCESTRY_DEPTH; level++) {
                        ThreadState a = s.threads().ancestor(t, level);
                        if (a == null || (session ? a.sid() : a.vpgid()) != id) {
                            break;
                        }
                        found = a;
                    }
                }
            }
            return found == null ? str(out, "") : emit.emit(out, found);
        };
    }

    /** As {@link #leader} over the host process group id ({@code get_ancestor_field_as_string}, not virtual). */
    private static Extractor pgidLeader(Emit<ThreadState> emit) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            ThreadState t = s.thread();
            if (t == null) {
                return false;
            }
            long id = t.pgid();
            ThreadState found = null;
            if (id != -1) {
                found = s.threads().get(id);
                if (found == null) {
                    for (int level = 1; level <= ThreadTable.MAX_ANCESTRY_DEPTH; level++) {
                        ThreadState a = s.threads().ancestor(t, level);
                        if (a == null || a.pgid() != id) {
                            break;
                        }
                        found = a;
                    }
                }
            }
            return found == null ? str(out, "") : emit.emit(out, found);
        };
    }

    /**
     * libsinsp's {@code proc.aenv}: without key (or level 0) the process's environment; {@code [NAME]} the value
     * in the nearest ancestor (parent first, up to 20 levels) that has it; {@code [N]} the environment of the N-th
     * ancestor through the ptid chain.
     */
    private static Extractor aenv(String arg) {
        boolean index = arg != null && !arg.isEmpty() && arg.chars().allMatch(Character::isDigit);
        int level = index ? Integer.parseInt(arg) : -1;
        if (arg == null || level == 0) {
            return text(t -> String.join(" ", t.env()));
        }
        return (e, out) -> {
            SyscallEvent s = ev(e);
            ThreadState t = s.thread();
            if (t == null) {
                return false;
            }
            ThreadState at = t.isMainThread() ? t : s.threads().mainThread(t);
            if (at == null) {
                return str(out, "");
            }
            if (!index) {
                for (int j = 0; j < 20; j++) {
                    at = s.threads().get(at.ptid());
                    if (at == null) {
                        break;
                    }
                    String v = at.envValue(arg);
                    if (v != null && !v.isEmpty()) {
                        return str(out, v);
                    }
                }
                return str(out, "");
            }
            for (int j = 0; j < level; j++) {
                at = s.threads().get(at.ptid());
                if (at == null) {
                    return false;
                }
            }
            return str(out, String.join(" ", at.env()));
        };
    }

    private static Extractor stdFd(int fd, Emit<FdState> emit) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            if (s.thread() == null) {
                return false;
            }
            FdTable fds = s.threads().fds(s.thread());
            FdState f = fds == null ? null : fds.get(fd);
            return f != null && emit.emit(out, f);
        };
    }

    static String join(String prefix, List<String> args) {
        StringBuilder sb = new StringBuilder(prefix);
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(args.get(i));
        }
        return sb.toString();
    }

    static String caps(long bits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < CAPABILITIES.size(); i++) {
            if ((bits & (1L << i)) != 0) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(CAPABILITIES.get(i));
            }
        }
        return sb.toString();
    }

    /** {@code thread.cgroup.SUBSYS}: the path of the thread's cgroup for that subsystem ({@code subsys=path}). */
    private static String cgroup(ThreadState t, String subsys) {
        for (String c : t.cgroups()) {
            int eq = c.indexOf('=');
            if (eq > 0) {
                for (String name : c.substring(0, eq).split(",")) {
                    if (name.equals(subsys)) {
                        return c.substring(eq + 1);
                    }
                }
            }
        }
        return null;
    }
}
