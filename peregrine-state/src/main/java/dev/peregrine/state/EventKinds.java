package dev.peregrine.state;

import dev.peregrine.capture.FdType;
import dev.peregrine.event.EventTable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per event code, what the state engine does with it: which parser runs, whether the event uses a descriptor and
 * where its number sits. Built once from the event table by {@code PPME_*} names, so no code number is hard-coded.
 */
final class EventKinds {
    /*
     * Implementation notes.
     *
     * Parsers are keyed by event name and direction, so every layout of a syscall (PPME_SYSCALL_EXECVE_8_X up to
     * _19_X) reaches the same parser, and parsers read parameters by name through slot[code][k] rather than by
     * position: an old layout simply lacks some slots, which the parsers treat as libsinsp treats the empty
     * parameters its old-layout converter leaves. Values an old exit lacks are taken from its stored enter event
     * (old openat, socket, sendmsg kept them there), as the converter would. The descriptor locations follow
     * libscap's get_enter_event_fd_location / get_exit_event_fd_location: on enter events the first PT_FD parameter
     * (splice: fd_out), on exit events the first PT_FD parameter not named "res" (splice: fd_out).
     */

    static final int NONE = 0;
    static final int OPEN = 1;
    static final int CLONE = 2;
    static final int EXECVE = 3;
    static final int PROCEXIT = 4;
    static final int PIPE = 5;
    static final int SOCKET = 6;
    static final int BIND = 7;
    static final int CONNECT = 8;
    static final int ACCEPT = 9;
    static final int CLOSE = 10;
    static final int CLOSE_RANGE = 11;
    static final int FCNTL = 12;
    static final int EVENTFD = 13;
    static final int CHDIR = 14;
    static final int FCHDIR = 15;
    static final int GETCWD = 16;
    static final int DUP = 17;
    static final int SINGLE_FD = 18;
    static final int SOCKETPAIR = 19;
    static final int SET_EUID = 20;
    static final int SET_EGID = 21;
    static final int USER_EVENT = 22;
    static final int GROUP_EVENT = 23;
    static final int SETSID = 24;
    static final int CAPSET = 25;
    static final int MEMFD = 26;
    static final int PIDFD_OPEN = 27;
    static final int PIDFD_GETFD = 28;
    static final int CONTAINER_JSON = 29;
    static final int CONTAINER_OLD = 30;
    static final int CHROOT = 31;
    static final int SCHEDSWITCH = 32;
    static final int META = 33;
    static final int SEND = 34;
    static final int RECV = 35;
    static final int MEMORY = 36;
    static final int RLIMIT = 37;
    static final int PRLIMIT = 38;

    /** Parameter names the parsers read, in slot order: {@code slot[code][k]} is the index of name k, or -1. */
    static final String[] SLOT_NAMES = {
        "res", "fd", "exe", "args", "pid", "ptid", "fdlimit", "pgft_maj", "pgft_min", "vm_size", "vm_rss", "vm_swap",
        "comm", "cgroups", "env", "tty", "vpgid", "loginuid", "flags", "cap_inheritable", "cap_permitted",
        "cap_effective", "exe_ino", "exe_ino_ctime", "exe_ino_mtime", "uid", "trusted_exepath", "pgid", "gid", "vtid",
        "vpid", "pidns_init_start_ts", "filename", "name", "dev", "ino", "dirfd", "creat_flags", "pathname", "domain",
        "type", "proto", "addr", "tuple", "fd1", "fd2", "source", "peer", "cmd", "arg", "path", "euid", "egid",
        "first", "last", "pid_fd", "target_fd", "mode", "cur", "newcur", "resource", "reaper_tid"};

    static final int RES = 0;
    static final int FD = 1;
    static final int EXE = 2;
    static final int ARGS = 3;
    static final int PID = 4;
    static final int PTID = 5;
    static final int FDLIMIT = 6;
    static final int PGFT_MAJ = 7;
    static final int PGFT_MIN = 8;
    static final int VM_SIZE = 9;
    static final int VM_RSS = 10;
    static final int VM_SWAP = 11;
    static final int COMM = 12;
    static final int CGROUPS = 13;
    static final int ENV = 14;
    static final int TTY = 15;
    static final int VPGID = 16;
    static final int LOGINUID = 17;
    static final int FLAGS = 18;
    static final int CAP_INHERITABLE = 19;
    static final int CAP_PERMITTED = 20;
    static final int CAP_EFFECTIVE = 21;
    static final int EXE_INO = 22;
    static final int EXE_INO_CTIME = 23;
    static final int EXE_INO_MTIME = 24;
    static final int UID = 25;
    static final int TRUSTED_EXEPATH = 26;
    static final int PGID = 27;
    static final int GID = 28;
    static final int VTID = 29;
    static final int VPID = 30;
    static final int PIDNS_INIT_START_TS = 31;
    static final int FILENAME = 32;
    static final int NAME = 33;
    static final int DEV = 34;
    static final int INO = 35;
    static final int DIRFD = 36;
    static final int CREAT_FLAGS = 37;
    static final int PATHNAME = 38;
    static final int DOMAIN = 39;
    static final int TYPE = 40;
    static final int PROTO = 41;
    static final int ADDR = 42;
    static final int TUPLE = 43;
    static final int FD1 = 44;
    static final int FD2 = 45;
    static final int SOURCE = 46;
    static final int PEER = 47;
    static final int CMD = 48;
    static final int ARG = 49;
    static final int PATH = 50;
    static final int EUID = 51;
    static final int EGID = 52;
    static final int FIRST = 53;
    static final int LAST = 54;
    static final int PID_FD = 55;
    static final int TARGET_FD = 56;
    static final int MODE = 57;
    static final int CUR = 58;
    static final int NEWCUR = 59;
    static final int RESOURCE = 60;
    static final int REAPER_TID = 61;

