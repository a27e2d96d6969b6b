package dev.peregrine.rules.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The compiled condition agrees with a naive reference interpreter of the Expr tree on random trees and random
 * events drawn from a small value domain (so that equalities, prefixes and memberships actually happen).
 */
class CompiledConditionPropertyTest {
    private static final Pos P = Pos.START;
    private static final String[] STRINGS = {"", "a", "ab", "abc", "/a", "/a/b", "/ab", "A", "Ab", "/a/b/c"};
    private static final String[] GLOBS = {"a*", "*b", "?b*", "*", "/a/*", "A?"};
    private static final String[] REGEXES = {"a.*", "ab?c?", ".*", "/a(/b)?", "[aA]b"};
    private static final String[] PATHS = {"/a", "/a/b", "/ab", "/", "/a/b/c/d"};
    private static final String[] NUMBERS = {"-2", "-1", "0", "1", "2", "255", "300", "18446744073709551615"};
    private static final long[] LONGS = {-2, -1, 0, 1, 2, 44, 255, 300};
    private static final String[] IPS = {"10.0.0.1", "10.0.0.2", "::1"};
    private static final String[] STRING_FIELDS = {"proc.name", "proc.pname", "fd.name"};
    private static final String[] NUM_FIELDS = {"proc.pid", "evt.num", "evt.u8"};
    private static final String[] STRING_OPS = {"=", "!=", "<", ">", "contains", "icontains", "startswith",
        "endswith", "glob", "regex", "in", "intersects", "pmatch", "startswith anyof", "endswith oneof",
        "contains allof", "= anyof", "!= allof"};
    private static final String[] NUM_OPS = {"=", "!=", "<", "<=", ">", ">=", "in", "= oneof", "< allof"};

    @Property(tries = 300)
    void compiled_agreesWithReferenceInterpreter(@ForAll long seed) throws CompileException {
        Random r = new Random(seed);
        Expr cond = tree(r, 3);
        FieldSlots slots = new FieldSlots();
        CompiledCondition c = TestFields.compiler(slots).compile(cond);
        EvalContext ctx = new EvalContext(slots);
        for (int i = 0; i < 30; i++) {
            Map<String, Object> event = event(r);
            ctx.reset(event);
            assertThat(c.matches(ctx)).as("%s on %s", cond, event).isEqualTo(ref(cond, event));
        }
    }

    // ---- generation

    private static Expr tree(Random r, int depth) {
        int k = depth == 0 ? 3 + r.nextInt(5) : r.nextInt(8);
        return switch (k) {
            case 0 -> new Expr.And(List.of(tree(r, depth - 1), tree(r, depth - 1), tree(r, depth - 1)), P);
            case 1 -> new Expr.Or(List.of(tree(r, depth - 1), tree(r, depth - 1)), P);
            case 2 -> new Expr.Not(tree(r, depth - 1), P);
            case 3, 4 -> stringCheck(r);
            case 5 -> numCheck(r);
            case 6 -> r.nextBoolean() ? listCheck(r) : boolCheck(r);
            default -> r.nextBoolean() ? ipCheck(r)
                    : new Expr.UnaryCheck(new Expr.Field(pick(r, STRING_FIELDS), null, P), "exists", P);
        };
    }

    private static <T> T pick(Random r, T[] a) {
        return a[r.nextInt(a.length)];
    }

