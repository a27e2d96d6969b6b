package dev.peregrine.rules.compile;

import static dev.peregrine.rules.fields.FieldFlag.ARG_ALLOWED;
import static dev.peregrine.rules.fields.FieldFlag.ARG_INDEX;
import static dev.peregrine.rules.fields.FieldFlag.ARG_KEY;
import static dev.peregrine.rules.fields.FieldFlag.ARG_REQUIRED;
import static dev.peregrine.rules.fields.FieldFlag.FILTER_ONLY;
import static dev.peregrine.rules.fields.FieldFlag.IS_LIST;
import static dev.peregrine.rules.fields.FieldFlag.NO_RHS;
import static dev.peregrine.rules.fields.FieldFlag.NO_TRANSFORMER;

import dev.peregrine.rules.fields.Extractor;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldArgumentException;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldFlag;
import dev.peregrine.rules.fields.FieldInfo;
import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.fields.ResolvedField;
import dev.peregrine.rules.fields.Values;
import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small field catalog and a Map-backed extractor binding for tests: an event is a {@code Map} from a field's
 * canonical text ({@code proc.name}, {@code proc.env[HOME]}) to its value(s); a missing key is a missing field.
 * Values: String, Long/Integer, Boolean, Double, byte[] (addresses, buffers) or a List of those for several values.
 */
public final class TestFields {
    public static final FieldCatalog CATALOG = new Catalog();

    /** Extractor calls per field text, to prove per-event caching. */
    public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    public static final ExtractorBinding BINDING = TestFields::bind;

    private TestFields() {
    }

    private static final class Catalog implements FieldCatalog {
        private final Map<String, FieldInfo> fields = new LinkedHashMap<>();

        Catalog() {
            add("evt.type", FieldType.CHARBUF);
            add("evt.dir", FieldType.CHARBUF);
            add("evt.num", FieldType.UINT64);
            add("evt.time", FieldType.ABSTIME);
            add("evt.rawres", FieldType.INT32);
            add("evt.cpu", FieldType.INT16);
            add("evt.i8", FieldType.INT8);
            add("evt.u8", FieldType.UINT8);
            add("evt.d", FieldType.DOUBLE);
            add("evt.buffer", FieldType.BYTEBUF);
            add("evt.sock", FieldType.SOCKADDR);
            add("evt.is_open_read", FieldType.BOOL);
            add("evt.arg", FieldType.CHARBUF, ARG_REQUIRED, ARG_KEY);
            add("proc.name", FieldType.CHARBUF);
            add("proc.pname", FieldType.CHARBUF);
            add("proc.cmdline", FieldType.CHARBUF);
            add("proc.exepath", FieldType.FSPATH);
            add("proc.pid", FieldType.INT64);
            add("proc.ppid", FieldType.INT64);
            add("proc.env", FieldType.CHARBUF, ARG_ALLOWED, ARG_KEY);
            add("proc.aname", FieldType.CHARBUF, ARG_ALLOWED, ARG_INDEX, NO_RHS, NO_TRANSFORMER);
            add("proc.cmdargs", FieldType.CHARBUF, IS_LIST);
            add("proc.argv", FieldType.CHARBUF, IS_LIST);
            add("user.uid", FieldType.UINT32);
            add("user.gid", FieldType.GID);
            add("fd.name", FieldType.FSPATH);
            add("fd.directory", FieldType.FSPATH);
            add("fd.sport", FieldType.PORT);
            add("fd.sip", FieldType.IPADDR);
            add("fd.cip4", FieldType.IPV4ADDR);
            add("fd.sip6", FieldType.IPV6ADDR);
            add("fd.net", FieldType.IPNET, FILTER_ONLY, NO_RHS, NO_TRANSFORMER);
            add("fd.ip", FieldType.IPADDR, FILTER_ONLY, NO_RHS, NO_TRANSFORMER);
            add("fd.port", FieldType.PORT, FILTER_ONLY, NO_RHS, NO_TRANSFORMER);
            add("evt.nums", FieldType.UINT64, IS_LIST);
            add("k8s.ips", FieldType.IPADDR, IS_LIST);
            add("k8s.nets", FieldType.IPNET, IS_LIST);
            add("evt.pids", FieldType.INT64, IS_LIST);
            add("evt.flags", FieldType.FLAGS32);
        }

