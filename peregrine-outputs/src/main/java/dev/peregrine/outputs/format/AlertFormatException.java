package dev.peregrine.outputs.format;

/**
 * An output format that does not compile: a rule's output after {@code append_output} was applied, or an extra
 * field's format. Falco rejects the rule at load time ({@code LOAD_ERR_COMPILE_OUTPUT}); the message names the rule
 * and the format.
 */
public final class AlertFormatException extends RuntimeException {
    public AlertFormatException(String message) {
        super(message);
    }
}