    private static final Map<String, Integer> SLOT_INDEX = new HashMap<>();

    static {
        for (int i = 0; i < SLOT_NAMES.length; i++) {
            SLOT_INDEX.put(SLOT_NAMES[i], i);
        }
    }

    static final byte V_OPEN = 1;
    static final byte V_CREAT = 2;
    static final byte V_OPENAT = 3;
    static final byte V_BY_HANDLE = 4;
    static final byte V_VFORK = 5;
    static final byte V_WITH_FLAGS = 6;
    static final byte V_TIMERFD = 7;
    static final byte V_INFERS_SOCKET = 8;

    final int size;
    final byte[] handler;
    final boolean[] enter;
    final boolean[] usesFd;
    final boolean[] skipReset;
    final byte[] fdLocation;
    final String[] nameOf;
    final int[][] slot;
    final byte[] variant;
    final FdType[] singleFdType;
    final boolean[] storesEnter;

    final int execveX;
    final int execveE;
    final int execveatE;
    final int userAddedE;
    final int groupAddedE;

    private final Map<String, Integer> byCodeName = new HashMap<>();

    EventKinds(EventTable table) {
        size = table.size();
        handler = new byte[size];
        enter = new boolean[size];
        usesFd = new boolean[size];
        skipReset = new boolean[size];
        fdLocation = new byte[size];
        nameOf = new String[size];
        singleFdType = new FdType[size];
        storesEnter = new boolean[size];
        for (EventTable.EventInfo e : table.all()) {
            int c = e.code();
            byCodeName.put(e.codeName(), c);
            nameOf[c] = e.name();
            enter[c] = e.direction() == EventTable.Direction.ENTER;
            usesFd[c] = e.hasFlag("EF_USES_FD");
            skipReset[c] = e.hasFlag("EF_SKIPPARSERESET");
            fdLocation[c] = (byte) fdLocation(e);
        }
        execveE = code("PPME_SYSCALL_EXECVE_19_E");
        execveX = code("PPME_SYSCALL_EXECVE_19_X");
        execveatE = code("PPME_SYSCALL_EXECVEAT_E");
        userAddedE = code("PPME_USER_ADDED_E");
        groupAddedE = code("PPME_GROUP_ADDED_E");

        byName(OPEN, "open", "creat", "openat", "openat2", "open_by_handle_at");
        byName(CLONE, "clone", "fork", "vfork", "clone3");
        byName(EXECVE, "execve", "execveat");
        byName(PIPE, "pipe", "pipe2");
        byName(SOCKET, "socket");
        byName(BIND, "bind");
        byName(CONNECT, "connect");
        byName(ACCEPT, "accept", "accept4");
        byName(CLOSE, "close");
        byName(CLOSE_RANGE, "close_range");
        byName(FCNTL, "fcntl");
        byName(EVENTFD, "eventfd", "eventfd2");
        byName(CHDIR, "chdir");
        byName(FCHDIR, "fchdir");
        byName(GETCWD, "getcwd");
        byName(DUP, "dup", "dup2", "dup3");
        single(FdType.SIGNALFD, "signalfd", "signalfd4");
        single(FdType.TIMERFD, "timerfd_create");
        single(FdType.INOTIFY, "inotify_init", "inotify_init1");
        single(FdType.USERFAULTFD, "userfaultfd");
        single(FdType.IOURING, "io_uring_setup");
        single(FdType.EVENTPOLL, "epoll_create", "epoll_create1");
        on(SINGLE_FD, "PPME_SYSCALL_BPF_2_X");
        singleFdType[code("PPME_SYSCALL_BPF_2_X")] = FdType.BPF;
        byName(SOCKETPAIR, "socketpair");
        byName(SEND, "send", "sendto", "sendmsg", "sendmmsg");
        byName(MEMORY, "brk", "mmap", "mmap2", "munmap");
        byName(RLIMIT, "getrlimit", "setrlimit");
        byName(PRLIMIT, "prlimit");
        byName(RECV, "recv", "recvfrom", "recvmsg", "recvmmsg");
        byName(SET_EUID, "setuid", "setresuid", "setreuid");
        byName(SET_EGID, "setgid", "setresgid", "setregid");
        byName(SETSID, "setsid");
        byName(CAPSET, "capset");
        byName(CHROOT, "chroot");
        byName(MEMFD, "memfd_create");
        byName(PIDFD_OPEN, "pidfd_open");
        byName(PIDFD_GETFD, "pidfd_getfd");
        for (EventTable.EventInfo e : table.all()) {
            int c = e.code();
            String n = e.name();
            if (n.equals("procexit")) {
                handler[c] = (byte) PROCEXIT;
            } else if (n.equals("switch")) {
                handler[c] = (byte) SCHEDSWITCH;
            } else if (n.equals("useradded") || n.equals("userdeleted")) {
                handler[c] = (byte) USER_EVENT;
            } else if (n.equals("groupadded") || n.equals("groupdeleted")) {
                handler[c] = (byte) GROUP_EVENT;
            } else if (n.equals("container")) {
                handler[c] = (byte) (e.params().size() == 1 ? CONTAINER_JSON : CONTAINER_OLD);
            } else if (c == code("PPME_PLUGINEVENT_E") || c == EventTable.ASYNCEVENT_E) {
                handler[c] = (byte) META;
            }
        }
        for (int c = 0; c + 1 < size; c++) {
            int exit = handler[c + 1];
            boolean exitReadsEnter = exit == OPEN || exit == EXECVE || exit == CONNECT || exit == SOCKET
                    || exit == SEND || exit == RECV || exit == FCNTL || exit == CHDIR || exit == GETCWD
                    || exit == ACCEPT;
            storesEnter[c] = enter[c] && !enter[c + 1] && exitReadsEnter && handler[c] == NONE;
        }
        storesEnter[execveatE] = true;
        storesEnter[execveE] = true;
        slot = new int[size][SLOT_NAMES.length];
        for (EventTable.EventInfo e : table.all()) {
            int[] row = slot[e.code()];
            Arrays.fill(row, -1);
            for (int i = 0; i < e.params().size(); i++) {
                int k = SLOT_INDEX.getOrDefault(e.params().get(i).name(), -1);
                if (k >= 0 && row[k] < 0) {
                    row[k] = i;
                }
            }
        }
        variant = new byte[size];
        for (EventTable.EventInfo e : table.all()) {
            variant[e.code()] = switch (e.name()) {
                case "open" -> V_OPEN;
                case "creat" -> V_CREAT;
                case "openat", "openat2" -> V_OPENAT;
                case "open_by_handle_at" -> V_BY_HANDLE;
                case "vfork" -> V_VFORK;
                case "pipe2", "accept4", "dup3", "eventfd2", "inotify_init1", "signalfd4", "epoll_create1" ->
                        V_WITH_FLAGS;
                case "timerfd_create" -> V_TIMERFD;
                case "send", "sendto", "sendmsg" -> V_INFERS_SOCKET;
                default -> 0;
            };
        }
        // Old accept4 layouts are named "accept" but carry flags in their enter event.
        variant[code("PPME_SOCKET_ACCEPT4_X")] = V_WITH_FLAGS;
        variant[code("PPME_SOCKET_ACCEPT4_5_X")] = V_WITH_FLAGS;
    }

