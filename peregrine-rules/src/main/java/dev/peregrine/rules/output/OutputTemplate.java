package dev.peregrine.rules.output;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.compile.CompileException.Kind;
import dev.peregrine.rules.compile.CompiledField;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.compile.FieldCompiler;
import dev.peregrine.rules.compile.FieldSlots;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.ResolvedField;
import dev.peregrine.rules.fields.ValueFormat;
import dev.peregrine.rules.fields.Values;
import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule's {@code output} compiled once at load time: literal text and field tokens ({@code %proc.name},
 * {@code %proc.aname[2]}, {@code %5evt.num}, {@code %tolower(proc.name)}), following libsinsp's
 * {@code sinsp_evt_formatter}:
 * <ul>
 *   <li>a token is {@code %}, an optional width, then a field or a transformer expression; the longest prefix of
 *       the text that compiles is taken ({@code %proc.names} is {@code proc.name} followed by {@code s});</li>
 *   <li>a width pads with spaces or truncates the value to exactly that many characters;</li>
 *   <li>a missing value prints {@code <NA>}; a leading {@code *} is dropped (it only tells libsinsp not to
 *       require every value, and Falco always adds it);</li>
 *   <li>there is no escape for {@code %}: a {@code %} must start a token.</li>
 * </ul>
 */
public final class OutputTemplate {
    /* Implementation notes: tokens are parsed here with the field/transformer grammar of libsinsp's parser.h
     * (FieldName needs a dot; transformer arguments are fields, transformers, quoted strings, numbers or a
     * parenthesised list) and compiled with the shared FieldCompiler, so output fields reuse the slots (and the
     * per-event extraction) of the conditions. outputFields mirrors resolve_tokens/tojson: each plain field
     * (also those inside transformers) keyed by its written text, typed as rawval_to_json; transformer tokens
     * themselves are left out, as libsinsp does unless resolve_transformed_fields is set. */

    private static final String NA = "<NA>";
    private static final List<String> TRANSFORMERS =
            List.of("tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt");

    private sealed interface Token permits Text, FieldToken {
    }

    private record Text(String text) implements Token {
    }

    private record FieldToken(CompiledField field, int width) implements Token {
    }

    private record Resolution(String name, CompiledField field) {
    }

    private final String format;
    private final boolean requireAllValues;
    private final List<Token> tokens;
    private final List<Resolution> resolutions;

    private OutputTemplate(String format, boolean requireAllValues, List<Token> tokens,
            List<Resolution> resolutions) {
        this.format = format;
        this.requireAllValues = requireAllValues;
        this.tokens = List.copyOf(tokens);
        this.resolutions = List.copyOf(resolutions);
    }

    public static OutputTemplate compile(String format, FieldCatalog catalog, ExtractorBinding binding,
            FieldSlots slots) throws CompileException {
        return compile(format, new FieldCompiler(catalog, binding, slots));
    }

