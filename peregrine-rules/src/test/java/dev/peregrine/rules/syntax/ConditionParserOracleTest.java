package dev.peregrine.rules.syntax;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Differential test against libsinsp itself: {@code libsinsp-oracle-cases.json.gz} holds 5,776 ASCII conditions
 * (libsinsp's own test cases, the upstream rule conditions, mutations of those, token soup, escapes and deep
 * nestings) with what libsinsp's filter parser (falcosecurity/libs @ 48dfd53, built with RE2) returned for each:
 * the tree with every node's position, or the error message and the position where it stopped. Our parser must
 * agree exactly. {@code src/oracle/README.md} says how the file is rebuilt.
 *
 * <p>Format of {@code out}: {@code ERR idx:line:col xHEX(message)} or {@code OK tree}, where a tree is an
 * S-expression {@code (kind@idx:line:col ...)} with strings as {@code x} + hex of their UTF-8 bytes, {@code -} for
 * an absent {@code [arg]}, and kinds {@code and or not id val list tlist unary bin field tr}. libsinsp makes a list
 * name on the right a value; we make it an {@link Expr.Identifier}, so it is written as {@code val} here.
 */
class ConditionParserOracleTest {

    @Test
    void parse_oracleCases_matchLibsinspTreesPositionsAndErrors() throws IOException {
        JsonNode cases;
        try (InputStream in = new GZIPInputStream(
                ConditionParserOracleTest.class.getResourceAsStream("libsinsp-oracle-cases.json.gz"))) {
            cases = new ObjectMapper().readTree(in);
        }
        assertThat(cases.size()).isGreaterThan(5000);
        List<String> mismatches = new ArrayList<>();
        int accepted = 0;
        for (JsonNode c : cases) {
            String input = c.get("in").asText();
            String expected = c.get("out").asText();
            String actual = outcome(input);
            if (actual.startsWith("OK")) {
                accepted++;
            }
            if (!actual.equals(expected)) {
                mismatches.add("input:    " + input + "\nlibsinsp: " + expected + "\nours:     " + actual);
            }
        }
        assertThat(mismatches).as("%d mismatches, first: %s", mismatches.size(),
                mismatches.isEmpty() ? "" : mismatches.getFirst()).isEmpty();
        assertThat(accepted).isGreaterThan(1000);
    }

    static String outcome(String input) {
        try {
            return "OK " + dump(ConditionParser.parse(input), false);
        } catch (ConditionSyntaxException e) {
            Pos p = e.pos();
            return "ERR " + p.index() + ":" + p.line() + ":" + p.column() + " " + hex(e.getMessage());
        }
    }

    private static String dump(Expr e, boolean rightHand) {
        StringBuilder sb = new StringBuilder();
        dump(e, rightHand, sb);
        return sb.toString();
    }

    private static void dump(Expr e, boolean rightHand, StringBuilder sb) {
        switch (e) {
            case Expr.And a -> kids(sb.append("(and").append(at(a)), a.children());
            case Expr.Or o -> kids(sb.append("(or").append(at(o)), o.children());
            case Expr.Not n -> {
                sb.append("(not").append(at(n)).append(' ');
                dump(n.child(), false, sb);
            }
            case Expr.Identifier i -> sb.append(rightHand ? "(val" : "(id").append(at(i)).append(' ')
                    .append(hex(i.name()));
            case Expr.Value v -> sb.append("(val").append(at(v)).append(' ').append(hex(v.value()));
            case Expr.ListValue l -> {
                sb.append("(list").append(at(l));
                l.values().forEach(v -> sb.append(' ').append(hex(v)));
            }
            case Expr.TransformerList l -> kids(sb.append("(tlist").append(at(l)), l.children());
            case Expr.UnaryCheck u -> {
                sb.append("(unary").append(at(u)).append(' ').append(hex(u.op())).append(' ');
                dump(u.left(), false, sb);
            }
            case Expr.BinaryCheck b -> {
                sb.append("(bin").append(at(b)).append(' ').append(hex(b.op())).append(' ');
                dump(b.left(), false, sb);
                sb.append(' ');
                dump(b.right(), true, sb);
            }
            case Expr.Field f -> sb.append("(field").append(at(f)).append(' ').append(hex(f.name())).append(' ')
                    .append(f.arg() == null ? "-" : hex(f.arg()));
            case Expr.Transformer t -> kids(sb.append("(tr").append(at(t)).append(' ').append(hex(t.name()))
                    .append(' ').append(t.arg() == null ? "-" : hex(t.arg())), t.args());
        }
        sb.append(')');
    }

    private static void kids(StringBuilder sb, List<Expr> children) {
        for (Expr c : children) {
            sb.append(' ');
            dump(c, false, sb);
        }
    }

    private static String at(Expr e) {
        return "@" + e.pos().index() + ":" + e.pos().line() + ":" + e.pos().column();
    }

    private static String hex(String s) {
        return "x" + HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
