package dev.peregrine.rules.fields;

import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventTable.EventInfo;

/**
 * Per-event-code facts the syscall extractors test on every event (libsinsp's {@code get_info_flags},
 * {@code get_category}, {@code PPME_IS_ENTER}), flattened into arrays indexed by event code.
 */
final class EventFacts {
    /* Implementation notes: EventInfo keeps categories and flags as sets of names, which would cost a hash lookup per
     * event and field; these arrays are built once from the same table so the hot path is one array read. The codes
     * of the handful of events some fields special-case are resolved by their PPME_* name, never hard-coded numbers. */

    static final EventFacts INSTANCE = new EventFacts(EventTable.get());

    final EventTable table;
    final boolean[] enter;
    final boolean[] syscall;
    final boolean[] fdEvent;
    final boolean[] readsFd;
    final boolean[] writesFd;
    final boolean[] waits;
    final String[] names;
    /** The category {@code evt.category} shows, or null for the I/O categories (decided by the fd's type). */
    final String[] category;
    final boolean[] io;
    /** libsinsp {@code get_category() == EC_IO_READ} (and {@code EC_IO_WRITE}): the event reads (writes) data. */
    final boolean[] ioRead;
    final boolean[] ioWrite;
    /** libsinsp {@code events::is_metaevent}: the category has {@code EC_METAEVENT}. */
    final boolean[] meta;
    /** {@code sinsp_evt::extract_typechar}: the fd type an event creates, for fd.typechar without a descriptor. */
    final char[] createdTypechar;

    final int openX;
    final int openatX;
    final int openat2X;
    final int openByHandleAtX;
    final int creatX;
    final int connectX;
    final int accept5X;
    final int accept46X;
    final int execveE;
    final int schedSwitchE;
    final int procinfoE;
    final int infrastructureE;
    final int renameatX;
    final int renameat2X;
    final int symlinkatX;
    final int linkatX;
    final int unlinkatX;
    final int mkdiratX;
    final int fchmodatX;
    final int fchownatX;

    private EventFacts(EventTable table) {
        this.table = table;
        int n = table.size();
        enter = new boolean[n];
        syscall = new boolean[n];
        fdEvent = new boolean[n];
        readsFd = new boolean[n];
        writesFd = new boolean[n];
        waits = new boolean[n];
        names = new String[n];
        category = new String[n];
        io = new boolean[n];
        ioRead = new boolean[n];
        ioWrite = new boolean[n];
        meta = new boolean[n];
        createdTypechar = new char[n];
        for (EventInfo e : table.all()) {
            int c = e.code();
            enter[c] = e.direction() == EventTable.Direction.ENTER;
            syscall[c] = e.inCategory("EC_SYSCALL");
            fdEvent[c] = e.hasFlag("EF_CREATES_FD") || e.hasFlag("EF_USES_FD") || e.hasFlag("EF_DESTROYS_FD");
            readsFd[c] = e.hasFlag("EF_READS_FROM_FD");
            writesFd[c] = e.hasFlag("EF_WRITES_TO_FD");
            waits[c] = e.hasFlag("EF_WAITS");
            // interned: evt.type's value is then the very String the compiled sets and constants hold (StringSet
            // interns its keys), so a membership test that hits is an identity compare
            names[c] = e.name().intern();
            io[c] = e.inCategory("EC_IO_READ") || e.inCategory("EC_IO_WRITE") || e.inCategory("EC_IO_OTHER");
            category[c] = io[c] ? null : categoryName(e);
            ioRead[c] = e.inCategory("EC_IO_READ");
            ioWrite[c] = e.inCategory("EC_IO_WRITE");
            meta[c] = e.inCategory("EC_METAEVENT");
        }
        for (EventInfo e : table.all()) {
            int exit = e.code() | 1;
            createdTypechar[e.code()] = exit < n ? typecharCreatedBy(table.byCode(exit).codeName()) : 'o';
        }
        openX = code("PPME_SYSCALL_OPEN_X");
        openatX = code("PPME_SYSCALL_OPENAT_2_X");
        openat2X = code("PPME_SYSCALL_OPENAT2_X");
        openByHandleAtX = code("PPME_SYSCALL_OPEN_BY_HANDLE_AT_X");
        creatX = code("PPME_SYSCALL_CREAT_X");
        connectX = code("PPME_SOCKET_CONNECT_X");
        accept5X = code("PPME_SOCKET_ACCEPT_5_X");
        accept46X = code("PPME_SOCKET_ACCEPT4_6_X");
        execveE = code("PPME_SYSCALL_EXECVE_19_E");
        schedSwitchE = code("PPME_SCHEDSWITCH_6_E");
        procinfoE = code("PPME_PROCINFO_E");
        infrastructureE = code("PPME_INFRASTRUCTURE_EVENT_E");
        renameatX = code("PPME_SYSCALL_RENAMEAT_X");
        renameat2X = code("PPME_SYSCALL_RENAMEAT2_X");
        symlinkatX = code("PPME_SYSCALL_SYMLINKAT_X");
        linkatX = code("PPME_SYSCALL_LINKAT_2_X");
        unlinkatX = code("PPME_SYSCALL_UNLINKAT_2_X");
        mkdiratX = code("PPME_SYSCALL_MKDIRAT_X");
        fchmodatX = code("PPME_SYSCALL_FCHMODAT_X");
        fchownatX = code("PPME_SYSCALL_FCHOWNAT_X");
    }

