package dev.peregrine.rules.load;

import dev.peregrine.rules.syntax.Expr;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the warnings Falco's {@code filter_warning_resolver} reports on a condition tree: an equality comparison of a
 * k8s-audit field ({@code ka.*}, {@code jevt.*}) with {@code <NA>}, and fields deprecated since enter events were
 * dropped ({@code evt.dir}, {@code evt.latency*}, {@code evt.wait_latency}).
 */
final class ConditionWarnings {
    /** Deprecated fields, in Falco's order, and the message Falco gives for each. */
    static final List<String> DEPRECATED_FIELDS = List.of("evt.dir", "evt.latency", "evt.latency.s",
            "evt.latency.ns", "evt.latency.human", "evt.wait_latency");
    static final String EVT_DIR_DESC = "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and "
            + "'evt.dir = >' always evaluates to false. The rule expression can be simplified by removing the "
            + "condition on 'evt.dir'";
    static final String LATENCY_DESC = "field is not available due to the drop of enter events.";
    private static final String NO_VALUE = "<NA>";

    private final Set<String> deprecated = new LinkedHashSet<>();
    private boolean unsafeNa;

    private ConditionWarnings() {
    }

    /** Adds the warnings for {@code ast} to the report at {@code ctx}. */
    static void report(Expr ast, Context ctx, FileReport report) {
        ConditionWarnings w = new ConditionWarnings();
        w.visit(ast);
        if (w.unsafeNa) {
            report.warn(LoadCode.LOAD_UNSAFE_NA_CHECK, "", ctx);
        }
        for (String f : DEPRECATED_FIELDS) {
            if (w.deprecated.contains(f)) {
                report.warnDeprecatedField(f, describeDeprecated(f), ctx);
            }
        }
    }

    static String describeDeprecated(String field) {
        return field.equals("evt.dir") ? EVT_DIR_DESC : LATENCY_DESC;
    }

    private void visit(Expr e) {
        switch (e) {
            case Expr.And a -> a.children().forEach(this::visit);
            case Expr.Or o -> o.children().forEach(this::visit);
            case Expr.Not n -> visit(n.child());
            case Expr.UnaryCheck u -> visit(u.left());
            case Expr.BinaryCheck b -> {
                visit(b.left());
                boolean unsafe = b.left() instanceof Expr.Field f
                        && (f.name().startsWith("ka.") || f.name().startsWith("jevt."));
                if (unsafe && EQUALITY.contains(b.op())) {
                    if (b.right() instanceof Expr.Value v && v.value().equals(NO_VALUE)) {
                        unsafeNa = true;
                    }
                    if (b.right() instanceof Expr.ListValue l && l.values().contains(NO_VALUE)) {
                        unsafeNa = true;
                    }
                }
            }
            case Expr.Field f -> {
                if (DEPRECATED_FIELDS.contains(f.name())) {
                    deprecated.add(f.name());
                }
            }
            case Expr.Transformer t -> t.args().forEach(this::visit);
            case Expr.TransformerList t -> t.children().forEach(this::visit);
            case Expr.Identifier i -> {
            }
            case Expr.Value v -> {
            }
            case Expr.ListValue l -> {
            }
        }
    }

    private static final Set<String> EQUALITY = Set.of("==", "=", "!=", "in", "intersects", "pmatch");

}
