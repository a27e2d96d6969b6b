package dev.peregrine.cli;

/** A failure caused by the user's input or environment, shown as one line without a stack trace. */
final class UserError extends RuntimeException {
    private final int exitCode;

    UserError(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
