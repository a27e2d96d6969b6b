package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

/**
 * One entry of Falco's {@code rules:} configuration ({@code - disable: {rule: "*"}}, {@code - enable: {tag: network}}),
 * applied in order after loading.
 */
public sealed interface RuleSelector permits RuleSelector.ByName, RuleSelector.ByTag {
    /** {@return true to enable the selected rules, false to disable them} */
    boolean enable();

    /** Rules whose name matches {@code pattern}, where {@code *} matches any run of characters. */
    record ByName(boolean enable, String pattern) implements RuleSelector {
        public ByName {
            requireNonNull(pattern, "pattern is null");
        }
    }

    /** Rules that carry {@code tag}. */
    record ByTag(boolean enable, String tag) implements RuleSelector {
        public ByTag {
            requireNonNull(tag, "tag is null");
        }
    }

    /** {@return whether {@code name} matches a wildcard pattern, as Falco's {@code matches_wildcard}} */
    static boolean matchesWildcard(String pattern, String s) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(s);
        }
        if (star == 0) {
            int next = 0;
            while (next < pattern.length() && pattern.charAt(next) == '*') {
                next++;
            }
            if (next == pattern.length()) {
                return true;
            }
            String nextPattern = pattern.substring(next);
            int nextStar = nextPattern.indexOf('*');
            String toFind = nextStar < 0 ? nextPattern : nextPattern.substring(0, nextStar);
            int lit = s.indexOf(toFind);
            if (lit < 0) {
                return false;
            }
            return matchesWildcard(nextPattern.substring(toFind.length()), s.substring(lit + toFind.length()));
        }
        if (s.length() < star || !pattern.substring(0, star).equals(s.substring(0, star))) {
            return false;
        }
        return matchesWildcard(pattern.substring(star), s.substring(star));
    }
}
