package dev.peregrine.rules.syntax;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Prints a condition tree back as condition text in libsinsp's {@code ast::as_string} form: {@code and}/{@code or}
 * in parentheses, {@code not x}, {@code left op right}, transformer arguments joined by {@code ","}, lists by
 * {@code ", "}. For every tree the parser can produce, {@code ConditionParser.parse(print(e)).equals(e)}.
 *
 * <pre>{@code
 * ExprPrinter.print(ConditionParser.parse("evt.type in (a, b) and proc.name=cat"))
 *     // "(evt.type in (a, b) and proc.name = cat)"
 * }</pre>
 */
public final class ExprPrinter {
    /* Implementation notes.
     *
     * libsinsp quotes a value when it contains one of \b \f \n \r \t space = \ " ' NUL, and prints everything
     * else bare. That text does not always parse back (an empty value prints as nothing, "a(b" or "x,y" print
     * bare, a transformer argument "nt:" prints bare where only numbers may be bare, a field argument "a]b" prints
     * bare), so we quote in those cases too; for every other value the output is libsinsp's byte for byte.
     * Inside quotes we escape as libsinsp does, with two more fixes for the lexer's rules: a NUL (which ends a
     * quoted string for the lexer) is written \x00, and a trailing backslash is written \x5c because the lexer
     * never ends a quoted string at a quote preceded by a backslash ("a\\" would not end).
     *
     * A not of a not is printed "not (not x)": "not not x" parses as x, the two negations cancelling.
     */

    private ExprPrinter() {
    }

    /** {@return the condition text of {@code expr}} */
    public static String print(Expr expr) {
        requireNonNull(expr, "expr is null");
        StringBuilder sb = new StringBuilder(64);
        print(expr, sb, Place.CHECK);
        return sb.toString();
    }

    /** Where a value is printed, which decides when it may stay bare. */
    private enum Place { CHECK, STRING_VALUE, NUMBER_VALUE, TRANSFORMER_ARG }

    private static void print(Expr e, StringBuilder sb, Place place) {
        switch (e) {
            case Expr.And a -> logical("and", a.children(), sb);
            case Expr.Or o -> logical("or", o.children(), sb);
            case Expr.Not n -> {
                sb.append("not ");
                if (n.child() instanceof Expr.Not) {
                    sb.append('(');
                    print(n.child(), sb, Place.CHECK);
                    sb.append(')');
                } else {
                    print(n.child(), sb, Place.CHECK);
                }
            }
            case Expr.Identifier i -> sb.append(i.name());
            case Expr.Value v -> value(v.value(), sb, place);
            case Expr.ListValue l -> {
                sb.append('(');
                for (int i = 0; i < l.values().size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    value(l.values().get(i), sb, Place.STRING_VALUE);
                }
                sb.append(')');
            }
            case Expr.TransformerList l -> {
                sb.append('(');
                args(l.children(), sb);
                sb.append(')');
            }
            case Expr.UnaryCheck u -> {
                print(u.left(), sb, Place.CHECK);
                sb.append(' ').append(u.op());
            }
            case Expr.BinaryCheck b -> {
                print(b.left(), sb, Place.CHECK);
                sb.append(' ').append(b.op()).append(' ');
                boolean numeric = switch (b.op()) {
                    case "<", "<=", ">", ">=" -> true;
                    default -> false;
                };
                print(b.right(), sb, numeric ? Place.NUMBER_VALUE : Place.STRING_VALUE);
            }
            case Expr.Field f -> {
                sb.append(f.name());
                fieldArg(f.arg(), sb);
            }
            case Expr.Transformer t -> {
                sb.append(t.name()).append('(');
                args(t.args(), sb);
                sb.append(')');
                fieldArg(t.arg(), sb);
            }
        }
    }

    private static void logical(String op, List<Expr> children, StringBuilder sb) {
        sb.append('(');
        for (int i = 0; i < children.size(); i++) {
            if (i > 0) {
                sb.append(' ').append(op).append(' ');
            }
            print(children.get(i), sb, Place.CHECK);
        }
        sb.append(')');
    }

    private static void args(List<Expr> args, StringBuilder sb) {
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            print(args.get(i), sb, Place.TRANSFORMER_ARG);
        }
    }

    private static void fieldArg(String arg, StringBuilder sb) {
        if (arg == null) {
            return;
        }
        sb.append('[');
        boolean bare = !arg.isEmpty() && !libsinspQuotes(arg);
        for (int i = 0; bare && i < arg.length(); i++) {
            bare = ConditionParser.isFieldArgBareChar(arg.charAt(i));
        }
        if (bare) {
            sb.append(arg);
        } else {
            quoted(arg, sb);
        }
        sb.append(']');
    }

    private static void value(String v, StringBuilder sb, Place place) {
        boolean bare = switch (place) {
            case NUMBER_VALUE, TRANSFORMER_ARG -> isNumber(v);
            case STRING_VALUE, CHECK -> isBareString(v);
        };
        if (bare) {
            sb.append(v);
        } else {
            quoted(v, sb);
        }
    }

    private static boolean isNumber(String v) {
        int end = ConditionParser.hexNumberEnd(v, 0);
        if (end < 0) {
            end = ConditionParser.numberEnd(v, 0);
        }
        return end == v.length();
    }

    private static boolean isBareString(String v) {
        if (v.isEmpty() || libsinspQuotes(v)) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (!ConditionParser.isBareChar(v.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** libsinsp's escape_str quotes a value containing one of these. */
    private static boolean libsinspQuotes(String v) {
        for (int i = 0; i < v.length(); i++) {
            switch (v.charAt(i)) {
                case '\b', '\f', '\n', '\r', '\t', ' ', '=', '\\', '"', '\'', '\0' -> {
                    return true;
                }
                default -> {
                }
            }
        }
        return false;
    }

    private static void quoted(String v, StringBuilder sb) {
        sb.append('"');
        int n = v.length();
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\0' -> sb.append("\\x00");
                case '\\' -> sb.append(i == n - 1 ? "\\x5c" : "\\\\");
                default -> sb.append(c);
            }
        }
        sb.append('"');
    }
}
