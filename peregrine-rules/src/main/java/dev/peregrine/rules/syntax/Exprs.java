package dev.peregrine.rules.syntax;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Walks and rewrites condition trees: the loader uses {@link #identifiers} to find macro references and
 * {@link #replaceIdentifiers} to expand them.
 *
 * <p>"Check position" means where libsinsp's grammar puts a check: a child of {@code and}/{@code or}/{@code not}
 * or the whole condition. Identifiers on the right of a check ({@code in my_list}, {@code = oneof my_list}) are
 * list names, not macro references, and are reported by {@link #listReferences} instead.
 */
public final class Exprs {
    private Exprs() {
    }

    /** Visits every node of {@code expr} in pre-order (a node, then its children left to right). */
    public static void walk(Expr expr, Consumer<? super Expr> visitor) {
        requireNonNull(expr, "expr is null");
        requireNonNull(visitor, "visitor is null");
        visit(expr, visitor);
    }

    private static void visit(Expr e, Consumer<? super Expr> v) {
        v.accept(e);
        switch (e) {
            case Expr.And a -> a.children().forEach(c -> visit(c, v));
            case Expr.Or o -> o.children().forEach(c -> visit(c, v));
            case Expr.Not n -> visit(n.child(), v);
            case Expr.TransformerList l -> l.children().forEach(c -> visit(c, v));
            case Expr.UnaryCheck u -> visit(u.left(), v);
            case Expr.BinaryCheck b -> {
                visit(b.left(), v);
                visit(b.right(), v);
            }
            case Expr.Transformer t -> t.args().forEach(c -> visit(c, v));
            case Expr.Identifier i -> {
            }
            case Expr.Value val -> {
            }
            case Expr.ListValue l -> {
            }
            case Expr.Field f -> {
            }
        }
    }

    /** {@return the identifiers in check position (macro references), in text order, with their positions} */
    public static List<Expr.Identifier> identifiers(Expr expr) {
        requireNonNull(expr, "expr is null");
        List<Expr.Identifier> out = new ArrayList<>();
        collectIdentifiers(expr, out);
        return out;
    }

    private static void collectIdentifiers(Expr e, List<Expr.Identifier> out) {
        switch (e) {
            case Expr.And a -> a.children().forEach(c -> collectIdentifiers(c, out));
            case Expr.Or o -> o.children().forEach(c -> collectIdentifiers(c, out));
            case Expr.Not n -> collectIdentifiers(n.child(), out);
            case Expr.Identifier i -> out.add(i);
            case Expr.Value v -> {
            }
            case Expr.ListValue l -> {
            }
            case Expr.TransformerList l -> {
            }
            case Expr.UnaryCheck u -> {
            }
            case Expr.BinaryCheck b -> {
            }
            case Expr.Field f -> {
            }
            case Expr.Transformer t -> {
            }
        }
    }

    /**
     * {@return the identifiers on the right of checks ({@code x in my_list}, {@code x = oneof my_list}): list
     * references, in text order}
     */
    public static List<Expr.Identifier> listReferences(Expr expr) {
        List<Expr.Identifier> out = new ArrayList<>();
        walk(expr, e -> {
            if (e instanceof Expr.BinaryCheck b && b.right() instanceof Expr.Identifier i) {
                out.add(i);
            }
        });
        return out;
    }

    /**
     * {@return {@code expr} with each identifier in check position replaced by {@code replacement.apply(id)}}
     * The function may return the identifier itself to keep it. Replacements are not rescanned (expand a macro's
     * own references before substituting it). Unchanged subtrees are shared, not copied; positions of the kept
     * nodes are preserved.
     */
    public static Expr replaceIdentifiers(Expr expr, Function<? super Expr.Identifier, ? extends Expr> replacement) {
        requireNonNull(expr, "expr is null");
        requireNonNull(replacement, "replacement is null");
        return replace(expr, replacement);
    }

    private static Expr replace(Expr e, Function<? super Expr.Identifier, ? extends Expr> f) {
        return switch (e) {
            case Expr.And a -> {
                List<Expr> c = replaceAll(a.children(), f);
                yield c == a.children() ? a : new Expr.And(c, a.pos());
            }
            case Expr.Or o -> {
                List<Expr> c = replaceAll(o.children(), f);
                yield c == o.children() ? o : new Expr.Or(c, o.pos());
            }
            case Expr.Not n -> {
                Expr c = replace(n.child(), f);
                yield c == n.child() ? n : new Expr.Not(c, n.pos());
            }
            case Expr.Identifier i -> requireNonNull(f.apply(i), "replacement returned null for " + i.name());
            case Expr.Value v -> v;
            case Expr.ListValue l -> l;
            case Expr.TransformerList l -> l;
            case Expr.UnaryCheck u -> u;
            case Expr.BinaryCheck b -> b;
            case Expr.Field fl -> fl;
            case Expr.Transformer t -> t;
        };
    }

    private static List<Expr> replaceAll(List<Expr> children, Function<? super Expr.Identifier, ? extends Expr> f) {
        List<Expr> out = null;
        for (int i = 0; i < children.size(); i++) {
            Expr c = children.get(i);
            Expr r = replace(c, f);
            if (r != c && out == null) {
                out = new ArrayList<>(children.subList(0, i));
            }
            if (out != null) {
                out.add(r);
            }
        }
        return out == null ? children : out;
    }
}
