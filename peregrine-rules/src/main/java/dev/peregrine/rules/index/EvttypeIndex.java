package dev.peregrine.rules.index;

import java.util.List;

/** Routes each event code to the rules that can match it, in load order. (Contract stub.) */
public final class EvttypeIndex<R> {
    public void add(R rule, EventTypeSet types) {
        throw new UnsupportedOperationException("pending");
    }

    /** {@return the rules for an event code, in the order they were added} */
    public List<R> rulesFor(int code) {
        throw new UnsupportedOperationException("pending");
    }
}
