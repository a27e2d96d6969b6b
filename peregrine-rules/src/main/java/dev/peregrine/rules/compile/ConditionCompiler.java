package dev.peregrine.rules.compile;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.compile.Checks.BytesTest;
import dev.peregrine.rules.compile.Checks.LongTest;
import dev.peregrine.rules.compile.Checks.Mode;
import dev.peregrine.rules.compile.Checks.StrTest;
import dev.peregrine.rules.compile.CompileException.Kind;
import dev.peregrine.rules.compile.Operator.Mod;
import dev.peregrine.rules.compile.Operator.Op;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.fields.ValueFormat;
import dev.peregrine.rules.index.EventTypeSet;
import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles macro-expanded condition trees (no {@link Expr.Identifier} left in check position, lists substituted)
 * into evaluators, checking fields, operators and right-hand values as libsinsp's {@code sinsp_filter_compiler}
 * does, with its messages. One compiler per ruleset and source: the {@link FieldSlots} it fills are shared by
 * every condition and output compiled with them, so each field is extracted once per event.
 *
 * <p>Errors carry the position of the check they occur in (libsinsp reports the compiler's current node).
 */
public final class ConditionCompiler {
    /* Implementation notes: the output is a tree of small final classes (Checks): And/Or hold arrays and
     * short-circuit; a field check reads its slot from the EvalContext and applies a test built here with the
     * constants already parsed into the field's type (longs narrowed to the field width, address bytes, CIDR
     * networks, open-addressing string sets (StringSet) for in/intersects/"= anyof", a component trie for pmatch,
     * compiled globs and regexes).
     * Semantics follow sinsp_filtercheck.cpp compare_rhs / compare_rhs_with_mod and filter_compare.cpp:
     * - regex is a full match (RE2 ANCHOR_BOTH) and, without modifier, uses the first value;
     * - operators other than in/intersects/pmatch with several values compare with the first one;
     * - modifiers: oneof = exactly one value matches, anyof = some, allof = all, no values = false; network
     *   types use "=" for every operator but "!=" (flt_type_is_eq_only);
     * - a value of another IP family than the constant compares unequal ("!=" true, the rest false). */

    private static final Set<String> TRANSFORMER_NAMES =
            Set.of("tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt", "val");
    private static final String EVT_TYPE = "evt.type";
    /** System property that turns generated conditions off ({@code false}): for comparisons and benchmarks. */
    public static final String CODEGEN_PROPERTY = "peregrine.rules.codegen";
    private static final boolean CODEGEN = !"false".equals(System.getProperty(CODEGEN_PROPERTY));
    /**
     * Fields whose libsinsp check compares both ends of a socket (sinsp_filtercheck_fd.cpp compare_ip,
     * compare_port, compare_net): their extractors yield both values, "=" and the others need one end to match,
     * "!=" needs both ends to differ.
     */
    private static final Set<String> BOTH_ENDS_FIELDS = Set.of("fd.ip", "fd.port", "fd.proto", "fd.net");
    /** The host-name fields of an address and the address field each compares (libsinsp's DNS-manager match). */
    private static final Map<String, String> IP_NAME_FIELDS = Map.of("fd.sip.name", "fd.sip",
            "fd.cip.name", "fd.cip", "fd.lip.name", "fd.lip", "fd.rip.name", "fd.rip");

    private final FieldCompiler fields;
    private final Predicate<String> knownEventType;
    private final List<CompileWarning> warnings = new ArrayList<>();
    private final Map<Expr, Integer> memoIds = new HashMap<>();
    private final Map<Integer, Integer> memoUses = new HashMap<>();

    public ConditionCompiler(FieldCatalog catalog, ExtractorBinding binding, FieldSlots slots, EventTable events) {
        this(catalog, binding, slots, requireNonNull(events, "events is null")::isKnownTypeName);
    }

    /**
     * Creates a compiler that validates {@code evt.type} values with {@code knownEventType} instead of an
     * {@link EventTable} (tests, sources without syscall events).
     */
    public ConditionCompiler(FieldCatalog catalog, ExtractorBinding binding, FieldSlots slots,
            Predicate<String> knownEventType) {
        this.fields = new FieldCompiler(catalog, binding, slots);
        this.knownEventType = requireNonNull(knownEventType, "knownEventType is null");
    }

    /** {@return the field compiler this compiler uses, sharing its slots (for outputs and exceptions)} */
    public FieldCompiler fieldCompiler() {
        return fields;
    }

    /**
     * Compiles a condition. The result is generated code ({@link ConditionCodegen}) unless the system property
     * {@value #CODEGEN_PROPERTY} is {@code false}, then the tree of checks it would be generated from.
     */
    public CompiledCondition compile(Expr expanded) throws CompileException {
        return generate(compileTree(expanded), null, null);
    }

    /**
     * Generates the code of a tree this compiler made with {@link #compileTree}, once every condition that may share
     * parts with it has been compiled: boolean nodes met more than once are evaluated once per event. When the
     * condition is only ever evaluated on events of {@code eventTypes} (a rule routed by its event types), its
     * {@code evt.type} checks whose outcome those types decide become constants.
     *
     * @param eventTypes the event codes the condition is evaluated on, or null for any event
     * @param typeName the {@code evt.type} value of an event code, or null when it depends on the event (generic
     *        syscall events); may be null when {@code eventTypes} is
     * @return generated code, or {@code tree} itself when generation is off ({@value #CODEGEN_PROPERTY})
     */
    public CompiledCondition generate(CompiledCondition tree, EventTypeSet eventTypes, IntFunction<String> typeName) {
        requireNonNull(tree, "tree is null");
        if (!CODEGEN) {
            return tree;
        }
        boolean[] shared = new boolean[fields.slots().memoIds()];
        memoUses.forEach((id, uses) -> shared[id] = uses > 1);
        int typeSlot = fields.slots().slotOf(EVT_TYPE);
        List<String> typeNames = typeSlot < 0 || eventTypes == null ? null : fixedNames(eventTypes, typeName);
        try {
            return ConditionCodegen.generate(tree, fields.slots(), shared, typeNames == null ? -1 : typeSlot,
                    typeNames);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // a class the JVM or the class-file builder refuses (a bug; tests check that the bundled rules generate):
            // the tree evaluates the same, only slower
            return tree;
        }
    }

    /**
     * As {@link #generate}, when the condition is first evaluated: for rules, most of which a session never
     * evaluates. Call it once every condition that may share parts with {@code tree} has been compiled.
     */
    public CompiledCondition generateOnFirstUse(CompiledCondition tree, EventTypeSet eventTypes,
            IntFunction<String> typeName) {
        requireNonNull(tree, "tree is null");
        return CODEGEN ? new LazyCondition(() -> generate(tree, eventTypes, typeName)) : tree;
    }

    /**
     * {@return whether {@code condition} runs generated code} (generating it now if it is generated on first use):
     * for tests that compare generated code with its tree.
     */
    public static boolean isGenerated(CompiledCondition condition) {
        CompiledCondition c = condition instanceof LazyCondition lazy ? lazy.code() : condition;
        return c.getClass().isHidden();
    }

    /** {@return the evt.type values of the codes, or null if one of them has no fixed value} */
    private static List<String> fixedNames(EventTypeSet eventTypes, IntFunction<String> typeName) {
        List<String> names = new ArrayList<>();
        BitSet codes = eventTypes.codes();
        for (int c = codes.nextSetBit(0); c >= 0; c = codes.nextSetBit(c + 1)) {
            String name = typeName.apply(c);
            if (name == null) {
                return null;
            }
            names.add(name);
        }
        return names.isEmpty() ? null : names;
    }

    /**
     * Compiles a condition to the tree of checks it would be generated from, evaluated by walking it: the
     * reference the generated code is tested against.
     */
    public CompiledCondition compileTree(Expr expanded) throws CompileException {
        requireNonNull(expanded, "expanded is null");
        return node(expanded);
    }

    /** {@return the warnings of every compile call so far, drained} */
    public List<CompileWarning> drainWarnings() {
        List<CompileWarning> out = List.copyOf(warnings);
        warnings.clear();
        return out;
    }

    private CompiledCondition node(Expr e) throws CompileException {
        return switch (e) {
            case Expr.And a -> new Checks.And(children(a.children(), true), memoId(a));
            case Expr.Or o -> new Checks.Or(children(o.children(), false), memoId(o));
            case Expr.Not n -> new Checks.Not(node(n.child()));
            case Expr.Identifier i -> throw invalid("filter error: unexpected identifier '" + i.name() + "'", i.pos());
            case Expr.UnaryCheck u -> unary(u);
            case Expr.BinaryCheck b -> binary(b);
            case Expr.Value v -> throw invalid("unexpected standalone value expression in condition", v.pos());
            case Expr.ListValue l -> throw invalid("unexpected standalone list expression in condition", l.pos());
            case Expr.TransformerList l -> throw invalid("unexpected standalone list expression in condition",
                    l.pos());
            case Expr.Field f -> throw invalid("filter error: missing operator after field '" + f.name() + "'",
                    f.pos());
            case Expr.Transformer t -> throw invalid("filter error: missing operator after transformer '"
                    + t.name() + "'", t.pos());
        };
    }

    /**
     * {@return the id of a boolean node, the same for every equal node this compiler meets (positions ignored)}
     * Each call counts a use, so that {@link #generate} knows which nodes several conditions share.
     */
    private int memoId(Expr node) {
        // ids come from the slots, shared by every compiler of a ruleset: conditions of different compilers may be
        // evaluated with one EvalContext
        Integer id = memoIds.computeIfAbsent(node, n -> fields.slots().newMemoId());
        memoUses.merge(id, 1, Integer::sum);
        return id;
    }

    private CompiledCondition[] children(List<Expr> list, boolean and) throws CompileException {
        List<CompiledCondition> out = new ArrayList<>();
        for (Expr c : list) {
            // flatten nested conjunctions/disjunctions of the same kind into one array
            if (and && c instanceof Expr.And inner) {
                out.addAll(Arrays.asList(children(inner.children(), true)));
            } else if (!and && c instanceof Expr.Or inner) {
                out.addAll(Arrays.asList(children(inner.children(), false)));
            } else {
                out.add(node(c));
            }
        }
        return out.toArray(CompiledCondition[]::new);
    }

    private CompiledCondition unary(Expr.UnaryCheck u) throws CompileException {
        CompiledField f = fields.compile(u.left(), false, u.pos());
        Operator op = operator(u.op(), u.pos());
        String err = op.incompatibility(f.type(), f.list());
        if (err != null) {
            throw invalid("filter error: " + err, u.pos());
        }
        if (op.op() != Op.EXISTS) {
            throw invalid("filter error: operator '" + u.op() + "' requires a right-hand side value", u.pos());
        }
        return new Checks.Exists(f.slot());
    }

    private static Operator operator(String text, Pos pos) throws CompileException {
        Operator op = Operator.parse(text);
        if (op == null) {
            throw invalid("unrecognized filter comparison operator '" + text.strip() + "'", pos);
        }
        return op;
    }

    private CompiledCondition binary(Expr.BinaryCheck b) throws CompileException {
        Pos pos = b.pos();
        CompiledField f = fields.compile(b.left(), false, pos);
        Operator op = operator(b.op(), pos);
        String err = op.incompatibility(f.type(), f.list());
        if (err != null) {
            throw invalid("filter error: " + err, pos);
        }
        if (op.op() == Op.EXISTS) {
            return new Checks.Exists(f.slot());
        }
        List<String> values;
        switch (b.right()) {
            case Expr.Value v -> values = List.of(v.value());
            case Expr.ListValue l -> values = l.values();
            case Expr.Identifier i -> values = List.of(i.name());
            case Expr.Field rf -> {
                return ValCheck.compile(f, fields.compile(rf, false, pos), op, pos);
            }
            case Expr.Transformer t -> {
                return ValCheck.compile(f, fields.compile(t, false, pos), op, pos);
            }
            case Expr.TransformerList l -> {
                return ValCheck.compile(f, fields.compile(l, false, pos), op, pos);
            }
            case Expr.And a -> throw invalid("unexpected boolean expression as right-hand side", pos);
            case Expr.Or o -> throw invalid("unexpected boolean expression as right-hand side", pos);
            case Expr.Not n -> throw invalid("unexpected boolean expression as right-hand side", pos);
            case Expr.UnaryCheck u -> throw invalid("unexpected check as right-hand side", pos);
            case Expr.BinaryCheck c -> throw invalid("unexpected check as right-hand side", pos);
        }
        for (String v : values) {
            addValueWarnings(op, b.right().pos(), v);
        }
        if (f.field() != null && f.field().info().name().equals(EVT_TYPE) && f.field().arg() == null) {
            for (String v : values) {
                if (!knownEventType.test(v)) {
                    throw new CompileException(Kind.UNKNOWN_EVENT_TYPE, "unknown event type " + v, pos);
                }
            }
        }
        if (f.field() != null && f.field().arg() == null && !f.transformed()
                && IP_NAME_FIELDS.containsKey(f.field().info().name())) {
            return ipName(f.field().info().name(), op, values, b.left().pos(), pos);
        }
        Mode mode = f.list() && op.op() == Op.IN ? Mode.ALL
                : !f.list() && op.op() == Op.NE && op.mod() == Mod.NONE && f.field() != null && !f.transformed()
                        && BOTH_ENDS_FIELDS.contains(f.field().info().name()) ? Mode.ALL_NON_EMPTY : Mode.ANY;
        return switch (Operator.category(f.type())) {
            case STRING -> new Checks.StrCheck(f.slot(), stringTest(op, values, pos), mode);
            case NUMERIC, BOOL -> new Checks.LongCheck(f.slot(), f.type(), longTest(op, f.type(), values, pos),
                    mode);
            case BUFFER -> new Checks.BytesCheck(f.slot(), bufferTest(op, values, pos), mode);
            case IP -> new Checks.BytesCheck(f.slot(), ipTest(op, f.type(), values, pos), mode);
            case NET -> new Checks.BytesCheck(f.slot(), netTest(op, f.type(), values, pos), mode);
            case OTHER -> throw invalid("filter error: '" + op.op().text + "' operator not supported for type '"
                    + f.type().displayName() + "'", pos);
        };
    }

    /**
     * {@code fd.sip.name = NAME} and the like, as libsinsp's DNS manager matches them: true when the event's address
     * is among the addresses NAME resolves to ({@code in}: any of the names; {@code !=}: none). Other operators are
     * refused, as libsinsp refuses them.
     */
    private CompiledCondition ipName(String name, Operator op, List<String> values, Pos fieldPos, Pos pos)
            throws CompileException {
        if (op.mod() != Mod.NONE || (op.op() != Op.EQ && op.op() != Op.NE && op.op() != Op.IN)) {
            throw invalid("filter error: fd.*ip.name filter only supports '=' and '!=' operators", pos);
        }
        CompiledField address = fields.compile(new Expr.Field(IP_NAME_FIELDS.get(name), null, fieldPos), false, pos);
        BytesTest any = DnsNames.anyOf(values);
        return new Checks.BytesCheck(address.slot(), op.op() == Op.NE ? b -> !any.test(b) : any, Mode.ANY);
    }

    // ---- strings

    private static StrTest stringTest(Operator op, List<String> values, Pos pos) throws CompileException {
        for (String v : values) {
            RhsParser.checkNoNul(v, pos);
        }
        List<StrTest> regexes = new ArrayList<>();
        if (op.op() == Op.REGEX) {
            for (String v : values) {
                regexes.add(regex(v, pos));
            }
        }
        if (values.isEmpty()) {
            return s -> false;
        }
        if (op.mod() == Mod.NONE) {
            return switch (op.op()) {
                case IN, INTERSECTS -> {
                    if (values.size() == 1) {
                        String c = values.getFirst().intern();
                        yield c::equals;
                    }
                    StringSet set = new StringSet(values);
                    yield set::contains;
                }
                case PMATCH -> {
                    PathPrefixSet paths = new PathPrefixSet();
                    values.forEach(paths::add);
                    yield paths::matches;
                }
                case REGEX -> regexes.getFirst();
                default -> stringTest(op.op(), values.getFirst());
            };
        }
        if (op.op() == Op.EQ && op.mod() == Mod.ANYOF) {
            StringSet set = new StringSet(values);
            return set::contains;
        }
        if (op.op() == Op.NE && op.mod() == Mod.ALLOF) {
            StringSet set = new StringSet(values);
            return s -> !set.contains(s);
        }
        if (op.op() == Op.STARTSWITH && op.mod() == Mod.ANYOF) {
            return new PrefixSet(values)::matchesPrefixOf;
        }
        StrTest[] tests = new StrTest[values.size()];
        for (int i = 0; i < tests.length; i++) {
            tests[i] = op.op() == Op.REGEX ? regexes.get(i) : stringTest(op.op(), values.get(i));
        }
        return switch (op.mod()) {
            case ANYOF -> s -> {
                for (StrTest t : tests) {
                    if (t.test(s)) {
                        return true;
                    }
                }
                return false;
            };
            case ALLOF -> s -> {
                for (StrTest t : tests) {
                    if (!t.test(s)) {
                        return false;
                    }
                }
                return true;
            };
            case ONEOF -> s -> {
                int n = 0;
                for (StrTest t : tests) {
                    if (t.test(s) && ++n > 1) {
                        return false;
                    }
                }
                return n == 1;
            };
            case NONE -> throw new IllegalStateException("unreachable");
        };
    }

    private static StrTest stringTest(Op op, String constant) {
        // interned, as the values that come from tables (evt.type) are: equal strings are then mostly the same one
        String c = constant.intern();
        return switch (op) {
            case EQ, IN, INTERSECTS -> c::equals;
            case NE -> s -> !s.equals(c);
            case CONTAINS -> s -> s.contains(c);
            case ICONTAINS -> {
                String lower = TextOps.toLowerAscii(c);
                yield s -> TextOps.containsIgnoreCaseAscii(s, lower);
            }
            case STARTSWITH -> s -> s.startsWith(c);
            case ENDSWITH -> s -> s.endsWith(c);
            case GLOB -> new Glob(c, false)::matches;
            case IGLOB -> new Glob(c, true)::matches;
            case LT -> s -> TextOps.compareCodePoints(s, c) < 0;
            case LE -> s -> TextOps.compareCodePoints(s, c) <= 0;
            case GT -> s -> TextOps.compareCodePoints(s, c) > 0;
            case GE -> s -> TextOps.compareCodePoints(s, c) >= 0;
            case PMATCH -> {
                PathPrefixSet p = new PathPrefixSet();
                p.add(c);
                yield p::matches;
            }
            case BCONTAINS, BSTARTSWITH, EXISTS, REGEX -> throw new IllegalStateException("not a string op: " + op);
        };
    }

    private static StrTest regex(String v, Pos pos) throws CompileException {
        Pattern p;
        try {
            p = Pattern.compile(v);
        } catch (PatternSyntaxException e) {
            throw invalid("invalid regex pattern: " + e.getDescription(), pos);
        }
        // one Matcher per thread, reset per value: no allocation per event
        ThreadLocal<Matcher> matcher = ThreadLocal.withInitial(() -> p.matcher(""));
        return s -> matcher.get().reset(s).matches();
    }

    // ---- numbers and booleans

    private static LongTest longTest(Operator op, FieldType type, List<String> values, Pos pos)
            throws CompileException {
        long[] cs = new long[values.size()];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = type == FieldType.BOOL ? RhsParser.bool(values.get(i), pos)
                    : RhsParser.number(values.get(i), type, pos);
        }
        if (cs.length == 0) {
            return v -> false;
        }
        boolean unsigned = ValueFormat.isUnsigned(type);
        boolean dbl = type == FieldType.DOUBLE;
        if (op.mod() == Mod.NONE) {
            return switch (op.op()) {
                case IN, INTERSECTS -> member(cs);
                default -> longTest(op.op(), cs[0], unsigned, dbl);
            };
        }
        if (op.op() == Op.EQ && op.mod() == Mod.ANYOF) {
            return member(cs);
        }
        if (op.op() == Op.NE && op.mod() == Mod.ALLOF) {
            LongTest m = member(cs);
            return v -> !m.test(v);
        }
        LongTest[] tests = new LongTest[cs.length];
        for (int i = 0; i < cs.length; i++) {
            tests[i] = longTest(op.op(), cs[i], unsigned, dbl);
        }
        return switch (op.mod()) {
            case ANYOF -> v -> {
                for (LongTest t : tests) {
                    if (t.test(v)) {
                        return true;
                    }
                }
                return false;
            };
            case ALLOF -> v -> {
                for (LongTest t : tests) {
                    if (!t.test(v)) {
                        return false;
                    }
                }
                return true;
            };
            case ONEOF -> v -> {
                int n = 0;
                for (LongTest t : tests) {
                    if (t.test(v) && ++n > 1) {
                        return false;
                    }
                }
                return n == 1;
            };
            case NONE -> throw new IllegalStateException("unreachable");
        };
    }

    /** Membership by value: a sorted array searched by bisection (no boxing). */
    private static LongTest member(long[] cs) {
        if (cs.length == 1) {
            long c = cs[0];
            return v -> v == c;
        }
        long[] sorted = cs.clone();
        Arrays.sort(sorted);
        return v -> Arrays.binarySearch(sorted, v) >= 0;
    }

    static LongTest longTest(Op op, long c, boolean unsigned, boolean dbl) {
        if (dbl) {
            double d = Double.longBitsToDouble(c);
            return switch (op) {
                case EQ, IN, INTERSECTS -> v -> Double.longBitsToDouble(v) == d;
                case NE -> v -> Double.longBitsToDouble(v) != d;
                case LT -> v -> Double.longBitsToDouble(v) < d;
                case LE -> v -> Double.longBitsToDouble(v) <= d;
                case GT -> v -> Double.longBitsToDouble(v) > d;
                case GE -> v -> Double.longBitsToDouble(v) >= d;
                default -> v -> false;
            };
        }
        if (unsigned) {
            return switch (op) {
                case EQ, IN, INTERSECTS -> v -> v == c;
                case NE -> v -> v != c;
                case LT -> v -> Long.compareUnsigned(v, c) < 0;
                case LE -> v -> Long.compareUnsigned(v, c) <= 0;
                case GT -> v -> Long.compareUnsigned(v, c) > 0;
                case GE -> v -> Long.compareUnsigned(v, c) >= 0;
                default -> v -> false;
            };
        }
        return switch (op) {
            case EQ, IN, INTERSECTS -> v -> v == c;
            case NE -> v -> v != c;
            case LT -> v -> v < c;
            case LE -> v -> v <= c;
            case GT -> v -> v > c;
            case GE -> v -> v >= c;
            default -> v -> false;
        };
    }

    // ---- byte buffers, addresses, networks

    private static BytesTest bufferTest(Operator op, List<String> values, Pos pos) throws CompileException {
        List<byte[]> cs = new ArrayList<>();
        for (String v : values) {
            if (op.op() == Op.BCONTAINS || op.op() == Op.BSTARTSWITH) {
                byte[] b = TextOps.unhex(v);
                if (b == null) {
                    throw invalid("filter error: bcontains and bstartswith operator support hex strings only", pos);
                }
                cs.add(b);
            } else {
                RhsParser.checkNoNul(v, pos);
                cs.add(v.getBytes(StandardCharsets.UTF_8));
            }
        }
        List<BytesTest> tests = new ArrayList<>();
        for (byte[] c : cs) {
            tests.add(switch (op.op()) {
                case EQ, IN, INTERSECTS -> b -> Arrays.equals(b, c);
                case NE -> b -> !Arrays.equals(b, c);
                case CONTAINS, BCONTAINS -> b -> TextOps.indexOf(b, c) >= 0;
                case STARTSWITH, BSTARTSWITH -> b -> b.length >= c.length
                        && Arrays.equals(b, 0, c.length, c, 0, c.length);
                case ENDSWITH -> b -> b.length >= c.length
                        && Arrays.equals(b, b.length - c.length, b.length, c, 0, c.length);
                default -> b -> false;
            });
        }
        return combine(op, tests);
    }

    private static BytesTest ipTest(Operator op, FieldType type, List<String> values, Pos pos)
            throws CompileException {
        List<BytesTest> tests = new ArrayList<>();
        for (String v : values) {
            byte[] c = RhsParser.address(v, type, pos);
            tests.add(op.op() == Op.NE ? b -> !Arrays.equals(b, c) : b -> Arrays.equals(b, c));
        }
        return combine(op, tests);
    }

    private static BytesTest netTest(Operator op, FieldType type, List<String> values, Pos pos)
            throws CompileException {
        List<BytesTest> tests = new ArrayList<>();
        for (String v : values) {
            RhsParser.Net net = RhsParser.network(v, type, pos);
            tests.add(op.op() == Op.NE ? b -> !net.contains(b) : net::contains);
        }
        return combine(op, tests);
    }

    /** Combines per-value tests: in/intersects and anyof = some, allof = all, oneof = exactly one, else the first. */
    private static BytesTest combine(Operator op, List<BytesTest> list) {
        if (list.isEmpty()) {
            return b -> false;
        }
        BytesTest[] tests = list.toArray(BytesTest[]::new);
        Mod mod = op.mod();
        if (mod == Mod.NONE) {
            if (op.op() != Op.IN && op.op() != Op.INTERSECTS) {
                return tests[0];
            }
            mod = Mod.ANYOF;
        }
        return switch (mod) {
            case ANYOF -> b -> {
                for (BytesTest t : tests) {
                    if (t.test(b)) {
                        return true;
                    }
                }
                return false;
            };
            case ALLOF -> b -> {
                for (BytesTest t : tests) {
                    if (!t.test(b)) {
                        return false;
                    }
                }
                return true;
            };
            case ONEOF -> b -> {
                int n = 0;
                for (BytesTest t : tests) {
                    if (t.test(b) && ++n > 1) {
                        return false;
                    }
                }
                return n == 1;
            };
            case NONE -> throw new IllegalStateException("unreachable");
        };
    }

    // ---- warnings (libsinsp sinsp_filter_compiler::check_value_and_add_warnings)

    private void addValueWarnings(Operator op, Pos pos, String v) {
        String nospaces = v.replaceAll("\\s", "");
        if (op.op() == Op.REGEX) {
            regexWarning(pos, v);
        }
        try {
            int bracket = nospaces.indexOf('[');
            String name = bracket > 0 && nospaces.endsWith("]") ? nospaces.substring(0, bracket) : nospaces;
            String arg = bracket > 0 && nospaces.endsWith("]")
                    ? nospaces.substring(bracket + 1, nospaces.length() - 1) : null;
            if (!name.isEmpty() && name.indexOf('.') > 0 && fields.catalog().resolve(name, arg).isPresent()) {
                warnings.add(new CompileWarning("'" + v + "' may be a valid field misused as a const string value",
                        pos));
            }
        } catch (Exception e) {
            // not a field: no warning
        }
        for (String t : TRANSFORMER_NAMES) {
            if (nospaces.length() >= t.length() + 2 && nospaces.startsWith(t) && nospaces.charAt(t.length()) == '('
                    && nospaces.endsWith(")")) {
                warnings.add(new CompileWarning(
                        "'" + v + "' may be a valid field transformer misused as a const string value", pos));
            }
        }
    }

    private void regexWarning(Pos pos, String v) {
        String special = ".+*?^$()[]{}|\\";
        int len = v.length();
        for (int i = 0; i < len; i++) {
            char c = v.charAt(i);
            if ((i == 0 && c == '^') || (i == len - 1 && c == '$')) {
                continue;
            }
            if (((i == 0 && len > 1) || i == len - 2) && c == '.' && i + 1 < len
                    && "+*?".indexOf(v.charAt(i + 1)) >= 0) {
                i++;
                continue;
            }
            if (special.indexOf(c) >= 0) {
                return;
            }
        }
        warnings.add(new CompileWarning("regex check with '" + v
                + "' may be optimized with simpler operators such as '=', 'contains', 'startswith', 'endswith'",
                pos));
    }

    static CompileException invalid(String message, Pos pos) {
        return new CompileException(Kind.INVALID, message, pos);
    }
}
