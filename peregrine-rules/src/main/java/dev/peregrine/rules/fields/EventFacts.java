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

    final int openX;
    final int openatX;
    final int openat2X;
    final int openByHandleAtX;
    final int creatX;
    final int connectX;
    final int accept5X;
    final int accept46X;
    final int execveE;

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
        for (EventInfo e : table.all()) {
            int c = e.code();
            enter[c] = e.direction() == EventTable.Direction.ENTER;
            syscall[c] = e.inCategory("EC_SYSCALL");
            fdEvent[c] = e.hasFlag("EF_CREATES_FD") || e.hasFlag("EF_USES_FD") || e.hasFlag("EF_DESTROYS_FD");
            readsFd[c] = e.hasFlag("EF_READS_FROM_FD");
            writesFd[c] = e.hasFlag("EF_WRITES_TO_FD");
            waits[c] = e.hasFlag("EF_WAITS");
            names[c] = e.name();
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
