package dev.peregrine.rules.syntax;

/** Parses condition text with the grammar of libsinsp's filter parser. (Contract stub: being implemented.) */
public final class ConditionParser {
    /** Bound on nesting, as libsinsp's default: it keeps a hostile condition from exhausting the stack. */
    public static final int MAX_CONDITION_DEPTH = 100;

    private ConditionParser() {
    }

    /** Parses a whole condition; the input must be consumed entirely. */
    public static Expr parse(String text) throws ConditionSyntaxException {
        throw new UnsupportedOperationException("pending");
    }
}
