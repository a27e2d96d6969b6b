package dev.peregrine.event.params;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decodes and renders the parameters of an event through an {@link EventView}, as libsinsp does.
 *
 * <p>Two kinds of access:
 * <ul>
 *   <li>raw values for the hot path, allocation-free: {@link #asLong}, {@link #asDouble}, {@link #equalsAscii},
 *       {@link #stringLength}, {@link #fdList}; socket values through {@link SocketAddress}/{@link SocketTuple}'s
 *       static readers at {@link EventView#paramOffset};</li>
 *   <li>text for outputs: {@link #render(EventView, int, FdNameResolver)} is {@code evt.arg.NAME} (the resolved text
 *       when there is one, else the raw text), {@link #renderArgs} is {@code evt.args}
 *       ({@code fd=3(<f>/etc/passwd) name=... flags=1(O_RDONLY)}), {@link #renderRaw}/{@link #renderResolved} the two
 *       halves.</li>
 * </ul>
 * Stateless and thread-safe; state (fd names, thread names, users) comes in through a {@link FdNameResolver}.
 * Parameter indexes are positions in the event; {@link EventTable#paramIndex} finds one by name. Every method throws
 * {@link ParamDecodeException} when a parameter's bytes do not fit its type or the index is beyond the event.
 */
public final class ParamDecoder {
    /** The dirfd value meaning "the current directory" ({@code PPM_AT_FDCWD}). */
    public static final long AT_FDCWD = -100;

    /*
     * Implementation notes.
     *
     * Every rendering rule below follows sinsp_evt::get_param_as_str (libs 48dfd53, userspace/libsinsp/event.cpp),
     * which produces a raw text and a resolved text per parameter:
     *  - An empty parameter renders "<NA>", or "NULL" for the types that were legitimately empty before the scap
     *    converter (BYTEBUF, SOCKTUPLE, FDLIST, CHARBUFARRAY, CHARBUF_PAIR_ARRAY, DYN). Strings (CHARBUF/FSPATH/
     *    FSRELPATH) that are empty or "(NULL)" read as "<NA>" (sinsp_evt_param::used_legacy_null_encoding).
     *  - Numbers follow SET_NUMERIC_FORMAT's printf formats: PF_DEC prints "%d" even for unsigned types (a u32 of
     *    0xffffffff prints -1; u64 prints as int64), PF_HEX "%X" (upper case, no prefix, 8/16-bit values promoted to
     *    int first), PF_OCT "%#o" (leading 0 unless zero), PF_10_PADDED_DEC "%09d".
     *  - Flags print the value as unsigned decimal whatever the format, with the names as the resolved text
     *    (FlagTable). Modes print in the format (octal) with names resolved.
     *  - FD: number; resolved, only when the thread is known: the fd's "<type>name", "AT_FDCWD" for -100, or the
     *    errno name of other negative values. ERRNO: number; resolved errno name when negative. PID: number; resolved
     *    comm. UID/GID: number (-1 with "<NONE>" for 0xffffffff); resolved name or "<NA>".
     *  - PT_ABSTIME: libsinsp's strftime pattern ends in " %z" but its snprintf of the nanoseconds (size 10 at offset
     *    20) writes a NUL that cuts the zone off, so the text is "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" in local time.
     *  - PT_RELTIME: -1 prints "none"; else the nanoseconds, resolved "%lgs" of the seconds (CFormat.g).
     *  - PT_DYN: the first byte selects the variant in the parameter's dynamic table; the outer print format applies.
     *  - BYTEBUF prints printable ASCII (isprint) and '.' for every other byte (PF_NORMAL buffer format).
     *  - Paths resolve only when the thread is known and the path is relative (libsinsp assigns the raw text as the
     *    resolved one when there is no thread, but overwrites that before returning: no resolved text).
     *  - An fd list renders "fd:<typechar><flags hex>" entries only when the thread is known (libsinsp leaves its
     *    buffer untouched otherwise, which shows a stale text; Peregrine renders nothing).
     * Deviations (types libsinsp's switch does not render, printing "(n.a.)"; none occurs in syscall events):
     * PT_FD32/PT_PID32 render as FD/PID, PT_PORT/L4PROTO/SOCKFAMILY/BOOL as decimal, PT_IPV4ADDR/IPV6ADDR as
     * addresses, PT_DOUBLE with "%g"-like text; PT_CHARBUFARRAY, which libsinsp reads as an in-process pointer, is
     * read as NUL-separated strings joined with '.'. Hostname/port resolution is off, as in Falco.
     *
     * Lengths: asLong and the other raw accessors insist on the type's width (libsinsp throws "could not parse
     * param"); rendering reads a 1/2/4/8-byte value of another width at its own width, so an old layout that
     * reached the output does not make the whole output fail.
     *
     * Allocation: the raw accessors read the segment directly. Rendering allocates its StringBuilders; it runs for
     * outputs only.
     */

    private static final int MAX_TEXT_PATH = 1024;
    private static final DateTimeFormatter ABSTIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.");

    private static final class Holder {
        static final ParamDecoder INSTANCE = new ParamDecoder(EventTable.get(), ParamTables.get());
    }

    private final EventTable events;
    private final ParamTables tables;
    private final ZoneId zone;
    private final int maxBufferChars;

    /** Creates a decoder over these tables, rendering absolute times in the system time zone (as localtime_r). */
    public ParamDecoder(EventTable events, ParamTables tables) {
        this(events, tables, ZoneId.systemDefault());
    }

    /** Creates a decoder rendering absolute times in {@code zone}. */
    public ParamDecoder(EventTable events, ParamTables tables, ZoneId zone) {
        this(events, tables, zone, 0);
    }

    private ParamDecoder(EventTable events, ParamTables tables, ZoneId zone, int maxBufferChars) {
        this.events = requireNonNull(events, "events is null");
        this.tables = requireNonNull(tables, "tables is null");
        this.zone = requireNonNull(zone, "zone is null");
        if (maxBufferChars < 0) {
            throw new IllegalArgumentException("maxBufferChars must not be negative: " + maxBufferChars);
        }
        this.maxBufferChars = maxBufferChars;
    }

    /**
     * {@return a decoder that cuts rendered byte buffers to {@code maxBufferChars} characters, the last three
     * replaced by "..."}, as libsinsp's {@code set_max_evt_output_len} (sysdig sets 80 unless {@code -v}; Falco
     * leaves it 0, no limit)
     */
    public ParamDecoder withMaxBufferChars(int maxBufferChars) {
        return new ParamDecoder(events, tables, zone, maxBufferChars);
    }

    /** {@return the decoder over the bundled tables} */
    public static ParamDecoder get() {
        return Holder.INSTANCE;
    }

    /** {@return the tables this decoder uses} */
    public ParamTables tables() {
        return tables;
    }

    /** {@return the rendering facts of parameter {@code i} of the event the view points at} */
    public ParamSpec spec(EventView v, int i) {
        int code = v.type();
        if (code >= tables.eventCount()) {
            throw new ParamDecodeException("event type " + code + " is not in the event table (for tid " + v.tid()
                    + ")");
        }
        if (i < 0 || i >= v.paramCount() || i >= tables.paramCount(code)) {
            throw new ParamDecodeException("event of type " + code + " (" + events.byCode(code).name() + ") has "
                    + Math.min(v.nparams(), tables.paramCount(code)) + " decodable params, no param " + i);
        }
        return tables.param(code, i);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Raw values

    /**
     * {@return the numeric value of parameter {@code i}}: signed types sign-extended, unsigned ones (flags, modes,
     * uid/gid, syscall ids, ...) zero-extended, 64-bit values as their bits; an IPv4 address with its first octet in
     * the high byte; a dynamic parameter's selected numeric variant. Allocation-free.
     *
     * @throws ParamDecodeException when the parameter is not numeric or its length is not the type's width
     */
    public long asLong(EventView v, int i) {
        ParamSpec spec = spec(v, i);
        long at = v.paramOffset(i);
        int len = v.paramLength(i);
        ParamType type = spec.type();
        if (type == ParamType.PT_DYN) {
            ParamSpec variant = dynamicVariant(v, i, spec);
            return readLong(v, i, variant.type(), at + 1, len - 1);
        }
        return readLong(v, i, type, at, len);
    }

    /** {@return a {@code PT_DOUBLE} parameter's value, or {@link #asLong} of another numeric one} */
    public double asDouble(EventView v, int i) {
        ParamSpec spec = spec(v, i);
        if (spec.type() == ParamType.PT_DOUBLE) {
            checkLength(v, i, spec, 8, v.paramLength(i));
            return v.segment().get(Wire.F64, v.paramOffset(i));
        }
        return asLong(v, i);
    }

    /**
     * {@return the bytes before the first NUL of a string parameter}, or -1 when the parameter reads as
     * {@code <NA>} (empty or the legacy {@code (NULL)}); allocation-free
     */
    public int stringLength(EventView v, int i) {
        requireString(v, i);
        int len = v.paramLength(i);
        long at = v.paramOffset(i);
        if (isLegacyNull(v.segment(), at, len)) {
            return -1;
        }
        return Wire.cstrlen(v.segment(), at, len);
    }

    /**
     * {@return whether string parameter {@code i} equals {@code text}} (ASCII or, byte for byte, UTF-8 without
     * multi-byte characters); a legacy null value equals {@code "<NA>"}. Allocation-free.
     */
    public boolean equalsAscii(EventView v, int i, CharSequence text) {
        requireString(v, i);
        MemorySegment seg = v.segment();
        long at = v.paramOffset(i);
        int len = v.paramLength(i);
        if (isLegacyNull(seg, at, len)) {
            return "<NA>".contentEquals(text);
        }
        int n = Wire.cstrlen(seg, at, len);
        if (n != text.length()) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if ((seg.get(ValueLayout.JAVA_BYTE, at + k) & 0xff) != text.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** {@return whether string parameter {@code i} starts with {@code prefix} (ASCII), allocation-free} */
    public boolean startsWithAscii(EventView v, int i, CharSequence prefix) {
        requireString(v, i);
        MemorySegment seg = v.segment();
        long at = v.paramOffset(i);
        int len = v.paramLength(i);
        if (isLegacyNull(seg, at, len)) {
            return "<NA>".startsWith(prefix.toString());
        }
        int n = Wire.cstrlen(seg, at, len);
        if (n < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if ((seg.get(ValueLayout.JAVA_BYTE, at + k) & 0xff) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return the text of parameter {@code i}}: for a string parameter its characters before the first NUL (or
     * {@code <NA>}), for any other its raw rendering ({@link #renderRaw})
     */
    public String asString(EventView v, int i) {
        ParamSpec spec = spec(v, i);
        if (spec.type().isString()) {
            return stringAt(v.segment(), v.paramOffset(i), v.paramLength(i));
        }
        return renderRaw(v, i);
    }

    /**
     * {@return a byte-buffer parameter as NUL-separated strings (execve {@code args}, {@code env}, ...)}, a trailing
     * NUL ignored, as libsinsp's {@code as<std::vector<std::string>>}
     */
    public List<String> asStringList(EventView v, int i) {
        spec(v, i);
        return splitNul(v.segment(), v.paramOffset(i), v.paramLength(i));
    }

    /** {@return parameter {@code i} decoded as a socket address ({@code PT_SOCKADDR})} */
    public SocketAddress sockaddr(EventView v, int i) {
        requireType(v, i, ParamType.PT_SOCKADDR);
        return SocketAddress.decode(v.segment(), v.paramOffset(i), v.paramLength(i));
    }

    /** {@return parameter {@code i} decoded as a socket tuple ({@code PT_SOCKTUPLE})} */
    public SocketTuple tuple(EventView v, int i) {
        requireType(v, i, ParamType.PT_SOCKTUPLE);
        return SocketTuple.decode(v.segment(), v.paramOffset(i), v.paramLength(i));
    }

    /** Points {@code into} at fd-list parameter {@code i} ({@code PT_FDLIST}) and returns it; allocation-free. */
    public FdList fdList(EventView v, int i, FdList into) {
        requireType(v, i, ParamType.PT_FDLIST);
        return into.pointAt(v.segment(), v.paramOffset(i), v.paramLength(i));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Rendering

    /** {@return {@code evt.arg} text of parameter {@code i} without state: the resolved text, else the raw one} */
    public String render(EventView v, int i) {
        return render(v, i, FdNameResolver.NONE);
    }

    /**
     * {@return libsinsp's {@code evt.arg} text of parameter {@code i}: the resolved text when any, else the raw}
     * Flag, enum and errno names come from memoized or constant strings, so {@code evt.arg.flags} of a recurring
     * value allocates nothing.
     */
    public String render(EventView v, int i, FdNameResolver resolver) {
        ParamSpec spec = spec(v, i);
        ParamType type = spec.type();
        int len = v.paramLength(i);
        if (len == type.fixedWidth() && len > 0) {
            if (spec.flags() != null && (type.isFlags() || type == ParamType.PT_MODE)) {
                int val = (int) asLong(v, i);
                String text = type == ParamType.PT_MODE ? spec.flags().modeText(val)
                        : type.isEnumFlags() ? spec.flags().enumText(val) : spec.flags().flagsText(val);
                if (!text.isEmpty()) {
                    return text;
                }
            } else if (type == ParamType.PT_ERRNO) {
                long val = v.paramU64(i);
                String name = val < 0 ? tables.errnoName(val) : null;
                if (name != null) {
                    return name;
                }
            }
        }
        StringBuilder raw = new StringBuilder();
        StringBuilder resolved = new StringBuilder();
        renderParam(v, i, resolver, raw, resolved);
        return resolved.isEmpty() ? raw.toString() : resolved.toString();
    }

    /**
     * {@return {@code evt.arg.NAME} of the event: {@link #render(EventView, int, FdNameResolver)} of its first
     * parameter called {@code name}, or null when the event has none (the field then has no value)}; for a name
     * read on every event, look the index up once per code with {@link EventTable#paramIndexByCode}
     */
    public String render(EventView v, String name, FdNameResolver resolver) {
        int code = v.type();
        if (code >= tables.eventCount()) {
            return null;
        }
        int i = events.paramIndex(code, name);
        return i < 0 || i >= v.nparams() ? null : render(v, i, resolver);
    }

    /** {@return the raw text of parameter {@code i} (the part before the parentheses in {@code evt.args})} */
    public String renderRaw(EventView v, int i) {
        StringBuilder raw = new StringBuilder();
        renderParam(v, i, FdNameResolver.NONE, raw, new StringBuilder());
        return raw.toString();
    }

    /** {@return the resolved text of parameter {@code i} (inside the parentheses in {@code evt.args}), or empty} */
    public String renderResolved(EventView v, int i, FdNameResolver resolver) {
        StringBuilder resolved = new StringBuilder();
        renderParam(v, i, resolver, new StringBuilder(), resolved);
        return resolved.toString();
    }

    /**
     * {@return libsinsp's {@code evt.args}}: {@code name=raw} or {@code name=raw(resolved)} for every parameter,
     * space-separated; empty for the generic exit event
     */
    public String renderArgs(EventView v, FdNameResolver resolver) {
        StringBuilder out = new StringBuilder();
        appendArgs(out, v, resolver);
        return out.toString();
    }

    /** Appends {@link #renderArgs}'s text to {@code out}. */
    public StringBuilder appendArgs(StringBuilder out, EventView v, FdNameResolver resolver) {
        requireNonNull(resolver, "resolver is null");
        int code = v.type();
        if (code == EventTable.GENERIC_X) {
            return out;
        }
        int n = code < tables.eventCount() ? Math.min(v.nparams(), tables.paramCount(code)) : 0;
        StringBuilder raw = new StringBuilder();
        StringBuilder resolved = new StringBuilder();
        for (int i = 0; i < n; i++) {
            raw.setLength(0);
            resolved.setLength(0);
            renderParam(v, i, resolver, raw, resolved);
            if (i > 0) {
                out.append(' ');
            }
            out.append(tables.param(code, i).name()).append('=').append(raw);
            if (!resolved.isEmpty()) {
                out.append('(').append(resolved).append(')');
            }
        }
        return out;
    }

    private void renderParam(EventView v, int i, FdNameResolver r, StringBuilder raw, StringBuilder resolved) {
        ParamSpec spec = spec(v, i);
        MemorySegment seg = v.segment();
        long at = v.paramOffset(i);
        int len = v.paramLength(i);
        ParamType type = spec.type();
        if (len == 0 && !type.isString()) {
            raw.append(switch (type) {
                case PT_BYTEBUF, PT_SOCKTUPLE, PT_FDLIST, PT_CHARBUFARRAY, PT_CHARBUF_PAIR_ARRAY, PT_DYN -> "NULL";
                default -> "<NA>";
            });
            return;
        }
        if (type == ParamType.PT_DYN) {
            int variant = Wire.u8(seg, at);
            if (variant >= spec.dynamic().size()) {
                raw.append("INVALID DYNAMIC PARAMETER");
                return;
            }
            ParamSpec dyn = spec.dynamic().get(variant);
            renderValue(v, i, dyn.type(), spec, at + 1, len - 1, r, raw, resolved);
            return;
        }
        renderValue(v, i, type, spec, at, len, r, raw, resolved);
    }

    private void renderValue(EventView v, int i, ParamType type, ParamSpec spec, long at, int len, FdNameResolver r,
                             StringBuilder raw, StringBuilder resolved) {
        MemorySegment seg = v.segment();
        PrintFormat fmt = spec.format();
        switch (type) {
            case PT_INT8, PT_INT16, PT_INT32, PT_UINT8, PT_UINT16, PT_UINT32 ->
                    CFormat.appendInt(raw, (int) readForText(v, i, type, at, len), fmt);
            case PT_INT64, PT_UINT64 -> CFormat.appendLong(raw, readForText(v, i, type, at, len), fmt);
            case PT_FD, PT_FD32 -> renderFd(readForText(v, i, type, at, len), r, raw, resolved);
            case PT_PID, PT_PID32 -> {
                long pid = readForText(v, i, type, at, len);
                raw.append(pid);
                String comm = r.threadComm(pid);
                if (comm != null) {
                    resolved.append(comm);
                }
            }
            case PT_ERRNO -> {
                long val = readForText(v, i, type, at, len);
                raw.append(val);
                if (val < 0) {
                    appendIfNotNull(resolved, tables.errnoName(val));
                }
            }
            case PT_CHARBUF -> raw.append(stringAt(seg, at, len));
            case PT_FSPATH, PT_FSRELPATH -> renderPath(v, spec, type, stringAt(seg, at, len), r, raw, resolved);
            case PT_BYTEBUF -> appendDots(raw, seg, at, len, maxBufferChars);
            case PT_SOCKADDR -> SocketAddress.decode(seg, at, len).appendTo(raw);
            case PT_SOCKTUPLE -> SocketTuple.decode(seg, at, len).appendTo(raw);
            case PT_FDLIST -> renderFdList(seg, at, len, r, raw);
            case PT_SYSCALLID -> {
                int sc = (int) readForText(v, i, type, at, len);
                if (sc >= events.syscallCount()) {
                    raw.append("<unknown syscall>");
                } else {
                    raw.append(sc);
                    appendIfNotNull(resolved, events.syscallName(sc));
                }
            }
            case PT_SIGTYPE -> {
                int sig = (int) readForText(v, i, type, at, len);
                raw.append(sig);
                appendIfNotNull(resolved, tables.signalName(sig));
            }
            case PT_RELTIME -> {
                long ns = readForText(v, i, type, at, len);
                if (ns == -1) {
                    raw.append("none");
                } else {
                    raw.append(Long.toUnsignedString(ns));
                    resolved.append(CFormat.g(unsignedToDouble(ns) / 1_000_000_000d)).append('s');
                }
            }
            case PT_ABSTIME -> {
                long ns = readForText(v, i, type, at, len);
                long sec = Long.divideUnsigned(ns, 1_000_000_000L);
                long nsec = Long.remainderUnsigned(ns, 1_000_000_000L);
                ZonedDateTime t = Instant.ofEpochSecond(sec).atZone(zone);
                raw.append(ABSTIME.format(t)).append(String.format("%09d", nsec));
            }
            case PT_FLAGS8, PT_FLAGS16, PT_FLAGS32, PT_ENUMFLAGS8, PT_ENUMFLAGS16, PT_ENUMFLAGS32 -> {
                int val = (int) readForText(v, i, type, at, len);
                raw.append(Integer.toUnsignedString(val));
                FlagTable flags = spec.flags();
                if (flags != null) {
                    resolved.append(type.isEnumFlags() ? flags.enumText(val) : flags.flagsText(val));
                }
            }
            case PT_MODE -> {
                int val = (int) readForText(v, i, type, at, len);
                CFormat.appendInt(raw, val, fmt);
                if (spec.flags() != null) {
                    resolved.append(spec.flags().modeText(val));
                }
            }
            case PT_UID, PT_GID -> {
                long val = readForText(v, i, type, at, len);
                if (val == 0xffff_ffffL) {
                    raw.append("-1");
                    resolved.append("<NONE>");
                } else {
                    raw.append((int) val);
                    String name = type == ParamType.PT_UID ? r.userName(val) : r.groupName(val);
                    resolved.append(name == null || name.isEmpty() ? "<NA>" : name);
                }
            }
            case PT_SIGSET -> {
                int val = (int) readForText(v, i, type, at, len);
                boolean first = true;
                for (int sig = 0; sig < 32; sig++) {
                    if ((val & (1 << sig)) != 0) {
                        String name = tables.signalName(sig + 1);
                        if (name != null) {
                            raw.append(first ? "" : " ").append(name);
                            first = false;
                        }
                    }
                }
            }
            case PT_CHARBUFARRAY -> raw.append(String.join(".", splitNul(seg, at, len)));
            case PT_CHARBUF_PAIR_ARRAY -> renderPairs(splitNul(seg, at, len), raw);
            case PT_PORT, PT_L4PROTO, PT_SOCKFAMILY, PT_BOOL -> raw.append(readForText(v, i, type, at, len));
            case PT_IPV4ADDR -> AddressText.appendIpv4(raw, (int) readForText(v, i, type, at, len));
            case PT_IPV6ADDR -> {
                checkLength(v, i, spec, 16, len);
                AddressText.appendIpv6(raw, Wire.bytes(seg, at, 16));
            }
            case PT_DOUBLE -> {
                checkLength(v, i, spec, 8, len);
                raw.append(CFormat.g(seg.get(Wire.F64, at)));
            }
            case PT_NONE, PT_DYN, PT_IPV4NET, PT_IPV6NET, PT_IPADDR, PT_IPNET -> raw.append("(n.a.)");
        }
    }

    private void renderFd(long fd, FdNameResolver r, StringBuilder raw, StringBuilder resolved) {
        raw.append(fd);
        if (!r.hasThread()) {
            return;
        }
        if (fd >= 0) {
            int mark = resolved.length();
            if (!r.appendFd(fd, resolved)) {
                resolved.setLength(mark);
            }
        } else if (fd == AT_FDCWD) {
            resolved.append("AT_FDCWD");
        } else {
            appendIfNotNull(resolved, tables.errnoName(fd));
        }
    }

    private void renderPath(EventView v, ParamSpec spec, ParamType type, String path, FdNameResolver r,
                            StringBuilder raw, StringBuilder resolved) {
        raw.append(path);
        if (!r.hasThread() || path.equals("<NA>") || path.isEmpty() || path.charAt(0) == '/') {
            return;
        }
        long dirfd = AT_FDCWD;
        if (type == ParamType.PT_FSRELPATH) {
            int d = spec.dirfdIndex();
            int code = v.type();
            if (d >= 0 && d < v.nparams() && d < tables.paramCount(code)
                    && tables.param(code, d).type() == ParamType.PT_FD && v.paramLength(d) == 8) {
                dirfd = v.paramU64(d);
            }
        }
        String abs = r.resolvePath(dirfd, path);
        if (abs != null) {
            resolved.append(abs.length() > MAX_TEXT_PATH ? abs.substring(0, MAX_TEXT_PATH) : abs);
        }
    }

    private static void renderFdList(MemorySegment seg, long at, int len, FdNameResolver r, StringBuilder raw) {
        if (!r.hasThread() || len < FdList.COUNT_BYTES) {
            return;
        }
        FdList list = new FdList().pointAt(seg, at, len);
        for (int j = 0; j < list.count(); j++) {
            long fd = list.fd(j);
            if (j > 0) {
                raw.append(' ');
            }
            raw.append(Long.toUnsignedString(fd)).append(':').append(r.fdTypeChar(fd))
                    .append(Integer.toHexString((short) list.flags(j)));
        }
    }

    private static void renderPairs(List<String> items, StringBuilder raw) {
        for (int k = 0; k + 1 < items.size(); k += 2) {
            if (k > 0) {
                raw.append(',');
            }
            raw.append(items.get(k)).append(':').append(items.get(k + 1));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    private long readLong(EventView v, int i, ParamType type, long at, int len) {
        MemorySegment seg = v.segment();
        int width = type.fixedWidth();
        if (width < 0 || width == 16) {
            throw new ParamDecodeException("param " + i + " (" + spec(v, i).name() + ") of event type " + v.type()
                    + " (" + events.byCode(v.type()).name() + ") is " + type + ", not a number");
        }
        if (len != width) {
            throw new ParamDecodeException("could not parse param " + i + " (" + spec(v, i).name()
                    + ") for event of type " + v.type() + " (" + events.byCode(v.type()).name() + "), for tid "
                    + v.tid() + ": expected length " + width + ", found " + len);
        }
        return switch (type) {
            case PT_INT8 -> seg.get(ValueLayout.JAVA_BYTE, at);
            case PT_INT16 -> seg.get(Wire.U16, at);
            case PT_INT32, PT_FD32, PT_PID32 -> Wire.i32(seg, at);
            case PT_IPV4ADDR -> Integer.toUnsignedLong(Wire.ipv4(seg, at));
            case PT_DOUBLE -> (long) seg.get(Wire.F64, at);
            default -> switch (width) {
                case 1 -> Wire.u8(seg, at);
                case 2 -> Wire.u16(seg, at);
                case 4 -> Integer.toUnsignedLong(Wire.i32(seg, at));
                default -> Wire.i64(seg, at);
            };
        };
    }

    /**
     * Reads a number for rendering: like {@link #readLong}, but a value of 1, 2, 4 or 8 bytes that is not the
     * type's width (an old layout the capture reader delivers unconverted) is read at its own width, sign-extended
     * for signed types, instead of failing the whole output.
     */
    private long readForText(EventView v, int i, ParamType type, long at, int len) {
        int width = type.fixedWidth();
        if (width <= 0 || width == 16 || len == width || !(len == 1 || len == 2 || len == 4 || len == 8)) {
            return readLong(v, i, type, at, len);
        }
        MemorySegment seg = v.segment();
        boolean signed = switch (type) {
            case PT_INT8, PT_INT16, PT_INT32, PT_INT64, PT_FD, PT_PID, PT_ERRNO, PT_FD32, PT_PID32 -> true;
            default -> false;
        };
        return switch (len) {
            case 1 -> signed ? seg.get(ValueLayout.JAVA_BYTE, at) : Wire.u8(seg, at);
            case 2 -> signed ? seg.get(Wire.U16, at) : Wire.u16(seg, at);
            case 4 -> signed ? Wire.i32(seg, at) : Integer.toUnsignedLong(Wire.i32(seg, at));
            default -> Wire.i64(seg, at);
        };
    }

    private ParamSpec dynamicVariant(EventView v, int i, ParamSpec spec) {
        int len = v.paramLength(i);
        if (len == 0) {
            throw new ParamDecodeException("param " + i + " (" + spec.name() + ") of event type " + v.type()
                    + " is empty");
        }
        int variant = v.paramU8(i);
        if (variant >= spec.dynamic().size()) {
            throw new ParamDecodeException("param " + i + " (" + spec.name() + ") of event type " + v.type()
                    + " selects dynamic variant " + variant + " of " + spec.dynamic().size());
        }
        return spec.dynamic().get(variant);
    }

    private void checkLength(EventView v, int i, ParamSpec spec, int width, int len) {
        if (len != width) {
            throw new ParamDecodeException("could not parse param " + i + " (" + spec.name()
                    + ") for event of type " + v.type() + " (" + events.byCode(v.type()).name() + "), for tid "
                    + v.tid() + ": expected length " + width + ", found " + len);
        }
    }

    private void requireString(EventView v, int i) {
        ParamSpec spec = spec(v, i);
        if (!spec.type().isString()) {
            throw new ParamDecodeException("param " + i + " (" + spec.name() + ") of event type " + v.type()
                    + " is " + spec.type() + ", not a string");
        }
    }

    private void requireType(EventView v, int i, ParamType type) {
        ParamSpec spec = spec(v, i);
        if (spec.type() != type) {
            throw new ParamDecodeException("param " + i + " (" + spec.name() + ") of event type " + v.type()
                    + " is " + spec.type() + ", not " + type);
        }
    }

    private static boolean isLegacyNull(MemorySegment seg, long at, int len) {
        if (len == 0) {
            return true;
        }
        if (len != 7) {
            return false;
        }
        byte[] nul = {'(', 'N', 'U', 'L', 'L', ')', 0};
        for (int k = 0; k < 7; k++) {
            if (seg.get(ValueLayout.JAVA_BYTE, at + k) != nul[k]) {
                return false;
            }
        }
        return true;
    }

    private static String stringAt(MemorySegment seg, long at, int len) {
        return isLegacyNull(seg, at, len) ? "<NA>" : Wire.cstring(seg, at, len);
    }

    private static List<String> splitNul(MemorySegment seg, long at, int len) {
        int n = len;
        if (n > 0 && seg.get(ValueLayout.JAVA_BYTE, at + n - 1) == 0) {
            n--;
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int k = 0; k <= n; k++) {
            if (k == n || seg.get(ValueLayout.JAVA_BYTE, at + k) == 0) {
                byte[] b = Wire.bytes(seg, at + start, k - start);
                out.add(new String(b, StandardCharsets.UTF_8));
                start = k + 1;
            }
        }
        if (n == 0) {
            out.clear();
        }
        return out;
    }

    private static void appendDots(StringBuilder out, MemorySegment seg, long at, int len, int max) {
        boolean cut = max > 0 && len > max;
        int n = cut ? max : len;
        int start = out.length();
        for (int k = 0; k < n; k++) {
            int b = seg.get(ValueLayout.JAVA_BYTE, at + k) & 0xff;
            out.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        if (cut && max > 3) {
            out.replace(start + max - 3, start + max, "...");
        }
    }

    private static void appendIfNotNull(StringBuilder out, String s) {
        if (s != null) {
            out.append(s);
        }
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : new BigDecimal(Long.toUnsignedString(v)).doubleValue();
    }

    /** printf conversions of C as libsinsp uses them. */
    static final class CFormat {
        private CFormat() {}

        static void appendInt(StringBuilder out, int v, PrintFormat fmt) {
            switch (fmt) {
                case PF_HEX -> out.append(Integer.toHexString(v).toUpperCase(Locale.ROOT));
                case PF_OCT -> out.append(v == 0 ? "0" : "0" + Integer.toOctalString(v));
                case PF_10_PADDED_DEC -> out.append(String.format("%09d", v));
                case PF_NA, PF_DEC, PF_ID, PF_DIR -> out.append(v);
            }
        }

        static void appendLong(StringBuilder out, long v, PrintFormat fmt) {
            switch (fmt) {
                case PF_HEX -> out.append(Long.toHexString(v).toUpperCase(Locale.ROOT));
                case PF_OCT -> out.append(v == 0 ? "0" : "0" + Long.toOctalString(v));
                case PF_10_PADDED_DEC -> out.append(String.format("%09d", v));
                case PF_NA, PF_DEC, PF_ID, PF_DIR -> out.append(v);
            }
        }

        /** {@return C's {@code %g} of {@code v}: six significant digits, trailing zeros removed} */
        static String g(double v) {
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            if (v == 0) {
                return (1 / v < 0) ? "-0" : "0";
            }
            BigDecimal d = new BigDecimal(v).round(new MathContext(6, RoundingMode.HALF_EVEN));
            int exp = d.precision() - d.scale() - 1;
            if (exp < -4 || exp >= 6) {
                BigDecimal mantissa = d.movePointLeft(exp);
                String m = stripZeros(mantissa.setScale(5, RoundingMode.HALF_EVEN).toPlainString());
                String e = String.valueOf(Math.abs(exp));
                return m + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
            }
            return stripZeros(d.setScale(Math.max(0, 5 - exp), RoundingMode.HALF_EVEN).toPlainString());
        }

        private static String stripZeros(String s) {
            if (s.indexOf('.') < 0) {
                return s;
            }
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            return s.substring(0, end);
        }
    }
}
