package dev.peregrine.rules.load;

import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Replaces macro references in a condition tree by the macros' trees, recursively (Falco
 * {@code filter_macro_resolver}). Only identifiers in check position are references; an identifier on the right of
 * a check (a list name left in place) is not.
 */
final class MacroResolver {
    /*
     * Implementation notes: a macro referencing itself through any chain is reported as "reference loop in macro
     * 'x'" and also counted as unknown, as Falco does; the loader reports the first error, else the first unknown
     * macro. Substituted subtrees keep the positions they have in the macro's own text.
     */

    /** A name found while resolving and where (the identifier's position). */
    record Found(String name, Pos pos) {
    }

    private Function<String, Expr> macros = name -> null;
    private final List<Found> errors = new ArrayList<>();
    private final List<Found> unknown = new ArrayList<>();
    private final List<Found> resolved = new ArrayList<>();
    private final List<String> path = new ArrayList<>();

    /**
     * {@return the tree with macros substituted}; errors, unknown and resolved names are reset first
     *
     * @param visibleMacros the tree of each macro visible here, null for a name that is not a visible macro
     */
    Expr run(Expr filter, Function<String, Expr> visibleMacros) {
        this.macros = visibleMacros;
        errors.clear();
        unknown.clear();
        resolved.clear();
        path.clear();
        return visit(filter);
    }

    List<Found> errors() {
        return errors;
    }

    List<Found> unknown() {
        return unknown;
    }

    List<Found> resolved() {
        return resolved;
    }

    private Expr visit(Expr e) {
        return switch (e) {
            case Expr.And a -> new Expr.And(a.children().stream().map(this::visit).toList(), a.pos());
            case Expr.Or o -> new Expr.Or(o.children().stream().map(this::visit).toList(), o.pos());
            case Expr.Not n -> new Expr.Not(visit(n.child()), n.pos());
            case Expr.Identifier id -> identifier(id);
            case Expr.Value v -> v;
            case Expr.ListValue l -> l;
            case Expr.TransformerList t -> t;
            case Expr.UnaryCheck u -> u;
            case Expr.BinaryCheck b -> b;
            case Expr.Field f -> f;
            case Expr.Transformer t -> t;
        };
    }

    private Expr identifier(Expr.Identifier id) {
        Expr body = macros.apply(id.name());
        if (body == null) {
            unknown.add(new Found(id.name(), id.pos()));
            return id;
        }
        if (path.contains(id.name())) {
            errors.add(new Found("reference loop in macro '" + id.name() + "'", id.pos()));
            unknown.add(new Found(id.name(), id.pos()));
            return id;
        }
        path.add(id.name());
        Expr substituted = visit(body);
        resolved.add(new Found(id.name(), id.pos()));
        path.removeLast();
        return substituted;
    }
}
