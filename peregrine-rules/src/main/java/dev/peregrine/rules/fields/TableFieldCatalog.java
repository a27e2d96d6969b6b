package dev.peregrine.rules.fields;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link FieldCatalog} over a fixed list of fields, each with the argument syntax of the libsinsp class or
 * plugin that declares it.
 */
final class TableFieldCatalog implements FieldCatalog {
    /* Implementation notes:
     * libsinsp resolves a name by asking each filtercheck class for its longest field-name prefix and then
     * requires the parsed length to cover the whole name (filter_check_list::new_filter_check_from_fldname with
     * do_exact_check). Only a few fields parse a dot argument (evt.arg.NAME, evt.rawarg.NAME, evt.type.is.X,
     * thread.cgroup.X, evt.abspath.src/dst); every other prefix match leaves characters unparsed and the field is
     * "nonexistent". We get the same outcome from an exact HashMap lookup followed by the longest dot-boundary
     * prefix, accepted only for fields whose syntax allows a dot argument (plugin fields with a required argument
     * report their "requires an argument" error there, as libsinsp's plugin check does).
     * Error texts are libsinsp's (sinsp_filter_check_event/thread/fd::extract_arg, sinsp_filter_check_plugin::
     * parse_field_name, sinsp_numparser, sinsp_extractor_compiler::create_filtercheck).
     */

    /** One field and the syntax of its argument. */
    record Entry(FieldInfo info, ArgSyntax syntax) {
        Entry {
            requireNonNull(info, "info is null");
            requireNonNull(syntax, "syntax is null");
        }
    }

    private final String source;
    private final List<FieldInfo> fields;
    private final Map<String, Entry> byName;
    private final EventTable events;

