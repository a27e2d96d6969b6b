package dev.peregrine.event.params;

/**
 * A parameter whose bytes do not fit its declared type (a fixed-size value of the wrong length, a number asked of a
 * string parameter, an index beyond the event's parameters). The message names the parameter, the event type and
 * the thread, as libsinsp's "could not parse param" error does.
 */
public final class ParamDecodeException extends RuntimeException {
    public ParamDecodeException(String message) {
        super(message);
    }
}
