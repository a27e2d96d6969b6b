package dev.peregrine.rules.fields;

import dev.peregrine.capture.FdType;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import dev.peregrine.event.params.ParamDecodeException;
import dev.peregrine.event.params.ParamDecoder;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.fd.FdTable;
import dev.peregrine.state.fd.FsPath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Extractors of the {@code evt.*} fields of the syscall source (libsinsp {@code sinsp_filter_check_event} and the
 * generic {@code evt.*} fields every source has): event number, times, direction, type, arguments, return value
 * and the per-event-type predicates.
 */
final class EvtFields {
    /* Implementation notes:
     * - The return value (evt.res, evt.rawres, evt.failed) exists, as in libsinsp's has_return_value, only for exit
     *   events of the syscall category with at least one parameter, generic exits excepted; it is parameter 0
     *   whatever its name (res, fd, pid...).
     * - evt.arg.NAME resolves NAME to a parameter position per event code once, at bind time (an int array over the
     *   event table), because libsinsp's get_param_value_str looks it up by name per event.
     * - evt.time and evt.datetime print local time as libsinsp's ts_to_string; evt.time.iso8601 is always UTC with
     *   a literal +0000 (sinsp_utils::ts_to_iso_8601). These and evt.arg/evt.args build strings: they are output
     *   fields, not used on the rules' hot path.
     * - evt.rawarg is resolved to the type of the first parameter of its name (TableFieldCatalog), as libsinsp types
     *   it at compile time; its values are the parameter's numbers, strings or bytes in that type.
     * - Open flags are the PPM_O_* bits (libs driver/ppm_events_public.h), facts of the wire format.
     * - evt.deltatime, as libsinsp's filtercheck, measures from the previous event the field was extracted for (with a
     *   filter: the previous matching event), not from the previous event read. The .ns variants of rawtime, reltime
     *   and deltatime are the nanosecond part (modulo one second), as libsinsp's.
     * - evt.abspath joins the directory descriptor's name and a '/' even when the name already ends in one, as
     *   libsinsp does; unlike libsinsp it does not make the directory descriptor the event's fd as a side effect. */

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int PPM_O_RDONLY = 1;
    private static final int PPM_O_WRONLY = 1 << 1;
    private static final int PPM_O_CREAT = 1 << 2;
    private static final int PPM_O_TMPFILE = 1 << 13;
    private static final int PPM_O_F_CREATED = 1 << 14;
    private static final int PPM_S_IXUSR = 0100;
    private static final int PPM_S_IXGRP = 010;
    private static final int PPM_S_IXOTH = 01;
    /** Length of a short container id, as libsinsp cuts it. */
    private static final int CONTAINER_ID_LENGTH = 12;

    private static final EventFacts FACTS = EventFacts.INSTANCE;
    private static final ParamDecoder DECODER = ParamDecoder.get();

    private EvtFields() {
    }

