package dev.peregrine.state.proc;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.FdType;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.state.StateEngine;
import dev.peregrine.state.user.PasswdDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Builds the initial state from a proc file system, as libscap's {@code /proc} scan does when a live capture starts:
 * every thread ({@link ThreadInfo}), the open descriptors of every process ({@link FdInfo}, sockets resolved through
 * the {@code net/} tables of the process' network namespace), the network interfaces and the users and groups. The
 * records are those the capture reader produces, so {@link StateEngine} takes them as it takes a capture's state
 * blocks: {@link #scanInto(StateEngine)}.
 *
 * <p>A thread that vanishes during the scan is skipped silently. A file that cannot be read (permissions) leaves its
 * fields at the capture defaults and the thread is kept ({@link ProcScan#degradedThreads()}). The scan reads at most
 * {@link #MAX_THREADS} threads and {@link #MAX_FDS_PER_PROCESS} descriptors per process.
 *
 * <p>Not thread-safe; one scan at a time per instance.
 */
public final class ProcScanner {
    /*
     * Implementation notes.
     *
     * Facts from libscap (falcosecurity/libs userspace/libscap/linux/scap_procs.c, scap_fds.c, scap_cgroup.c):
     * - A directory with an empty cmdline and no exe link is a kernel thread or a zombie: skipped.
     * - uid/gid are the effective ids (second column of Uid:/Gid:); vtid/vpid/vpgid come from the last column of
     *   NSpid/NStgid/NSpgid when the process sits in a nested pid namespace; otherwise vtid/vpid equal tid/pid and
     *   vpgid stays 0, pgid then comes from stat. stat is parsed after the last ')' so a comm holding spaces or
     *   parentheses cannot shift the fields.
     * - cmdline and environ are read up to 4096 bytes (SCAP_MAX_ARGS_SIZE, SCAP_MAX_ENV_SIZE) and their last byte is
     *   dropped (the NUL of a complete file, a real character of a truncated one, as libscap does).
     * - clone flags: a thread other than the main one gets CLONE_THREAD|CLONE_FILES; descriptors are read for main
     *   threads only. exe ino/ctime/mtime are stat() of the exe link's target; pidns init start is the ctime of
     *   root/proc/1/cmdline. The exe overlay and memfd flags are not computed by the /proc scan (false).
     * - Descriptors: fd/N is stat()ed (following the link). Pipes are named by their link (pipe:[ino]); regular
     *   files, devices get FILE_V2 with PPM_O_* flags converted from fdinfo's octal flags (x86-64 values, where
     *   glibc's O_LARGEFILE is 0, so that flag never appears) and the device of their mount (mnt_id in the
     *   process' mountinfo, encoded with glibc's makedev truncated to 32 bits); "/memfd:" paths are MEMFD; anonymous
     *   inodes are classified by their name (eventfd, eventpoll, ...) and carry an empty name. Sockets are looked up
     *   by inode in tcp/udp/raw/unix/netlink (+ tcp6/udp6/raw6) of the process' network namespace, read once per
     *   namespace; an inet socket whose remote address is zero is a server socket. A socket found in no table is
     *   left out, as libscap does.
     * - Caches per scan: socket tables per network namespace (inode of ns/net), devices per mount id (unique
     *   system-wide, so a process' mountinfo is read only for an id not seen yet), cgroup v2 resolutions per path.
     *
     * Deviations, on purpose:
     * - libscap drops a process whose cwd, environ, root or loginuid cannot be read; Falco runs as root, where that
     *   only happens in races. Peregrine keeps the process with those fields empty, since rules about processes
     *   started earlier need at least their name and credentials.
     * - fdlimit comes from the soft "Max open files" of /proc/PID/limits instead of prlimit(2) (same value).
     * - exe_writable: libscap switches the thread's euid/egid and calls faccessat(W_OK); Java cannot switch ids, so
     *   the owner test is exact and the rest is checked on the mode bits (group, then other). Root counts as able
     *   to write any file (CAP_DAC_OVERRIDE); a read-only mount, which makes faccessat fail, is not detected.
     * - cgroup v1 paths are taken as listed (libscap re-prefixes them with its own cgroup when it runs inside a
     *   cgroup namespace). cgroup v2 entries are resolved to one subsys=path per controller found in
     *   cgroup.controllers from the cgroup up to the root, as libscap does.
     * - The thread clone timestamp (ctime of /proc/PID/cmdline) is not carried: ThreadInfo has no field for it.
     */

    /** Upper bound of the threads one scan reads (libsinsp's default thread table size). */
    public static final int MAX_THREADS = 262_144;
    /** Upper bound of the descriptors read per process (libscap reads all; a bound keeps a scan finite). */
    public static final int MAX_FDS_PER_PROCESS = 65_536;
    /** Bytes of cmdline read ({@code SCAP_MAX_ARGS_SIZE}). */
    public static final int MAX_ARGS_BYTES = 4096;
    /** Bytes of environ read ({@code SCAP_MAX_ENV_SIZE}). */
    public static final int MAX_ENV_BYTES = 4096;
    /** Bytes of a small proc file (status, stat, fdinfo, limits) read at most. */
    private static final int MAX_SMALL_FILE_BYTES = 64 * 1024;
    /** Bytes of a socket table or mountinfo read at most. */
    private static final long MAX_TABLE_BYTES = 64L * 1024 * 1024;

    /** {@code PPM_CL_CLONE_FILES}. */
    static final int CL_CLONE_FILES = 1;
    /** {@code PPM_CL_CLONE_THREAD}. */
    static final int CL_CLONE_THREAD = 1 << 13;

    // scap_l4_proto
    static final int SCAP_L4_NA = 1;
    static final int SCAP_L4_TCP = 2;
    static final int SCAP_L4_UDP = 3;
    static final int SCAP_L4_RAW = 5;

    // x86-64 open(2) flags, octal as fdinfo prints them.
    private static final int O_ACCMODE = 03;
    private static final int O_WRONLY = 01;
    private static final int O_RDWR = 02;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_TRUNC = 01000;
    private static final int O_APPEND = 02000;
    private static final int O_NONBLOCK = 04000;
    private static final int O_DSYNC = 010000;
    private static final int O_DIRECT = 040000;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_SYNC = 04010000;
    private static final int O_TMPFILE = 020200000;

    // PPM_O_*
    static final int PPM_O_RDONLY = 1;
    static final int PPM_O_WRONLY = 1 << 1;
    static final int PPM_O_RDWR = PPM_O_RDONLY | PPM_O_WRONLY;
    static final int PPM_O_CREAT = 1 << 2;
    static final int PPM_O_APPEND = 1 << 3;
    static final int PPM_O_DSYNC = 1 << 4;
    static final int PPM_O_EXCL = 1 << 5;
    static final int PPM_O_NONBLOCK = 1 << 6;
    static final int PPM_O_SYNC = 1 << 7;
    static final int PPM_O_TRUNC = 1 << 8;
    static final int PPM_O_DIRECT = 1 << 9;
    static final int PPM_O_DIRECTORY = 1 << 10;
    static final int PPM_O_CLOEXEC = 1 << 12;
    static final int PPM_O_TMPFILE = 1 << 13;

    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFSOCK = 0140000;
    private static final long NS_PER_SECOND = 1_000_000_000L;
    private static final String ANON_INODE_PREFIX = "anon_inode:";

    private final Path procRoot;
    private final Path hostRoot;
    private final boolean withInterfaces;
    private final int maxThreads;

    /** Creates a scanner over {@code /proc} and the users of {@code /etc}, with the machine's interfaces. */
    public ProcScanner() {
        this(Path.of("/proc"), Path.of("/"), true);
    }

    /**
     * Creates a scanner.
     *
     * @param procRoot the proc file system (a synthetic tree in tests)
     * @param hostRoot the root holding {@code etc/passwd} and {@code etc/group}
     * @param withInterfaces whether to list this machine's network interfaces (they do not come from procRoot)
     */
    public ProcScanner(Path procRoot, Path hostRoot, boolean withInterfaces) {
        this(procRoot, hostRoot, withInterfaces, MAX_THREADS);
    }

    /**
     * Creates a scanner reading at most {@code maxThreads} threads (the state engine's thread table bound, at most
     * {@link #MAX_THREADS}).
     */
    public ProcScanner(Path procRoot, Path hostRoot, boolean withInterfaces, int maxThreads) {
        this.procRoot = requireNonNull(procRoot, "procRoot is null");
        this.hostRoot = requireNonNull(hostRoot, "hostRoot is null");
        this.withInterfaces = withInterfaces;
        if (maxThreads < 1 || maxThreads > MAX_THREADS) {
            throw new IllegalArgumentException("maxThreads must be in [1, " + MAX_THREADS + "]: " + maxThreads);
        }
        this.maxThreads = maxThreads;
    }

    /** Scans and feeds the result to {@code engine} as a capture's state blocks; {@return the scan} */
    public ProcScan scanInto(StateEngine engine) {
        requireNonNull(engine, "engine is null");
        ProcScan scan = scan();
        scan.blocks().forEach(engine::onBlock);
        return scan;
    }

    /** {@return the state of the machine now} Never throws for unreadable or vanishing entries. */
    public ProcScan scan() {
        long start = System.nanoTime();
        Run run = new Run();
        cgroup2MountRead = false; // mounts may have changed since the last scan
        List<Path> pids = numericEntries(procRoot);
        for (Path pidDir : pids) {
            if (run.threads.size() >= maxThreads) {
                run.truncated = true;
                break;
            }
            long tid = Long.parseLong(pidDir.getFileName().toString());
            ThreadInfo leader = readThread(pidDir, tid, run);
            if (leader == null) {
                continue;
            }
            run.threads.add(leader);
            for (Path taskDir : numericEntries(pidDir.resolve("task"))) {
                long ttid = Long.parseLong(taskDir.getFileName().toString());
                if (ttid == tid) {
                    continue;
                }
                if (run.threads.size() >= maxThreads) {
                    run.truncated = true;
                    break;
                }
                ThreadInfo t = readThread(taskDir, ttid, run);
                if (t != null) {
                    run.threads.add(t);
                }
            }
            if (leader.pid() == leader.tid()) {
                run.fds.put(leader.pid(), readFds(pidDir, run));
            }
        }
        PasswdDirectory passwd = new PasswdDirectory(hostRoot);
        return new ProcScan(
                run.threads,
                run.fds,
                withInterfaces ? interfaces() : List.of(),
                passwd.allUsers(),
                passwd.allGroups(),
                run.skipped,
                run.degraded,
                run.truncated,
                System.nanoTime() - start);
    }

    /** Mutable accumulators of one scan. */
    private static final class Run {
        final List<ThreadInfo> threads = new ArrayList<>();
        final Map<Long, List<FdInfo>> fds = new LinkedHashMap<>();
        final Map<Long, Map<Long, LongFunction<FdInfo>>> socketsByNetNs = new HashMap<>();
        /** Mount ids are unique system-wide: one mountinfo read per id not seen yet (libscap's m_dev_list). */
        final Map<Long, Long> devByMountId = new HashMap<>();
        /** Resolved cgroup v2 entries by cgroup path. */
        final Map<String, List<String>> cgroupV2 = new HashMap<>();
        int skipped;
        int degraded;
        boolean truncated;
    }

    // ---------------------------------------------------------------- threads

    private ThreadInfo readThread(Path dir, long tid, Run run) {
        byte[] cmdline = readBounded(dir.resolve("cmdline"), MAX_ARGS_BYTES);
        String exepath = readLink(dir.resolve("exe"));
        String status = readText(dir.resolve("status"));
        String stat = readText(dir.resolve("stat"));
        if (status == null || stat == null) {
            // Vanished (or never readable): nothing to say about it.
            run.skipped++;
            return null;
        }
        if ((cmdline == null || cmdline.length == 0) && exepath == null) {
            run.skipped++; // kernel thread or zombie
            return null;
        }
        boolean degraded = cmdline == null;
        ThreadInfo.Builder b = ThreadInfo.builder().tid(tid).exepath(exepath == null ? "" : exepath);
        String comm = readText(dir.resolve("comm"));
        if (comm == null) {
            degraded = true;
            comm = "";
        } else if (!comm.isEmpty()) {
            comm = comm.substring(0, comm.length() - 1); // the trailing newline (or the last byte, as libscap)
        }
        b.comm(comm);
        List<String> argv = nulSeparated(cmdline);
        b.exe(argv.isEmpty() ? "" : argv.getFirst());
        b.args(argv.size() > 1 ? argv.subList(1, argv.size()) : List.of());
        byte[] environ = readBounded(dir.resolve("environ"), MAX_ENV_BYTES);
        degraded |= environ == null;
        b.env(nulSeparated(environ));
        String cwd = readLink(dir.resolve("cwd"));
        degraded |= cwd == null;
        b.cwd(cwd == null ? "" : cwd);

        Status st = parseStatus(status, tid);
        if (st == null || !parseStat(stat, st)) {
            run.skipped++;
            return null;
        }
        b.pid(st.pid).ptid(st.ptid).uid(st.uid).gid(st.gid);
        b.capInheritable(st.capInh).capPermitted(st.capPrm).capEffective(st.capEff);
        b.vmsizeKb(st.vmsize).vmrssKb(st.vmrss).vmswapKb(st.vmswap);
        b.vtid(st.vtid).vpid(st.vpid).pgid(st.pgid).vpgid(st.vpgid);
        b.sid(st.sid).tty(st.tty).pfminor(st.pfminor).pfmajor(st.pfmajor);
        b.fdlimit(readFdLimit(dir.resolve("limits")));
        b.cgroups(readCgroups(dir.resolve("cgroup"), run));
        FileTime initCtime = ctime(dir.resolve("root/proc/1/cmdline"));
        b.pidnsInitStartTs(initCtime == null ? 0 : nanos(initCtime));
        String root = readLink(dir.resolve("root"));
        degraded |= root == null;
        b.root(root == null ? "" : root);
        b.loginuid(readLoginuid(dir.resolve("loginuid")));
        b.flags(tid == st.pid ? 0 : CL_CLONE_THREAD | CL_CLONE_FILES);
        if (exepath != null) {
            fillExe(b, exepath, dir, st);
        }
        if (degraded) {
            run.degraded++;
        }
        return b.build();
    }

    /** The fields of status and stat. Defaults are libscap's before parsing. */
    private static final class Status {
        long pid;
        long ptid = 0xFFFF_FFFFL;
        long uid = 0xFFFF_FFFFL;
        long gid;
        long capInh;
        long capPrm;
        long capEff;
        long vmsize;
        long vmrss;
        long vmswap;
        long vtid;
        long vpid;
        long pgid = -1;
        long vpgid = 0;
        long sid;
        long tty;
        long pfminor;
        long pfmajor;
    }

    /** {@return status' fields, or null when Tgid is missing (not a status file)} */
    static Status parseStatus(String text, long tid) {
        Status s = new Status();
        boolean tgid = false;
        long[] two = new long[2];
        s.vtid = tid;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "Tgid" -> {
                    Long v = parse(value, 10);
                    if (v != null) {
                        s.pid = v;
                        tgid = true;
                    }
                }
                case "PPid" -> s.ptid = orElse(parse(value, 10), s.ptid) & 0xFFFF_FFFFL;
                case "Uid" -> {
                    if (numbers(value, two) >= 2) {
                        s.uid = two[1] & 0xFFFF_FFFFL;
                    }
                }
                case "Gid" -> {
                    if (numbers(value, two) >= 2) {
                        s.gid = two[1] & 0xFFFF_FFFFL;
                    }
                }
                case "CapInh" -> s.capInh = orElse(parse(value, 16), 0L);
                case "CapPrm" -> s.capPrm = orElse(parse(value, 16), 0L);
                case "CapEff" -> s.capEff = orElse(parse(value, 16), 0L);
                case "VmSize" -> s.vmsize = kb(value);
                case "VmRSS" -> s.vmrss = kb(value);
                case "VmSwap" -> s.vmswap = kb(value);
                case "NSpid" -> s.vtid = numbers(value, two) >= 2 ? two[1] : tid;
                case "NStgid" -> s.vpid = numbers(value, two) >= 2 ? two[1] : -2;
                case "NSpgid" -> {
                    if (numbers(value, two) >= 2) {
                        s.pgid = two[0];
                        s.vpgid = two[1];
                    }
                }
                default -> {
                    // Other status lines are not state.
                }
            }
        }
        if (!tgid) {
            return null;
        }
        if (s.vpid == -2 || s.vpid == 0) {
            s.vpid = s.pid;
        }
        return s;
    }

    /** Parses the fields after the comm of {@code stat}; {@return false when malformed} */
    static boolean parseStat(String text, Status s) {
        int close = text.lastIndexOf(')');
        if (close < 0 || close + 2 > text.length()) {
            return false;
        }
        String[] f = text.substring(close + 2).strip().split(" +");
        // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
        if (f.length < 10) {
            return false;
        }
        Long pgid = parse(f[2], 10);
        Long sid = parse(f[3], 10);
        Long tty = parse(f[4], 10);
        Long minflt = parse(f[7], 10);
        Long majflt = parse(f[9], 10);
        if (pgid == null || sid == null || tty == null || minflt == null || majflt == null) {
            return false;
        }
        if (s.pgid == -1) {
            s.pgid = pgid;
        }
        s.sid = sid;
        s.tty = tty & 0xFFFF_FFFFL;
        s.pfminor = minflt;
        s.pfmajor = majflt;
        return true;
    }

    private static long kb(String value) {
        int space = value.indexOf(' ');
        Long v = parse(space < 0 ? value : value.substring(0, space), 10);
        return v == null ? 0 : v & 0xFFFF_FFFFL;
    }

    /** Reads whitespace-separated decimal numbers into {@code out}; {@return how many were read} */
    private static int numbers(String value, long[] out) {
        int n = 0;
        for (String part : value.split("\\s+")) {
            if (part.isEmpty()) {
                continue;
            }
            Long v = parse(part, 10);
            if (v == null) {
                break;
            }
            if (n < out.length) {
                out[n] = v;
            }
            n++;
        }
        return n;
    }

    private static long readFdLimit(Path limits) {
        String text = readText(limits);
        if (text == null) {
            return -1;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).strip().split("\\s+");
                if (f.length > 0) {
                    return f[0].equals("unlimited") ? -1 : orElse(parse(f[0], 10), -1L);
                }
            }
        }
        return -1;
    }

    private static long readLoginuid(Path file) {
        String text = readText(file);
        if (text == null) {
            return ThreadInfo.UNSET_LOGINUID;
        }
        Long v = parse(text.strip(), 10);
        return v == null ? ThreadInfo.UNSET_LOGINUID : v & 0xFFFF_FFFFL;
    }

    private List<String> readCgroups(Path file, Run run) {
        String text = readText(file);
        if (text == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int c1 = line.indexOf(':');
            int c2 = c1 < 0 ? -1 : line.indexOf(':', c1 + 1);
            if (c2 < 0) {
                continue;
            }
            String id = line.substring(0, c1);
            String subsystems = line.substring(c1 + 1, c2);
            String path = line.substring(c2 + 1);
            if (subsystems.isEmpty()) {
                if (id.equals("0")) {
                    out.addAll(run.cgroupV2.computeIfAbsent(path, this::resolveV2));
                }
                continue;
            }
            for (String subsys : subsystems.split(",")) {
                if (!subsys.isEmpty()) {
                    out.add(subsys + "=" + path);
                }
            }
        }
        return out;
    }

    /** cgroup v2: each controller enabled from the cgroup up to the root, named with the level it was found at. */
    private List<String> resolveV2(String cgroup) {
        Path mount = cgroup2Mount();
        if (mount == null || !cgroup.startsWith("/")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        List<String> found = new ArrayList<>();
        String level = cgroup;
        while (true) {
            String controllers = readText(mount.resolve(level.substring(1)).resolve("cgroup.controllers"));
            if (controllers != null) {
                for (String c : controllers.strip().split("\\s+")) {
                    if (!c.isEmpty() && !found.contains(c)) {
                        found.add(c);
                        out.add(c + "=" + level);
                    }
                }
            }
            if (level.equals("/") || level.isEmpty()) {
                break;
            }
            int slash = level.lastIndexOf('/');
            level = slash <= 0 ? "/" : level.substring(0, slash);
        }
        return List.copyOf(out);
    }

    private Path cgroup2MountCache;
    private boolean cgroup2MountRead;

    private Path cgroup2Mount() {
        if (!cgroup2MountRead) {
            cgroup2MountRead = true;
            String text = readText(procRoot.resolve("self/mountinfo"));
            if (text != null) {
                for (String line : text.split("\n")) {
                    int dash = line.indexOf(" - ");
                    String[] f = line.split(" ");
                    if (dash > 0 && f.length > 4 && line.substring(dash + 3).startsWith("cgroup2 ")) {
                        cgroup2MountCache = Path.of(unescapeMount(f[4]));
                        break;
                    }
                }
            }
        }
        return cgroup2MountCache;
    }

    private static String unescapeMount(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static void fillExe(ThreadInfo.Builder b, String exepath, Path dir, Status st) {
        Map<String, Object> attrs = unixAttributes(Path.of(exepath));
        if (attrs != null) {
            b.exeIno((Long) attrs.get("ino"));
            b.exeInoCtime(nanos((FileTime) attrs.get("ctime")));
            b.exeInoMtime(nanos((FileTime) attrs.get("lastModifiedTime")));
        }
        Map<String, Object> inRoot = exepath.startsWith("/") ? unixAttributes(dir.resolve("root" + exepath)) : null;
        if (inRoot != null) {
            b.exeWritable(writable(inRoot, st.uid, st.gid));
        }
    }

    /** {@return whether user {@code uid}:{@code gid} may write a file with those attributes} */
    static boolean writable(Map<String, Object> attrs, long uid, long gid) {
        long owner = ((Integer) attrs.get("uid")) & 0xFFFF_FFFFL;
        long group = ((Integer) attrs.get("gid")) & 0xFFFF_FFFFL;
        int mode = (Integer) attrs.get("mode");
        if (owner == uid || uid == 0) {
            return true;
        }
        if (group == gid) {
            return (mode & 0020) != 0;
        }
        return (mode & 0002) != 0;
    }

    // ---------------------------------------------------------------- descriptors

    private List<FdInfo> readFds(Path procDir, Run run) {
        List<Path> entries = numericEntries(procDir.resolve("fd"));
        if (entries.isEmpty()) {
            return List.of();
        }
        Map<String, Object> netNs = unixAttributes(procDir.resolve("ns/net"));
        long netNsIno = netNs == null ? 0 : (Long) netNs.get("ino");
        List<FdInfo> out = new ArrayList<>();
        for (Path entry : entries) {
            if (out.size() >= MAX_FDS_PER_PROCESS) {
                break;
            }
            long fd = Long.parseLong(entry.getFileName().toString());
            Map<String, Object> attrs = unixAttributes(entry);
            if (attrs == null) {
                continue; // closed meanwhile
            }
            String link = readLink(entry);
            if (link == null) {
                continue;
            }
            FdInfo info = classify(fd, link, attrs, procDir, netNsIno, run);
            if (info != null) {
                out.add(info);
            }
        }
        return out;
    }

    private FdInfo classify(long fd, String link, Map<String, Object> attrs, Path procDir, long netNsIno, Run run) {
        int mode = (Integer) attrs.get("mode");
        long ino = (Long) attrs.get("ino");
        return switch (mode & S_IFMT) {
            case S_IFIFO -> {
                Long pipeIno = bracketNumber(link, "pipe:[");
                yield new FdInfo.Named(fd, pipeIno == null ? ino : pipeIno, FdType.FIFO, link);
            }
            case S_IFREG, S_IFBLK, S_IFCHR, S_IFLNK -> {
                if (link.startsWith("/memfd:")) {
                    yield new FdInfo.Named(fd, ino, FdType.MEMFD, link);
                }
                long[] flagsAndMount = readFdinfo(procDir.resolve("fdinfo").resolve(Long.toString(fd)));
                long dev = flagsAndMount[1] == 0 ? 0 : device(procDir.resolve("mountinfo"), flagsAndMount[1], run);
                yield new FdInfo.RegularFile(fd, ino, (int) flagsAndMount[0], link, dev);
            }
            case S_IFDIR -> new FdInfo.Named(fd, ino, FdType.DIRECTORY, link);
            case S_IFSOCK -> {
                Long sockIno = bracketNumber(link, "socket:[");
                if (sockIno == null) {
                    yield new FdInfo.Named(fd, 0, FdType.UNSUPPORTED, link);
                }
                LongFunction<FdInfo> socket = sockets(procDir, netNsIno, run).get(sockIno);
                yield socket == null ? null : socket.apply(fd);
            }
            default -> {
                FdType type = link.startsWith(ANON_INODE_PREFIX)
                        ? anonInodeType(link.substring(ANON_INODE_PREFIX.length()))
                        : FdType.UNSUPPORTED;
                yield new FdInfo.Named(fd, ino, type, "");
            }
        };
    }

    /** libscap's classification of anonymous inodes by name. */
    static FdType anonInodeType(String name) {
        return switch (name) {
            case "[eventfd]" -> FdType.EVENT;
            case "[eventpoll]" -> FdType.EVENTPOLL;
            case "inotify" -> FdType.INOTIFY;
            case "[signalfd]" -> FdType.SIGNALFD;
            case "[timerfd]" -> FdType.TIMERFD;
            case "[io_uring]" -> FdType.IOURING;
            case "[userfaultfd]" -> FdType.USERFAULTFD;
            case "[pidfd]" -> FdType.PIDFD;
            case "bpf-map", "bpf-prog", "bpf-link", "bpf_iter" -> FdType.BPF;
            default -> FdType.UNSUPPORTED;
        };
    }

    /** {@return {PPM open flags, mount id}} from an fdinfo file; zeros when unreadable */
    private static long[] readFdinfo(Path file) {
        long[] out = new long[2];
        String text = readText(file);
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("flags:")) {
                Long flags = parse(line.substring(6).strip(), 8);
                out[0] = flags == null ? 0 : openFlagsToScap(flags);
            } else if (line.startsWith("mnt_id:")) {
                out[1] = orElse(parse(line.substring(7).strip(), 10), 0L);
            }
        }
        return out;
    }

    /** Converts x86-64 open(2) flags to {@code PPM_O_*}, as libscap's {@code open_flags_to_scap}. */
    static int openFlagsToScap(long flags) {
        int res = switch ((int) (flags & O_ACCMODE)) {
            case O_WRONLY -> PPM_O_WRONLY;
            case O_RDWR -> PPM_O_RDWR;
            default -> PPM_O_RDONLY;
        };
        res |= (flags & O_CREAT) != 0 ? PPM_O_CREAT : 0;
        res |= (flags & O_TMPFILE) != 0 ? PPM_O_TMPFILE : 0;
        res |= (flags & O_APPEND) != 0 ? PPM_O_APPEND : 0;
        res |= (flags & O_DSYNC) != 0 ? PPM_O_DSYNC : 0;
        res |= (flags & O_EXCL) != 0 ? PPM_O_EXCL : 0;
        res |= (flags & O_NONBLOCK) != 0 ? PPM_O_NONBLOCK : 0;
        res |= (flags & O_SYNC) != 0 ? PPM_O_SYNC : 0;
        res |= (flags & O_TRUNC) != 0 ? PPM_O_TRUNC : 0;
        res |= (flags & O_DIRECT) != 0 ? PPM_O_DIRECT : 0;
        res |= (flags & O_DIRECTORY) != 0 ? PPM_O_DIRECTORY : 0;
        res |= (flags & O_CLOEXEC) != 0 ? PPM_O_CLOEXEC : 0;
        return res;
    }

    /** {@return the device of mount {@code mountId} in a mountinfo file, glibc makedev truncated to 32 bits} */
    private static long device(Path mountinfo, long mountId, Run run) {
        Long dev = run.devByMountId.get(mountId);
        if (dev == null) {
            run.devByMountId.putAll(readMountDevices(mountinfo));
            dev = run.devByMountId.getOrDefault(mountId, 0L);
            run.devByMountId.putIfAbsent(mountId, dev);
        }
        return dev;
    }

    private static Map<Long, Long> readMountDevices(Path mountinfo) {
        String text = readText(mountinfo, MAX_TABLE_BYTES);
        if (text == null) {
            return Map.of();
        }
        Map<Long, Long> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            Long id = parse(f[0], 10);
            int colon = f[2].indexOf(':');
            if (id == null || colon < 0) {
                continue;
            }
            Long major = parse(f[2].substring(0, colon), 10);
            Long minor = parse(f[2].substring(colon + 1), 10);
            if (major != null && minor != null) {
                out.put(id, makedev(major, minor));
            }
        }
        return out;
    }

    /** glibc's makedev, truncated to the 32 bits libscap keeps. */
    static long makedev(long major, long minor) {
        return ((minor & 0xFF) | ((major & 0xFFF) << 8) | ((minor & 0xFFF00) << 12)) & 0xFFFF_FFFFL;
    }

    // ---------------------------------------------------------------- socket tables

    private Map<Long, LongFunction<FdInfo>> sockets(Path procDir, long netNsIno, Run run) {
        return run.socketsByNetNs.computeIfAbsent(netNsIno, ns -> {
            Path net = ns != 0 ? procDir.resolve("net") : procRoot.resolve("net");
            Map<Long, LongFunction<FdInfo>> table = new HashMap<>();
            readInetTable(net.resolve("tcp"), false, SCAP_L4_TCP, table);
            readInetTable(net.resolve("udp"), false, SCAP_L4_UDP, table);
            readInetTable(net.resolve("raw"), false, SCAP_L4_RAW, table);
            readUnixTable(net.resolve("unix"), table);
            readNetlinkTable(net.resolve("netlink"), table);
            readInetTable(net.resolve("tcp6"), true, SCAP_L4_TCP, table);
            readInetTable(net.resolve("udp6"), true, SCAP_L4_UDP, table);
            readInetTable(net.resolve("raw6"), true, SCAP_L4_RAW, table);
            return table;
        });
    }

    /** Reads a tcp/udp/raw table (v4 or v6) into {@code table}, keyed by inode. Malformed lines are skipped. */
    static void readInetTable(Path file, boolean v6, int l4proto, Map<Long, LongFunction<FdInfo>> table) {
        String text = readText(file, MAX_TABLE_BYTES);
        if (text == null) {
            return;
        }
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            // sl local remote st tx:rx tr:when retrnsmt uid timeout inode
            if (f.length < 10 || !f[0].endsWith(":")) {
                continue;
            }
            byte[][] local = new byte[1][];
            byte[][] remote = new byte[1][];
            int sport = address(f[1], v6, local);
            int dport = address(f[2], v6, remote);
            Long ino = parse(f[9], 10);
            if (sport < 0 || dport < 0 || ino == null) {
                continue;
            }
            InetAddress sip = inet(local[0]);
            InetAddress dip = inet(remote[0]);
            boolean server = isZero(remote[0]);
            long inode = ino;
            LongFunction<FdInfo> make;
            if (v6) {
                Inet6Address s6 = (Inet6Address) sip;
                Inet6Address d6 = (Inet6Address) dip;
                make = server
                        ? fd -> new FdInfo.Ipv6ServerSocket(fd, inode, s6, sport, l4proto)
                        : fd -> new FdInfo.Ipv6Socket(fd, inode, s6, d6, sport, dport, l4proto);
            } else {
                Inet4Address s4 = (Inet4Address) sip;
                Inet4Address d4 = (Inet4Address) dip;
                make = server
                        ? fd -> new FdInfo.Ipv4ServerSocket(fd, inode, s4, sport, l4proto)
                        : fd -> new FdInfo.Ipv4Socket(fd, inode, s4, d4, sport, dport, l4proto);
            }
            table.put(inode, make);
        }
    }

    /**
     * Parses {@code HEX_ADDRESS:HEX_PORT}, the address printed as 32-bit words in host (little-endian) order;
     * {@return the port, -1 when malformed}
     */
    static int address(String text, boolean v6, byte[][] out) {
        int colon = text.indexOf(':');
        int hexLen = v6 ? 32 : 8;
        if (colon != hexLen) {
            return -1;
        }
        byte[] ip = new byte[hexLen / 2];
        for (int word = 0; word < hexLen / 8; word++) {
            Long v = parse(text.substring(word * 8, word * 8 + 8), 16);
            if (v == null) {
                return -1;
            }
            for (int i = 0; i < 4; i++) {
                ip[word * 4 + i] = (byte) (v >>> (8 * i));
            }
        }
        Long port = parse(text.substring(colon + 1), 16);
        if (port == null || port > 0xFFFF) {
            return -1;
        }
        out[0] = ip;
        return port.intValue();
    }

    private static InetAddress inet(byte[] ip) {
        try {
            if (ip.length == 16) {
                // Inet6Address.getByAddress keeps an IPv4-mapped address as IPv6, as FdInfo needs.
                return Inet6Address.getByAddress(null, ip, -1);
            }
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of length " + ip.length, e);
        }
    }

    private static boolean isZero(byte[] ip) {
        for (byte b : ip) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads /proc/net/unix: {@code Num: RefCount Protocol Flags Type St Inode [Path]}. */
    static void readUnixTable(Path file, Map<Long, LongFunction<FdInfo>> table) {
        String text = readText(file, MAX_TABLE_BYTES);
        if (text == null) {
            return;
        }
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+", 8);
            if (f.length < 7 || !f[0].endsWith(":")) {
                continue;
            }
            Long source = parseUnsigned(f[0].substring(0, f[0].length() - 1), 16);
            Long ino = parse(f[6], 10);
            if (source == null || ino == null) {
                continue;
            }
            String path = f.length > 7 ? f[7] : "";
            long inode = ino;
            long src = source;
            table.put(inode, fd -> new FdInfo.UnixSocket(fd, inode, src, 0, path));
        }
    }

    /** Reads /proc/net/netlink: {@code sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode}. */
    static void readNetlinkTable(Path file, Map<Long, LongFunction<FdInfo>> table) {
        String text = readText(file, MAX_TABLE_BYTES);
        if (text == null) {
            return;
        }
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 10 || line.startsWith("s")) {
                continue;
            }
            Long ino = parse(f[9], 10);
            if (ino != null) {
                long inode = ino;
                table.put(inode, fd -> new FdInfo.Named(fd, inode, FdType.NETLINK, ""));
            }
        }
    }

    // ---------------------------------------------------------------- interfaces

    /** {@return the IPv4 and IPv6 addresses of this machine's interfaces} (libscap uses getifaddrs) */
    static List<NetInterface> interfaces() {
        List<NetInterface> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                    InetAddress addr = a.getAddress();
                    int prefix = a.getNetworkPrefixLength();
                    if (addr instanceof Inet4Address v4) {
                        Inet4Address mask = (Inet4Address) inet(mask(4, prefix));
                        Inet4Address bcast = a.getBroadcast() instanceof Inet4Address b
                                ? b
                                : (Inet4Address) inet(new byte[4]);
                        out.add(new NetInterface.Ipv4(ni.getName(), v4, mask, bcast, 0));
                    } else if (addr instanceof Inet6Address v6) {
                        Inet6Address plain = (Inet6Address) inet(v6.getAddress());
                        Inet6Address mask = (Inet6Address) inet(mask(16, prefix));
                        out.add(new NetInterface.Ipv6(ni.getName(), plain, mask, (Inet6Address) inet(new byte[16]), 0));
                    }
                }
            }
        } catch (SocketException e) {
            return List.of(); // no interface list: the state engine then infers nothing
        }
        return out;
    }

    private static byte[] mask(int bytes, int prefix) {
        byte[] m = new byte[bytes];
        for (int i = 0; i < bytes * 8 && i < prefix; i++) {
            m[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return m;
    }

    // ---------------------------------------------------------------- file access

    /** {@return the numeric entries of a directory, sorted by number; empty when unreadable or gone} */
    private static List<Path> numericEntries(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.length() <= 18 && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    out.add(p);
                }
            }
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        out.sort((a, b) -> Long.compare(
                Long.parseLong(a.getFileName().toString()), Long.parseLong(b.getFileName().toString())));
        return out;
    }

    private static String readText(Path file) {
        return readText(file, MAX_SMALL_FILE_BYTES);
    }

    private static String readText(Path file, long max) {
        byte[] bytes = readBounded(file, (int) Math.min(Integer.MAX_VALUE - 8, max));
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@return up to {@code max} bytes of a file, or null when it cannot be read} */
    private static byte[] readBounded(Path file, int max) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(max);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** {@code unix:*} attributes following links, or null. */
    private static Map<String, Object> unixAttributes(Path path) {
        try {
            return Files.readAttributes(path, "unix:ino,ctime,lastModifiedTime,uid,gid,mode");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    private static FileTime ctime(Path path) {
        Map<String, Object> attrs = unixAttributes(path);
        return attrs == null ? null : (FileTime) attrs.get("ctime");
    }

    private static long nanos(FileTime t) {
        java.time.Instant i = t.toInstant();
        return i.getEpochSecond() * NS_PER_SECOND + i.getNano();
    }

    /**
     * Splits a NUL-separated buffer whose last byte is dropped (libscap overwrites it with the terminator), as
     * cmdline and environ are read.
     */
    static List<String> nulSeparated(byte[] buffer) {
        if (buffer == null || buffer.length == 0) {
            return List.of();
        }
        int end = buffer.length - 1;
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || buffer[i] == 0) {
                out.add(new String(buffer, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    private static Long bracketNumber(String link, String prefix) {
        if (!link.startsWith(prefix) || !link.endsWith("]")) {
            return null;
        }
        return parse(link.substring(prefix.length(), link.length() - 1), 10);
    }

    private static Long parse(String s, int radix) {
        try {
            return Long.parseLong(s.strip(), radix);
        } catch (NumberFormatException e) {
            return parseUnsigned(s, radix);
        }
    }

    private static Long parseUnsigned(String s, int radix) {
        try {
            return Long.parseUnsignedLong(s.strip(), radix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long orElse(Long value, long fallback) {
        return value == null ? fallback : value;
    }
}
