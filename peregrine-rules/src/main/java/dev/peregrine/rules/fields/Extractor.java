package dev.peregrine.rules.fields;

/**
 * Reads one field of the current event. Implemented by the field classes of each event source; the compiler
 * calls it at most once per event and field (the values are shared by every rule that uses the field).
 *
 * <p>{@code event} is whatever the event source evaluates (an event view of the capture layer, a Kubernetes
 * audit document, ...): each source binds its own extractors, which know its concrete type.
 */
@FunctionalInterface
public interface Extractor {
    /**
     * Adds the field's values for {@code event} to {@code out}, which the caller has cleared.
     *
     * @return false when the field has no value for this event (then every check on it is false)
     */
    boolean extract(Object event, Values out);
}
