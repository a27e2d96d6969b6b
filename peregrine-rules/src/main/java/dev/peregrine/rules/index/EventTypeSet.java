package dev.peregrine.rules.index;

import dev.peregrine.event.EventTable;
import java.util.BitSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The event codes a condition can match, as inferred from its {@code evt.type} checks. Codes index the
 * {@link EventTable}; the set is "all" when it holds every code of the table.
 */
public final class EventTypeSet {
    /* Implementation notes:
     * - Immutable: the BitSet is copied in and out. The universe is the number of event codes (libsinsp
     *   PPM_EVENT_MAX, the table size); codes at or above it are dropped so that isAll() is exact.
     * - MAX_EVTTYPES_BEFORE_WARNING: Falco (userspace/engine/rule_loader_compiler.cpp, falco 1307474) warns
     *   LOAD_NO_EVTTYPE for a rule of the syscall source when ppm_event_codes(condition).size() > 100 and the rule
     *   does not set warn_evttypes: false. An empty set (a never-true condition) does not warn.
     */

    /** Falco warns that a rule "matches too many evt.type values" above this many event codes. */
    public static final int MAX_EVTTYPES_BEFORE_WARNING = 100;

    private final BitSet codes;
    private final int universe;

    /** A set over the bundled {@link EventTable}. */
    public EventTypeSet(BitSet codes) {
        this(codes, EventTable.get().size());
    }

    /** A set over a universe of {@code universe} event codes ({@code 0 .. universe-1}). */
    public EventTypeSet(BitSet codes, int universe) {
        if (universe < 0) {
            throw new IllegalArgumentException("universe must not be negative: " + universe);
        }
        BitSet copy = (BitSet) codes.clone();
        if (copy.length() > universe) {
            copy.clear(universe, copy.length());
        }
        this.codes = copy;
        this.universe = universe;
    }

    /** {@return the set of every code of a table} */
    public static EventTypeSet all(EventTable table) {
        BitSet b = new BitSet(table.size());
        b.set(0, table.size());
        return new EventTypeSet(b, table.size());
    }

    /** {@return the empty set over a table's codes} */
    public static EventTypeSet none(EventTable table) {
        return new EventTypeSet(new BitSet(), table.size());
    }

    public boolean contains(int code) {
        return codes.get(code);
    }

    /** {@return a copy of the codes} */
    public BitSet codes() {
        return (BitSet) codes.clone();
    }

    /** {@return the number of codes in the set} */
    public int size() {
        return codes.cardinality();
    }

    /** {@return the number of codes the set is drawn from (the event table size)} */
    public int universe() {
        return universe;
    }

    public boolean isEmpty() {
        return codes.isEmpty();
    }

    /** {@return true when every event code is in the set (the condition does not restrict evt.type)} */
    public boolean isAll() {
        return codes.cardinality() == universe;
    }

    /**
     * {@return true when Falco would warn LOAD_NO_EVTTYPE, "Rule matches too many evt.type values. This has a
     * significant performance penalty.": more than {@value #MAX_EVTTYPES_BEFORE_WARNING} codes. Falco checks it
     * for syscall rules only, unless the rule sets {@code warn_evttypes: false}}
     */
    public boolean matchesTooManyEventTypes() {
        return size() > MAX_EVTTYPES_BEFORE_WARNING;
    }

    /**
     * {@return the event-type names of the set, sorted, for listing. The generic syscall codes stand for every
     * syscall without an event of its own: they are listed as those syscall names (libsinsp
     * {@code event_set_to_names} with generic resolution; {@code unknown} is left out)}
     */
    public Set<String> names(EventTable table) {
        Set<String> out = new TreeSet<>();
        boolean generic = false;
        for (int c = codes.nextSetBit(0); c >= 0; c = codes.nextSetBit(c + 1)) {
            if (c == EventTable.GENERIC_E || c == EventTable.GENERIC_X) {
                generic = true;
            } else if (c < table.size()) {
                out.add(table.byCode(c).name());
            }
        }
        if (generic) {
            for (int sc = 0; sc < table.syscallCount(); sc++) {
                String name = table.syscallName(sc);
                if (name != null && !name.equals("unknown") && table.codesForTypeName(name).length == 2
                        && table.codesForTypeName(name)[0] == EventTable.GENERIC_E) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventTypeSet s && s.universe == universe && s.codes.equals(codes);
    }

    @Override
    public int hashCode() {
        return codes.hashCode() * 31 + universe;
    }

    @Override
    public String toString() {
        return isAll() ? "EventTypeSet[all " + universe + "]" : "EventTypeSet" + codes;
    }
}
