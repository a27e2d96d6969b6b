package dev.peregrine.cli.replay;

/** A replay that cannot run or failed; the message is shown as Falco's {@code Error: <message>}. */
public final class ReplayException extends RuntimeException {
    public ReplayException(String message) {
        super(message, null, false, false);
    }

    public ReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