    /** Compiles with an existing field compiler (the one of the rules' {@code ConditionCompiler}). */
    public static OutputTemplate compile(String format, FieldCompiler fields) throws CompileException {
        requireNonNull(format, "format is null");
        requireNonNull(fields, "fields is null");
        if (format.isEmpty()) {
            throw new CompileException(Kind.INVALID, "empty formatting token", Pos.START);
        }
        boolean requireAll = format.charAt(0) != '*';
        int base = requireAll ? 0 : 1;
        String f = format.substring(base);
        List<Token> tokens = new ArrayList<>();
        List<Resolution> resolutions = new ArrayList<>();
        int textStart = 0;
        int j = 0;
        for (; j < f.length(); j++) {
            if (f.charAt(j) != '%') {
                continue;
            }
            Pos pos = pos(format, base + j);
            if (textStart != j) {
                tokens.add(new Text(f.substring(textStart, j)));
            }
            if (j == f.length() - 1) {
                throw new CompileException(Kind.INVALID,
                        "invalid formatting syntax: formatting cannot end with a %", pos);
            }
            int width = 0;
            if (isDigit(f.charAt(j + 1))) {
                int k = j + 1;
                while (k < f.length() && isDigit(f.charAt(k))) {
                    k++;
                }
                if (k == f.length()) {
                    throw new CompileException(Kind.INVALID,
                            "invalid formatting syntax: formatting cannot end with a number", pos);
                }
                String digits = f.substring(j + 1, k);
                width = digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
                j = k - 1;
            }
            int start = j + 1;
            Parsed parsed = null;
            CompiledField compiled = null;
            CompileException first = null;
            for (int limit = f.length(); limit > start && compiled == null; limit--) {
                try {
                    Parser p = new Parser(format, base, f, limit);
                    p.i = start;
                    Expr e = p.fieldOrTransformer();
                    compiled = fields.compile(e, false, pos);
                    parsed = new Parsed(e, p.i);
                } catch (CompileException e) {
                    if (first == null) {
                        first = e;
                    }
                } catch (ParseFailure e) {
                    // shorter prefixes are tried next, as libsinsp does
                }
            }
            if (compiled == null) {
                if (first != null && first.kind() != Kind.UNKNOWN_FIELD) {
                    throw new CompileException(first.kind(), first.getMessage(), pos);
                }
                throw new CompileException(Kind.UNKNOWN_FIELD, "invalid formatting token " + tokenText(f, start),
                        pos);
            }
            collectResolutions(parsed.expr(), fields, pos, resolutions);
            tokens.add(new FieldToken(compiled, width));
            j = parsed.end() - 1;
            textStart = parsed.end();
        }
        if (textStart < f.length()) {
            tokens.add(new Text(f.substring(textStart)));
        }
        return new OutputTemplate(format, requireAll, tokens, resolutions);
    }

    private record Parsed(Expr expr, int end) {
    }

    /** Registers plain fields (also inside transformers) as libsinsp's formatter_visitor does. */
    private static void collectResolutions(Expr e, FieldCompiler fields, Pos pos, List<Resolution> out)
            throws CompileException {
        switch (e) {
            case Expr.Field f -> out.add(new Resolution(f.arg() == null ? f.name() : f.name() + "[" + f.arg() + "]",
                    fields.compile(f, false, pos)));
            case Expr.Transformer t -> {
                for (Expr a : t.args()) {
                    collectResolutions(a, fields, pos, out);
                }
            }
            case Expr.TransformerList l -> {
                for (Expr a : l.children()) {
                    collectResolutions(a, fields, pos, out);
                }
            }
            case Expr.Value v -> {
                // constants resolve to nothing
            }
            case Expr.ListValue l -> {
                // constants resolve to nothing
            }
            case Expr.And a -> throw new IllegalStateException("not a field expression: " + a);
            case Expr.Or o -> throw new IllegalStateException("not a field expression: " + o);
            case Expr.Not n -> throw new IllegalStateException("not a field expression: " + n);
            case Expr.Identifier i -> throw new IllegalStateException("not a field expression: " + i);
            case Expr.UnaryCheck u -> throw new IllegalStateException("not a field expression: " + u);
            case Expr.BinaryCheck b -> throw new IllegalStateException("not a field expression: " + b);
        }
    }

    /** {@return a field's text, in its libsinsp print format unless a transformer made the value} */
    private static String text(CompiledField f, Values v) {
        return f.transformed() ? ValueFormat.toText(f.type(), f.list(), v)
                : ValueFormat.toText(f.name(), f.type(), f.list(), v);
    }

