package dev.peregrine.rules.compile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** {@code startswith anyof (...)}: whether a string starts with any of a set of prefixes, in O(log n). */
final class PrefixSet {
    /* Implementation notes: prefixes that extend another prefix of the set are dropped, which leaves a
     * prefix-free sorted array. If some prefix p starts s then p <= s, and every element between p and s would
     * start with p too, which prefix-freedom excludes: so the greatest element <= s is the only candidate. */

    private final String[] sorted;

    PrefixSet(Collection<String> prefixes) {
        String[] all = prefixes.toArray(String[]::new);
        Arrays.sort(all);
        List<String> kept = new ArrayList<>();
        for (String p : all) {
            if (kept.isEmpty() || !p.startsWith(kept.getLast())) {
                kept.add(p);
            }
        }
        sorted = kept.toArray(String[]::new);
    }

    boolean matchesPrefixOf(String s) {
        int i = Arrays.binarySearch(sorted, s);
        if (i >= 0) {
            return true;
        }
        int floor = -i - 2;
        return floor >= 0 && s.startsWith(sorted[floor]);
    }
}