    /** {@return the code named {@code PPME_...}} @throws IllegalStateException when the table lacks it */
    int code(String codeName) {
        Integer c = byCodeName.get(codeName);
        if (c == null) {
            throw new IllegalStateException("the event table has no " + codeName);
        }
        return c;
    }

    /** {@return the enter code matching an exit code, for the stored-enter check} */
    int enterOf(int exitCode) {
        return exitCode == execveX ? execveE : exitCode - 1;
    }

    private void byName(int h, String... names) {
        Set<String> set = Set.of(names);
        for (int c = 0; c < size; c++) {
            if (!enter[c] && set.contains(nameOf[c])) {
                handler[c] = (byte) h;
            }
        }
    }

    private void on(int h, String... names) {
        for (String n : names) {
            handler[code(n)] = (byte) h;
        }
    }

    private void single(FdType type, String... names) {
        Set<String> set = Set.of(names);
        for (int c = 0; c < size; c++) {
            if (!enter[c] && set.contains(nameOf[c])) {
                handler[c] = (byte) SINGLE_FD;
                singleFdType[c] = type;
            }
        }
    }

    private static int fdLocation(EventTable.EventInfo e) {
        if (!e.hasFlag("EF_USES_FD")) {
            return -1;
        }
        boolean isEnter = e.direction() == EventTable.Direction.ENTER;
        if (e.codeName().equals("PPME_SYSCALL_SPLICE_E")) {
            return 1;
        }
        if (e.codeName().equals("PPME_SYSCALL_SPLICE_X")) {
            return 2;
        }
        for (int i = 0; i < e.params().size(); i++) {
            EventTable.ParamInfo p = e.params().get(i);
            if (p.type().equals("PT_FD") && (isEnter || !p.name().equals("res"))) {
                return i;
            }
        }
        return -1;
    }
}
