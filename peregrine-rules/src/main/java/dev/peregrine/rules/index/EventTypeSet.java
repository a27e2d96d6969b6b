package dev.peregrine.rules.index;

import java.util.BitSet;

/**
 * The event codes a condition can match, as inferred from its {@code evt.type} checks. (Contract stub.)
 */
public final class EventTypeSet {
    private final BitSet codes;

    public EventTypeSet(BitSet codes) {
        this.codes = (BitSet) codes.clone();
    }

    public boolean contains(int code) {
        return codes.get(code);
    }

    /** {@return a copy of the codes} */
    public BitSet codes() {
        return (BitSet) codes.clone();
    }
}
