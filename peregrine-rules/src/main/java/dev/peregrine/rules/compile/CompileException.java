package dev.peregrine.rules.compile;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.syntax.Pos;

/**
 * A condition or output that parses but cannot be compiled: unknown field, operator not allowed for the field's
 * type, malformed right-hand value, unknown event type. The message is Falco's where Falco has one
 * ({@code filter_check called with nonexistent field proc.nobody}); {@code pos} points into the text compiled.
 */
public final class CompileException extends Exception {
    /** What kind of failure this is, so the loader can apply {@code skip-if-unknown-filter}. */
    public enum Kind { UNKNOWN_FIELD, UNKNOWN_EVENT_TYPE, INVALID }

    private final Kind kind;
    private final Pos pos;

    public CompileException(Kind kind, String message, Pos pos) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.kind = requireNonNull(kind, "kind is null");
        this.pos = requireNonNull(pos, "pos is null");
    }

    public Kind kind() {
        return kind;
    }

    public Pos pos() {
        return pos;
    }
}
