package dev.peregrine.rules.fields;

import static dev.peregrine.rules.fields.EvtFields.ev;
import static dev.peregrine.rules.fields.EvtFields.str;

import dev.peregrine.capture.FdType;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventTable.EventInfo;
import dev.peregrine.event.EventView;
import dev.peregrine.event.params.ParamDecoder;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.fd.FsPath;
import java.util.HashMap;
import java.util.Map;

/**
 * Extractors of the {@code fs.path.*} fields (libsinsp {@code sinsp_filter_check_fspath}): the path, or the source
 * and target paths, of successful filesystem syscalls (open family, mkdir, unlink, rename, link, symlink, chmod,
 * chown, mount, ...), raw as passed or resolved against the working directory or directory fd.
 */
final class FsPathFields {
    /* Implementation notes: the per-event table is libsinsp's create_fspath_checks: which exit events qualify, how
     * success is judged (res == 0, or fd != -1 for the open family), and which parameter holds the path, source and
     * target ("fd" means the event's descriptor name, for fchmod/fchown). Relative paths resolve as its
     * extract_single: openat/openat2 take the new descriptor's name, the *at calls with a dirfd the event's
     * directory descriptor (or "<UNKNOWN>"), renameat2 its own dirfd parameters, everything else the cwd. Parameter
     * positions are resolved by name per event code once. */

    private enum Role { PATH, SOURCE, TARGET }

    /** One qualifying event: the success test and the parameter names of path, source and target. */
    private record Spec(boolean fdSuccess, String path, String source, String target) {
    }

    private static final EventFacts FACTS = EventFacts.INSTANCE;
    private static final ParamDecoder DECODER = ParamDecoder.get();
    private static final Spec[] SPECS = specs(FACTS.table);
    private static final int OPENAT_X = FACTS.openatX;
    private static final int OPENAT2_X = FACTS.openat2X;
    private static final boolean[] DIRFD_EVENTS = codes("PPME_SYSCALL_NEWFSTATAT_X", "PPME_SYSCALL_FCHOWNAT_X",
            "PPME_SYSCALL_FCHMODAT_X", "PPME_SYSCALL_MKDIRAT_X", "PPME_SYSCALL_UNLINKAT_2_X",
            "PPME_SYSCALL_MKNODAT_X");
    private static final boolean[] SYMLINKAT = codes("PPME_SYSCALL_SYMLINKAT_X");
    private static final boolean[] RENAMEAT2 = codes("PPME_SYSCALL_RENAMEAT2_X");
    private static final String UNKNOWN = "<UNKNOWN>";

    private FsPathFields() {
    }

    /** {@return the extractor of {@code field}, or null when this class does not know it} */
    static Extractor bind(ResolvedField field) {
        return switch (field.info().name()) {
            case "fs.path.name" -> path(Role.PATH, false);
            case "fs.path.nameraw" -> path(Role.PATH, true);
            case "fs.path.source" -> path(Role.SOURCE, false);
            case "fs.path.sourceraw" -> path(Role.SOURCE, true);
            case "fs.path.target" -> path(Role.TARGET, false);
            case "fs.path.targetraw" -> path(Role.TARGET, true);
            default -> null;
        };
    }

