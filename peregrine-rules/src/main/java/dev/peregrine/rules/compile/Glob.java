package dev.peregrine.rules.compile;

/**
 * A shell wildcard pattern matched as POSIX {@code fnmatch} with no flags ({@code glob}) or {@code FNM_CASEFOLD}
 * ({@code iglob}), which is what libsinsp's {@code sinsp_utils::glob_match} calls: {@code *} matches any run of
 * characters including {@code /} and a leading dot, {@code ?} one character, {@code [...]} a bracket expression
 * ({@code !} or {@code ^} negates, ranges, {@code [:class:]}), and a backslash quotes the next character.
 */
final class Glob {
    /* Implementation notes: the pattern is kept as text and matched with the classic two-pointer algorithm that
     * backtracks only to the last star, so matching is O(n*m) worst case and allocation-free. */

    private final String pattern;
    private final boolean fold;

    Glob(String pattern, boolean fold) {
        this.pattern = pattern;
        this.fold = fold;
    }

    boolean matches(String s) {
        return matches(s, 0, s.length());
    }

    /** {@return whether {@code s[from, to)} matches the whole pattern} */
    boolean matches(String s, int from, int to) {
        String p = pattern;
        int pi = 0;
        int si = from;
        int starP = -1;
        int starS = -1;
        while (si < to) {
            if (pi < p.length()) {
                char pc = p.charAt(pi);
                if (pc == '*') {
                    starP = ++pi;
                    starS = si;
                    continue;
                }
                int next = matchOne(p, pi, s.charAt(si));
                if (next >= 0) {
                    pi = next;
                    si++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            pi = starP;
            si = ++starS;
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    /** {@return the pattern index after the element at {@code pi} when it matches {@code c}, else -1} */
    private int matchOne(String p, int pi, char c) {
        char pc = p.charAt(pi);
        switch (pc) {
            case '?':
                return pi + 1;
            case '[': {
                int end = bracketEnd(p, pi);
                if (end < 0) {
                    return eq('[', c) ? pi + 1 : -1;
                }
                return bracketMatches(p, pi + 1, end, c) ? end + 1 : -1;
            }
            case '\\':
                if (pi + 1 < p.length()) {
                    return eq(p.charAt(pi + 1), c) ? pi + 2 : -1;
                }
                return eq('\\', c) ? pi + 1 : -1;
            default:
                return eq(pc, c) ? pi + 1 : -1;
        }
    }

    private boolean eq(char a, char b) {
        return a == b || (fold && TextOps.lowerAscii(a) == TextOps.lowerAscii(b));
    }

    /** {@return the index of the closing bracket of the expression opening at {@code open}, or -1} */
    private static int bracketEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '[' && i + 1 < p.length() && p.charAt(i + 1) == ':') {
                int close = p.indexOf(":]", i + 2);
                if (close >= 0) {
                    i = close + 2;
                    continue;
                }
            }
            if (c == '\\' && i + 1 < p.length()) {
                i += 2;
                continue;
            }
            if (c == ']') {
                return i;
            }
            i++;
        }
        return -1;
    }

    private boolean bracketMatches(String p, int from, int end, char c) {
        boolean negate = false;
        int i = from;
        if (p.charAt(i) == '!' || p.charAt(i) == '^') {
            negate = true;
            i++;
        }
        boolean found = false;
        boolean first = true;
        while (i < end) {
            char lo = p.charAt(i);
            if (lo == '[' && i + 1 < end && p.charAt(i + 1) == ':') {
                int close = p.indexOf(":]", i + 2);
                if (close >= 0 && close < end) {
                    if (inClass(p.substring(i + 2, close), c)) {
                        found = true;
                    }
                    i = close + 2;
                    first = false;
                    continue;
                }
            }
            if (lo == '\\' && i + 1 < end) {
                lo = p.charAt(++i);
            }
            i++;
            char hi = lo;
            if (i + 1 < end && p.charAt(i) == '-') {
                hi = p.charAt(i + 1);
                if (hi == '\\' && i + 2 < end) {
                    hi = p.charAt(i + 2);
                    i++;
                }
                i += 2;
            }
            if (inRange(lo, hi, c)) {
                found = true;
            }
            first = false;
        }
        return found != negate;
    }

    private boolean inRange(char lo, char hi, char c) {
        if (c >= lo && c <= hi) {
            return true;
        }
        if (fold) {
            char l = TextOps.lowerAscii(c);
            char u = c >= 'a' && c <= 'z' ? (char) (c - 32) : c;
            return (l >= lo && l <= hi) || (u >= lo && u <= hi);
        }
        return false;
    }

    private static boolean inClass(String name, char c) {
        return switch (name) {
            case "alpha" -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            case "digit" -> c >= '0' && c <= '9';
            case "alnum" -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            case "upper" -> c >= 'A' && c <= 'Z';
            case "lower" -> c >= 'a' && c <= 'z';
            case "space" -> c == ' ' || (c >= '\t' && c <= '\r');
            case "blank" -> c == ' ' || c == '\t';
            case "punct" -> c > 32 && c < 127 && !Character.isLetterOrDigit(c);
            case "xdigit" -> Character.digit(c, 16) >= 0 && c < 128;
            case "cntrl" -> c < 32 || c == 127;
            case "print" -> c >= 32 && c < 127;
            case "graph" -> c > 32 && c < 127;
            default -> false;
        };
    }
}