    TableFieldCatalog(String source, List<Entry> entries, EventTable events) {
        this.source = requireNonNull(source, "source is null");
        this.events = requireNonNull(events, "events is null");
        Map<String, Entry> map = new HashMap<>();
        for (Entry e : entries) {
            if (map.putIfAbsent(e.info().name(), e) != null) {
                throw new IllegalArgumentException("duplicate field " + e.info().name() + " in source " + source);
            }
        }
        this.byName = Map.copyOf(map);
        this.fields = entries.stream().map(Entry::info).toList();
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public Collection<FieldInfo> fields() {
        return fields;
    }

    @Override
    public Optional<ResolvedField> resolve(String name, String bracketArg) throws FieldArgumentException {
        requireNonNull(name, "name is null");
        Entry exact = byName.get(name);
        if (exact != null) {
            return bracketArg == null ? bare(exact) : bracket(exact, bracketArg);
        }
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
            Entry prefix = byName.get(name.substring(0, dot));
            if (prefix != null) {
                return bracketArg == null ? dotted(prefix, name.substring(dot + 1), name) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private Optional<ResolvedField> bare(Entry e) throws FieldArgumentException {
        String n = e.info().name();
        return switch (e.syntax()) {
            case NONE, ANCESTOR_INDEX, ENV_KEY, ABSPATH, FD_TYPES -> found(e, null);
            case EVT_ARG, EVT_RAWARG, EVT_TYPE_IS, CGROUP -> throw new FieldArgumentException("filter syntax error: " + n);
            case PLUGIN -> {
                if (e.info().has(FieldFlag.ARG_REQUIRED)) {
                    throw new FieldArgumentException("filter '" + n + "': " + n + " requires an argument but none provided");
                }
                yield found(e, null);
            }
        };
    }

    private Optional<ResolvedField> bracket(Entry e, String arg) throws FieldArgumentException {
        String n = e.info().name();
        String written = n + "[" + arg + "]";
        return switch (e.syntax()) {
            case NONE, ABSPATH -> throw nonexistent(written);
            case ANCESTOR_INDEX -> {
                if (parseInt32(arg) == null) {
                    throw nonexistent(written);
                }
                yield found(e, arg);
            }
            case ENV_KEY -> found(e, arg);
            case EVT_ARG, FD_TYPES -> {
                boolean ok = e.syntax() == ArgSyntax.EVT_ARG ? parseInt32(arg) != null : parseInt64(arg) != null;
                if (!ok) {
                    throw new FieldArgumentException(arg + " is not a valid number");
                }
                yield found(e, arg);
            }
            case EVT_RAWARG -> throw new FieldArgumentException("evt.arg fields must be expressed explicitly");
            case EVT_TYPE_IS, CGROUP -> throw new FieldArgumentException("filter syntax error: " + written);
            case PLUGIN -> pluginBracket(e, arg, written);
        };
    }

    private Optional<ResolvedField> pluginBracket(Entry e, String arg, String written) throws FieldArgumentException {
        FieldInfo f = e.info();
        if (!f.takesArg()) {
            throw new FieldArgumentException("filter '" + written + "': " + f.name()
                    + " does not allow nor require an argument but one is provided: " + arg);
        }
        if (f.has(FieldFlag.ARG_INDEX) && !f.has(FieldFlag.ARG_KEY)) {
            String problem = null;
            if (arg.isEmpty() || (arg.length() > 1 && arg.charAt(0) == '0')) {
                problem = " has an invalid index argument starting with 0: ";
            }
            for (int i = 0; i < arg.length(); i++) {
                if (!Character.isDigit(arg.charAt(i)) || arg.charAt(i) > '9') {
                    problem = " has an invalid index argument not composed only by digits: ";
                    break;
                }
            }
            if (problem == null && arg.length() > 20) {
                problem = " has an invalid index argument not representable on 64 bit: ";
            }
            if (problem != null) {
                throw new FieldArgumentException("filter " + written + " " + f.name() + problem + arg);
            }
        }
        return found(e, arg);
    }

    private Optional<ResolvedField> dotted(Entry e, String arg, String written) throws FieldArgumentException {
        return switch (e.syntax()) {
            case NONE, ANCESTOR_INDEX, ENV_KEY, FD_TYPES -> Optional.empty();
            case EVT_ARG, EVT_RAWARG -> {
                if (events.paramNames().contains(arg)) {
                    yield e.syntax() == ArgSyntax.EVT_RAWARG ? Optional.of(rawarg(e.info(), arg)) : found(e, arg);
                }
                boolean prefixOfArg = events.paramNames().stream().anyMatch(arg::startsWith);
                if (!prefixOfArg) {
                    throw new FieldArgumentException("unknown event argument " + arg);
                }
                throw nonexistent(written);
            }
            case EVT_TYPE_IS -> {
                if (parseUint32(arg) || isEventName(arg)) {
                    yield found(e, arg);
                }
                throw nonexistent(written);
            }
            case CGROUP -> {
                if (!arg.isEmpty() && arg.chars().allMatch(c -> c == '_' || (c < 128 && Character.isLetter(c)))) {
                    yield found(e, arg);
                }
                throw nonexistent(written);
            }
            case ABSPATH -> {
                if (arg.equals("src") || arg.equals("dst")) {
                    yield found(e, arg);
                }
                throw nonexistent(written);
            }
            case PLUGIN -> {
                if (e.info().has(FieldFlag.ARG_REQUIRED)) {
                    throw new FieldArgumentException("filter '" + written + "': " + e.info().name()
                            + " requires an argument but none provided");
                }
                yield Optional.empty();
            }
        };
    }

    private boolean isEventName(String name) {
        for (EventTable.EventInfo info : events.all()) {
            if (info.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code evt.rawarg.NAME} takes, as libsinsp's at compile time, the type of the first parameter called NAME in
     * the event table; parameter types the compiler cannot compare (addresses, tuples, fd lists, ...) stay DYN and are
     * compared as their raw text.
     */
    private ResolvedField rawarg(FieldInfo info, String arg) {
        FieldType t = events.firstParam(arg).map(p -> FieldType.ofPt(p.type())).orElse(FieldType.DYN);
        if (!t.isNumeric() && !t.isString() && t != FieldType.BYTEBUF) {
            t = FieldType.DYN;
        }
        return new ResolvedField(new FieldInfo(info.name(), t, info.flags(), info.fieldClass(), info.description()),
                arg);
    }

    private static Optional<ResolvedField> found(Entry e, String arg) {
        return Optional.of(new ResolvedField(e.info(), arg));
    }

    private static FieldArgumentException nonexistent(String written) {
        return new FieldArgumentException("filter_check called with nonexistent field " + written);
    }

    /** Reads a number as {@code sscanf("%d%c")} does when it matches exactly one item; null when it does not. */
    static Long parseInt32(String text) {
        Long v = parseSigned(text);
        return v != null && v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? v : null;
    }

    static Long parseInt64(String text) {
        return parseSigned(text);
    }

    private static boolean parseUint32(String text) {
        Long v = parseSigned(text);
        return v != null && v >= 0 && v <= 0xFFFF_FFFFL;
    }

    private static Long parseSigned(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        String t = text.substring(i);
        if (!t.matches("[+-]?[0-9]+")) {
            return null;
        }
        try {
            return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
