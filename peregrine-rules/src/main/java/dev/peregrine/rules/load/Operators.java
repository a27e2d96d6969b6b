package dev.peregrine.rules.load;

import java.util.List;

/** The comparison operators of the condition language, as exception {@code comps} are checked against them. */
final class Operators {
    /*
     * Implementation notes: the sets are libsinsp's parser tables (unary, numeric, string and list operators).
     * Modifiers (oneof/anyof/allof) combine only with string comparison operators: Falco's
     * is_str_operator_with_modifier splits at the first space, so "startswith  oneof" (two spaces) is rejected.
     */
    static final List<String> UNARY = List.of("exists");
    static final List<String> NUMERIC = List.of("<=", "<", ">=", ">");
    static final List<String> STRING = List.of("==", "=", "!=", "glob", "iglob", "contains", "icontains",
            "bcontains", "startswith", "bstartswith", "endswith", "regex");
    static final List<String> LIST = List.of("intersects", "in", "pmatch");
    static final List<String> MODIFIERS = List.of("oneof", "anyof", "allof");
    /** String operators that accept a modifier (Falco cmpop_supports_modifier). */
    private static final List<String> MODIFIABLE = List.of("==", "=", "!=", "contains", "icontains", "bcontains",
            "startswith", "bstartswith", "endswith", "glob", "iglob", "regex");

    private Operators() {
    }

    static boolean isOperator(String op) {
        return UNARY.contains(op) || NUMERIC.contains(op) || STRING.contains(op) || LIST.contains(op);
    }

    static boolean isListOperator(String op) {
        return LIST.contains(op) || isStrOperatorWithModifier(op);
    }

    static boolean isStrOperatorWithModifier(String op) {
        int sp = op.indexOf(' ');
        if (sp < 0) {
            return false;
        }
        String base = op.substring(0, sp);
        String mod = op.substring(sp + 1);
        return MODIFIABLE.contains(base) && MODIFIERS.contains(mod);
    }
}
