package dev.peregrine.rules.compile;

import dev.peregrine.rules.compile.Operator.Category;
import dev.peregrine.rules.compile.Operator.Mod;
import dev.peregrine.rules.compile.Operator.Op;
import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.fields.ValueFormat;
import dev.peregrine.rules.fields.Values;
import dev.peregrine.rules.syntax.Pos;
import java.util.Arrays;

/**
 * A check whose right-hand side is another field ({@code proc.name = val(proc.pname)}): both sides are read
 * from their slots and compared value by value (libsinsp {@code add_filter_value(rhs_chk)} and
 * {@code populate_filter_values_with_rhs_extracted_values}).
 */
final class ValCheck implements CompiledCondition {
    /* Implementation notes: the right-hand values play the role of libsinsp's m_vals for this event: "in" and
     * "intersects" test membership among them, other operators compare with the first one, and modifiers run
     * over all of them. Either side missing makes the check false. glob patterns coming from a field are
     * compiled per evaluation, the only allocation on this path. */

    private final int left;
    private final int right;
    private final FieldType type;
    private final Category category;
    private final boolean list;
    private final Operator op;

    private ValCheck(int left, int right, FieldType type, boolean list, Operator op) {
        this.left = left;
        this.right = right;
        this.type = type;
        this.category = Operator.category(type);
        this.list = list;
        this.op = op;
    }

    static CompiledCondition compile(CompiledField lhs, CompiledField rhs, Operator op, Pos pos)
            throws CompileException {
        if (op.op() == Op.PMATCH || op.op() == Op.REGEX) {
            throw ConditionCompiler.invalid("operator '" + op.op().name() + "' doesn't support right-hand side fields",
                    pos);
        }
        if (Operator.category(lhs.type()) == Category.NET) {
            throw ConditionCompiler.invalid("field type 'IPNET' doesn't support right-hand side fields", pos);
        }
        if (lhs.noRhs()) {
            throw ConditionCompiler.invalid("field '" + lhs.name() + "' doesn't support right-hand side fields", pos);
        }
        if (rhs.noRhs()) {
            throw ConditionCompiler.invalid("field '" + rhs.name() + "' can't be used as a right-hand side field",
                    pos);
        }
        if (lhs.type() != rhs.type() || lhs.list() != rhs.list()) {
            throw ConditionCompiler.invalid("field '" + lhs.name() + "' has type '" + lhs.type().displayName()
                    + (lhs.list() ? " (list)" : "") + "' while the right-hand side field '" + rhs.name()
                    + "' has incompatible type '" + rhs.type().displayName() + (rhs.list() ? " (list)" : "") + "'",
                    pos);
        }
        if (Operator.category(lhs.type()) == Category.OTHER) {
            throw ConditionCompiler.invalid("filter error: '" + op.op().text + "' operator not supported for type '"
                    + lhs.type().displayName() + "'", pos);
        }
        return new ValCheck(lhs.slot(), rhs.slot(), lhs.type(), lhs.list(), op);
    }

    @Override
    public boolean matches(EvalContext ctx) {
        Values a = ctx.values(left);
        if (a == null) {
            return false;
        }
        Values b = ctx.values(right);
        if (b == null) {
            return false;
        }
        if (list) {
            boolean all = op.op() == Op.IN;
            for (int i = 0; i < a.size(); i++) {
                boolean ok = member(a, i, b);
                if (ok != all) {
                    return ok;
                }
            }
            return all;
        }
        for (int i = 0; i < a.size(); i++) {
            if (one(a, i, b)) {
                return true;
            }
        }
        return false;
    }

    private boolean one(Values a, int i, Values b) {
        if (op.mod() == Mod.NONE) {
            if (op.op() == Op.IN || op.op() == Op.INTERSECTS) {
                return member(a, i, b);
            }
            return b.size() > 0 && compare(op.op(), a, i, b, 0);
        }
        int n = b.size();
        if (n == 0) {
            return false;
        }
        int matches = 0;
        for (int j = 0; j < n; j++) {
            boolean m = compare(op.op(), a, i, b, j);
            switch (op.mod()) {
                case ANYOF -> {
                    if (m) {
                        return true;
                    }
                }
                case ALLOF -> {
                    if (!m) {
                        return false;
                    }
                }
                case ONEOF -> {
                    if (m && ++matches > 1) {
                        return false;
                    }
                }
                case NONE -> throw new IllegalStateException("unreachable");
            }
        }
        return switch (op.mod()) {
            case ANYOF -> false;
            case ALLOF -> true;
            case ONEOF -> matches == 1;
            case NONE -> throw new IllegalStateException("unreachable");
        };
    }

    private boolean member(Values a, int i, Values b) {
        for (int j = 0; j < b.size(); j++) {
            if (compare(Op.EQ, a, i, b, j)) {
                return true;
            }
        }
        return false;
    }

    private boolean compare(Op o, Values a, int i, Values b, int j) {
        return switch (category) {
            case STRING -> {
                String s = a.stringAt(i);
                String c = b.stringAt(j);
                yield s != null && c != null && compareStrings(o, s, c);
            }
            case NUMERIC, BOOL -> {
                long x = ValueFormat.narrow(type, a.longAt(i));
                long y = ValueFormat.narrow(type, b.longAt(j));
                yield compareLongs(o, x, y);
            }
            case IP, BUFFER -> {
                byte[] x = a.bytesAt(i);
                byte[] y = b.bytesAt(j);
                yield x != null && y != null && compareBytes(o, x, y);
            }
            case NET, OTHER -> false;
        };
    }

    private boolean compareLongs(Op o, long x, long y) {
        int c;
        if (type == FieldType.DOUBLE) {
            c = Double.compare(Double.longBitsToDouble(x), Double.longBitsToDouble(y));
        } else if (ValueFormat.isUnsigned(type)) {
            c = Long.compareUnsigned(x, y);
        } else {
            c = Long.compare(x, y);
        }
        return switch (o) {
            case EQ, IN, INTERSECTS -> c == 0;
            case NE -> c != 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
            default -> false;
        };
    }

    private static boolean compareStrings(Op o, String s, String c) {
        return switch (o) {
            case EQ, IN, INTERSECTS -> s.equals(c);
            case NE -> !s.equals(c);
            case CONTAINS -> s.contains(c);
            case ICONTAINS -> TextOps.containsIgnoreCaseAscii(s, TextOps.toLowerAscii(c));
            case STARTSWITH -> s.startsWith(c);
            case ENDSWITH -> s.endsWith(c);
            case GLOB -> new Glob(c, false).matches(s);
            case IGLOB -> new Glob(c, true).matches(s);
            case LT -> TextOps.compareCodePoints(s, c) < 0;
            case LE -> TextOps.compareCodePoints(s, c) <= 0;
            case GT -> TextOps.compareCodePoints(s, c) > 0;
            case GE -> TextOps.compareCodePoints(s, c) >= 0;
            default -> false;
        };
    }

    private static boolean compareBytes(Op o, byte[] x, byte[] y) {
        return switch (o) {
            case EQ, IN, INTERSECTS -> Arrays.equals(x, y);
            case NE -> !Arrays.equals(x, y);
            case CONTAINS, BCONTAINS -> TextOps.indexOf(x, y) >= 0;
            case STARTSWITH, BSTARTSWITH -> x.length >= y.length && Arrays.equals(x, 0, y.length, y, 0, y.length);
            case ENDSWITH -> x.length >= y.length
                    && Arrays.equals(x, x.length - y.length, x.length, y, 0, y.length);
            default -> false;
        };
    }
}
