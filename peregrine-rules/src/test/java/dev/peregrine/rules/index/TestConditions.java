package dev.peregrine.rules.index;

import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds condition trees for tests from a small subset of the condition language (and/or/not, parentheses,
 * {@code field op value}, {@code field in (...)}, {@code field exists}, {@code fn(field)} transformers and
 * {@code val(field)}). It stands in for the real parser, which another part of the project provides; it is not a
 * reference for the language.
 */
final class TestConditions {
    private static final Pattern TOKEN = Pattern.compile(
            "\\s*(\"[^\"]*\"|==|!=|<=|>=|[=<>(),\\[\\]]|[^\\s=<>!(),\\[\\]\"]+)");
    private static final List<String> OPS = List.of("=", "==", "!=", "<", "<=", ">", ">=", "in", "startswith",
            "contains", "endswith", "pmatch", "glob", "intersects");

    private final List<String> tokens = new ArrayList<>();
    private int i;

    private TestConditions(String text) {
        Matcher m = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            tokens.add(m.group(1));
            at = m.end();
        }
        if (!text.substring(at).isBlank()) {
            throw new IllegalArgumentException("cannot tokenize at " + at + ": " + text);
        }
    }

    static Expr parse(String text) {
        TestConditions p = new TestConditions(text);
        Expr e = p.or();
        if (p.i != p.tokens.size()) {
            throw new IllegalArgumentException("trailing tokens in " + text + " at " + p.peek());
        }
        return e;
    }

    private String peek() {
        return i < tokens.size() ? tokens.get(i) : "";
    }

    private String next() {
        return tokens.get(i++);
    }

    private void expect(String t) {
        if (!next().equals(t)) {
            throw new IllegalArgumentException("expected " + t + " at token " + (i - 1) + " of " + tokens);
        }
    }

    private Expr or() {
        List<Expr> c = new ArrayList<>(List.of(and()));
        while (peek().equals("or")) {
            next();
            c.add(and());
        }
        return c.size() == 1 ? c.getFirst() : new Expr.Or(c, Pos.START);
    }

    private Expr and() {
        List<Expr> c = new ArrayList<>(List.of(not()));
        while (peek().equals("and")) {
            next();
            c.add(not());
        }
        return c.size() == 1 ? c.getFirst() : new Expr.And(c, Pos.START);
    }

    private Expr not() {
        if (peek().equals("not")) {
            next();
            return new Expr.Not(not(), Pos.START);
        }
        if (peek().equals("(")) {
            next();
            Expr e = or();
            expect(")");
            return e;
        }
        return check();
    }

    private Expr operand() {
        String name = next();
        if (peek().equals("(")) {
            next();
            List<Expr> args = new ArrayList<>();
            while (!peek().equals(")")) {
                args.add(operand());
                if (peek().equals(",")) {
                    next();
                }
            }
            expect(")");
            return new Expr.Transformer(name, args, null, Pos.START);
        }
        if (name.startsWith("\"")) {
            return new Expr.Value(name.substring(1, name.length() - 1), Pos.START);
        }
        String arg = null;
        if (peek().equals("[")) {
            next();
            arg = next();
            expect("]");
        }
        return new Expr.Field(name, arg, Pos.START);
    }

    private Expr check() {
        int start = i;
        String first = next();
        if (!peek().equals("(") && !peek().equals("[") && !OPS.contains(peek()) && !peek().equals("exists")) {
            return new Expr.Identifier(first, Pos.START);
        }
        i = start;
        Expr left = operand();
        String op = next();
        if (op.equals("exists")) {
            return new Expr.UnaryCheck(left, op, Pos.START);
        }
        if (peek().equals("(")) {
            next();
            List<String> values = new ArrayList<>();
            while (!peek().equals(")")) {
                String v = next();
                values.add(v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
                if (peek().equals(",")) {
                    next();
                }
            }
            expect(")");
            return new Expr.BinaryCheck(left, op, new Expr.ListValue(values, Pos.START), Pos.START);
        }
        String v = next();
        if (peek().equals("(")) {
            i--;
            return new Expr.BinaryCheck(left, op, operand(), Pos.START);
        }
        return new Expr.BinaryCheck(left, op,
                new Expr.Value(v.startsWith("\"") ? v.substring(1, v.length() - 1) : v, Pos.START), Pos.START);
    }
}
