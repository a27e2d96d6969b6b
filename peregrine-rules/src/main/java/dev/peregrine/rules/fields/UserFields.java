package dev.peregrine.rules.fields;

import static dev.peregrine.rules.fields.EvtFields.add;
import static dev.peregrine.rules.fields.EvtFields.ev;
import static dev.peregrine.rules.fields.EvtFields.str;

import dev.peregrine.capture.UserInfo;
import dev.peregrine.state.thread.ThreadState;

/**
 * Extractors of the {@code user.*} fields (libsinsp {@code sinsp_filter_check_user}): the user the event's thread
 * runs as and its login user, looked up in the thread's container.
 */
final class UserFields {
    /* Implementation notes: as libsinsp, an unknown user prints "<NA>" except uid 0, which is "root" with home
     * "/root" even when no user list was captured; the login uid is -1 when unset (4294967295 on the wire). */

    private static final long UNSET_ID = 0xFFFF_FFFFL;
    private static final String NA = "<NA>";

    private UserFields() {
    }

    /** {@return the extractor of {@code field}, or null when this class does not know it} */
    static Extractor bind(ResolvedField field) {
        return switch (field.info().name()) {
            case "user.uid" -> (e, out) -> {
                ThreadState t = ev(e).thread();
                return t != null && add(out, t.uid());
            };
            case "user.name" -> (e, out) -> {
                SyscallEvent s = ev(e);
                ThreadState t = s.thread();
                if (t == null) {
                    return false;
                }
                UserInfo u = s.user(t.uid());
                return str(out, u != null ? u.name() : t.uid() == 0 ? "root" : NA);
            };
            case "user.homedir" -> (e, out) -> {
                SyscallEvent s = ev(e);
                ThreadState t = s.thread();
                if (t == null) {
                    return false;
                }
                UserInfo u = s.user(t.uid());
                return str(out, u != null ? u.homedir() : t.uid() == 0 ? "/root" : NA);
            };
            case "user.shell" -> (e, out) -> {
                SyscallEvent s = ev(e);
                ThreadState t = s.thread();
                if (t == null) {
                    return false;
                }
                UserInfo u = s.user(t.uid());
                return str(out, u != null ? u.shell() : NA);
            };
            case "user.loginuid" -> (e, out) -> {
                ThreadState t = ev(e).thread();
                return t != null && add(out, t.loginuid() < UNSET_ID ? t.loginuid() : -1);
            };
            case "user.loginname" -> (e, out) -> {
                SyscallEvent s = ev(e);
                ThreadState t = s.thread();
                if (t == null) {
                    return false;
                }
                UserInfo u = t.loginuid() >= UNSET_ID ? null : s.user(t.loginuid());
                return str(out, u != null ? u.name() : t.loginuid() == 0 ? "root" : NA);
            };
            default -> null;
        };
    }
}
