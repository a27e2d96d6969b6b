package dev.peregrine.cli.config;

/** A configuration that cannot be used: the message names the key (or file) and the reason, as Falco's do. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
