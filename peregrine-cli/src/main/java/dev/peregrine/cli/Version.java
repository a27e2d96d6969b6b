package dev.peregrine.cli;

import picocli.CommandLine.IVersionProvider;

/** Peregrine's version and the Falco engine version it implements. */
final class Version implements IVersionProvider {
    /** The Falco rules engine version whose semantics Peregrine implements. */
    static final String ENGINE_VERSION = "0.63.0";

    /** {@return Peregrine's version from the jar manifest, {@code dev} when run from classes} */
    static String peregrineVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Peregrine " + peregrineVersion(), "Falco engine version: " + ENGINE_VERSION};
    }
}