    private static Extractor path(Role role, boolean raw) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            EventView v = s.view();
            int c = v.type();
            Spec spec = c >= 0 && c < SPECS.length ? SPECS[c] : null;
            if (spec == null || !succeeded(v, spec)) {
                return false;
            }
            String param = switch (role) {
                case PATH -> spec.path();
                case SOURCE -> spec.source();
                case TARGET -> spec.target();
            };
            if (param == null) {
                return false;
            }
            String value = param.equals("fd") ? fdName(s) : stringParam(v, param);
            if (value == null) {
                return false;
            }
            if (raw) {
                return str(out, value);
            }
            if (s.thread() == null) {
                return false;
            }
            if (value.startsWith("/")) {
                return str(out, FsPath.concatenate("", value));
            }
            String dir;
            if (c == OPENAT_X || c == OPENAT2_X) {
                FdState f = s.thread() == null ? null : FdFields.fdOf(s);
                return str(out, FsPath.concatenate("", f != null ? f.name() : UNKNOWN));
            } else if (DIRFD_EVENTS[c] || (SYMLINKAT[c] && role == Role.SOURCE)) {
                dir = dirOfEventFd(s);
            } else if (SYMLINKAT[c]) {
                dir = UNKNOWN;
            } else if (RENAMEAT2[c]) {
                if (role == Role.PATH) {
                    dir = UNKNOWN;
                } else {
                    String joined = s.resolvePath(DECODER.asLong(v, role == Role.TARGET ? 3 : 1), value);
                    return str(out, joined != null ? joined : FsPath.concatenate(UNKNOWN, value));
                }
            } else {
                dir = s.threads().cwd(s.thread());
            }
            return str(out, FsPath.concatenate(dir, value));
        };
    }

    private static boolean succeeded(EventView v, Spec spec) {
        int i = FACTS.table.paramIndex(v.type(), spec.fdSuccess() ? "fd" : "res");
        if (i < 0 || i >= v.paramCount() || v.paramLength(i) == 0) {
            return false;
        }
        long r = DECODER.asLong(v, i);
        return spec.fdSuccess() ? r != -1 : r == 0;
    }

    private static String stringParam(EventView v, String name) {
        int i = FACTS.table.paramIndex(v.type(), name);
        if (i < 0 || i >= v.paramCount()) {
            return null;
        }
        return DECODER.asString(v, i);
    }

    private static String fdName(SyscallEvent s) {
        if (!FdFields.fdEvent(s)) {
            return null;
        }
        FdState f = FdFields.fdOf(s);
        return f != null ? f.name() : FdFields.nameFromEvent(s);
    }

    /** libsinsp's format_dirfd: the event's descriptor when it is a directory, with a trailing slash. */
    private static String dirOfEventFd(SyscallEvent s) {
        FdState f = s.thread() == null ? null : FdFields.fdOf(s);
        if (f == null || f.type() != FdType.DIRECTORY) {
            return UNKNOWN;
        }
        String n = f.name();
        return n.isEmpty() || n.endsWith("/") ? n : n + "/";
    }

    private static boolean[] codes(String... codeNames) {
        boolean[] out = new boolean[FACTS.names.length];
        for (EventInfo e : FACTS.table.all()) {
            for (String n : codeNames) {
                if (e.codeName().equals(n)) {
                    out[e.code()] = true;
                }
            }
        }
        return out;
    }

    private static Spec[] specs(EventTable table) {
        Map<String, Spec> byCode = new HashMap<>();
        for (String n : new String[] {"MKDIR_2", "MKDIRAT", "RMDIR_2", "UNLINK_2", "CHOWN", "LCHOWN"}) {
            byCode.put("PPME_SYSCALL_" + n + "_X", new Spec(false, "path", null, null));
        }
        for (String n : new String[] {"UNLINKAT_2", "UMOUNT_1", "UMOUNT2"}) {
            byCode.put("PPME_SYSCALL_" + n + "_X", new Spec(false, "name", null, null));
        }
        for (String n : new String[] {"OPEN", "OPENAT_2", "OPENAT2"}) {
            byCode.put("PPME_SYSCALL_" + n + "_X", new Spec(true, "name", null, null));
        }
        byCode.put("PPME_SYSCALL_FCHMODAT_X", new Spec(false, "filename", null, null));
        byCode.put("PPME_SYSCALL_CHMOD_X", new Spec(false, "filename", null, null));
        byCode.put("PPME_SYSCALL_FCHMOD_X", new Spec(false, "fd", null, null));
        byCode.put("PPME_SYSCALL_FCHOWN_X", new Spec(false, "fd", null, null));
        byCode.put("PPME_SYSCALL_FCHOWNAT_X", new Spec(false, "pathname", null, null));
        byCode.put("PPME_SYSCALL_QUOTACTL_X", new Spec(false, "special", null, null));
        for (String n : new String[] {"RENAME", "RENAMEAT", "RENAMEAT2"}) {
            byCode.put("PPME_SYSCALL_" + n + "_X", new Spec(false, null, "oldpath", "newpath"));
        }
        for (String n : new String[] {"LINK_2", "LINKAT_2"}) {
            byCode.put("PPME_SYSCALL_" + n + "_X", new Spec(false, null, "newpath", "oldpath"));
        }
        for (String n : new String[] {"SYMLINK", "SYMLINKAT"}) {
            byCode.put("PPME_SYSCALL_" + n + "_X", new Spec(false, null, "linkpath", "target"));
        }
        byCode.put("PPME_SYSCALL_MOUNT_X", new Spec(false, null, "dev", "dir"));
        Spec[] out = new Spec[table.size()];
        for (EventInfo e : table.all()) {
            out[e.code()] = byCode.get(e.codeName());
        }
        return out;
    }
}
