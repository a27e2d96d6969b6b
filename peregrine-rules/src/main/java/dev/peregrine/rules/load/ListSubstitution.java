package dev.peregrine.rules.load;

import java.util.List;

/**
 * Substitutes list references in condition TEXT before parsing, exactly as Falco's {@code resolve_list}: every
 * occurrence of the list name delimited by blanks, parentheses, commas, {@code =} or the text ends is replaced by the
 * comma-separated items (an item containing a space is double-quoted unless already quoted).
 */
final class ListSubstitution {
    /*
     * Implementation notes: this is a token replacement, not a grammar-aware one, and it is deliberately kept so:
     * Falco users rely on its quirks (a list name after "=" is replaced too; an empty list swallows one adjacent
     * comma; items are not escaped, so an item with a quote breaks the condition just as in Falco). Nested list
     * references left in the items are replaced when the loop over lists reaches that list, as in Falco.
     */
    private static final String BLANKS = " \t\n\r";
    private static final String DELIMS = BLANKS + "(),=";

    private ListSubstitution() {
    }

    /** The substituted text and whether the list was referenced. */
    record Result(String text, boolean used) {
    }

    static Result resolve(String cnd, String name, List<String> items) {
        boolean used = false;
        int start = cnd.indexOf(name);
        while (start >= 0) {
            int end = start + name.length();
            if ((start == 0 || DELIMS.indexOf(cnd.charAt(start - 1)) >= 0)
                    && (end >= cnd.length() || DELIMS.indexOf(cnd.charAt(end)) >= 0)) {
                while (start > 0 && BLANKS.indexOf(cnd.charAt(start - 1)) >= 0) {
                    start--;
                }
                while (end < cnd.length() && BLANKS.indexOf(cnd.charAt(end)) >= 0) {
                    end++;
                }
                StringBuilder sub = new StringBuilder();
                for (String v : items) {
                    if (!sub.isEmpty()) {
                        sub.append(", ");
                    }
                    sub.append(quote(v));
                }
                if (sub.isEmpty()) {
                    if (start > 0 && cnd.charAt(start - 1) == ',') {
                        start--;
                    } else if (end < cnd.length() && cnd.charAt(end) == ',') {
                        end++;
                    }
                }
                StringBuilder next = new StringBuilder();
                if (start > 0) {
                    next.append(cnd, 0, start).append(' ');
                }
                next.append(sub).append(' ');
                if (end <= cnd.length()) {
                    next.append(cnd, end, cnd.length());
                }
                cnd = next.toString();
                start += sub.length() + 1;
                used = true;
            }
            start = cnd.indexOf(name, start + 1);
        }
        return new Result(cnd, used);
    }

    /** Falco's {@code quote_item}: double-quote an item with a space unless it starts with a quote. */
    static String quote(String e) {
        if (e.contains(" ") && !e.startsWith("\"") && !e.startsWith("'")) {
            return '"' + e + '"';
        }
        return e;
    }
}
