package dev.peregrine.rules.compile;

/**
 * Per-thread evaluation state: the event being judged and the per-field value cache, valid for that event only.
 * Not thread-safe: one per evaluating thread. (Contract stub: being implemented.)
 */
public final class EvalContext {
    public EvalContext(FieldSlots slots) {
    }

    /** Points the context at the next event; cached field values of the previous event become invalid. */
    public void reset(Object event) {
        throw new UnsupportedOperationException("pending");
    }

    public Object event() {
        throw new UnsupportedOperationException("pending");
    }
}
