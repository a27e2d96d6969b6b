package dev.peregrine.rules.fields;

import static dev.peregrine.rules.fields.EvtFields.ev;
import static dev.peregrine.rules.fields.EvtFields.str;

import dev.peregrine.capture.FdType;
import dev.peregrine.event.EventTable.EventInfo;
import dev.peregrine.event.EventView;
import dev.peregrine.event.params.FdList;
import dev.peregrine.event.params.ParamDecoder;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.fd.FdTable;

/**
 * Extractors of the {@code fdlist.*} fields (libsinsp {@code sinsp_filter_check_fdlist}): the descriptors of a
 * poll/ppoll exit, as comma-separated numbers, names, client/server addresses and ports.
 */
final class FdListFields {
    /* Implementation notes: as libsinsp, only poll and ppoll exits qualify; a descriptor the thread's table does not
     * know prints <NA> in fdlist.names and is skipped (without its comma) in the address and port lists, and a
     * trailing comma is removed. The fd list is parameter 1 of both exits. These are output fields: the text is
     * built per event. */

    private enum Kind { NUMS, NAMES, CIPS, SIPS, CPORTS, SPORTS }

    private static final EventFacts FACTS = EventFacts.INSTANCE;
    private static final ParamDecoder DECODER = ParamDecoder.get();
    private static final boolean[] POLL_EXITS = pollExits();
    private static final int FDS_PARAM = 1;

    private FdListFields() {
    }

    /** {@return the extractor of {@code field}, or null when this class does not know it} */
    static Extractor bind(ResolvedField field) {
        Kind kind = switch (field.info().name()) {
            case "fdlist.nums" -> Kind.NUMS;
            case "fdlist.names" -> Kind.NAMES;
            case "fdlist.cips" -> Kind.CIPS;
            case "fdlist.sips" -> Kind.SIPS;
            case "fdlist.cports" -> Kind.CPORTS;
            case "fdlist.sports" -> Kind.SPORTS;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        return (e, out) -> {
            SyscallEvent s = ev(e);
            EventView v = s.view();
            int c = v.type();
            if (!FACTS.known(c) || !POLL_EXITS[c] || v.paramCount() <= FDS_PARAM || s.thread() == null) {
                return false;
            }
            FdList list = DECODER.fdList(v, FDS_PARAM, new FdList());
            FdTable table = s.threads().fds(s.thread());
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < list.count(); i++) {
                long fd = list.fd(i);
                FdState f = table == null ? null : table.get(fd);
                String item = item(kind, fd, f);
                if (item != null) {
                    sb.append(item).append(',');
                }
            }
            if (sb.isEmpty()) {
                return false;
            }
            sb.setLength(sb.length() - 1);
            return str(out, sb.toString());
        };
    }

    private static String item(Kind kind, long fd, FdState f) {
        boolean connected = f != null && (f.type() == FdType.IPV4_SOCK || f.type() == FdType.IPV6_SOCK);
        return switch (kind) {
            case NUMS -> Long.toString(fd);
            case NAMES -> f != null && !f.name().isEmpty() ? f.name() : "<NA>";
            case CIPS -> connected ? ip(f, true) : null;
            case SIPS -> {
                if (connected) {
                    yield ip(f, false);
                }
                yield f != null && (f.type() == FdType.IPV4_SERVSOCK || f.type() == FdType.IPV6_SERVSOCK)
                        ? ip(f, true) : null;
            }
            case CPORTS -> connected ? Integer.toString(f.sport()) : null;
            case SPORTS -> connected ? Integer.toString(f.dport()) : null;
        };
    }

    private static String ip(FdState f, boolean source) {
        if (f.isIpv6()) {
            byte[] a = source ? f.sip6() : f.dip6();
            return a == null ? null : ValueFormat.ipToText(a);
        }
        int a = source ? f.sip() : f.dip();
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    private static boolean[] pollExits() {
        boolean[] out = new boolean[FACTS.names.length];
        for (EventInfo e : FACTS.table.all()) {
            if (e.codeName().equals("PPME_SYSCALL_POLL_X") || e.codeName().equals("PPME_SYSCALL_PPOLL_X")) {
                out[e.code()] = true;
            }
        }
        return out;
    }
}
