package dev.peregrine.rules.syntax;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the parser and printer: blank-insensitivity (libsinsp's test_accept trick), print/parse round
 * trips on generated trees, and a fuzz property that only {@link ConditionSyntaxException} escapes.
 */
class ConditionParserPropertiesTest {
    private static final Pos P = Pos.START;

    // ---- (1) blanks ----

    @Property(tries = 600)
    void parse_acceptedCondition_sameTreeWithNewlinesOrTabs(@ForAll("acceptedConditions") String text,
            @ForAll("blanks") char blank) throws ConditionSyntaxException {
        Expr expected = ConditionParser.parse(text, ConditionParser.RULES_MAX_CONDITION_DEPTH);
        String changed = ConditionTexts.replaceBlanks(" " + text + " ", blank);
        assertThat(ConditionParser.parse(changed, ConditionParser.RULES_MAX_CONDITION_DEPTH)).isEqualTo(expected);
    }

    @Property(tries = 300)
    void parse_printedTree_sameTreeWithNewlinesOrTabs(@ForAll("conditions") Expr tree, @ForAll("blanks") char blank)
            throws ConditionSyntaxException {
        String changed = ConditionTexts.replaceBlanks(ExprPrinter.print(tree), blank);
        assertThat(ConditionParser.parse(changed, ConditionParser.RULES_MAX_CONDITION_DEPTH)).isEqualTo(tree);
    }

    @Provide
    Arbitrary<String> acceptedConditions() {
        List<String> all = new ArrayList<>(ConditionTexts.libsinspAccepted());
        all.addAll(ConditionTexts.ruleConditions());
        return Arbitraries.of(all);
    }

    @Provide
    Arbitrary<Character> blanks() {
        return Arbitraries.of('\n', '\t', '\r', ' ');
    }

    // ---- (2) round trip ----

    @Property(tries = 1500)
    void parse_printOfGeneratedTree_equalsTree(@ForAll("conditions") Expr tree) throws ConditionSyntaxException {
        String text = ExprPrinter.print(tree);
        assertThat(ConditionParser.parse(text, ConditionParser.RULES_MAX_CONDITION_DEPTH)).as(text).isEqualTo(tree);
    }

    @Provide
    Arbitrary<Expr> conditions() {
        return condition(4);
    }

    private Arbitrary<Expr> condition(int depth) {
        if (depth == 0) {
            return Arbitraries.oneOf(check(), identifier().map(n -> (Expr) new Expr.Identifier(n, P)));
        }
        Arbitrary<Expr> sub = Arbitraries.lazy(() -> condition(depth - 1));
        return Arbitraries.frequencyOf(
                Tuple.of(3, check()),
                Tuple.of(1, identifier().map(n -> new Expr.Identifier(n, P))),
                Tuple.of(2, sub.list().ofMinSize(2).ofMaxSize(4).map(c -> new Expr.And(c, P))),
                Tuple.of(2, sub.list().ofMinSize(2).ofMaxSize(4).map(c -> new Expr.Or(c, P))),
                Tuple.of(1, sub.map(c -> new Expr.Not(c, P))));
    }

    private Arbitrary<Expr> check() {
        Arbitrary<Expr> left = Arbitraries.frequencyOf(Tuple.of(3, field()), Tuple.of(1, transformer(2)));
        Arbitrary<Expr> rightTransformer = Arbitraries.oneOf(transformer(2), val());
        Arbitrary<Expr> unary = left.map(l -> new Expr.UnaryCheck(l, "exists", P));
        Arbitrary<Expr> num = Combinators.combine(left, Arbitraries.of("<", "<=", ">", ">="),
                Arbitraries.oneOf(number().map(n -> new Expr.Value(n, P)), rightTransformer))
                .as((l, op, r) -> new Expr.BinaryCheck(l, op, r, P));
        Arbitrary<String> strOps = Arbitraries.of("=", "==", "!=", "glob", "iglob", "contains", "icontains",
                "bcontains", "startswith", "bstartswith", "endswith", "regex");
        Arbitrary<Expr> str = Combinators.combine(left, strOps,
                Arbitraries.oneOf(text().map(s -> new Expr.Value(s, P)), rightTransformer))
                .as((l, op, r) -> new Expr.BinaryCheck(l, op, r, P));
        Arbitrary<Expr> listName = identifier().filter(n -> !startsWithKeyword(n)).map(n -> new Expr.Identifier(n, P));
        Arbitrary<Expr> modified = Combinators.combine(left, strOps, Arbitraries.of(ConditionParser.MODIFIERS),
                Arbitraries.oneOf(listValue(), listName))
                .as((l, op, mod, r) -> new Expr.BinaryCheck(l, op + " " + mod, r, P));
        Arbitrary<Expr> listOp = Combinators.combine(left, Arbitraries.of(ConditionParser.LIST_OPERATORS),
                Arbitraries.oneOf(listValue(), identifier().map(n -> new Expr.Identifier(n, P)), rightTransformer))
                .as((l, op, r) -> new Expr.BinaryCheck(l, op, r, P));
        return Arbitraries.oneOf(unary, num, str, modified, listOp);
    }

    private static boolean startsWithKeyword(String name) {
        return name.startsWith("and") || name.startsWith("or") || name.startsWith("not");
    }

    private Arbitrary<Expr> listValue() {
        return text().list().ofMaxSize(4).map(v -> new Expr.ListValue(v, P));
    }

    private Arbitrary<Expr> val() {
        return Combinators.combine(field(), fieldArg()).as((f, a) -> new Expr.Transformer("val", List.of(f), a, P));
    }

    private Arbitrary<Expr> transformer(int depth) {
        Arbitrary<Expr> value = Arbitraries.oneOf(text(), number()).map(s -> new Expr.Value(s, P));
        Arbitrary<Expr> nested = depth == 0 ? field() : Arbitraries.lazy(() -> transformer(depth - 1));
        Arbitrary<Expr> listMember = Arbitraries.oneOf(field(), value, nested);
        Arbitrary<Expr> list = listMember.list().ofMaxSize(3).map(c -> new Expr.TransformerList(c, P));
        Arbitrary<Expr> arg = Arbitraries.frequencyOf(Tuple.of(4, field()), Tuple.of(2, value), Tuple.of(1, nested),
                Tuple.of(1, list));
        return Combinators.combine(Arbitraries.of(ConditionParser.TRANSFORMERS), arg.list().ofMinSize(1).ofMaxSize(3),
                fieldArg()).as((n, a, fa) -> new Expr.Transformer(n, a, fa, P));
    }

    private Arbitrary<Expr> field() {
        Arbitrary<String> name = identifier().list().ofMinSize(2).ofMaxSize(3).map(p -> String.join(".", p));
        return Combinators.combine(name, fieldArg()).as((n, a) -> new Expr.Field(n, a, P));
    }

    private Arbitrary<String> fieldArg() {
        return text().injectNull(0.75);
    }

    private Arbitrary<String> identifier() {
        return Combinators.combine(Arbitraries.chars().range('a', 'z').range('A', 'Z'),
                Arbitraries.strings().withCharRange('a', 'z').withChars('_', '0', '9', 'X').ofMaxLength(6))
                .as((c, s) -> c + s)
                .filter(n -> !n.equals("and") && !n.equals("or") && !n.equals("not"));
    }

    private Arbitrary<String> number() {
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(5);
        Arbitrary<String> decimal = Combinators.combine(Arbitraries.of("", "+", "-"), digits,
                Arbitraries.of("", ".", ".5", ".25"), Arbitraries.of("", "e+1", "E-10"))
                .as((s, d, f, e) -> s + d + f + e);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(1).ofMaxLength(6)
                .map(h -> "0x" + h);
        return Arbitraries.oneOf(decimal, hex);
    }

    /** Strings of every kind the lexer treats specially, plus some ordinary text. */
    private Arbitrary<String> text() {
        Arbitrary<String> tricky = Arbitraries.strings().withCharRange(' ', '~')
                .withChars('\n', '\t', '\r', '\b', '\f', '\u000B', '\0', '\\', '"', '\'', 'é', '\u00ff', '\u4e2d')
                .ofMaxLength(8);
        Arbitrary<String> words = Arbitraries.of("oneof", "anyof", "allof", "and", "or", "not", "in", "exists",
                "val", "b64", "/etc/*", "runc:[0:PARENT]", "", "\\", "a\\", "\\\"", "x y", "(", ")", ",", "=",
                "tolower(x.y)", "1e5", "0x", "0xfg");
        return Arbitraries.frequencyOf(Tuple.of(3, tricky), Tuple.of(1, words));
    }

    // ---- (3) fuzz ----

    @Property(tries = 3000)
    void parse_arbitraryText_onlyThrowsSyntaxErrors(@ForAll("fuzzTexts") String text) {
        checkTotal(text);
    }

    @Property(tries = 3000)
    void parse_mutatedUpstreamCondition_onlyThrowsSyntaxErrors(@ForAll("mutatedConditions") String text) {
        checkTotal(text);
    }

    /**
     * Parsing either succeeds, and then the tree prints back to itself and partial parsing agrees, or fails with
     * a syntax error whose position lies within the text.
     */
    private static void checkTotal(String text) {
        Expr e;
        try {
            e = ConditionParser.parse(text);
        } catch (ConditionSyntaxException ex) {
            assertThat(ex.pos().index()).isBetween(0, text.length());
            assertThat(ConditionParserTest.LIBSINSP_MESSAGE_PREFIXES).as(ex.getMessage())
                    .anyMatch(ex.getMessage()::startsWith);
            return;
        }
        try {
            assertThat(ConditionParser.parse(ExprPrinter.print(e))).as(text).isEqualTo(e);
            ConditionParser.Prefix p = ConditionParser.parsePartial(text);
            assertThat(p.expr()).isEqualTo(e);
            assertThat(p.end().index()).isEqualTo(text.length());
        } catch (ConditionSyntaxException ex) {
            throw new AssertionError("accepted <" + text + "> but its print or partial parse failed: "
                    + ex.getMessage(), ex);
        }
    }

    private static final List<String> TOKENS = List.of(" ", " ", " ", "\n", "\t", "(", ")", "(", ")", ",", "[", "]",
            "\"", "'", "\\", "\\x4", "\\x41", "\\q", "=", "==", "!=", "<", "<=", ">", ">=", "exists", "and", "or",
            "not", "not(", "and(", "or(", "in", "intersects", "pmatch", "contains", "startswith", "glob", "oneof",
            "anyof", "allof", "val(", "tolower(", "b64(", "join(", "len(", "getopt(", "proc.name", "fd.name",
            "evt.arg[0]", "a", "macro", "0x1F", "-1.5", "1e+5", "/etc/*", "runc:[0:PARENT]", "\"x y\"", "'z'", "\0",
            "é", "\r");

    @Provide
    Arbitrary<String> fuzzTexts() {
        Arbitrary<String> tokens = Arbitraries.of(TOKENS).list().ofMaxSize(25).map(l -> String.join("", l));
        Arbitrary<String> chars = Arbitraries.strings().withCharRange('\0', '\u00ff').ofMaxLength(30);
        Arbitrary<String> deep = Combinators.combine(Arbitraries.integers().between(0, 400),
                Arbitraries.of("(", "not ", "not(", "a and(", "b64(", "join(\"\",(", "a.b in (", "a.b = oneof ("))
                .as((n, t) -> t.repeat(n) + "a.b exists");
        return Arbitraries.frequencyOf(Tuple.of(6, tokens), Tuple.of(3, chars), Tuple.of(1, deep));
    }

    @Provide
    Arbitrary<String> mutatedConditions() {
        Arbitrary<String> source = Arbitraries.of(ConditionTexts.ruleConditions());
        Arbitrary<String> token = Arbitraries.of(TOKENS);
        return Combinators.combine(source, Arbitraries.integers().between(0, 3), Arbitraries.doubles()
                .between(0, 1), Arbitraries.doubles().between(0, 1), token)
                .as((s, kind, a, b, t) -> {
                    int i = (int) (a * s.length());
                    int j = Math.min(s.length(), i + (int) (b * 12));
                    return switch (kind) {
                        case 0 -> s.substring(0, i) + s.substring(j); // delete
                        case 1 -> s.substring(0, i) + t + s.substring(i); // insert a token
                        case 2 -> s.substring(0, i) + t + s.substring(j); // replace by a token
                        default -> s.substring(0, i); // truncate
                    };
                });
    }
}
