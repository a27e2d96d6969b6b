package dev.peregrine.rules.compile;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code in (...)}, {@code intersects} and {@code = anyof}: whether a string is one of a fixed set, without the
 * node objects of a {@link java.util.HashSet}.
 */
final class StringSet {
    /* Implementation notes: open addressing with linear probing in two parallel arrays, at most half full, so a miss
     * usually ends at the first or second slot. The stored hash is compared before the string: a different string
     * with the same slot costs an int compare, and equals() runs almost only on a hit. Strings cache their hash, and
     * the values a condition tests (proc.name, fd.name, ...) are the same String objects for many events. This set
     * is the hottest structure of rule evaluation on a replay (about a fifth of the judging thread's time with
     * HashSet, measured with JFR on a live capture). */

    private final String[] keys;
    private final int[] hashes;
    private final int mask;

    StringSet(Collection<String> values) {
        Set<String> distinct = new LinkedHashSet<>(values);
        int capacity = Integer.highestOneBit(Math.max(distinct.size(), 1) * 2 - 1) << 1;
        keys = new String[capacity];
        hashes = new int[capacity];
        mask = capacity - 1;
        for (String key : distinct) {
            String v = key.intern();
            int h = v.hashCode();
            int i = slot(h);
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = v;
            hashes[i] = h;
        }
    }

    boolean contains(String s) {
        int h = s.hashCode();
        int i = slot(h);
        String k;
        while ((k = keys[i]) != null) {
            if (hashes[i] == h && (k == s || k.equals(s))) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private int slot(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1 >>> 7 & mask;
    }
}
