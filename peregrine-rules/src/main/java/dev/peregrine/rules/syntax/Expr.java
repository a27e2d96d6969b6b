package dev.peregrine.rules.syntax;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A node of a parsed condition. The node kinds are those of libsinsp's filter AST
 * ({@code userspace/libsinsp/filter/ast.h}); operators are kept as the parser read them
 * ({@code "="}, {@code "startswith"}, {@code "startswith oneof"}, {@code "in"}, {@code "exists"}), so that
 * printing a tree gives back an equivalent condition.
 *
 * <p>Equality of nodes ignores positions (libsinsp {@code is_equal}); use {@link #pos()} for error reporting.
 */
public sealed interface Expr
        permits Expr.And, Expr.Or, Expr.Not, Expr.Identifier, Expr.Value, Expr.ListValue, Expr.TransformerList,
                Expr.UnaryCheck, Expr.BinaryCheck, Expr.Field, Expr.Transformer {

    /** {@return where this node starts in the condition text} */
    Pos pos();

    /** Conjunction of two or more children. */
    record And(List<Expr> children, Pos pos) implements Expr {
        public And {
            children = List.copyOf(children);
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof And a && a.children.equals(children);
        }

        @Override
        public int hashCode() {
            return 31 * children.hashCode() + 1;
        }
    }

    /** Disjunction of two or more children. */
    record Or(List<Expr> children, Pos pos) implements Expr {
        public Or {
            children = List.copyOf(children);
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Or a && a.children.equals(children);
        }

        @Override
        public int hashCode() {
            return 31 * children.hashCode() + 2;
        }
    }

    record Not(Expr child, Pos pos) implements Expr {
        public Not {
            requireNonNull(child, "child is null");
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Not n && n.child.equals(child);
        }

        @Override
        public int hashCode() {
            return 31 * child.hashCode() + 3;
        }
    }

    /** A bare identifier in check position: a macro reference (or an unknown name). */
    record Identifier(String name, Pos pos) implements Expr {
        public Identifier {
            requireNonNull(name, "name is null");
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identifier i && i.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    /** A right-hand value: a bare or quoted string (unescaped, without quotes) or a number, as text. */
    record Value(String value, Pos pos) implements Expr {
        public Value {
            requireNonNull(value, "value is null");
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && v.value.equals(value);
        }

        @Override
        public int hashCode() {
            return value.hashCode() + 5;
        }
    }

    /** A right-hand list {@code (a, "b c", 3)}; values are unescaped and unquoted. */
    record ListValue(List<String> values, Pos pos) implements Expr {
        public ListValue {
            values = List.copyOf(values);
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ListValue l && l.values.equals(values);
        }

        @Override
        public int hashCode() {
            return values.hashCode() + 6;
        }
    }

    /** A list argument of a transformer, e.g. the list of {@code join(",", (a, b))}; children are fields, transformers or values. */
    record TransformerList(List<Expr> children, Pos pos) implements Expr {
        public TransformerList {
            children = List.copyOf(children);
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TransformerList l && l.children.equals(children);
        }

        @Override
        public int hashCode() {
            return children.hashCode() + 7;
        }
    }

    /** {@code left exists}; {@code left} is a {@link Field} or a {@link Transformer}. */
    record UnaryCheck(Expr left, String op, Pos pos) implements Expr {
        public UnaryCheck {
            requireNonNull(left, "left is null");
            requireNonNull(op, "op is null");
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UnaryCheck u && u.left.equals(left) && u.op.equals(op);
        }

        @Override
        public int hashCode() {
            return 31 * left.hashCode() + op.hashCode();
        }
    }

    /**
     * {@code left op right}: {@code left} is a {@link Field} or {@link Transformer}; {@code right} is a
     * {@link Value}, {@link ListValue}, {@link Identifier} (a list name left in place), a {@link Transformer}
     * or a {@code val(field)} {@link Transformer}. {@code op} is trimmed and has a single space before a
     * modifier ({@code "startswith oneof"}).
     */
    record BinaryCheck(Expr left, String op, Expr right, Pos pos) implements Expr {
        public BinaryCheck {
            requireNonNull(left, "left is null");
            requireNonNull(op, "op is null");
            requireNonNull(right, "right is null");
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BinaryCheck b && b.left.equals(left) && b.op.equals(op) && b.right.equals(right);
        }

        @Override
        public int hashCode() {
            return (31 * left.hashCode() + op.hashCode()) * 31 + right.hashCode();
        }
    }

    /** A field reference {@code name} or {@code name[arg]}; {@code arg} is null when absent. */
    record Field(String name, String arg, Pos pos) implements Expr {
        public Field {
            requireNonNull(name, "name is null");
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Field f && f.name.equals(name) && java.util.Objects.equals(f.arg, arg);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + java.util.Objects.hashCode(arg);
        }
    }

    /**
     * A field transformer {@code name(args...)} ({@code tolower}, {@code toupper}, {@code b64}, {@code basename},
     * {@code len}, {@code join}, {@code concat}, {@code getopt}) or the right-hand {@code val(field)}; {@code arg} is
     * the optional {@code [arg]} after the closing parenthesis, null when absent.
     */
    record Transformer(String name, List<Expr> args, String arg, Pos pos) implements Expr {
        public Transformer {
            requireNonNull(name, "name is null");
            args = List.copyOf(args);
            requireNonNull(pos, "pos is null");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Transformer t && t.name.equals(name) && t.args.equals(args)
                    && java.util.Objects.equals(t.arg, arg);
        }

        @Override
        public int hashCode() {
            return (31 * name.hashCode() + args.hashCode()) * 31 + java.util.Objects.hashCode(arg);
        }
    }
}
