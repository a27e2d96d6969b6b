package dev.peregrine.rules.syntax;

import static java.util.Objects.requireNonNull;

/** A condition that the grammar rejects, with the position where parsing stopped (libsinsp's message and pos). */
public final class ConditionSyntaxException extends Exception {
    private final Pos pos;

    public ConditionSyntaxException(String message, Pos pos) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.pos = requireNonNull(pos, "pos is null");
    }

    /** {@return where the parser stopped} */
    public Pos pos() {
        return pos;
    }
}
