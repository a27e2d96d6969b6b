package dev.peregrine.rules.syntax;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses condition text with the grammar of libsinsp's filter parser, giving the same trees, the same positions
 * and the same error messages as {@code libsinsp::filter::parser} in non-partial mode.
 *
 * <pre>{@code
 * Expr e = ConditionParser.parse("proc.name in (bash, sh) and not user_known_shell");
 * }</pre>
 *
 * <p>Failures are {@link ConditionSyntaxException}s whose message is libsinsp's (what Falco users see, e.g.
 * {@code unexpected token after 'execve', expecting 'or', 'and'}) and whose {@link ConditionSyntaxException#pos()}
 * is where the parser stopped (libsinsp {@code parser::get_pos()} after the throw). No other exception escapes for
 * any non-null input.
 *
 * <p>Grammar (EBNF, as libsinsp's {@code parser.h}):
 * <pre>
 * Expr                 ::= OrExpr
 * OrExpr               ::= AndExpr ('or' OrExprTail)*
 * OrExprTail           ::= ' ' AndExpr | '(' Expr ')'
 * AndExpr              ::= NotExpr ('and' AndExprTail)*
 * AndExprTail          ::= ' ' NotExpr | '(' Expr ')'
 * NotExpr              ::= ('not ')* NotExprTail
 * NotExprTail          ::= 'not(' Expr ')' | Check
 * Check                ::= Field Condition | FieldTransformer Condition | Identifier | '(' Expr ')'
 * FieldTransformer     ::= FieldTransformerType FieldTransformerArg (',' FieldTransformerArg)* ')' ('[' FieldArg ']')?
 * FieldTransformerArg  ::= FieldTransformer | Field | QuotedStr | NumValue | TransformerList
 * TransformerList      ::= '(' (TransformerListArg (',' TransformerListArg)*)? ')'
 * TransformerListArg   ::= Field | FieldTransformer | QuotedStr | NumValue
 * FieldTransformerOrVal ::= FieldTransformer | 'val(' Field ')'
 * Condition            ::= UnaryOperator
 *                        | NumOperator (NumValue | FieldTransformerOrVal)
 *                        | StrOperator (StrValue | FieldTransformerOrVal)
 *                        | StrOperator StrOperatorModifier ListValue
 *                        | ListOperator (ListValue | FieldTransformerOrVal)
 * ListValue            ::= '(' (StrValue (',' StrValue)*)? ')' | Identifier
 * Field                ::= FieldName ('[' FieldArg ']')?
 * FieldArg             ::= QuotedStr | FieldArgBareStr
 * NumValue             ::= HexNumber | Number
 * StrValue             ::= QuotedStr | BareStr
 *
 * UnaryOperator        ::= 'exists'
 * NumOperator          ::= '&lt;=' | '&lt;' | '&gt;=' | '&gt;'
 * StrOperator          ::= '==' | '=' | '!=' | ('glob' | 'iglob' | 'contains' | 'icontains' | 'bcontains'
 *                          | 'startswith' | 'bstartswith' | 'endswith' | 'regex') Blank
 * StrOperatorModifier  ::= ('oneof' | 'anyof' | 'allof') Blank      (only after a blank, before '(' or an
 *                                                                   identifier that is not and/or/not)
 * ListOperator         ::= 'intersects' | 'in' | 'pmatch'
 * FieldTransformerType ::= 'tolower(' | 'toupper(' | 'b64(' | 'basename(' | 'len(' | 'join(' | 'concat(' | 'getopt('
 *
 * Identifier           ::= [a-zA-Z]+[a-zA-Z0-9_]*
 * FieldName            ::= Identifier ('.' Identifier)+
 * FieldArgBareStr      ::= [^][\"'[:space:]]+
 * HexNumber            ::= 0[xX][0-9a-fA-F]+
 * Number               ::= [+\-]?[0-9]+[\.]?[0-9]*([eE][+\-][0-9]+)?
 * QuotedStr            ::= "(?:\\"|.)*?"|'(?:\\'|.)*?'     (unescaped: \b \f \n \r \t \\ \/ \" \' \xHH)
 * BareStr              ::= [^()"'[:space:]=,]+
 * Blank                ::= [ \t\b\r\n]+
 * </pre>
 *
 * <p>Tree shapes follow libsinsp with three representation choices of this project: a list name on the right
 * ({@code in my_list}, {@code = oneof my_list}) is an {@link Expr.Identifier} (libsinsp: a value),
 * {@code val(f)} is an {@link Expr.Transformer} named {@code "val"}, and an {@code and}/{@code or} with one child
 * is never built (the child is returned), as in libsinsp.
 */
public final class ConditionParser {
    /* Implementation notes.
     *
     * This is a recursive-descent parser with one method per production and one lex* method per token, mirroring
     * libsinsp's parser.cpp so that the observable behaviour (accepted language, trees, positions, messages) is
     * the same; the code is our own. Things that look odd are deliberate libsinsp behaviours:
     *
     * - The position of a node is taken where libsinsp takes it: parse_or takes it before skipping blanks (only
     *   visible at the very start of the input), all members of a transformer list get the list's position, and
     *   a transformer argument after ',' is positioned right after the comma (blanks included).
     * - The depth guard increments, then throws when depth >= max, without decrementing (libsinsp's guard throws
     *   from its constructor, so its destructor never runs). The frames being unwound do decrement. The only
     *   place that catches a parse error (the head of a list value) can therefore leave the depth unbalanced,
     *   and parse() then reports "parser fatal error: recursion is unbalanced", as libsinsp does.
     * - The head of a list value is parsed under a catch-all: a bad escape in a quoted first item, or the
     *   depth limit there, makes the list "empty" and parsing continues after what was consumed.
     * - The last token (used by "unexpected token after '...'") is tracked exactly as libsinsp's m_last_token:
     *   quoted strings leave their unescaped value, transformer names lose their '(' and operators keep their
     *   trimmed text. It is kept as a slice of the input (start/end) and only turned into a String when a node
     *   or a message needs it, so lexing does not allocate.
     * - Positions: libsinsp counts bytes of the UTF-8 input; we count UTF-16 chars of the Java string. They agree
     *   on ASCII text (all of Falco's rules); on other text index and column differ as bytes vs chars do.
     * - A \xHH escape yields the byte HH in libsinsp. Escapes >= 0x80 that form valid UTF-8 together with the
     *   literal text are decoded as UTF-8 (so "\xc3\xa9" is "é"); otherwise each such byte becomes the char U+00HH.
     *
     * Cost: every lexer is a hand-written scan (no regex), each char is examined a bounded number of times
     * except by the few backtracking points (operator keyword without blank, modifier lookahead) which re-scan
     * a keyword, so parsing is linear in the input. Recursion is bounded by maxDepth, so a hostile input like
     * 100,000 '(' fails with the depth message instead of a StackOverflowError.
     */

    /** Bound on nesting, as libsinsp's default: it keeps a hostile condition from exhausting the stack. */
    public static final int MAX_CONDITION_DEPTH = 100;

    /** Bound on nesting that Falco's rule loader sets for rule conditions ({@code p.set_max_depth(1000)}). */
    public static final int RULES_MAX_CONDITION_DEPTH = 1000;

    /** Operators in libsinsp's {@code supported_operators()} order: unary, numeric, string, then list operators. */
    public static final List<String> OPERATORS = List.of("exists", "<=", "<", ">=", ">", "==", "=", "!=", "glob",
            "iglob", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "regex",
            "intersects", "in", "pmatch");

    /** The list operators ({@code supported_operators(true)}). */
    public static final List<String> LIST_OPERATORS = List.of("intersects", "in", "pmatch");

    /** The string-operator modifiers, e.g. {@code startswith oneof (a, b)}. */
    public static final List<String> MODIFIERS = List.of("oneof", "anyof", "allof");

    /** Field transformers usable on either side ({@code supported_field_transformers()}); {@code val} excluded. */
    public static final List<String> TRANSFORMERS = List.of("tolower", "toupper", "b64", "basename", "len", "join",
            "concat", "getopt");

    /** The result of {@link #parsePartial}: the condition read from the start of the text, and where it ended. */
    public record Prefix(Expr expr, Pos end) {
        public Prefix {
            requireNonNull(expr, "expr is null");
            requireNonNull(end, "end is null");
        }
    }

    private static final String[] NUM_OPS = {"<=", "<", ">=", ">"};
    // A trailing space marks a keyword operator that needs a blank after it (the blank is consumed).
    private static final String[] STR_OPS = {"==", "=", "!=", "glob ", "iglob ", "contains ", "icontains ",
            "bcontains ", "startswith ", "bstartswith ", "endswith ", "regex "};
    private static final String[] MODIFIER_OPS = {"oneof ", "anyof ", "allof "};
    private static final String[] LIST_OPS = {"intersects", "in", "pmatch"};
    private static final String[] TRANSFORMER_TOKENS = {"tolower(", "toupper(", "b64(", "basename(", "len(",
            "join(", "concat(", "getopt("};
    private static final String VAL_TOKEN = "val(";
    private static final String[] BOOL_KEYWORDS = {"and", "or", "not"};

    private static final String OPERATOR_LIST = quotedList(OPERATORS);
    private static final String TRANSFORMER_LIST_WITH_VAL = "'val', " + quotedList(TRANSFORMERS);

    private final String in;
    private final int len;
    private final int maxDepth;
    private int depth;
    // cursor: libsinsp pos_info
    private int idx;
    private int line = 1;
    private int col = 1;
    // last token: the slice [tokStart, tokEnd) of the input, unless tokText overrides it
    private int tokStart;
    private int tokEnd;
    private String tokText;

    private ConditionParser(String text, int maxDepth) {
        this.in = requireNonNull(text, "text is null");
        this.len = text.length();
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be positive: " + maxDepth);
        }
        this.maxDepth = maxDepth;
    }

    /** Parses a whole condition with the default depth bound; the input must be consumed entirely. */
    public static Expr parse(String text) throws ConditionSyntaxException {
        return parse(text, MAX_CONDITION_DEPTH);
    }

    /**
     * Parses a whole condition with the given depth bound (libsinsp {@code set_max_depth}); Falco's rule loader
     * uses {@link #RULES_MAX_CONDITION_DEPTH}.
     */
    public static Expr parse(String text, int maxDepth) throws ConditionSyntaxException {
        ConditionParser p = new ConditionParser(text, maxDepth);
        Expr e = p.run();
        if (p.idx != p.len) {
            throw p.error("unexpected token after '" + p.lastToken() + "', expecting 'or', 'and'");
        }
        return e;
    }

    /**
     * Parses the longest condition at the start of {@code text} (libsinsp partial mode): text after it is left
     * unread and its start is returned as {@link Prefix#end()}.
     */
    public static Prefix parsePartial(String text) throws ConditionSyntaxException {
        return parsePartial(text, MAX_CONDITION_DEPTH);
    }

    /** As {@link #parsePartial(String)}, with the given depth bound. */
    public static Prefix parsePartial(String text, int maxDepth) throws ConditionSyntaxException {
        ConditionParser p = new ConditionParser(text, maxDepth);
        Expr e = p.run();
        return new Prefix(e, p.pos());
    }

    private Expr run() throws ConditionSyntaxException {
        if (len == 0) {
            throw error("filter input string is empty");
        }
        Expr res = parseOr();
        if (depth > 0) {
            throw error("parser fatal error: recursion is unbalanced");
        }
        return res;
    }

    // ---- productions ----

    private Expr parseOr() throws ConditionSyntaxException {
        enter();
        try {
            Pos pos = pos();
            lexBlank();
            Expr first = parseAnd();
            List<Expr> children = null;
            lexBlank();
            while (lexStr("or")) {
                Expr child;
                if (!lexBlank()) {
                    if (!lexStr("(")) {
                        throw error("expected blank or '(' after 'or'");
                    }
                    child = parseEmbeddedRemainder();
                } else {
                    child = parseAnd();
                }
                if (children == null) {
                    children = new ArrayList<>(4);
                    children.add(first);
                }
                children.add(child);
                lexBlank();
            }
            return children == null ? first : new Expr.Or(children, pos);
        } finally {
            depth--;
        }
    }

    private Expr parseAnd() throws ConditionSyntaxException {
        enter();
        try {
            Pos pos = pos();
            lexBlank();
            Expr first = parseNot();
            List<Expr> children = null;
            lexBlank();
            while (lexStr("and")) {
                Expr child;
                if (!lexBlank()) {
                    if (!lexStr("(")) {
                        throw error("expected blank or '(' after 'and'");
                    }
                    child = parseEmbeddedRemainder();
                } else {
                    child = parseNot();
                }
                if (children == null) {
                    children = new ArrayList<>(4);
                    children.add(first);
                }
                children.add(child);
                lexBlank();
            }
            return children == null ? first : new Expr.And(children, pos);
        } finally {
            depth--;
        }
    }

    private Expr parseNot() throws ConditionSyntaxException {
        enter();
        try {
            Pos pos = pos();
            boolean negated = false;
            lexBlank();
            while (lexNotBlank()) {
                negated = !negated;
            }
            Expr child;
            if (lexStr("not(")) {
                negated = !negated;
                child = parseEmbeddedRemainder();
            } else {
                child = parseCheck();
            }
            return negated ? new Expr.Not(child, pos) : child;
        } finally {
            depth--;
        }
    }

    /** The rest of {@code '(' Expr ')'} once the '(' is consumed. */
    private Expr parseEmbeddedRemainder() throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            Expr child = parseOr();
            lexBlank();
            if (!lexStr(")")) {
                throw error("expected a ')' token");
            }
            return child;
        } finally {
            depth--;
        }
    }

    private Expr parseCheck() throws ConditionSyntaxException {
        enter();
        try {
            Pos pos = pos();
            lexBlank();
            if (lexStr("(")) {
                return parseEmbeddedRemainder();
            }
            if (lexFieldName()) {
                Expr left = parseFieldRemainder(lastToken(), pos);
                return parseCondition(left, pos);
            }
            if (lexTransformerType()) {
                lexBlank();
                popToken();
                Expr left = parseTransformerRemainder(lastToken(), pos);
                return parseCondition(left, pos);
            }
            if (lexIdentifier()) {
                return new Expr.Identifier(lastToken(), pos);
            }
            throw error("expected a '(' token, a field check, or an identifier");
        } finally {
            depth--;
        }
    }

    private Expr parseFieldRemainder(String name, Pos pos) throws ConditionSyntaxException {
        enter();
        try {
            return new Expr.Field(name, parseOptionalFieldArg(), pos);
        } finally {
            depth--;
        }
    }

    /** {@return the {@code [arg]} right after a field or transformer, or null} */
    private String parseOptionalFieldArg() throws ConditionSyntaxException {
        if (!lexStr("[")) {
            return null;
        }
        if (!lexQuotedStr() && !lexFieldArgBareStr()) {
            throw error("expected a valid field argument: a quoted string or a bare string");
        }
        String arg = lastToken();
        if (!lexStr("]")) {
            throw error("expected a ']' token");
        }
        return arg;
    }

    /** The rest of a transformer once {@code name(} is consumed. */
    private Expr parseTransformerRemainder(String name, Pos pos) throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            List<Expr> args = new ArrayList<>(2);
            do {
                args.add(parseTransformerArg(pos()));
                lexBlank();
            } while (lexStr(","));
            lexBlank();
            if (!lexStr(")")) {
                throw error("expected a ')' token closing the transformer");
            }
            return new Expr.Transformer(name, args, parseOptionalFieldArg(), pos);
        } finally {
            depth--;
        }
    }

    private Expr parseTransformerArg(Pos pos) throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            if (lexHexNum() || lexNum()) {
                return new Expr.Value(lastToken(), pos);
            }
            if (lexQuotedStr()) {
                return new Expr.Value(lastToken(), pos);
            }
            if (lexStr("(")) {
                return parseTransformerList(pos);
            }
            if (lexTransformerType()) {
                popToken();
                return parseTransformerRemainder(lastToken(), pos);
            }
            if (lexFieldName()) {
                return parseFieldRemainder(lastToken(), pos);
            }
            throw error("expected field transformer argument: "
                    + "field, transformer, quoted string, number, or transformer list");
        } finally {
            depth--;
        }
    }

    /** The rest of a transformer list once its '(' is consumed; every member gets the list's position. */
    private Expr parseTransformerList(Pos pos) throws ConditionSyntaxException {
        List<Expr> children = new ArrayList<>(4);
        lexBlank();
        if (lexStr(")")) {
            return new Expr.TransformerList(children, pos);
        }
        children.add(parseTransformerListArg(pos));
        lexBlank();
        while (lexStr(",")) {
            lexBlank();
            children.add(parseTransformerListArg(pos));
            lexBlank();
        }
        if (!lexStr(")")) {
            throw error("expected ')'");
        }
        return new Expr.TransformerList(children, pos);
    }

    private Expr parseTransformerListArg(Pos pos) throws ConditionSyntaxException {
        if (lexFieldName()) {
            return parseFieldRemainder(lastToken(), pos);
        }
        if (lexTransformerType()) {
            lexBlank();
            popToken();
            return parseTransformerRemainder(lastToken(), pos);
        }
        if (lexQuotedStr()) {
            return new Expr.Value(lastToken(), pos);
        }
        if (lexHexNum() || lexNum()) {
            return new Expr.Value(lastToken(), pos);
        }
        throw error("expected transformer list argument: field, transformer, quoted string, or number");
    }

    private Expr parseCondition(Expr left, Pos pos) throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            if (lexStr("exists")) {
                return new Expr.UnaryCheck(left, "exists", pos);
            }
            lexBlank();
            String op;
            Expr right;
            if (lexOperator(NUM_OPS)) {
                op = lastToken();
                right = parseNumValueOrTransformer();
            } else if (lexOperator(STR_OPS)) {
                op = lastToken();
                // keyword operators consumed their blank already; symbol operators need one before a modifier
                boolean hadBlank = isAsciiLetter(op.charAt(0)) || lexBlank();
                int sIdx = idx;
                int sLine = line;
                int sCol = col;
                int sTokStart = tokStart;
                int sTokEnd = tokEnd;
                String sTokText = tokText;
                if (hadBlank && lexOperator(MODIFIER_OPS) && listValueFollows() && !boolKeywordFollows()) {
                    op = op + " " + lastToken();
                    right = parseListValue();
                } else {
                    idx = sIdx;
                    line = sLine;
                    col = sCol;
                    tokStart = sTokStart;
                    tokEnd = sTokEnd;
                    tokText = sTokText;
                    right = parseStrValueOrTransformer();
                }
            } else if (lexOperator(LIST_OPS)) {
                op = lastToken();
                right = parseListValueOrTransformer();
            } else {
                throw error("expected a valid check operator: one of " + OPERATOR_LIST);
            }
            return new Expr.BinaryCheck(left, op, right, pos);
        } finally {
            depth--;
        }
    }

    private Expr parseNumValueOrTransformer() throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            Pos pos = pos();
            Expr t = tryParseTransformerOrVal();
            if (t != null) {
                return t;
            }
            if (lexHexNum() || lexNum()) {
                return new Expr.Value(lastToken(), pos);
            }
            throw error("expected a number value or a field with a valid transformer: " + TRANSFORMER_LIST_WITH_VAL);
        } finally {
            depth--;
        }
    }

    private Expr parseStrValueOrTransformer() throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            Pos pos = pos();
            Expr t = tryParseTransformerOrVal();
            if (t != null) {
                return t;
            }
            if (lexQuotedStr() || lexBareStr()) {
                return new Expr.Value(lastToken(), pos);
            }
            throw error("expected a string value or a field with a valid transformer: " + TRANSFORMER_LIST_WITH_VAL);
        } finally {
            depth--;
        }
    }

    /**
     * A list item: libsinsp's parse_str_value_or_transformer(no_transformer = true), returning the text alone so
     * that long lists allocate no nodes for their items.
     */
    private String parseListItem() throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            if (lexQuotedStr() || lexBareStr()) {
                return lastToken();
            }
            throw error("expected a string value");
        } finally {
            depth--;
        }
    }

    /** {@return a parenthesized list value, or null when no '(' follows} */
    private Expr tryParseListExpr() throws ConditionSyntaxException {
        Pos pos = pos();
        if (!lexStr("(")) {
            return null;
        }
        List<String> values = new ArrayList<>(8);
        lexBlank();
        String head;
        try {
            head = parseListItem();
        } catch (ConditionSyntaxException e) {
            // libsinsp: any failure on the head means "maybe an empty list"; consumed text stays consumed
            head = null;
        }
        if (head != null) {
            values.add(head);
            lexBlank();
            while (lexStr(",")) {
                values.add(parseListItem());
                lexBlank();
            }
        }
        if (!lexStr(")")) {
            throw error("expected a ')' token");
        }
        return new Expr.ListValue(values, pos);
    }

    /** The list after a string operator modifier. */
    private Expr parseListValue() throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            Pos pos = pos();
            Expr list = tryParseListExpr();
            if (list != null) {
                return list;
            }
            if (lexIdentifier()) {
                return new Expr.Identifier(lastToken(), pos);
            }
            throw error("expected a list or an identifier");
        } finally {
            depth--;
        }
    }

    private Expr parseListValueOrTransformer() throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            Pos pos = pos();
            Expr list = tryParseListExpr();
            if (list != null) {
                return list;
            }
            Expr t = tryParseTransformerOrVal();
            if (t != null) {
                return t;
            }
            if (lexIdentifier()) {
                return new Expr.Identifier(lastToken(), pos);
            }
            throw error("expected a list, an identifier, or a field with a valid transformer: "
                    + TRANSFORMER_LIST_WITH_VAL);
        } finally {
            depth--;
        }
    }

    /** {@return a right-hand transformer or {@code val(field)}, or null when none starts here} */
    private Expr tryParseTransformerOrVal() throws ConditionSyntaxException {
        enter();
        try {
            lexBlank();
            Pos pos = pos();
            if (lexStr(VAL_TOKEN)) {
                lexBlank();
                popToken();
                String name = lastToken();
                Pos fieldPos = pos();
                if (!lexFieldName()) {
                    throw error("expected a field within '" + name + "' transformer");
                }
                Expr field = parseFieldRemainder(lastToken(), fieldPos);
                lexBlank();
                if (!lexStr(")")) {
                    throw error("expected a ')' token closing the transformer");
                }
                return new Expr.Transformer(name, List.of(field), parseOptionalFieldArg(), pos);
            }
            if (lexTransformerType()) {
                lexBlank();
                popToken();
                return parseTransformerRemainder(lastToken(), pos);
            }
            return null;
        } finally {
            depth--;
        }
    }

    // ---- lexers: on success each consumes its token and makes it the last token; on failure it moves nothing ----

    private boolean lexBlank() {
        boolean found = false;
        while (idx < len && isBlank(in.charAt(idx))) {
            found = true;
            advance(1);
        }
        return found;
    }

    /** {@code not[[:space:]]+} */
    private boolean lexNotBlank() {
        if (!in.startsWith("not", idx)) {
            return false;
        }
        int end = idx + 3;
        while (end < len && isPosixSpace(in.charAt(end))) {
            end++;
        }
        if (end == idx + 3) {
            return false;
        }
        take(end);
        return true;
    }

    private boolean lexStr(String s) {
        if (!in.startsWith(s, idx)) {
            return false;
        }
        take(idx + s.length());
        return true;
    }

    private boolean lexTransformerType() {
        for (String t : TRANSFORMER_TOKENS) {
            if (lexStr(t)) {
                return true;
            }
        }
        return false;
    }

    /** Tries each operator in order; one written with a trailing space needs a blank after it, which is consumed. */
    private boolean lexOperator(String[] ops) {
        for (String op : ops) {
            if (op.charAt(op.length() - 1) != ' ') {
                if (lexStr(op)) {
                    return true;
                }
                continue;
            }
            int kwLen = op.length() - 1;
            if (in.regionMatches(idx, op, 0, kwLen) && idx + kwLen < len && isBlank(in.charAt(idx + kwLen))) {
                take(idx + kwLen);
                lexBlank();
                return true;
            }
        }
        return false;
    }

    /** After a modifier: a list value must follow ('(' or an identifier) for the modifier to be one. */
    private boolean listValueFollows() {
        return idx < len && (in.charAt(idx) == '(' || isAsciiLetter(in.charAt(idx)));
    }

    private boolean boolKeywordFollows() {
        for (String kw : BOOL_KEYWORDS) {
            if (in.startsWith(kw, idx)) {
                int after = idx + kw.length();
                if (after == len || !isAsciiLetterOrDigit(in.charAt(after))) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean lexIdentifier() {
        int end = identifierEnd(idx);
        if (end < 0) {
            return false;
        }
        take(end);
        return true;
    }

    private boolean lexFieldName() {
        int end = identifierEnd(idx);
        if (end < 0) {
            return false;
        }
        boolean dotted = false;
        while (end + 1 < len && in.charAt(end) == '.') {
            int next = identifierEnd(end + 1);
            if (next < 0) {
                break;
            }
            end = next;
            dotted = true;
        }
        if (!dotted) {
            return false;
        }
        take(end);
        return true;
    }

    /** {@return the end of {@code [a-zA-Z][a-zA-Z0-9_]*} starting at {@code from}, or -1} */
    private int identifierEnd(int from) {
        if (from >= len || !isAsciiLetter(in.charAt(from))) {
            return -1;
        }
        int end = from + 1;
        while (end < len && (isAsciiLetterOrDigit(in.charAt(end)) || in.charAt(end) == '_')) {
            end++;
        }
        return end;
    }

    private boolean lexFieldArgBareStr() {
        int end = idx;
        while (end < len && isFieldArgBareChar(in.charAt(end))) {
            end++;
        }
        if (end == idx) {
            return false;
        }
        take(end);
        return true;
    }

    private boolean lexBareStr() {
        int end = idx;
        while (end < len && isBareChar(in.charAt(end))) {
            end++;
        }
        if (end == idx) {
            return false;
        }
        take(end);
        return true;
    }

    private boolean lexHexNum() {
        int end = hexNumberEnd(in, idx);
        if (end < 0) {
            return false;
        }
        take(end);
        return true;
    }

    private boolean lexNum() {
        int end = numberEnd(in, idx);
        if (end < 0) {
            return false;
        }
        take(end);
        return true;
    }

    /** {@return the end of {@code [+\-]?[0-9]+[\.]?[0-9]*([eE][+\-][0-9]+)?} at {@code from}, or -1} */
    static int numberEnd(String s, int from) {
        int n = s.length();
        int end = from;
        if (end < n && (s.charAt(end) == '+' || s.charAt(end) == '-')) {
            end++;
        }
        int digits = end;
        while (end < n && isDigit(s.charAt(end))) {
            end++;
        }
        if (end == digits) {
            return -1;
        }
        if (end < n && s.charAt(end) == '.') {
            end++;
        }
        while (end < n && isDigit(s.charAt(end))) {
            end++;
        }
        if (end + 2 < n && (s.charAt(end) == 'e' || s.charAt(end) == 'E')
                && (s.charAt(end + 1) == '+' || s.charAt(end + 1) == '-') && isDigit(s.charAt(end + 2))) {
            end += 3;
            while (end < n && isDigit(s.charAt(end))) {
                end++;
            }
        }
        return end;
    }

    /** {@return the end of {@code 0[xX][0-9a-fA-F]+} at {@code from}, or -1} */
    static int hexNumberEnd(String s, int from) {
        int n = s.length();
        if (from + 2 < n && s.charAt(from) == '0' && (s.charAt(from + 1) == 'x' || s.charAt(from + 1) == 'X')
                && isHexDigit(s.charAt(from + 2))) {
            int end = from + 3;
            while (end < n && isHexDigit(s.charAt(end))) {
                end++;
            }
            return end;
        }
        return -1;
    }

    /**
     * A quoted string: it ends at the first delimiter not preceded by a backslash (so {@code "a\\"} does not end
     * at its last quote, as in libsinsp), and a NUL char ends the input for it. Its value is unescaped.
     */
    private boolean lexQuotedStr() throws ConditionSyntaxException {
        if (idx >= len) {
            return false;
        }
        char delim = in.charAt(idx);
        if (delim != '\'' && delim != '"') {
            return false;
        }
        int start = idx;
        int end = idx + 1;
        char prev = delim;
        while (end < len) {
            char c = in.charAt(end);
            if (c == '\0') {
                break;
            }
            if (c == delim && prev != '\\') {
                take(end + 1);
                tokText = unescape(in, start, end + 1);
                return true;
            }
            prev = c;
            end++;
        }
        // libsinsp keeps the partial text as its last token but rewinds the cursor
        tokStart = start;
        tokEnd = end;
        tokText = null;
        return false;
    }

    /** Unescapes the quoted token {@code s[start, end)} (delimiters included). */
    private String unescape(String s, int start, int end) throws ConditionSyntaxException {
        int from = start + 1;
        int to = end - 1;
        int firstEscape = s.indexOf('\\', from);
        if (firstEscape < 0 || firstEscape >= to) {
            return s.substring(from, to);
        }
        char delim = s.charAt(start);
        StringBuilder sb = new StringBuilder(to - from);
        boolean highBytes = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            i++;
            char e = s.charAt(i); // a backslash is never the last content char: the delimiter would be escaped
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case ' ', '\\' -> sb.append('\\'); // libsinsp tolerates "\ " as a backslash (old Falco rules)
                case '/' -> sb.append('/');
                case '"' -> {
                    if (delim != '"') {
                        throw error("invalid \\\" escape in '-quoted string");
                    }
                    sb.append('"');
                }
                case '\'' -> {
                    if (delim != '\'') {
                        throw error("invalid \\' escape in \"-quoted string");
                    }
                    sb.append('\'');
                }
                case 'x' -> {
                    if (i + 2 >= to) {
                        throw error("truncated hex char escape sequence");
                    }
                    char h1 = s.charAt(i + 1);
                    char h2 = s.charAt(i + 2);
                    if (!isHexDigit(h1) || !isHexDigit(h2)) {
                        throw error("invalid hex char escape sequence: " + h1 + h2);
                    }
                    int b = Character.digit(h1, 16) * 16 + Character.digit(h2, 16);
                    highBytes |= b >= 0x80;
                    sb.append((char) b);
                    i += 2;
                }
                default -> throw error("unsupported string escape sequence: \\" + e);
            }
        }
        return highBytes ? decodeHighBytes(s, from, to, sb.toString()) : sb.toString();
    }

    /**
     * Re-reads already validated quoted content whose \\x escapes produced bytes >= 0x80: libsinsp keeps raw
     * bytes, so when literal text (as UTF-8) and escaped bytes together form valid UTF-8 we decode them as such;
     * otherwise {@code fallback} (each escaped byte as the char U+00HH) is returned.
     */
    private static String decodeHighBytes(String s, int from, int to, String fallback) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        int run = from;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '\\') {
                continue;
            }
            bytes.writeBytes(s.substring(run, i).getBytes(StandardCharsets.UTF_8));
            char e = s.charAt(++i);
            switch (e) {
                case 'b' -> bytes.write('\b');
                case 'f' -> bytes.write('\f');
                case 'n' -> bytes.write('\n');
                case 'r' -> bytes.write('\r');
                case 't' -> bytes.write('\t');
                case 'x' -> {
                    bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                    i += 2;
                }
                case ' ' -> bytes.write('\\');
                default -> bytes.write(e); // \\ / " ' stand for themselves
            }
            run = i + 1;
        }
        bytes.writeBytes(s.substring(run, to).getBytes(StandardCharsets.UTF_8));
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            return fallback;
        }
    }

    // ---- cursor ----

    /** Makes {@code [idx, end)} the last token and moves the cursor to {@code end}. */
    private void take(int end) {
        tokStart = idx;
        tokEnd = end;
        tokText = null;
        advance(end - idx);
    }

    private void advance(int n) {
        for (int i = 0; i < n; i++) {
            char c = in.charAt(idx++);
            col++;
            if (c == '\r' || c == '\n') {
                col = 1;
                line++;
            }
        }
    }

    private String lastToken() {
        return tokText != null ? tokText : in.substring(tokStart, tokEnd);
    }

    /** Drops the last char of the last token (the '(' of a transformer). */
    private void popToken() {
        if (tokText != null) {
            tokText = tokText.substring(0, tokText.length() - 1);
        } else {
            tokEnd--;
        }
    }

    private Pos pos() {
        return new Pos(idx, line, col);
    }

    private void enter() throws ConditionSyntaxException {
        if (++depth >= maxDepth) {
            throw error("exceeded max depth limit of " + maxDepth);
        }
    }

    private ConditionSyntaxException error(String message) {
        // libsinsp's messages travel as C strings (what()), so one quoting a NUL from the input ends there
        int nul = message.indexOf('\0');
        return new ConditionSyntaxException(nul < 0 ? message : message.substring(0, nul), pos());
    }

    // ---- character classes ----

    /** libsinsp's lex_blank set (note: includes backspace, excludes \v and \f). */
    static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
    }

    /** POSIX {@code [[:space:]]}. */
    static boolean isPosixSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** {@code [^()"'[:space:]=,]} */
    static boolean isBareChar(char c) {
        return !(c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' || isPosixSpace(c));
    }

    /** {@code [^][\"'[:space:]]} */
    static boolean isFieldArgBareChar(char c) {
        return !(c == '[' || c == ']' || c == '"' || c == '\'' || isPosixSpace(c));
    }

    static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAsciiLetterOrDigit(char c) {
        return isAsciiLetter(c) || isDigit(c);
    }

    static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** {@return true when {@code s} is one identifier ({@code [a-zA-Z][a-zA-Z0-9_]*})} */
    static boolean isIdentifier(String s) {
        if (s.isEmpty() || !isAsciiLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAsciiLetterOrDigit(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static String quotedList(List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (String s : items) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append('\'').append(s).append('\'');
        }
        return sb.toString();
    }
}