    /** {@return the extractor of {@code field}, or null when this class does not know it} */
    static Extractor bind(ResolvedField field) {
        String arg = field.arg();
        return switch (field.info().name()) {
            case "evt.num" -> (e, out) -> add(out, ev(e).num());
            case "evt.rawtime" -> (e, out) -> add(out, ev(e).view().ts());
            case "evt.rawtime.ns" -> (e, out) -> add(out, ev(e).view().ts() % NANOS_PER_SECOND);
            case "evt.rawtime.s" -> (e, out) -> add(out, ev(e).view().ts() / NANOS_PER_SECOND);
            case "evt.time" -> (e, out) -> str(out, time(ev(e), false, true));
            case "evt.time.s" -> (e, out) -> str(out, time(ev(e), false, false));
            case "evt.datetime" -> (e, out) -> str(out, time(ev(e), true, true));
            case "evt.datetime.s" -> (e, out) -> str(out, time(ev(e), true, false));
            case "evt.time.iso8601" -> (e, out) -> str(out, iso8601(ev(e).view().ts()));
            // libsinsp's time output mode defaults to 'h' (sysdig -t changes it; Falco never does): evt.time's text.
            case "evt.outputtime" -> (e, out) -> str(out, time(ev(e), false, true));
            case "evt.dir" -> (e, out) -> {
                int c = ev(e).view().type();
                return FACTS.known(c) && str(out, FACTS.enter[c] ? ">" : "<");
            };
            case "evt.type" -> (e, out) -> {
                String name = typeName(ev(e).view());
                return name != null && str(out, name);
            };
            case "evt.syscall.type" -> (e, out) -> {
                EventView v = ev(e).view();
                return FACTS.known(v.type()) && FACTS.syscall[v.type()] && str(out, typeName(v));
            };
            case "evt.type.is" -> typeIs(arg);
            case "evt.cpu" -> (e, out) -> add(out, ev(e).view().cpu());
            case "evt.reltime" -> (e, out) -> add(out, ev(e).view().ts() - ev(e).firstTs());
            case "evt.reltime.s" -> (e, out) -> add(out, (ev(e).view().ts() - ev(e).firstTs()) / NANOS_PER_SECOND);
            case "evt.reltime.ns" -> (e, out) -> add(out, (ev(e).view().ts() - ev(e).firstTs()) % NANOS_PER_SECOND);
            case "evt.deltatime" -> deltatime(Unit.NS);
            case "evt.deltatime.s" -> deltatime(Unit.S);
            case "evt.deltatime.ns" -> deltatime(Unit.NS_PART);
            case "evt.asynctype" -> (e, out) -> {
                EventView v = ev(e).view();
                int c = v.type();
                if (!FACTS.known(c) || !FACTS.meta[c]) {
                    return false;
                }
                if (c != EventTable.ASYNCEVENT_E) {
                    return str(out, FACTS.names[c]);
                }
                return v.paramCount() > 1 && str(out, DECODER.asString(v, 1));
            };
            case "evt.hostname" -> (e, out) -> str(out, ev(e).machineHostname());
            case "evt.source" -> (e, out) -> str(out, "syscall");
            case "evt.count" -> (e, out) -> add(out, 1);
            // libsinsp hard-codes the deprecated latency fields to 0 (sysdig 0.29.3 still measured them).
            case "evt.latency", "evt.latency.s", "evt.latency.ns", "evt.latency.quantized", "evt.wait_latency" ->
                    (e, out) -> add(out, 0);
            case "evt.latency.human" -> (e, out) -> str(out, "0ns");
            case "evt.is_async" -> (e, out) -> {
                int c = ev(e).view().type();
                return add(out, FACTS.known(c) && FACTS.meta[c] ? 1 : 0);
            };
            case "evt.args", "evt.info" -> (e, out) -> {
                SyscallEvent s = ev(e);
                return FACTS.known(s.view().type()) && str(out, DECODER.renderArgs(s.view(), s));
            };
            case "evt.arg" -> argField(arg, false);
            case "evt.rawarg" -> rawarg(arg, field.info().type());
            case "evt.res" -> (e, out) -> {
                SyscallEvent s = ev(e);
                if (!hasReturnValue(s.view())) {
                    return false;
                }
                return str(out, DECODER.asLong(s.view(), 0) >= 0 ? "SUCCESS" : DECODER.render(s.view(), 0, s));
            };
            case "evt.rawres" -> (e, out) -> {
                EventView v = ev(e).view();
                return hasReturnValue(v) && add(out, DECODER.asLong(v, 0));
            };
            case "evt.failed", "evt.count.error" -> (e, out) -> {
                EventView v = ev(e).view();
                return hasReturnValue(v) && add(out, DECODER.asLong(v, 0) < 0 ? 1 : 0);
            };
            case "evt.count.error.file" -> errorCount(ErrorClass.FILE);
            case "evt.count.error.net" -> errorCount(ErrorClass.NET);
            case "evt.count.error.memory" -> errorCount(ErrorClass.MEMORY);
            case "evt.count.error.other" -> errorCount(ErrorClass.OTHER);
            case "evt.count.exit" -> (e, out) -> (ev(e).view().type() & 1) == 1 && add(out, 1);
            case "evt.count.procinfo" -> (e, out) -> {
                SyscallEvent s = ev(e);
                boolean main = s.view().type() == FACTS.procinfoE && s.thread() != null
                        && s.thread().isMainThread();
                return add(out, main ? 1 : 0);
            };
            case "evt.count.threadinfo" -> (e, out) -> add(out, ev(e).view().type() == FACTS.procinfoE ? 1 : 0);
            case "evt.is_syslog" -> (e, out) -> {
                SyscallEvent s = ev(e);
                int c = s.view().type();
                var f = FACTS.known(c) && FACTS.writesFd[c] && s.thread() != null ? FdFields.fdOf(s) : null;
                return add(out, f != null && f.name().contains("/dev/log") ? 1 : 0);
            };
            case "evt.abspath" -> abspath(arg == null ? 0 : arg.equals("src") ? 1 : 2);
            case "evt.infra.docker.name" -> infra("Event", false, false);
            case "evt.infra.docker.container.id" -> infra("ID", true, false);
            case "evt.infra.docker.container.name" -> infra("name", false, false);
            case "evt.infra.docker.container.image" -> infra("Image", false, true);
            case "evt.is_open_read" -> open(OpenKind.READ);
            case "evt.is_open_write" -> open(OpenKind.WRITE);
            case "evt.is_open_exec" -> open(OpenKind.EXEC);
            case "evt.is_open_create" -> open(OpenKind.CREATE);
            case "evt.is_io" -> (e, out) -> flag(out, ev(e), FACTS.readsFd, FACTS.writesFd);
            case "evt.is_io_read" -> (e, out) -> flag(out, ev(e), FACTS.readsFd, null);
            case "evt.is_io_write" -> (e, out) -> flag(out, ev(e), FACTS.writesFd, null);
            case "evt.is_wait" -> (e, out) -> flag(out, ev(e), FACTS.waits, null);
            case "evt.io_dir" -> (e, out) -> {
                int c = ev(e).view().type();
                if (!FACTS.known(c)) {
                    return false;
                }
                return FACTS.writesFd[c] ? str(out, "write") : FACTS.readsFd[c] && str(out, "read");
            };
            case "evt.buffer" -> (e, out) -> {
                EventView v = ev(e).view();
                int i = paramIndex(v.type(), "data");
                if (i < 0 || i >= v.paramCount()) {
                    return false;
                }
                byte[] b = new byte[v.paramLength(i)];
                MemorySegment.copy(v.segment(), ValueLayout.JAVA_BYTE,
                        v.paramOffset(i), b, 0, b.length);
                out.addBytes(b);
                return true;
            };
            case "evt.category" -> (e, out) -> {
                SyscallEvent s = ev(e);
                int c = s.view().type();
                if (!FACTS.known(c)) {
                    return false;
                }
                if (!FACTS.io[c]) {
                    return str(out, FACTS.category[c]);
                }
                var f = s.thread() == null ? null : FdFields.fdOf(s);
                return str(out, f == null ? "unknown" : switch (f.type()) {
                    case FILE, FILE_V2, DIRECTORY -> "file";
                    case IPV4_SOCK, IPV6_SOCK, IPV4_SERVSOCK, IPV6_SERVSOCK -> "net";
                    case UNIX_SOCK, FIFO -> "ipc";
                    default -> "unknown";
                });
            };
            case "evt.buflen" -> buflen(Io.ANY, FdClass.ANY);
            case "evt.buflen.in" -> buflen(Io.IN, FdClass.ANY);
            case "evt.buflen.out" -> buflen(Io.OUT, FdClass.ANY);
            case "evt.buflen.file" -> buflen(Io.ANY, FdClass.FILE);
            case "evt.buflen.file.in" -> buflen(Io.IN, FdClass.FILE);
            case "evt.buflen.file.out" -> buflen(Io.OUT, FdClass.FILE);
            case "evt.buflen.net" -> buflen(Io.ANY, FdClass.NET);
            case "evt.buflen.net.in" -> buflen(Io.IN, FdClass.NET);
            case "evt.buflen.net.out" -> buflen(Io.OUT, FdClass.NET);
            default -> null;
        };
    }

