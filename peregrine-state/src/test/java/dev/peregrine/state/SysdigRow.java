package dev.peregrine.state;

import dev.peregrine.capture.FdType;
import dev.peregrine.capture.UserInfo;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.fd.InetText;
import dev.peregrine.state.thread.ThreadState;

/**
 * Renders the state columns of {@code sysdig -p "*%evt.num|%evt.type|%evt.dir|%proc.name|%proc.pname|%fd.name|
 * %fd.sip|%fd.sport|%user.name"} for the event the engine was just fed, with libsinsp's extraction rules for these
 * few fields (the real extractors are built elsewhere; this is only the test's oracle adapter).
 */
final class SysdigRow {
    static final String NA = "<NA>";

    private SysdigRow() {
    }

    /** sysdig 0.29.3 consumes user and group meta events without giving them an event number. */
    static boolean unnumbered(EventTable table, EventView v) {
        String n = table.byCode(v.type()).name();
        return n.equals("useradded") || n.equals("groupadded") || n.equals("userdeleted") || n.equals("groupdeleted");
    }

    static String render(long num, EventView v, StateEngine engine, EventTable table) {
        EventTable.EventInfo info = table.byCode(v.type());
        String type = info.name();
        if (v.type() == EventTable.GENERIC_E || v.type() == EventTable.GENERIC_X) {
            String sc = v.nparams() > 0 && v.paramLength(0) >= 2 ? table.syscallName(v.paramU16(0)) : null;
            type = sc == null || sc.equals("unknown") ? "<unknown>" : sc;
        }
        String dir = info.direction() == EventTable.Direction.ENTER ? ">" : "<";
        ThreadState t = engine.currentThread();
        String proc = t == null ? NA : t.comm();
        String pname = NA;
        if (t != null) {
            ThreadState p = engine.threads().ancestor(t, 1);
            pname = p == null ? NA : p.comm();
        }
        FdState fd = engine.currentFd();
        String fdName = fd == null ? NA : fd.name();
        String sip = NA;
        String sport = NA;
        if (fd != null) {
            if (fd.type() == FdType.IPV4_SERVSOCK) {
                sip = InetText.ipv4(fd.sip());
                sport = Integer.toString(fd.sport());
            } else if (fd.type() == FdType.IPV6_SERVSOCK) {
                sip = InetText.ipv6(fd.sip6());
                sport = Integer.toString(fd.sport());
            } else if (fd.role() != FdState.Role.NONE && fd.type() == FdType.IPV4_SOCK) {
                sip = InetText.ipv4(fd.dip());
                sport = Integer.toString(fd.dport());
            } else if (fd.role() != FdState.Role.NONE && fd.type() == FdType.IPV6_SOCK && fd.dip6() != null) {
                sip = InetText.ipv6(fd.dip6());
                sport = Integer.toString(fd.dport());
            }
        }
        String user = NA;
        if (t != null) {
            UserInfo u = engine.user(t);
            user = u == null ? NA : u.name();
        }
        return num + "|" + type + "|" + dir + "|" + proc + "|" + pname + "|" + fdName + "|" + sip + "|" + sport + "|"
                + user;
    }
}
