package dev.peregrine.rules.index;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.syntax.Pos;

/**
 * A condition whose event types cannot be inferred, e.g. {@code evt.type = val(proc.name)}. The message is
 * libsinsp's; {@link #pos()} points at the offending check.
 */
public final class EvttypeInferenceException extends RuntimeException {
    private final transient Pos pos;

    public EvttypeInferenceException(String message, Pos pos) {
        super(message, null, false, false);
        this.pos = requireNonNull(pos, "pos is null");
    }

    /** {@return where the offending node starts} */
    public Pos pos() {
        return pos;
    }
}