    static SyscallEvent ev(Object event) {
        return (SyscallEvent) event;
    }

    static boolean add(Values out, long value) {
        out.addLong(value);
        return true;
    }

    static boolean str(Values out, String value) {
        if (value == null) {
            return false;
        }
        out.addString(value);
        return true;
    }

    /** {@return what {@code evt.type} shows: the event name, the syscall name of a generic event} */
    /** {@return evt.type of every event of {@code code}, or null when it depends on the event or the code is unknown} */
    static String fixedTypeName(int code) {
        if (!FACTS.known(code) || code == EventTable.GENERIC_X || code == EventTable.ASYNCEVENT_E) {
            return null;
        }
        return FACTS.names[code];
    }

    static String typeName(EventView v) {
        int c = v.type();
        if (!FACTS.known(c)) {
            return null;
        }
        if (c == EventTable.GENERIC_X && v.paramCount() > 0) {
            String name = FACTS.table.syscallName((int) DECODER.asLong(v, 0));
            return name == null ? FACTS.names[c] : name;
        }
        if (c == EventTable.ASYNCEVENT_E && v.paramCount() > 1) {
            return DECODER.asString(v, 1);
        }
        return FACTS.names[c];
    }

    /** libsinsp {@code sinsp_evt::has_return_value}. */
    static boolean hasReturnValue(EventView v) {
        int c = v.type();
        return c != EventTable.GENERIC_X && FACTS.known(c) && FACTS.syscall[c] && !FACTS.enter[c]
                && v.paramCount() > 0;
    }

