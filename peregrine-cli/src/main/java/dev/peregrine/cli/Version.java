package dev.peregrine.cli;

import picocli.CommandLine.IVersionProvider;

/** Peregrine's version and the Falco engine version it implements. */
final class Version implements IVersionProvider {
    /** The Falco rules engine version whose semantics Peregrine implements. */
    static final String ENGINE_VERSION = "0.63.0";

    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"Peregrine " + (v == null ? "dev" : v), "Falco engine version: " + ENGINE_VERSION};
    }
}