        private void add(String name, FieldType type, FieldFlag... flags) {
            Set<FieldFlag> f = flags.length == 0 ? Set.of() : EnumSet.copyOf(List.of(flags));
            fields.put(name, new FieldInfo(name, type, f, name.substring(0, name.indexOf('.')), name));
        }

        @Override
        public String source() {
            return "syscall";
        }

        @Override
        public Collection<FieldInfo> fields() {
            return fields.values();
        }

        @Override
        public Optional<ResolvedField> resolve(String name, String bracketArg) throws FieldArgumentException {
            FieldInfo exact = fields.get(name);
            if (exact != null) {
                if (bracketArg != null && !exact.takesArg()) {
                    throw new FieldArgumentException("field '" + name + "' does not take an argument");
                }
                if (bracketArg == null && exact.has(ARG_REQUIRED)) {
                    throw new FieldArgumentException("filter error: field '" + name + "' requires an argument");
                }
                if (bracketArg != null && exact.has(ARG_INDEX) && !bracketArg.chars().allMatch(Character::isDigit)) {
                    throw new FieldArgumentException("filter error: invalid index argument '" + bracketArg + "'");
                }
                return Optional.of(new ResolvedField(exact, bracketArg));
            }
            FieldInfo best = null;
            for (FieldInfo f : fields.values()) {
                if (name.startsWith(f.name() + ".") && (best == null || f.name().length() > best.name().length())) {
                    best = f;
                }
            }
            if (best == null || !best.takesArg() || bracketArg != null) {
                return Optional.empty();
            }
            return Optional.of(new ResolvedField(best, name.substring(best.name().length() + 1)));
        }
    }

    private static Extractor bind(ResolvedField field) {
        String key = field.text();
        FieldType type = field.info().type();
        return (event, out) -> {
            CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) event;
            if (m == null || !m.containsKey(key)) {
                return false;
            }
            Object v = m.get(key);
            if (v instanceof List<?> l) {
                for (Object o : l) {
                    add(type, o, out);
                }
            } else {
                add(type, v, out);
            }
            return true;
        };
    }

    private static void add(FieldType type, Object o, Values out) {
        switch (o) {
            case String s -> out.addString(s);
            case Boolean b -> out.addBool(b);
            case Double d -> out.addDouble(d);
            case Number n -> out.addLong(n.longValue());
            case byte[] b -> out.addBytes(b);
            default -> throw new IllegalArgumentException("bad test value " + o + " for " + type);
        }
    }

    // ---- tree builders

    public static final Pos P = Pos.START;

    public static Expr.Field f(String name) {
        return new Expr.Field(name, null, P);
    }

    public static Expr.Field f(String name, String arg) {
        return new Expr.Field(name, arg, P);
    }

    public static Expr check(Expr left, String op, String value) {
        return new Expr.BinaryCheck(left, op, new Expr.Value(value, P), P);
    }

    public static Expr check(String field, String op, String value) {
        return check(f(field), op, value);
    }

    public static Expr checkList(String field, String op, String... values) {
        return new Expr.BinaryCheck(f(field), op, new Expr.ListValue(List.of(values), P), P);
    }

    public static Expr checkVal(String field, String op, String rhsField) {
        return new Expr.BinaryCheck(f(field), op, new Expr.Transformer("val", List.of(f(rhsField)), null, P), P);
    }

    public static Expr.Transformer tr(String name, Expr... args) {
        return new Expr.Transformer(name, List.of(args), null, P);
    }

    public static Expr exists(String field) {
        return new Expr.UnaryCheck(f(field), "exists", P);
    }

    public static Expr and(Expr... c) {
        return new Expr.And(List.of(c), P);
    }

    public static Expr or(Expr... c) {
        return new Expr.Or(List.of(c), P);
    }

    public static Expr not(Expr c) {
        return new Expr.Not(c, P);
    }

    public static byte[] ip(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    /** {@return a compiler over the test catalog; known event types are open, openat, execve, connect} */
    public static ConditionCompiler compiler(FieldSlots slots) {
        return new ConditionCompiler(CATALOG, BINDING, slots,
                name -> Set.of("open", "openat", "execve", "connect", "switch").contains(name));
    }
}
