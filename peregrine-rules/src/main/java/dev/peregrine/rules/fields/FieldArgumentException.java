package dev.peregrine.rules.fields;

/** A known field used with a missing, forbidden or malformed argument. The message is user-facing. */
public final class FieldArgumentException extends Exception {
    public FieldArgumentException(String message) {
        super(message, null, false, false);
    }
}
