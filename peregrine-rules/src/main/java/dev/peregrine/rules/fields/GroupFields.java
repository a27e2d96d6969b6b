package dev.peregrine.rules.fields;

import static dev.peregrine.rules.fields.EvtFields.add;
import static dev.peregrine.rules.fields.EvtFields.ev;
import static dev.peregrine.rules.fields.EvtFields.str;

import dev.peregrine.capture.GroupInfo;
import dev.peregrine.state.thread.ThreadState;

/** Extractors of the {@code group.*} fields (libsinsp {@code sinsp_filter_check_group}). */
final class GroupFields {
    /* Implementation notes: an unknown group prints "<NA>", gid 0 "root", as libsinsp. */

    private GroupFields() {
    }

    /** {@return the extractor of {@code field}, or null when this class does not know it} */
    static Extractor bind(ResolvedField field) {
        return switch (field.info().name()) {
            case "group.gid" -> (e, out) -> {
                ThreadState t = ev(e).thread();
                return t != null && add(out, t.gid());
            };
            case "group.name" -> (e, out) -> {
                SyscallEvent s = ev(e);
                ThreadState t = s.thread();
                if (t == null) {
                    return false;
                }
                GroupInfo g = s.group(t.gid());
                return str(out, g != null ? g.name() : t.gid() == 0 ? "root" : "<NA>");
            };
            default -> null;
        };
    }
}