    private static boolean flag(Values out, SyscallEvent s, boolean[] a, boolean[] b) {
        int c = s.view().type();
        boolean set = FACTS.known(c) && (a[c] || (b != null && b[c]));
        out.addLong(set ? 1 : 0);
        return true;
    }

    private static Extractor typeIs(String arg) {
        int[] codes = FACTS.table.codesForTypeName(arg);
        boolean[] match = new boolean[FACTS.names.length];
        if (codes != null) {
            for (int c : codes) {
                match[c] = true;
            }
        } else {
            try {
                int c = Integer.parseInt(arg);
                if (FACTS.known(c)) {
                    match[c] = true;
                }
            } catch (NumberFormatException ignored) {
                // an unknown name matches no event, as libsinsp's evt.type.is with an unknown type
            }
        }
        return (e, out) -> {
            int c = ev(e).view().type();
            return add(out, FACTS.known(c) && match[c] ? 1 : 0);
        };
    }

    /** {@code evt.arg[N]}, {@code evt.arg.NAME}, {@code evt.rawarg.NAME}. */
    private static Extractor argField(String arg, boolean raw) {
        int index = -1;
        int[] byCode = null;
        if (arg != null && !arg.isEmpty() && arg.chars().allMatch(Character::isDigit)) {
            index = Integer.parseInt(arg);
        } else {
            byCode = new int[FACTS.names.length];
            for (int c = 0; c < byCode.length; c++) {
                byCode[c] = FACTS.table.paramIndex(c, arg);
            }
        }
        int fixed = index;
        int[] positions = byCode;
        return (e, out) -> {
            SyscallEvent s = ev(e);
            EventView v = s.view();
            int c = v.type();
            if (!FACTS.known(c)) {
                return false;
            }
            int i = positions == null ? fixed : positions[c];
            if (i < 0 || i >= v.paramCount() || i >= FACTS.table.byCode(c).params().size()) {
                return false;
            }
            return str(out, raw ? DECODER.renderRaw(v, i) : DECODER.render(v, i, s));
        };
    }

