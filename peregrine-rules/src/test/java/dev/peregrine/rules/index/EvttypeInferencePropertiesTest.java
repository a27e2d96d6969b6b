package dev.peregrine.rules.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Checks inference against a brute-force evaluation of random conditions: for every event code and every truth
 * assignment of the non-evt.type checks, a code that can make the condition true must be in the inferred set
 * (soundness), and for conditions made of evt.type checks only the set is exact.
 */
class EvttypeInferencePropertiesTest {
    private static final EventTable TABLE = EventTable.get();
    private static final List<String> NAMES = List.of("open", "openat", "execve", "connect", "container", "madvise");
    private static final int NEUTRAL_ATOMS = 2;

    private static Expr field(String name) {
        return new Expr.Field(name, null, Pos.START);
    }

    private static Expr randomTree(Random r, int depth, boolean withNeutral) {
        int kind = depth == 0 ? 3 + r.nextInt(3) : r.nextInt(6);
        return switch (kind) {
            case 0 -> new Expr.And(List.of(randomTree(r, depth - 1, withNeutral), randomTree(r, depth - 1, withNeutral)), Pos.START);
            case 1 -> new Expr.Or(List.of(randomTree(r, depth - 1, withNeutral), randomTree(r, depth - 1, withNeutral)), Pos.START);
            case 2 -> new Expr.Not(randomTree(r, depth - 1, withNeutral), Pos.START);
            default -> {
                if (withNeutral && r.nextInt(3) == 0) {
                    yield new Expr.BinaryCheck(field("proc.name"), "=", new Expr.Value("p" + r.nextInt(NEUTRAL_ATOMS), Pos.START), Pos.START);
                }
                yield switch (r.nextInt(3)) {
                    case 0 -> new Expr.BinaryCheck(field("evt.type"), "=", new Expr.Value(name(r), Pos.START), Pos.START);
                    case 1 -> new Expr.BinaryCheck(field("evt.type"), "!=", new Expr.Value(name(r), Pos.START), Pos.START);
                    default -> new Expr.BinaryCheck(field("evt.type"), "in",
                            new Expr.ListValue(List.of(name(r), name(r)), Pos.START), Pos.START);
                };
            }
        };
    }

    private static String name(Random r) {
        return NAMES.get(r.nextInt(NAMES.size()));
    }

    private static boolean typeIs(int code, String name) {
        for (int c : TABLE.codesForTypeName(name)) {
            if (c == code) {
                return true;
            }
        }
        return false;
    }

    /** Evaluates the condition for an event of {@code code}, with neutral atom i true when bit i of {@code atoms} is set. */
    private static boolean eval(Expr e, int code, int atoms) {
        return switch (e) {
            case Expr.And a -> a.children().stream().allMatch(c -> eval(c, code, atoms));
            case Expr.Or o -> o.children().stream().anyMatch(c -> eval(c, code, atoms));
            case Expr.Not n -> !eval(n.child(), code, atoms);
            case Expr.BinaryCheck b when ((Expr.Field) b.left()).name().equals("proc.name") ->
                    (atoms >> Integer.parseInt(((Expr.Value) b.right()).value().substring(1)) & 1) == 1;
            case Expr.BinaryCheck b -> switch (b.op()) {
                case "=" -> typeIs(code, ((Expr.Value) b.right()).value());
                case "!=" -> !typeIs(code, ((Expr.Value) b.right()).value());
                default -> ((Expr.ListValue) b.right()).values().stream().anyMatch(v -> typeIs(code, v));
            };
            default -> throw new IllegalArgumentException("unexpected node " + e);
        };
    }

    private static BitSet bruteForce(Expr e) {
        BitSet out = new BitSet();
        for (int code = 0; code < TABLE.size(); code++) {
            for (int atoms = 0; atoms < 1 << NEUTRAL_ATOMS; atoms++) {
                if (eval(e, code, atoms)) {
                    out.set(code);
                    break;
                }
            }
        }
        return out;
    }

    @Property(tries = 300)
    void infer_evttypeOnlyConditions_isExact(@ForAll long seed) {
        Expr e = randomTree(new Random(seed), 4, false);
        assertThat(EvttypeInference.infer(e, TABLE).codes()).as("%s", e).isEqualTo(bruteForce(e));
    }

    @Property(tries = 300)
    void infer_mixedConditions_isSound(@ForAll long seed) {
        Expr e = randomTree(new Random(seed), 4, true);
        BitSet inferred = EvttypeInference.infer(e, TABLE).codes();
        BitSet possible = bruteForce(e);
        BitSet missing = (BitSet) possible.clone();
        missing.andNot(inferred);
        assertThat(missing.isEmpty()).as("codes %s can match but were not inferred for %s", missing, e).isTrue();
    }

    @Property(tries = 200)
    void infer_negationOfAnd_equalsOrOfNegations(@ForAll long seed) {
        Random r = new Random(seed);
        List<Expr> kids = new ArrayList<>();
        for (int k = 0; k < 2 + r.nextInt(2); k++) {
            kids.add(randomTree(r, 2, true));
        }
        Expr notAnd = new Expr.Not(new Expr.And(kids, Pos.START), Pos.START);
        Expr orNots = new Expr.Or(kids.stream().<Expr>map(k -> new Expr.Not(k, Pos.START)).toList(), Pos.START);
        assertThat(EvttypeInference.infer(notAnd, TABLE)).isEqualTo(EvttypeInference.infer(orNots, TABLE));
    }
}
