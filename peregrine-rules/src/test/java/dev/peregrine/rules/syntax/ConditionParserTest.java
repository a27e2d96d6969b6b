package dev.peregrine.rules.syntax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.peregrine.rules.syntax.Expr.And;
import dev.peregrine.rules.syntax.Expr.BinaryCheck;
import dev.peregrine.rules.syntax.Expr.Field;
import dev.peregrine.rules.syntax.Expr.Identifier;
import dev.peregrine.rules.syntax.Expr.ListValue;
import dev.peregrine.rules.syntax.Expr.Not;
import dev.peregrine.rules.syntax.Expr.Or;
import dev.peregrine.rules.syntax.Expr.Transformer;
import dev.peregrine.rules.syntax.Expr.TransformerList;
import dev.peregrine.rules.syntax.Expr.UnaryCheck;
import dev.peregrine.rules.syntax.Expr.Value;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConditionParserTest {
    private static final Pos P = Pos.START;

    // ---- helpers ----

    static Expr parse(String text) {
        try {
            return ConditionParser.parse(text);
        } catch (ConditionSyntaxException e) {
            throw new AssertionError("rejected at " + e.pos() + ": " + e.getMessage() + " -> " + text, e);
        }
    }

    static ConditionSyntaxException reject(String text) {
        try {
            Expr e = ConditionParser.parse(text);
            return fail("expected a parse failure for <" + text + "> but got " + ExprPrinter.print(e));
        } catch (ConditionSyntaxException e) {
            return e;
        }
    }

    /** libsinsp's test_accept: the text, the text in blanks, and that with blanks turned to newlines and tabs. */
    static void assertAccepted(String text) {
        Expr expected = parse(text);
        String padded = " " + text + " ";
        assertThat(parse(padded)).as("padded %s", text).isEqualTo(expected);
        assertThat(parse(ConditionTexts.replaceBlanks(padded, '\n'))).as("newlines %s", text).isEqualTo(expected);
        assertThat(parse(ConditionTexts.replaceBlanks(padded, '\t'))).as("tabs %s", text).isEqualTo(expected);
    }

    static Field f(String name) {
        return new Field(name, null, P);
    }

    static Field f(String name, String arg) {
        return new Field(name, arg, P);
    }

    static Value v(String value) {
        return new Value(value, P);
    }

    static Identifier id(String name) {
        return new Identifier(name, P);
    }

    static BinaryCheck bin(Expr left, String op, Expr right) {
        return new BinaryCheck(left, op, right, P);
    }

    static UnaryCheck exists(Expr left) {
        return new UnaryCheck(left, "exists", P);
    }

    static ListValue list(String... values) {
        return new ListValue(List.of(values), P);
    }

    static Transformer tr(String name, Expr... args) {
        return new Transformer(name, List.of(args), null, P);
    }

    static And and(Expr... c) {
        return new And(List.of(c), P);
    }

    static Or or(Expr... c) {
        return new Or(List.of(c), P);
    }

    static Not not(Expr c) {
        return new Not(c, P);
    }

    /** The node kinds and positions in pre-order, formatted as libsinsp's filter_parser test pos_visitor does. */
    static String positions(Expr e) {
        StringBuilder sb = new StringBuilder();
        Exprs.walk(e, n -> {
            String kind = switch (n) {
                case And a -> "and";
                case Or o -> "or";
                case Not x -> "not";
                case Identifier i -> "identifier";
                case Value x -> "value";
                case ListValue x -> "list";
                case TransformerList x -> "transformer_list";
                case UnaryCheck x -> "unary";
                case BinaryCheck x -> "binary";
                case Field x -> "field";
                case Transformer x -> "transformer";
            };
            sb.append(kind).append(n.pos().index()).append(' ').append(n.pos().line()).append(' ')
                    .append(n.pos().column());
        });
        return sb.toString();
    }

    // ---- upstream accept/reject corpus ----

    static Stream<String> libsinspAccepted() {
        return ConditionTexts.libsinspAccepted().stream();
    }

    static Stream<String> libsinspRejected() {
        return ConditionTexts.libsinspRejected().stream();
    }

    @ParameterizedTest
    @MethodSource("libsinspAccepted")
    void parse_libsinspAcceptedCase_acceptsInAnyBlanks(String text) {
        assertAccepted(text);
    }

    @ParameterizedTest
    @MethodSource("libsinspRejected")
    void parse_libsinspRejectedCase_throwsWithPosition(String text) {
        ConditionSyntaxException e = reject(text);
        assertThat(LIBSINSP_MESSAGE_PREFIXES).as(e.getMessage()).anyMatch(e.getMessage()::startsWith);
        assertThat(e.pos().index()).isBetween(0, text.length());
    }

    /** Every message libsinsp's parser and unescaper can throw (those with a variable part by their prefix). */
    static final List<String> LIBSINSP_MESSAGE_PREFIXES = List.of("filter input string is empty",
            "exceeded max depth limit of ", "parser fatal error: recursion is unbalanced", "unexpected token after '",
            "expected blank or '(' after 'or'", "expected blank or '(' after 'and'", "expected a ')' token",
            "expected a '(' token, a field check, or an identifier",
            "expected a valid field argument: a quoted string or a bare string", "expected a ']' token",
            "expected a ')' token closing the transformer", "expected field transformer argument: ",
            "expected ')'", "expected transformer list argument: ", "expected a valid check operator: one of ",
            "expected a number value or a field with a valid transformer: ", "expected a string value",
            "expected a list or an identifier", "expected a list, an identifier, or a field with a valid transformer: ",
            "expected a field within '", "invalid \\\" escape in '-quoted string",
            "invalid \\' escape in \"-quoted string", "truncated hex char escape sequence",
            "invalid hex char escape sequence: ", "unsupported string escape sequence: \\");

    @Test
    void corpus_libsinspCases_areAllLoaded() {
        assertThat(ConditionTexts.libsinspAccepted()).hasSizeGreaterThan(300).contains("a and notb",
                "proc.name == oneof oneof", "join(\"-\", ()) = /tmp");
        assertThat(ConditionTexts.libsinspRejected()).hasSizeGreaterThan(180).contains("a andb", "macro > 12");
    }

    // ---- logical operators and spacing ----

    @Test
    void parse_logicalOperators_buildFlatChildren() {
        assertThat(parse("a and b and c")).isEqualTo(and(id("a"), id("b"), id("c")));
        assertThat(parse("a or b or(c)")).isEqualTo(or(id("a"), id("b"), id("c")));
        assertThat(parse("a.a=1 or b.b=2 and c"))
                .isEqualTo(or(bin(f("a.a"), "=", v("1")), and(bin(f("b.b"), "=", v("2")), id("c"))));
        assertThat(parse("(a or b) and c")).isEqualTo(and(or(id("a"), id("b")), id("c")));
        assertThat(parse("((((((((((a))))))))))")).isEqualTo(id("a"));
    }

    @Test
    void parse_notKeywords_followLibsinspSpacing() {
        assertThat(parse("not a")).isEqualTo(not(id("a")));
        assertThat(parse("not(a)")).isEqualTo(not(id("a")));
        assertThat(parse("not not a")).isEqualTo(id("a"));
        assertThat(parse("not\ta")).isEqualTo(not(id("a")));
        assertThat(parse("not not not not not(not not(not not_macro))")).isEqualTo(not(not(id("not_macro"))));
        assertThat(parse("notz and a and b")).isEqualTo(and(id("notz"), id("a"), id("b")));
        assertThat(parse("macro and not_macro")).isEqualTo(and(id("macro"), id("not_macro")));
        assertThat(parse("a and notb")).isEqualTo(and(id("a"), id("notb")));
        assertThat(parse("macro and or_macro")).isEqualTo(and(id("macro"), id("or_macro")));
        assertThat(parse("not(a)and(not(b))")).isEqualTo(and(not(id("a")), not(id("b"))));
        // a lone trailing 'not' is an identifier for libsinsp, not a keyword
        assertThat(parse("a and not")).isEqualTo(and(id("a"), id("not")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a andb", "aand b", "a orb", "a not b", "(a)andnot(b)", "and a", "a and b and"})
    void parse_keywordWithoutBlank_isRejected(String text) {
        reject(text);
    }

    // ---- error messages and positions ----

    static Stream<Arguments> errorCases() {
        String transformers = "'val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'";
        return Stream.of(
                Arguments.of("", "filter input string is empty", 0, 1, 1),
                Arguments.of("evt.type = execve execve", "unexpected token after 'execve', expecting 'or', 'and'",
                        18, 1, 19),
                Arguments.of("evt.type in (execve) x", "unexpected token after ')', expecting 'or', 'and'", 21, 1,
                        22),
                Arguments.of("a.b = \"x y\" z", "unexpected token after 'x y', expecting 'or', 'and'", 12, 1, 13),
                Arguments.of("b64 (test.field) exists", "unexpected token after 'b64', expecting 'or', 'and'", 4,
                        1, 5),
                Arguments.of("test.op exists something",
                        "unexpected token after 'exists', expecting 'or', 'and'", 15, 1, 16),
                Arguments.of("a orb", "expected blank or '(' after 'or'", 4, 1, 5),
                Arguments.of("a andb", "expected blank or '(' after 'and'", 5, 1, 6),
                Arguments.of("(a.b = 1", "expected a ')' token", 8, 1, 9),
                Arguments.of("a and ", "expected a '(' token, a field check, or an identifier", 6, 1, 7),
                Arguments.of("evt.arg[] = value",
                        "expected a valid field argument: a quoted string or a bare string", 8, 1, 9),
                Arguments.of("evt.arg[\"x\" = value", "expected a ']' token", 11, 1, 12),
                Arguments.of("getopt(proc.args, \"nt:\")[] = value",
                        "expected a valid field argument: a quoted string or a bare string", 25, 1, 26),
                Arguments.of("b64(test.field [1]) exists", "expected a ')' token closing the transformer", 15, 1, 16),
                Arguments.of("b64() exists", "expected field transformer argument: "
                        + "field, transformer, quoted string, number, or transformer list", 4, 1, 5),
                Arguments.of("join(\"-\", (fd.name,)) = /tmp", "expected transformer list argument: "
                        + "field, transformer, quoted string, or number", 19, 1, 20),
                Arguments.of("join(\"-\", (fd.name fd.directory)) = /tmp", "expected ')'", 19, 1, 20),
                Arguments.of("a.a badoperator xxx", "expected a valid check operator: one of 'exists', '<=', "
                        + "'<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', "
                        + "'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', 'pmatch'", 4, 1, 5),
                // "in" is matched as a prefix of "invalidoperator", as in libsinsp
                Arguments.of("a.a invalidoperator xxx",
                        "unexpected token after 'validoperator', expecting 'or', 'and'", 20, 1, 21),
                Arguments.of("test.num <= a",
                        "expected a number value or a field with a valid transformer: " + transformers, 12, 1, 13),
                Arguments.of("test.op === value",
                        "expected a string value or a field with a valid transformer: " + transformers, 10, 1, 11),
                Arguments.of("test.list in (value,)", "expected a string value", 20, 1, 21),
                Arguments.of("test.list in (value", "expected a ')' token", 19, 1, 20),
                Arguments.of("test.list in", "expected a list, an identifier, or a field with a valid transformer: "
                        + transformers, 12, 1, 13),
                Arguments.of("proc.name == oneof (cat,)", "expected a string value", 24, 1, 25),
                Arguments.of("some.field = val(toupper(test.field))", "expected a field within 'val' transformer",
                        17, 1, 18),
                Arguments.of("some.field = val(test.field", "expected a ')' token closing the transformer", 27, 1,
                        28),
                Arguments.of("a.b = 'x\\\"'", "invalid \\\" escape in '-quoted string", 11, 1, 12),
                Arguments.of("a.b = \"x\\'\"", "invalid \\' escape in \"-quoted string", 11, 1, 12),
                Arguments.of("a.b = \"\\q\"", "unsupported string escape sequence: \\q", 10, 1, 11),
                Arguments.of("a.b = \"\\x4\"", "truncated hex char escape sequence", 11, 1, 12),
                Arguments.of("a.b = \"\\xg1\"", "invalid hex char escape sequence: g1", 12, 1, 13),
                Arguments.of("a and\n  b.c =", "expected a string value or a field with a valid transformer: "
                        + transformers, 13, 2, 8),
                Arguments.of("a\r\nor", "expected blank or '(' after 'or'", 5, 3, 3),
                // a message quoting a NUL ends there, as libsinsp's what() does
                Arguments.of("fd.name = x\0y )", "unexpected token after 'x", 14, 1, 15));
    }

    @ParameterizedTest
    @MethodSource("errorCases")
    void parse_invalidCondition_reportsLibsinspMessageAndPosition(String text, String message, int index, int line,
            int column) {
        ConditionSyntaxException e = reject(text);
        assertThat(e.getMessage()).isEqualTo(message);
        assertThat(e.pos()).isEqualTo(new Pos(index, line, column));
    }

    @Test
    void parse_libsinspRejectMessages_match() {
        assertThat(reject("evt.arg[] = value").getMessage())
                .isEqualTo("expected a valid field argument: a quoted string or a bare string");
        assertThat(reject("evt.arg[\"x\" = value").getMessage()).isEqualTo("expected a ']' token");
        assertThat(reject("getopt(proc.args, \"nt:\")[\"t\" = value").getMessage())
                .isEqualTo("expected a ']' token");
    }

    // ---- depth ----

    @Test
    void parse_hundredThousandOpenParens_failsWithDepthMessage() {
        ConditionSyntaxException e = reject("(".repeat(100_000));
        assertThat(e.getMessage()).isEqualTo("exceeded max depth limit of 100");
    }

    @Test
    void parse_deepButBoundedNesting_isAccepted() {
        // each '(' costs 5 levels (check, embedded, or, and, not) on top of the 4 of the outermost check
        assertThat(parse("(".repeat(18) + "a" + ")".repeat(18))).isEqualTo(id("a"));
        assertThat(reject("(".repeat(20) + "a" + ")".repeat(20)).getMessage())
                .isEqualTo("exceeded max depth limit of 100");
    }

    @Test
    void parse_rulesDepth_allowsFalcoLoaderNesting() throws ConditionSyntaxException {
        String deep = "(".repeat(150) + "a" + ")".repeat(150);
        assertThat(ConditionParser.parse(deep, ConditionParser.RULES_MAX_CONDITION_DEPTH)).isEqualTo(id("a"));
        assertThatThrownBy(() -> ConditionParser.parse("(".repeat(100_000), ConditionParser.RULES_MAX_CONDITION_DEPTH))
                .isInstanceOf(ConditionSyntaxException.class)
                .hasMessage("exceeded max depth limit of 1000");
    }

    @Test
    void parse_depthLimitInsideListHead_reportsUnbalancedRecursion() {
        // When the depth limit hits exactly on the first item of a list, where libsinsp swallows errors, the
        // throwing guard leaks one level and the parse ends with libsinsp's "recursion is unbalanced" error.
        // "x and(" adds 3 levels, "x or(" adds 2; search the nesting that puts the list head at level 100.
        String found = null;
        for (int ands = 0; ands < 40 && found == null; ands++) {
            for (int ors = 0; ors < 40 && found == null; ors++) {
                String text = "x or(".repeat(ors) + "x and(".repeat(ands) + "a.b in ()" + ")".repeat(ands + ors);
                try {
                    ConditionParser.parse(text);
                } catch (ConditionSyntaxException e) {
                    if (e.getMessage().equals("parser fatal error: recursion is unbalanced")) {
                        found = text;
                    }
                }
            }
        }
        assertThat(found).as("a nesting that hits the limit on a list head").isNotNull();
    }

    // ---- fields, args, transformers ----

    @Test
    void parse_fieldArguments_bareAndQuoted() {
        assertThat(parse("evt.arg[0] contains /bin")).isEqualTo(bin(f("evt.arg", "0"), "contains", v("/bin")));
        assertThat(parse("test.str[0a!@#456:/\\.;!$%^&*(){}|] = testval"))
                .isEqualTo(bin(f("test.str", "0a!@#456:/\\.;!$%^&*(){}|"), "=", v("testval")));
        assertThat(parse("evt.arg[\"key with space\"] = value"))
                .isEqualTo(bin(f("evt.arg", "key with space"), "=", v("value")));
        assertThat(parse("test.str[\"test \\\"with\\\"escaping\"] = a"))
                .isEqualTo(bin(f("test.str", "test \"with\"escaping"), "=", v("a")));
        assertThat(parse("test.str[\"\"] = value")).isEqualTo(bin(f("test.str", ""), "=", v("value")))
                .isNotEqualTo(parse("test.str = value"));
        assertThat(parse("a.b_c.d9 exists")).isEqualTo(exists(f("a.b_c.d9")));
    }

    @Test
    void parse_transformers_buildNestedNodes() {
        assertThat(parse("b64(evt.name) exists and tolower(toupper(evt.type)) in val(some.field) or "
                + "proc.name=b64(tolower(some.field))"))
                .isEqualTo(or(
                        and(exists(tr("b64", f("evt.name"))),
                                bin(tr("tolower", tr("toupper", f("evt.type"))), "in", tr("val", f("some.field")))),
                        bin(f("proc.name"), "=", tr("b64", tr("tolower", f("some.field"))))));
        assertThat(parse("getopt(proc.args, \"nt:\")[t] = value"))
                .isEqualTo(bin(new Transformer("getopt", List.of(f("proc.args"), v("nt:")), "t", P), "=", v("value")));
        assertThat(parse("join(\"-\", (fd.name, 'x', 12, toupper(fd.directory))) = /tmp/test"))
                .isEqualTo(bin(tr("join", v("-"), new TransformerList(List.of(f("fd.name"), v("x"), v("12"),
                        tr("toupper", f("fd.directory"))), P)), "=", v("/tmp/test")));
        assertThat(parse("concat(proc.name, \"-\", proc.pid) = a-1"))
                .isEqualTo(bin(tr("concat", f("proc.name"), v("-"), f("proc.pid")), "=", v("a-1")));
        assertThat(parse("len(basename(fd.name)) > 0x10"))
                .isEqualTo(bin(tr("len", tr("basename", f("fd.name"))), ">", v("0x10")));
        assertThat(parse("join(\"-\", ()) = x")).isEqualTo(bin(tr("join", v("-"), new TransformerList(List.of(), P)),
                "=", v("x")));
        assertThat(parse("a.b = val(c.d[1])[x]"))
                .isEqualTo(bin(f("a.b"), "=", new Transformer("val", List.of(f("c.d", "1")), "x", P)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"val(test.field) exists", "b64(val(test.field)) exists", "b64 (test.field) exists",
            "some.field = val(val(test.field))", "some.field = (b64(test.field))", "some.field in (b64(test.field))",
            "join(\"-\", ((fd.name))) = /tmp", "join(\"-\", (macro)) = /tmp", "some.field = b64and(some_macro)"})
    void parse_misusedTransformer_isRejected(String text) {
        reject(text);
    }

    // ---- operators and modifiers ----

    @ParameterizedTest
    @ValueSource(strings = {"=", "==", "!=", "glob", "iglob", "contains", "icontains", "bcontains", "startswith",
            "bstartswith", "endswith", "regex"})
    void parse_stringOperator_keepsOperatorText(String op) {
        assertThat(parse("a.b " + op + " x")).isEqualTo(bin(f("a.b"), op, v("x")));
        for (String mod : ConditionParser.MODIFIERS) {
            assertThat(parse("a.b " + op + " " + mod + " (x, 'y z')"))
                    .isEqualTo(bin(f("a.b"), op + " " + mod, list("x", "y z")));
            assertThat(parse("a.b " + op + " " + mod + " my_list")).isEqualTo(bin(f("a.b"), op + " " + mod,
                    id("my_list")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"<", "<=", ">", ">="})
    void parse_numericOperator_takesNumbers(String op) {
        for (String n : List.of("1000", "+1", "-1", "0x12345", "0XaB00AB", "1.2", "-0.1222e+10", "1.")) {
            assertThat(parse("a.b " + op + " " + n)).isEqualTo(bin(f("a.b"), op, v(n)));
            assertThat(parse("a.b " + op + n)).isEqualTo(bin(f("a.b"), op, v(n)));
        }
        reject("a.b " + op + " 1e5");
        reject("a.b " + op + " 0xAAA.1");
        reject("a.b " + op + " a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"in", "intersects", "pmatch"})
    void parse_listOperator_takesListsIdentifiersAndTransformers(String op) {
        assertThat(parse("a.b " + op + " (x, \"y z\", 3)")).isEqualTo(bin(f("a.b"), op, list("x", "y z", "3")));
        assertThat(parse("a.b " + op + "()")).isEqualTo(bin(f("a.b"), op, list()));
        assertThat(parse("a.b " + op + " shell_binaries")).isEqualTo(bin(f("a.b"), op, id("shell_binaries")));
        assertThat(parse("a.b " + op + " val(c.d)")).isEqualTo(bin(f("a.b"), op, tr("val", f("c.d"))));
        assertThat(parse("a.b " + op + " tolower(c.d)")).isEqualTo(bin(f("a.b"), op, tr("tolower", f("c.d"))));
    }

    @Test
    void parse_existsOperator_isUnary() {
        assertThat(parse("test.op exists and macro")).isEqualTo(and(exists(f("test.op")), id("macro")));
        assertThat(parse("test.op existsand macro")).isEqualTo(and(exists(f("test.op")), id("macro")));
        reject("test.op ExIsTs");
    }

    @Test
    void parse_modifierLookalikes_areValues() {
        assertThat(parse("proc.name == oneof")).isEqualTo(bin(f("proc.name"), "==", v("oneof")));
        assertThat(parse("proc.name == anyof and fd.name exists"))
                .isEqualTo(and(bin(f("proc.name"), "==", v("anyof")), exists(f("fd.name"))));
        assertThat(parse("(proc.name == allof)")).isEqualTo(bin(f("proc.name"), "==", v("allof")));
        assertThat(parse("proc.name == oneof oneof")).isEqualTo(bin(f("proc.name"), "== oneof", id("oneof")));
        assertThat(parse("proc.name == oneof_something")).isEqualTo(bin(f("proc.name"), "==", v("oneof_something")));
        reject("proc.name ==oneof (cat, nginx)");
        reject("proc.name == oneof(cat, nginx)");
        reject("proc.name in oneof (cat)");
        reject("proc.num > oneof (1, 2)");
    }

    // ---- values ----

    @Test
    void parse_bareStrings_keepBracketsColonsAndGlobs() {
        assertThat(parse("proc.pname = runc:[0:PARENT]")).isEqualTo(bin(f("proc.pname"), "=", v("runc:[0:PARENT]")));
        assertThat(parse("fd.name glob /etc/*")).isEqualTo(bin(f("fd.name"), "glob", v("/etc/*")));
        assertThat(parse("fd.name=*.log")).isEqualTo(bin(f("fd.name"), "=", v("*.log")));
        assertThat(parse("test.str = 0a!@#456:/\\.;!$%^&*[]{}|"))
                .isEqualTo(bin(f("test.str"), "=", v("0a!@#456:/\\.;!$%^&*[]{}|")));
        assertThat(parse("a.b = not")).isEqualTo(bin(f("a.b"), "=", v("not")));
        assertThat(parse("some.field = test.field")).isEqualTo(bin(f("some.field"), "=", v("test.field")));
        assertThat(parse("a.g in (1, 'a', b.c)")).isEqualTo(bin(f("a.g"), "in", list("1", "a", "b.c")));
    }

    @Test
    void parse_quotedStrings_unescape() {
        assertThat(value("a.b = \"escape double quote \\\" \"")).isEqualTo("escape double quote \" ");
        assertThat(value("a.b = 'multiple escape single quote \\' \\\\''")).isEqualTo(
                "multiple escape single quote ' \\'");
        assertThat(value("a.b = 'mixed \"'")).isEqualTo("mixed \"");
        assertThat(value("a.b = \"\\b\\f\\n\\r\\t\\/\\\\x\"")).isEqualTo("\b\f\n\r\t/\\x");
        assertThat(value("a.b = \"\\x41\\x7a\"")).isEqualTo("Az");
        assertThat(value("a.b = \"\\xc3\\xa9t\\xc3\\xa9\"")).isEqualTo("été");
        assertThat(value("a.b = \"\\xff\"")).isEqualTo("\u00ff");
        assertThat(value("a.b = \"bad escape \\ \"")).isEqualTo("bad escape \\");
        assertThat(value("a.b = \"\"")).isEmpty();
        assertThat(value("a.b = ''")).isEmpty();
        assertThat(value("a.b = \"line\nbreak\"")).isEqualTo("line\nbreak");
    }

    @Test
    void parse_quoteAfterBackslash_doesNotEndString() {
        // libsinsp ends a quoted string only at a delimiter not preceded by a backslash
        reject("a.b = \"a\\\\\"");
        assertThat(value("a.b = \"a\\\\\\\"\"")).isEqualTo("a\\\"");
    }

    @Test
    void parse_badEscapeAsFirstListItem_givesEmptyList() {
        // libsinsp swallows the failure of the first list item and then finds ')'
        assertThat(parse("a.b in (\"\\q\")")).isEqualTo(bin(f("a.b"), "in", list()));
        reject("a.b in (x, \"\\q\")");
    }

    private static String value(String condition) {
        return ((Value) ((BinaryCheck) parse(condition)).right()).value();
    }

    // ---- positions ----

    @Test
    void parse_positions_matchLibsinsp() {
        assertThat(positions(parse("proc.name exists"))).isEqualTo("unary0 1 1field0 1 1");
        assertThat(positions(parse("proc.name=nginx"))).isEqualTo("binary0 1 1field0 1 1value10 1 11");
        assertThat(positions(parse("proc.aname[3]=nginx"))).isEqualTo("binary0 1 1field0 1 1value14 1 15");
        assertThat(positions(parse("proc.name =nginx"))).isEqualTo("binary0 1 1field0 1 1value11 1 12");
        assertThat(positions(parse("proc.name= nginx"))).isEqualTo("binary0 1 1field0 1 1value11 1 12");
        assertThat(positions(parse("proc.name = nginx"))).isEqualTo("binary0 1 1field0 1 1value12 1 13");
        assertThat(positions(parse("proc.name in (nginx, apache)"))).isEqualTo("binary0 1 1field0 1 1list13 1 14");
        assertThat(positions(parse("proc.name in ( nginx, apache)"))).isEqualTo("binary0 1 1field0 1 1list13 1 14");
        assertThat(positions(parse("not proc.name=nginx"))).isEqualTo("not0 1 1binary4 1 5field4 1 5value14 1 15");
        assertThat(positions(parse("proc.name=nginx or proc.name=apache")))
                .isEqualTo("or0 1 1binary0 1 1field0 1 1value10 1 11binary19 1 20field19 1 20value29 1 30");
        assertThat(positions(parse("(proc.name=nginx or proc.name=apache)")))
                .isEqualTo("or1 1 2binary1 1 2field1 1 2value11 1 12binary20 1 21field20 1 21value30 1 31");
        assertThat(positions(parse("proc.name=nginx and proc.name=apache")))
                .isEqualTo("and0 1 1binary0 1 1field0 1 1value10 1 11binary20 1 21field20 1 21value30 1 31");
        assertThat(positions(parse("(proc.name=nginx and proc.name=apache)")))
                .isEqualTo("and1 1 2binary1 1 2field1 1 2value11 1 12binary21 1 22field21 1 22value31 1 32");
        assertThat(positions(parse("proc.name == oneof (cat)"))).contains("list19 1 20");
    }

    @Test
    void parse_complexPositions_matchLibsinsp() {
        assertThat(positions(parse("(proc.aname[2]=nginx and evt.type in (connect,accept)) or (not fd.name exists) or "
                + "(proc.name=apache and evt.type=switch)")))
                .isEqualTo("or0 1 1and1 1 2binary1 1 2field1 1 2value15 1 16binary25 1 26field25 1 26list37 1 38"
                        + "not59 1 60unary63 1 64field63 1 64and83 1 84binary83 1 84field83 1 84value93 1 94"
                        + "binary104 1 105field104 1 105value113 1 114");
        String multiline = """

                (proc.aname[2]=nginx
                     and evt.type in (connect,accept))
                   or (not fd.name exists)
                   or (proc.name=apache
                       and evt.type=switch)""";
        assertThat(positions(parse(multiline)))
                .isEqualTo("or0 1 1and2 2 2binary2 2 2field2 2 2value16 2 16binary31 3 10field31 3 10list43 3 22"
                        + "not68 4 8unary72 4 12field72 4 12and95 5 8binary95 5 8field95 5 8value105 5 18"
                        + "binary123 6 12field123 6 12value132 6 21");
        assertThat(positions(parse("b64(evt.name) exists and tolower(toupper(evt.type)) in val(some.field) or "
                + "proc.name=b64(tolower(some.field))")))
                .isEqualTo("or0 1 1and0 1 1unary0 1 1transformer0 1 1field4 1 5binary25 1 26transformer25 1 26"
                        + "transformer33 1 34field41 1 42transformer55 1 56field59 1 60binary74 1 75field74 1 75"
                        + "transformer84 1 85transformer88 1 89field96 1 97");
    }

    @Test
    void parse_transformerListMembers_shareListPosition() {
        assertThat(positions(parse("join(\"-\", (fd.name, fd.directory)) = value")))
                .isEqualTo("binary0 1 1transformer0 1 1value5 1 6transformer_list9 1 10field9 1 10field9 1 10"
                        + "value37 1 38");
    }

    @Test
    void parsePartial_trailingText_returnsEndPosition() throws ConditionSyntaxException {
        ConditionParser.Prefix p = ConditionParser.parsePartial("a and b    ");
        assertThat(p.expr()).isEqualTo(and(id("a"), id("b")));
        assertThat(p.end()).isEqualTo(new Pos(11, 1, 12));
        assertThat(ConditionParser.parsePartial("a \n and \n not \n b").end()).isEqualTo(new Pos(17, 4, 3));
        ConditionParser.Prefix q = ConditionParser.parsePartial("proc.name = x ) trailing");
        assertThat(q.expr()).isEqualTo(bin(f("proc.name"), "=", v("x")));
        assertThat(q.end()).isEqualTo(new Pos(14, 1, 15));
        assertThatThrownBy(() -> ConditionParser.parsePartial("a and")).isInstanceOf(ConditionSyntaxException.class);
    }

    @Test
    void parse_endPositions_matchLibsinspPositionTest() throws ConditionSyntaxException {
        assertThat(ConditionParser.parsePartial("a and b").end()).isEqualTo(new Pos(7, 1, 8));
        assertThat(ConditionParser.parsePartial("not b    ").end()).isEqualTo(new Pos(9, 1, 10));
        assertThat(ConditionParser.parsePartial("a \n and \n  b").end()).isEqualTo(new Pos(12, 3, 4));
    }

    // ---- the upstream rules ----

    @Test
    void parse_everyUpstreamRuleCondition_succeeds() {
        List<String> conditions = ConditionTexts.ruleConditions();
        assertThat(conditions).hasSizeGreaterThan(500);
        for (String c : conditions) {
            try {
                ConditionParser.parse(c);
            } catch (ConditionSyntaxException e) {
                fail("upstream condition rejected at " + e.pos() + ": " + e.getMessage() + "\n" + c);
            }
        }
    }

    @Test
    void parse_argumentChecks_rejectNull() {
        assertThatThrownBy(() -> ConditionParser.parse(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ConditionParser.parse("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
