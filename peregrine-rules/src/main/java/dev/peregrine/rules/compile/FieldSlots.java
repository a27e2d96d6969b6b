package dev.peregrine.rules.compile;

/**
 * Numbers the distinct field references of a ruleset (field, argument and transformers) so that every rule using
 * the same field shares one cached value per event. (Contract stub: being implemented.)
 */
public final class FieldSlots {
    public FieldSlots() {
    }

    /** {@return how many slots have been assigned} */
    public int size() {
        throw new UnsupportedOperationException("pending");
    }
}
