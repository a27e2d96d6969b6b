package dev.peregrine.rules.index;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.syntax.Expr;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Infers the event codes a macro-expanded condition can match, exactly as libsinsp's
 * {@code libsinsp::filter::ast::ppm_event_codes} does (Falco uses it to route rules and to warn LOAD_NO_EVTTYPE):
 * <ul>
 *   <li>{@code evt.type = X}, {@code evt.type in (X, Y)} (and {@code syscall.type}) select the codes named X, Y
 *       ({@link EventTable#codesForTypeName}); {@code !=} selects the others;</li>
 *   <li>{@code and} intersects, {@code or} unites; {@code not} is pushed down to the checks (De Morgan), where it
 *       complements the codes of {@code evt.type} checks and leaves other checks at "all codes";</li>
 *   <li>{@code evt.type exists} is all codes ({@code not evt.type exists}: none); checks on {@code evt.num} that are
 *       always false ({@code evt.num = 0}, {@code evt.num < 1}) match no code and always-true ones all;</li>
 *   <li>every other check matches all codes.</li>
 * </ul>
 */
public final class EvttypeInference {
    /* Implementation notes:
     * libsinsp implements this as a visitor over mutable state (libs 48dfd53, userspace/libsinsp/filter/
     * ppm_codes.cpp); some results depend on that state rather than on the logic above, e.g. a quoted value inside a
     * transformer marks the node as having codes, so "not concat(proc.name, x) = y" matches no event. To give the
     * same sets in every corner we keep the same state machine (Walker) instead of a functional rewrite:
     *   lastCodes          codes of the node just visited
     *   lastHasCodes       whether lastCodes came from event names (only then does a negation complement it)
     *   lastIsEvttypeField the node just visited was a bare evt.type/syscall.type field
     *   lastIsFieldOrTx    the right-hand side just visited was a field or transformer (not supported)
     *   negated            an odd number of enclosing `not`
     * Values on the right of evt.type are not validated here (unknown names select nothing); the compiler reports
     * unknown event types.
     */

    private static final Pattern UNSIGNED = Pattern.compile("\\s*([+-]?)([0-9]+)");

    private EvttypeInference() {
    }

    /**
     * {@return the codes the condition can match}
     *
     * @throws EvttypeInferenceException for checks libsinsp's inference rejects: a right-hand field or transformer
     *     compared with {@code evt.type}, or {@code evt.type} inside a transformer of an {@code evt.type} check
     */
    public static EventTypeSet infer(Expr expanded, EventTable events) {
        requireNonNull(expanded, "expanded is null");
        requireNonNull(events, "events is null");
        Walker w = new Walker(events.size(), name -> {
            int[] codes = events.codesForTypeName(name);
            return codes == null ? new int[0] : codes;
        });
        w.visit(expanded);
        return new EventTypeSet(w.lastCodes, events.size());
    }

    /**
     * The same inference over another code space, as libsinsp runs it once over event codes
     * ({@code ppm_event_codes}) and once over syscall codes ({@code ppm_sc_codes}).
     *
     * @param universe the number of codes (codes are 0 to universe - 1)
     * @param codesOf the codes an {@code evt.type} value names (empty when none)
     * @return the codes the condition can match
     */
    public static BitSet infer(Expr expanded, int universe, Function<String, int[]> codesOf) {
        requireNonNull(expanded, "expanded is null");
        requireNonNull(codesOf, "codesOf is null");
        Walker w = new Walker(universe, codesOf);
        w.visit(expanded);
        return (BitSet) w.lastCodes.clone();
    }

    private static final class Walker {
        private final Function<String, int[]> codesOf;
        private final BitSet all;
        BitSet lastCodes = new BitSet();
        boolean lastHasCodes;
        boolean lastIsEvttypeField;
        boolean lastIsFieldOrTx = true;
        boolean negated;

        Walker(int universe, Function<String, int[]> codesOf) {
            this.codesOf = codesOf;
            this.all = new BitSet(universe);
            all.set(0, universe);
        }

        void visit(Expr e) {
            switch (e) {
                case Expr.And a -> {
                    if (negated) {
                        union(a.children());
                    } else {
                        intersection(a.children());
                    }
                }
                case Expr.Or o -> {
                    if (negated) {
                        intersection(o.children());
                    } else {
                        union(o.children());
                    }
                }
                case Expr.Not n -> {
                    lastCodes = new BitSet();
                    negated = !negated;
                    visit(n.child());
                    negated = !negated;
                    lastIsEvttypeField = false;
                }
                case Expr.BinaryCheck b -> binaryCheck(b);
                case Expr.UnaryCheck u -> {
                    visit(u.left());
                    lastHasCodes = lastIsEvttypeField && u.op().equals("exists");
                    leaf(allCodes());
                }
                case Expr.Identifier i -> {
                    lastHasCodes = false;
                    leaf(allCodes());
                }
                case Expr.Value v -> {
                    lastHasCodes = true;
                    leaf(namesToCodes(List.of(v.value())));
                }
                case Expr.ListValue l -> {
                    lastHasCodes = true;
                    leaf(namesToCodes(l.values()));
                }
                case Expr.TransformerList t -> t.children().forEach(this::visit);
                case Expr.Field f -> {
                    lastHasCodes = false;
                    lastIsFieldOrTx = true;
                    lastIsEvttypeField = (f.name().equals("evt.type") || f.name().equals("syscall.type")) && f.arg() == null;
                    lastCodes = allCodes();
                }
                case Expr.Transformer t -> {
                    for (Expr arg : t.args()) {
                        visit(arg);
                        if (lastIsEvttypeField) {
                            throw new EvttypeInferenceException(
                                    "event code search does not support `evt.type` checks with transformers", t.pos());
                        }
                    }
                    lastIsFieldOrTx = true;
                }
            }
        }

        private void intersection(List<Expr> children) {
            BitSet acc = allCodes();
            for (Expr c : children) {
                visit(c);
                acc.and(lastCodes);
            }
            lastCodes = acc;
            lastIsEvttypeField = false;
        }

        private void union(List<Expr> children) {
            BitSet acc = new BitSet();
            for (Expr c : children) {
                visit(c);
                acc.or(lastCodes);
            }
            lastCodes = acc;
            lastIsEvttypeField = false;
        }

        private void binaryCheck(Expr.BinaryCheck b) {
            lastHasCodes = false;
            Boolean invariant = evtNumInvariant(b);
            if (invariant != null) {
                lastHasCodes = true;
                leaf(invariant ? allCodes() : new BitSet());
                return;
            }
            String op = b.op();
            if (op.equals("=") || op.equals("==") || op.equals("!=") || op.equals("in")) {
                visit(b.left());
                if (lastIsEvttypeField) {
                    lastIsFieldOrTx = false;
                    visit(b.right());
                    if (lastIsFieldOrTx) {
                        throw new EvttypeInferenceException("right-hand field comparisons on `evt.type`/`syscall.type`"
                                + " checks are not supported by event code search", b.pos());
                    }
                    if (op.equals("!=")) {
                        // the value may already be complemented by an enclosing not: complementing again is right
                        complementIfNamed();
                    }
                    lastIsEvttypeField = false;
                    return;
                }
            }
            leaf(allCodes());
        }

        /** Ends a leaf: sets its codes and complements them under negation when they come from names. */
        private void leaf(BitSet codes) {
            lastCodes = codes;
            lastIsEvttypeField = false;
            if (negated) {
                complementIfNamed();
            }
        }

        private void complementIfNamed() {
            if (lastHasCodes) {
                BitSet c = allCodes();
                c.andNot(lastCodes);
                lastCodes = c;
            }
        }

        /**
         * libsinsp's evaluate_field_invariant: evt.num starts at 1, so some checks on a bare {@code evt.num} are
         * decided statically. {@return true (all codes), false (no code) or null (undecided)}
         */
        private static Boolean evtNumInvariant(Expr.BinaryCheck b) {
            if (!(b.left() instanceof Expr.Field f) || !f.name().equals("evt.num") || f.arg() != null) {
                return null;
            }
            String op = b.op();
            if (op.equals("in")) {
                if (!(b.right() instanceof Expr.ListValue l)) {
                    return null;
                }
                for (String v : l.values()) {
                    if (unsignedClass(v) != 0) {
                        return null;
                    }
                }
                return Boolean.FALSE;
            }
            if (!(b.right() instanceof Expr.Value v)) {
                return null;
            }
            int n = unsignedClass(v.value());
            if (n < 0) {
                return null;
            }
            return switch (op) {
                case "=", "==" -> n == 0 ? Boolean.FALSE : null;
                case "!=" -> n == 0 ? Boolean.TRUE : null;
                case "<" -> n <= 1 ? Boolean.FALSE : null;
                case "<=" -> n == 0 ? Boolean.FALSE : null;
                case ">" -> n == 0 ? Boolean.TRUE : null;
                case ">=" -> n <= 1 ? Boolean.TRUE : null;
                default -> null;
            };
        }

        /**
         * Reads a literal as {@code sscanf("%lu%c")} (libsinsp tryparseu64) and classifies the value:
         * {@return 0 or 1 for those values, 2 for any other number (negatives wrap to large values), -1 when it
         * is not a number}
         */
        private static int unsignedClass(String text) {
            Matcher m = UNSIGNED.matcher(text);
            if (!m.matches()) {
                return -1;
            }
            String digits = m.group(2).replaceFirst("^0+(?=.)", "");
            if (digits.equals("0")) {
                return 0;
            }
            return digits.equals("1") && !m.group(1).equals("-") ? 1 : 2;
        }

        private BitSet allCodes() {
            return (BitSet) all.clone();
        }

        private BitSet namesToCodes(List<String> names) {
            BitSet b = new BitSet();
            for (String n : names) {
                for (int c : codesOf.apply(n)) {
                    b.set(c);
                }
            }
            return b;
        }
    }
}