    private static Expr rhs(Random r, String op, String[] domain) {
        boolean list = op.equals("in") || op.equals("intersects") || op.equals("pmatch") || op.contains(" ");
        if (!list) {
            return new Expr.Value(pick(r, domain), P);
        }
        List<String> vs = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            vs.add(pick(r, domain));
        }
        return new Expr.ListValue(vs, P);
    }

    private static Expr stringCheck(Random r) {
        String op = pick(r, STRING_OPS);
        String[] domain = switch (op) {
            case "glob" -> GLOBS;
            case "regex" -> REGEXES;
            case "pmatch" -> PATHS;
            default -> STRINGS;
        };
        String leftName = pick(r, STRING_FIELDS);
        Expr left = new Expr.Field(leftName, null, P);
        if (r.nextInt(5) == 0 && !op.equals("pmatch")) {
            left = new Expr.Transformer("tolower", List.of(left), null, P);
        }
        if (r.nextInt(8) == 0 && !op.equals("regex") && !op.equals("pmatch") && !op.contains(" ")
                && !leftName.equals("fd.name")) {
            // val() needs both sides of the same type: fd.name is FSPATH, the others CHARBUF
            String other = pick(r, new String[] {"proc.name", "proc.pname"});
            return new Expr.BinaryCheck(left, op,
                    new Expr.Transformer("val", List.of(new Expr.Field(other, null, P)), null, P), P);
        }
        return new Expr.BinaryCheck(left, op, rhs(r, op, domain), P);
    }

    private static Expr numCheck(Random r) {
        String op = pick(r, NUM_OPS);
        return new Expr.BinaryCheck(new Expr.Field(pick(r, NUM_FIELDS), null, P), op, rhs(r, op, NUMBERS), P);
    }

    private static Expr boolCheck(Random r) {
        String op = r.nextBoolean() ? "=" : "!=";
        return new Expr.BinaryCheck(new Expr.Field("evt.is_open_read", null, P), op,
                new Expr.Value(r.nextBoolean() ? "true" : "false", P), P);
    }

    private static Expr ipCheck(Random r) {
        String op = pick(r, new String[] {"=", "!=", "in"});
        return new Expr.BinaryCheck(new Expr.Field("fd.sip", null, P), op, rhs(r, op, IPS), P);
    }

    private static Expr listCheck(Random r) {
        String op = r.nextBoolean() ? "in" : "intersects";
        return new Expr.BinaryCheck(new Expr.Field("proc.cmdargs", null, P), op, rhs(r, op, STRINGS), P);
    }

    private static Map<String, Object> event(Random r) {
        Map<String, Object> m = new HashMap<>();
        for (String f : STRING_FIELDS) {
            if (r.nextInt(6) != 0) {
                m.put(f, pick(r, STRINGS));
            }
        }
        for (String f : NUM_FIELDS) {
            if (r.nextInt(6) != 0) {
                m.put(f, LONGS[r.nextInt(LONGS.length)]);
            }
        }
        if (r.nextInt(4) != 0) {
            m.put("evt.is_open_read", r.nextBoolean());
        }
        if (r.nextInt(4) != 0) {
            m.put("fd.sip", switch (r.nextInt(3)) {
                case 0 -> new byte[] {10, 0, 0, 1};
                case 1 -> new byte[] {10, 0, 0, 2};
                default -> {
                    byte[] b = new byte[16];
                    b[15] = 1;
                    yield b;
                }
            });
        }
        if (r.nextInt(4) != 0) {
            List<String> l = new ArrayList<>();
            int n = r.nextInt(3);
            for (int i = 0; i < n; i++) {
                l.add(pick(r, STRINGS));
            }
            m.put("proc.cmdargs", l);
        }
        return m;
    }

    // ---- reference interpreter: direct, unoptimised reading of the semantics

    private static boolean ref(Expr e, Map<String, Object> ev) {
        return switch (e) {
            case Expr.And a -> a.children().stream().allMatch(c -> ref(c, ev));
            case Expr.Or o -> o.children().stream().anyMatch(c -> ref(c, ev));
            case Expr.Not n -> !ref(n.child(), ev);
            case Expr.UnaryCheck u -> value(u.left(), ev) != null;
            case Expr.BinaryCheck b -> refCheck(b, ev);
            default -> throw new IllegalArgumentException(e.toString());
        };
    }

    private static Object value(Expr left, Map<String, Object> ev) {
        if (left instanceof Expr.Transformer t) {
            Object v = value(t.args().getFirst(), ev);
            return v == null ? null : ((String) v).toLowerCase();
        }
        return ev.get(((Expr.Field) left).name());
    }

    private static List<String> rhsValues(Expr right, Map<String, Object> ev) {
        return switch (right) {
            case Expr.Value v -> List.of(v.value());
            case Expr.ListValue l -> l.values();
            default -> throw new IllegalArgumentException();
        };
    }

    private static boolean refCheck(Expr.BinaryCheck b, Map<String, Object> ev) {
        Object v = value(b.left(), ev);
        if (v == null) {
            return false;
        }
        String field = b.left() instanceof Expr.Field f ? f.name() : "str";
        String[] parts = b.op().split(" ");
        String op = parts[0];
        String mod = parts.length > 1 ? parts[1] : null;
        if (b.right() instanceof Expr.Transformer t) {
            Object rv = value(t.args().getFirst(), ev);
            if (rv == null) {
                return false;
            }
            return strOp(op, (String) v, (String) rv);
        }
        List<String> rhs = rhsValues(b.right(), ev);
        if (v instanceof List<?> list) {
            if (op.equals("in")) {
                return list.stream().allMatch(rhs::contains);
            }
            return list.stream().anyMatch(rhs::contains);
        }
        java.util.function.Predicate<String> one = switch (v) {
            case String s -> c -> strOp(op, s, c);
            case Boolean bo -> c -> op.equals("=") == (bo == c.equals("true"));
            case byte[] ip -> c -> {
                boolean eq = Arrays.equals(ip, parseIp(c));
                return op.equals("!=") != eq;
            };
            case Long l -> c -> numOp(op, field, l, c);
            default -> throw new IllegalArgumentException();
        };
        if (mod != null) {
            long n = rhs.stream().filter(one).count();
            return switch (mod) {
                case "anyof" -> n > 0;
                case "allof" -> n == rhs.size();
                default -> n == 1;
            };
        }
        if (op.equals("in") || op.equals("intersects")) {
            return rhs.stream().anyMatch(c -> one.test(c));
        }
        if (op.equals("pmatch")) {
            return rhs.stream().anyMatch(c -> pathPrefix(c, (String) v));
        }
        return one.test(rhs.getFirst());
    }

    private static boolean strOp(String op, String s, String c) {
        return switch (op) {
            case "=", "in", "intersects" -> s.equals(c);
            case "!=" -> !s.equals(c);
            case "<" -> s.compareTo(c) < 0;
            case ">" -> s.compareTo(c) > 0;
            case "contains" -> s.contains(c);
            case "icontains" -> s.toLowerCase().contains(c.toLowerCase());
            case "startswith" -> s.startsWith(c);
            case "endswith" -> s.endsWith(c);
            case "glob" -> Pattern.matches(c.replace("*", ".*").replace("?", "."), s);
            case "regex" -> Pattern.matches(c, s);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static boolean pathPrefix(String prefix, String path) {
        List<String> p = Arrays.stream(prefix.split("/")).filter(x -> !x.isEmpty()).toList();
        List<String> s = Arrays.stream(path.split("/")).filter(x -> !x.isEmpty()).toList();
        if (p.isEmpty()) {
            return true;
        }
        return s.size() >= p.size() && s.subList(0, p.size()).equals(p);
    }

    private static boolean numOp(String op, String field, long raw, String c) {
        boolean unsigned = !field.equals("proc.pid");
        long v = field.equals("evt.u8") ? raw & 0xff : raw;
        java.math.BigInteger big = new java.math.BigInteger(c);
        // sscanf("%ld") saturates on overflow; "%lu" keeps the low 64 bits of in-range values
        long k = !unsigned && big.bitLength() > 63 ? (big.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE)
                : big.longValue();
        if (field.equals("evt.u8")) {
            k &= 0xff;
        }
        int cmp = unsigned ? Long.compareUnsigned(v, k) : Long.compare(v, k);
        return switch (op) {
            case "=", "in" -> cmp == 0;
            case "!=" -> cmp != 0;
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            case ">=" -> cmp >= 0;
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static byte[] parseIp(String c) {
        if (c.equals("::1")) {
            byte[] b = new byte[16];
            b[15] = 1;
            return b;
        }
        String[] p = c.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(p[i]);
        }
        return b;
    }
}