    /** libsinsp's category names, by the event's category flag other than EC_SYSCALL/EC_TRACEPOINT. */
    private static String categoryName(EventInfo e) {
        String[][] names = {{"EC_OTHER", "other"}, {"EC_FILE", "file"}, {"EC_NET", "net"}, {"EC_IPC", "IPC"},
            {"EC_MEMORY", "memory"}, {"EC_PROCESS", "process"}, {"EC_SLEEP", "sleep"}, {"EC_SYSTEM", "system"},
            {"EC_SIGNAL", "signal"}, {"EC_USER", "user"}, {"EC_TIME", "time"}, {"EC_PROCESSING", "processing"},
            {"EC_WAIT", "wait"}, {"EC_SCHEDULER", "scheduler"}, {"EC_INTERNAL", "internal"},
            {"EC_PLUGIN", "plugin"}, {"EC_METAEVENT", "meta"}};
        for (String[] pair : names) {
            if (e.inCategory(pair[0])) {
                return pair[1];
            }
        }
        if (e.inCategory("EC_SYSCALL")) {
            return "syscall";
        }
        return e.inCategory("EC_TRACEPOINT") ? "tracepoint" : "unknown";
    }

    private static char typecharCreatedBy(String exitCodeName) {
        return switch (exitCodeName) {
            case "PPME_SYSCALL_OPENAT_2_X", "PPME_SYSCALL_OPENAT2_X", "PPME_SYSCALL_CREAT_X" -> 'f';
            case "PPME_SOCKET_SOCKET_X", "PPME_SOCKET_ACCEPT_5_X", "PPME_SOCKET_ACCEPT4_6_X" -> '4';
            case "PPME_SYSCALL_PIPE_X", "PPME_SYSCALL_PIPE2_X" -> 'p';
            case "PPME_SYSCALL_EVENTFD_X", "PPME_SYSCALL_EVENTFD2_X" -> 'e';
            case "PPME_SYSCALL_SIGNALFD_X", "PPME_SYSCALL_SIGNALFD4_X" -> 's';
            case "PPME_SYSCALL_TIMERFD_CREATE_X" -> 't';
            case "PPME_SYSCALL_INOTIFY_INIT_X", "PPME_SYSCALL_INOTIFY_INIT1_X" -> 'i';
            default -> 'o';
        };
    }

    private int code(String codeName) {
        for (EventInfo e : table.all()) {
            if (e.codeName().equals(codeName)) {
                return e.code();
            }
        }
        throw new IllegalStateException("event table has no " + codeName);
    }

    boolean known(int code) {
        return code >= 0 && code < names.length;
    }
}
