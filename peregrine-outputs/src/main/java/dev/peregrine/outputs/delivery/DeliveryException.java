package dev.peregrine.outputs.delivery;

/** A target could not deliver a batch; the message says why in words an operator can act on. */
public final class DeliveryException extends Exception {
    private final boolean retryable;
    private final boolean maybeDelivered;

    /**
     * @param message what failed, e.g. {@code HTTP 503 from http://127.0.0.1:2801/}
     * @param retryable whether sending the same batch again may succeed
     * @param cause the underlying failure, or null
     */
    public DeliveryException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, false, cause);
    }

    /**
     * @param maybeDelivered whether the destination may have received the batch despite the failure (a timeout
     *     after the request was written): sending it again may duplicate it
     */
    public DeliveryException(String message, boolean retryable, boolean maybeDelivered, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.maybeDelivered = maybeDelivered;
    }

    /** {@return whether sending the same batch again may succeed} */
    public boolean retryable() {
        return retryable;
    }

    /** {@return whether the destination may have received the batch although delivery failed} */
    public boolean maybeDelivered() {
        return maybeDelivered;
    }
}