    /**
     * {@code evt.rawarg.NAME}: the parameter's value in the type the field was resolved to (the first parameter of
     * that name in the event table, as libsinsp's); no value when this event's parameter does not have that kind.
     */
    private static Extractor rawarg(String arg, FieldType type) {
        if (type == FieldType.DYN) {
            return argField(arg, true);
        }
        int[] positions = new int[FACTS.names.length];
        for (int c = 0; c < positions.length; c++) {
            positions[c] = FACTS.table.paramIndex(c, arg);
        }
        return (e, out) -> {
            EventView v = ev(e).view();
            int c = v.type();
            if (!FACTS.known(c)) {
                return false;
            }
            int i = positions[c];
            if (i < 0 || i >= v.paramCount() || i >= FACTS.table.byCode(c).params().size()) {
                return false;
            }
            FieldType actual = FieldType.ofPt(FACTS.table.byCode(c).params().get(i).type());
            try {
                if (type.isNumeric() && actual.isNumeric()) {
                    out.addLong(DECODER.asLong(v, i));
                    return true;
                }
                if (type.isString() && actual.isString()) {
                    return str(out, DECODER.asString(v, i));
                }
                if (type == FieldType.BYTEBUF && actual == FieldType.BYTEBUF) {
                    byte[] b = new byte[v.paramLength(i)];
                    MemorySegment.copy(v.segment(), ValueLayout.JAVA_BYTE, v.paramOffset(i), b, 0, b.length);
                    out.addBytes(b);
                    return true;
                }
            } catch (ParamDecodeException ex) {
                return false; // a damaged parameter has no value, as for evt.arg
            }
            return false;
        };
    }

    private enum Unit { NS, S, NS_PART }

    /**
     * libsinsp's {@code evt.deltatime}: the time since the previous event this field was extracted for (0 the first
     * time), whole ({@code NS}), in seconds, or its nanosecond part.
     */
    private static Extractor deltatime(Unit unit) {
        Object key = new Object();
        return (e, out) -> {
            SyscallEvent s = ev(e);
            long[] last = s.extractorState(key, 1);
            long ts = s.view().ts();
            long delta = 0;
            if (last[0] != 0) {
                delta = switch (unit) {
                    case NS -> ts - last[0];
                    case S -> (ts - last[0]) / NANOS_PER_SECOND;
                    case NS_PART -> (ts - last[0]) % NANOS_PER_SECOND;
                };
            }
            last[0] = ts;
            return add(out, delta);
        };
    }

    private enum Io { ANY, IN, OUT }

    private enum FdClass { ANY, FILE, NET }