    /** {@return the text for the context's current event, {@code <NA>} for missing values} */
    public String render(EvalContext ctx) {
        StringBuilder sb = new StringBuilder(format.length() + 64);
        for (Token t : tokens) {
            switch (t) {
                case Text text -> sb.append(text.text());
                case FieldToken ft -> {
                    Values v = ctx.values(ft.field().slot());
                    String s = v == null ? NA : text(ft.field(), v);
                    if (ft.width() == 0) {
                        sb.append(s);
                    } else if (s.length() >= ft.width()) {
                        sb.append(s, 0, ft.width());
                    } else {
                        sb.append(s);
                        sb.repeat(' ', ft.width() - s.length());
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * {@return Falco's {@code output_fields}: each field token's text to its typed value (null when missing):
     * {@link Long} or {@link java.math.BigInteger} for numbers, {@link Boolean}, {@link String} for text and
     * addresses, a {@link List} for list fields}
     */
    public Map<String, Object> outputFields(EvalContext ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Resolution r : resolutions) {
            Values v = ctx.values(r.field().slot());
            out.put(r.name(), v == null ? null : r.field().transformed()
                    ? ValueFormat.toJson(r.field().type(), r.field().list(), v)
                    : ValueFormat.toJson(r.field().name(), r.field().type(), r.field().list(), v));
        }
        return Collections.unmodifiableMap(out);
    }

    /** {@return the fields the template uses, in order (those inside transformers included)} */
    public List<ResolvedField> fields() {
        List<ResolvedField> out = new ArrayList<>();
        for (Resolution r : resolutions) {
            if (r.field().field() != null && !out.contains(r.field().field())) {
                out.add(r.field().field());
            }
        }
        return List.copyOf(out);
    }

    /** {@return the names of {@link #outputFields} in order (libsinsp {@code get_field_names})} */
    public List<String> outputFieldNames() {
        return resolutions.stream().map(Resolution::name).distinct().toList();
    }

    /**
     * {@return whether every field token has a value for the context's current event}: libsinsp's formatter
     * declines to print an event otherwise unless the format starts with {@code *} ({@link #requireAllValues()})
     */
    public boolean hasAllValues(EvalContext ctx) {
        for (Token t : tokens) {
            if (t instanceof FieldToken ft && ctx.values(ft.field().slot()) == null) {
                return false;
            }
        }
        return true;
    }

    /** {@return false when the format started with {@code *} (print even when values are missing)} */
    public boolean requireAllValues() {
        return requireAllValues;
    }

    /** {@return the format text as given} */
    public String format() {
        return format;
    }

    @Override
    public String toString() {
        return format;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String tokenText(String f, int start) {
        for (String t : TRANSFORMERS) {
            if (f.startsWith(t + "(", start)) {
                int depth = 0;
                for (int k = start + t.length(); k < f.length(); k++) {
                    char c = f.charAt(k);
                    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                    if (depth == 0) {
                        return f.substring(start, k + 1);
                    }
                }
                return f.substring(start);
            }
        }
        int k = start;
        while (k < f.length()) {
            char c = f.charAt(k);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-') {
                k++;
            } else if (c == '[') {
                int close = f.indexOf(']', k);
                k = close < 0 ? f.length() : close + 1;
                break;
            } else {
                break;
            }
        }
        return f.substring(start, k);
    }

    static Pos pos(String text, int index) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < index && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new Pos(index, line, col);
    }

    private static final class ParseFailure extends Exception {
        ParseFailure() {
            super(null, null, false, false);
        }
    }

    /** The field/transformer part of libsinsp's condition grammar, over {@code f[i, limit)}. */
    private static final class Parser {
        private final String format;
        private final int base;
        private final String f;
        private final int limit;
        int i;

        Parser(String format, int base, String f, int limit) {
            this.format = format;
            this.base = base;
            this.f = f;
            this.limit = limit;
        }

        Expr fieldOrTransformer() throws ParseFailure {
            int start = i;
            String tr = transformerName();
            if (tr != null) {
                return transformerRest(tr, start);
            }
            String name = fieldName();
            if (name == null) {
                throw new ParseFailure();
            }
            return new Expr.Field(name, optionalArg(), here(start));
        }

        private Pos here(int index) {
            return pos(format, base + index);
        }

        private String transformerName() {
            for (String t : TRANSFORMERS) {
                int end = i + t.length();
                if (end < limit && f.startsWith(t, i) && f.charAt(end) == '(') {
                    i = end + 1;
                    return t;
                }
            }
            return null;
        }

        private Expr transformerRest(String name, int start) throws ParseFailure {
            List<Expr> args = new ArrayList<>();
            blanks();
            do {
                blanks();
                args.add(transformerArg());
                blanks();
            } while (eat(','));
            blanks();
            if (!eat(')')) {
                throw new ParseFailure();
            }
            return new Expr.Transformer(name, args, optionalArg(), here(start));
        }

        private Expr transformerArg() throws ParseFailure {
            int start = i;
            String num = number();
            if (num != null) {
                return new Expr.Value(num, here(start));
            }
            String q = quoted();
            if (q != null) {
                return new Expr.Value(q, here(start));
            }
            if (eat('(')) {
                List<Expr> items = new ArrayList<>();
                blanks();
                if (!eat(')')) {
                    do {
                        blanks();
                        int s = i;
                        String qs = quoted();
                        String n = qs == null ? number() : null;
                        items.add(qs != null ? new Expr.Value(qs, here(s))
                                : n != null ? new Expr.Value(n, here(s)) : fieldOrTransformer());
                        blanks();
                    } while (eat(','));
                    if (!eat(')')) {
                        throw new ParseFailure();
                    }
                }
                return new Expr.TransformerList(items, here(start));
            }
            return fieldOrTransformer();
        }

        private String optionalArg() throws ParseFailure {
            if (i >= limit || f.charAt(i) != '[') {
                return null;
            }
            i++;
            String q = quoted();
            String arg;
            if (q != null) {
                arg = q;
            } else {
                int s = i;
                while (i < limit && " \b\t\n\r[]\"'".indexOf(f.charAt(i)) < 0) {
                    i++;
                }
                if (i == s) {
                    throw new ParseFailure();
                }
                arg = f.substring(s, i);
            }
            if (!eat(']')) {
                throw new ParseFailure();
            }
            return arg;
        }

        /** FieldName ::= [a-zA-Z]+[a-zA-Z0-9_]*(\.[a-zA-Z]+[a-zA-Z0-9_]*)+ */
        private String fieldName() {
            int s = i;
            int k = i;
            int parts = 0;
            while (true) {
                if (k >= limit || !isAsciiLetter(f.charAt(k))) {
                    break;
                }
                while (k < limit && (isAsciiLetter(f.charAt(k)) || isDigit(f.charAt(k)) || f.charAt(k) == '_')) {
                    k++;
                }
                parts++;
                if (k + 1 < limit && f.charAt(k) == '.' && isAsciiLetter(f.charAt(k + 1))) {
                    k++;
                } else {
                    break;
                }
            }
            if (parts < 2) {
                return null;
            }
            i = k;
            return f.substring(s, k);
        }

        private String number() {
            int k = i;
            if (k < limit && (f.charAt(k) == '+' || f.charAt(k) == '-')) {
                k++;
            }
            int d = k;
            while (k < limit && isDigit(f.charAt(k))) {
                k++;
            }
            if (k == d) {
                return null;
            }
            String s = f.substring(i, k);
            i = k;
            return s;
        }

        private String quoted() throws ParseFailure {
            if (i >= limit || (f.charAt(i) != '"' && f.charAt(i) != '\'')) {
                return null;
            }
            char q = f.charAt(i);
            StringBuilder sb = new StringBuilder();
            int k = i + 1;
            while (k < limit) {
                char c = f.charAt(k);
                if (c == '\\' && k + 1 < limit) {
                    sb.append(f.charAt(k + 1));
                    k += 2;
                    continue;
                }
                if (c == q) {
                    i = k + 1;
                    return sb.toString();
                }
                sb.append(c);
                k++;
            }
            throw new ParseFailure();
        }

        private void blanks() {
            while (i < limit && " \t\n\r\b".indexOf(f.charAt(i)) >= 0) {
                i++;
            }
        }

        private boolean eat(char c) {
            if (i < limit && f.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private static boolean isAsciiLetter(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
    }
}
