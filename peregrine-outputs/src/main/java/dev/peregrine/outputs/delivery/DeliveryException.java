package dev.peregrine.outputs.delivery;

/** A target could not deliver a batch; the message says why in words an operator can act on. */
public final class DeliveryException extends Exception {
    private final boolean retryable;

    /**
     * @param message what failed, e.g. {@code HTTP 503 from http://127.0.0.1:2801/}
     * @param retryable whether sending the same batch again may succeed
     * @param cause the underlying failure, or null
     */
    public DeliveryException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** {@return whether sending the same batch again may succeed} */
    public boolean retryable() {
        return retryable;
    }
}