    /**
     * libsinsp's {@code evt.buflen*}: the non-negative return value of an I/O exit event on a known descriptor,
     * restricted to reads or writes and to file or IP-socket descriptors.
     */
    private static Extractor buflen(Io io, FdClass fdClass) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            EventView v = s.view();
            int c = v.type();
            if (!FACTS.known(c) || s.thread() == null) {
                return false;
            }
            boolean category = switch (io) {
                case ANY -> FACTS.io[c];
                case IN -> FACTS.ioRead[c];
                case OUT -> FACTS.ioWrite[c];
            };
            var f = category ? FdFields.fdOf(s) : null;
            if (f == null) {
                return false;
            }
            boolean kind = switch (fdClass) {
                case ANY -> true;
                case FILE -> f.type() == FdType.FILE || f.type() == FdType.FILE_V2;
                case NET -> f.isInetSocket();
            };
            if (!kind || FACTS.enter[c] || !hasReturnValue(v)) {
                return false;
            }
            long res = DECODER.asLong(v, 0);
            return res >= 0 && add(out, res);
        };
    }

    /**
     * libsinsp's {@code evt.abspath}: the absolute path an *at() call names, from its directory descriptor and
     * relative path ({@code which} 0 or 1: the source or only path, 2: the destination of renameat/linkat).
     */
    private static Extractor abspath(int which) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            if (s.thread() == null) {
                return false;
            }
            EventView v = s.view();
            int c = v.type();
            String dirfdName;
            String pathName;
            if (c == FACTS.renameatX || c == FACTS.renameat2X) {
                dirfdName = which < 2 ? "olddirfd" : "newdirfd";
                pathName = which < 2 ? "oldpath" : "newpath";
            } else if (c == FACTS.linkatX) {
                dirfdName = which < 2 ? "olddir" : "newdir";
                pathName = which < 2 ? "oldpath" : "newpath";
            } else if (c == FACTS.symlinkatX) {
                dirfdName = "linkdirfd";
                pathName = "linkpath";
            } else if (c == FACTS.openatX || c == FACTS.openat2X || c == FACTS.unlinkatX) {
                dirfdName = "dirfd";
                pathName = "name";
            } else if (c == FACTS.mkdiratX) {
                dirfdName = "dirfd";
                pathName = "path";
            } else if (c == FACTS.fchmodatX) {
                dirfdName = "dirfd";
                pathName = "filename";
            } else if (c == FACTS.fchownatX) {
                dirfdName = "dirfd";
                pathName = "pathname";
            } else if (c == FACTS.openByHandleAtX) {
                int pathAt = paramIndex(c, "path");
                return hasReturnValue(v) && DECODER.asLong(v, 0) > 0 && pathAt >= 0 && pathAt < v.paramCount()
                        && str(out, FsPath.concatenate("", DECODER.asString(v, pathAt)));
            } else {
                return false;
            }
            int dirfdAt = paramIndex(c, dirfdName);
            int pathAt = paramIndex(c, pathName);
            if (dirfdAt < 0 || pathAt < 0 || dirfdAt >= v.paramCount() || pathAt >= v.paramCount()
                    || v.paramLength(dirfdAt) == 0 || v.paramLength(pathAt) == 0) {
                return false;
            }
            long dirfd = DECODER.asLong(v, dirfdAt);
            String path = DECODER.asString(v, pathAt);
            String dir;
            if (path.startsWith("/")) {
                dir = ".";
            } else if (dirfd == ParamDecoder.AT_FDCWD) {
                dir = s.threads().cwd(s.thread());
            } else {
                FdTable fds = s.threads().fds(s.thread());
                FdState d = fds == null ? null : fds.get(dirfd);
                dir = d == null ? "<UNKNOWN>/" : d.name() + "/";
            }
            return str(out, FsPath.concatenate(dir, path));
        };
    }

    /**
     * libsinsp's {@code evt.infra.docker.*}: an element {@code KEY: value} of the {@code ;}-separated description of
     * an infrastructure event. As libsinsp, the value is the text between the first and the second colon.
     *
     * @param shortId cut the value to a 12-character container id
     * @param image cut an image reference at {@code @}, or keep everything after the first colon for a sha256 one
     */
    private static Extractor infra(String key, boolean shortId, boolean image) {
        return (e, out) -> {
            EventView v = ev(e).view();
            if (v.type() != FACTS.infrastructureE || v.paramCount() < 3) {
                return false;
            }
            for (String element : DECODER.asString(v, 2).split(";", -1)) {
                String el = element.strip();
                if (!el.startsWith(key)) {
                    continue;
                }
                String[] parts = el.split(":", -1);
                if (parts.length < 2) {
                    return false;
                }
                String value = parts[1];
                if (image) {
                    if (value.contains("@")) {
                        value = value.substring(0, value.indexOf('@'));
                    } else if (value.contains("sha256")) {
                        value = el.substring(el.indexOf(':') + 1);
                    }
                }
                value = value.strip();
                if (shortId && value.length() > CONTAINER_ID_LENGTH) {
                    value = value.substring(0, CONTAINER_ID_LENGTH);
                }
                return str(out, value);
            }
            return false;
        };
    }

    private static int paramIndex(int code, String name) {
        return FACTS.known(code) ? FACTS.table.paramIndex(code, name) : -1;
    }

    private enum ErrorClass { FILE, NET, MEMORY, OTHER }

    /** libsinsp's {@code evt.count.error.*}: the failure count of events of one class (by fd type or event). */
    private static Extractor errorCount(ErrorClass kind) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            EventView v = s.view();
            int c = v.type();
            if (!FACTS.known(c)) {
                return false;
            }
            var f = s.thread() == null ? null : FdFields.fdOf(s);
            boolean openFamily = c == FACTS.openX || c == FACTS.creatX || c == FACTS.openatX || c == FACTS.openat2X
                    || c == FACTS.openByHandleAtX;
            boolean netEvent = c == FACTS.accept5X || c == FACTS.accept46X || c == FACTS.connectX;
            boolean fileFd = f != null && (f.type() == FdType.FILE
                    || f.type() == FdType.FILE_V2
                    || f.type() == FdType.DIRECTORY);
            boolean netFd = f != null && (f.isInetSocket() || f.type() == FdType.UNIX_SOCK);
            boolean counts = switch (kind) {
                case FILE -> f != null ? fileFd : openFamily;
                case NET -> f != null ? netFd : netEvent;
                case MEMORY -> "memory".equals(FACTS.category[c]);
                case OTHER -> f != null ? !fileFd && !netFd : !openFamily && !netEvent;
            };
            if (!counts || !hasReturnValue(v)) {
                return false;
            }
            out.addLong(DECODER.asLong(v, 0) < 0 ? 1 : 0);
            return true;
        };
    }

    private enum OpenKind { READ, WRITE, EXEC, CREATE }

    /** libsinsp's {@code evt.is_open_*}: from the flags (and mode) of the open family's exit events. */
    private static Extractor open(OpenKind kind) {
        return (e, out) -> {
            EventView v = ev(e).view();
            int c = v.type();
            boolean set = false;
            if (c == FACTS.openX || c == FACTS.openatX || c == FACTS.openat2X || c == FACTS.openByHandleAtX) {
                boolean newVersion = c == FACTS.openatX || c == FACTS.openat2X;
                int flagsAt = newVersion ? 3 : 2;
                long flags = flagsAt < v.paramCount() && v.paramLength(flagsAt) > 0 ? u32(v, flagsAt) : 0;
                set = switch (kind) {
                    case READ -> (flags & PPM_O_RDONLY) != 0;
                    case WRITE -> (flags & PPM_O_WRONLY) != 0;
                    case CREATE -> (flags & PPM_O_F_CREATED) != 0
                            || ((flags & PPM_O_TMPFILE) != 0 && hasReturnValue(v) && DECODER.asLong(v, 0) >= 0);
                    case EXEC -> {
                        if ((flags & (PPM_O_TMPFILE | PPM_O_CREAT)) == 0 || c == FACTS.openByHandleAtX) {
                            yield false;
                        }
                        int modeAt = newVersion ? 4 : 3;
                        long mode = modeAt < v.paramCount() && v.paramLength(modeAt) > 0 ? u32(v, modeAt) : 0;
                        yield (mode & (PPM_S_IXUSR | PPM_S_IXGRP | PPM_S_IXOTH)) != 0;
                    }
                };
            }
            out.addLong(set ? 1 : 0);
            return true;
        };
    }

    /**
     * {@return a PT_FLAGS32 or PT_UINT32 parameter (the open family's flags and mode)} Read directly when it has the
     * table's 4 bytes, as the decoder would read it (zero-extended), without the decoder's type look-up: every rule
     * built on {@code open_read}/{@code open_write} asks for it on every open. Other widths go to the decoder.
     */
    private static long u32(EventView v, int i) {
        return v.paramLength(i) == Integer.BYTES ? Integer.toUnsignedLong(v.paramU32(i)) : DECODER.asLong(v, i);
    }

    /** libsinsp {@code ts_to_string}: {@code [YYYY-MM-DD ]HH:MM:SS[.nnnnnnnnn]} in the holder's zone. */
    static String time(SyscallEvent s, boolean date, boolean nanos) {
        long ts = s.view().ts();
        long secs = Math.floorDiv(ts, NANOS_PER_SECOND);
        int ns = (int) Math.floorMod(ts, NANOS_PER_SECOND);
        ZoneOffset off = s.zone().getRules().getOffset(Instant.ofEpochSecond(secs));
        LocalDateTime t = LocalDateTime.ofEpochSecond(secs, 0, off);
        StringBuilder sb = new StringBuilder(32);
        if (date) {
            sb.append(t.getYear()).append('-');
            pad(sb, t.getMonthValue(), 2).append('-');
            pad(sb, t.getDayOfMonth(), 2).append(' ');
        }
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        if (nanos) {
            pad(sb.append('.'), ns, 9);
        }
        return sb.toString();
    }

    /** libsinsp {@code ts_to_iso_8601}: UTC, nanoseconds, a literal {@code +0000}. */
    static String iso8601(long ts) {
        long secs = Math.floorDiv(ts, NANOS_PER_SECOND);
        int ns = (int) Math.floorMod(ts, NANOS_PER_SECOND);
        LocalDateTime t = LocalDateTime.ofEpochSecond(secs, 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(40);
        sb.append(t.getYear()).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2).append('.');
        return pad(sb, ns, 9).append("+0000").toString();
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }
}
