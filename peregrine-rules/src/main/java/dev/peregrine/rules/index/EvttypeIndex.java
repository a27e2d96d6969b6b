package dev.peregrine.rules.index;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Routes each event code to the rules that can match it, in load order (Falco {@code evttype_index_ruleset}).
 *
 * <p>Add every rule with its {@link EventTypeSet}, then read with {@link #rulesFor(int)}: the first read freezes the
 * index (later {@link #add} calls fail), after which a lookup is one array index and returns a shared, immutable
 * list. A rule whose set holds every code is in every list, at its place in load order. Adding is not thread-safe;
 * a frozen index may be read from any thread.
 */
public final class EvttypeIndex<R> {
    /* Implementation notes:
     * Rules are kept in insertion order with their code sets; freezing builds one List per code (the lists of
     * codes that no rule matches share one empty list). Building is O(rules x codes) once; lookups allocate
     * nothing. Codes outside the table (an event type from a newer driver) get the empty list rather than an
     * exception: the caller may count them, but must not crash on them.
     */

    private final List<R> rules = new ArrayList<>();
    private final List<BitSet> sets = new ArrayList<>();
    private int maxCode;
    private volatile List<R>[] byCode;

    /** Adds a rule after the ones already added. */
    public void add(R rule, EventTypeSet types) {
        requireNonNull(rule, "rule is null");
        requireNonNull(types, "types is null");
        if (byCode != null) {
            throw new IllegalStateException("the index is frozen: rules cannot be added after the first lookup");
        }
        rules.add(rule);
        sets.add(types.codes());
        maxCode = Math.max(maxCode, types.universe());
    }

    /** Builds the per-code lists; called by the first {@link #rulesFor(int)}. Idempotent. */
    public EvttypeIndex<R> freeze() {
        if (byCode == null) {
            build();
        }
        return this;
    }

    /** {@return the rules for an event code, in the order they were added; empty for unknown codes} */
    public List<R> rulesFor(int code) {
        List<R>[] table = byCode;
        if (table == null) {
            table = build();
        }
        return code >= 0 && code < table.length ? table[code] : List.of();
    }

    /** {@return the number of rules added} */
    public int size() {
        return rules.size();
    }

    @SuppressWarnings("unchecked")
    private synchronized List<R>[] build() {
        if (byCode != null) {
            return byCode;
        }
        List<R>[] table = new List[maxCode];
        Arrays.fill(table, List.of());
        for (int code = 0; code < maxCode; code++) {
            List<R> list = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                if (sets.get(i).get(code)) {
                    list.add(rules.get(i));
                }
            }
            if (!list.isEmpty()) {
                table[code] = List.copyOf(list);
            }
        }
        byCode = table;
        return table;
    }
}
