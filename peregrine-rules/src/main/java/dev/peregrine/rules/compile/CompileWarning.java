package dev.peregrine.rules.compile;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.syntax.Pos;

/** A non-fatal finding of the compiler (libsinsp compiler {@code warnings}), e.g. a deprecated field. */
public record CompileWarning(String message, Pos pos) {
    public CompileWarning {
        requireNonNull(message, "message is null");
        requireNonNull(pos, "pos is null");
    }
}
