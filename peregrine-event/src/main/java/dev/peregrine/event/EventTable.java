package dev.peregrine.event;

/** Falco's event table: every event code with its name, flags and parameters. (Contract stub.) */
public final class EventTable {
    private EventTable() {
    }

    /** {@return the table bundled with Peregrine, loaded once} */
    public static EventTable get() {
        throw new UnsupportedOperationException("pending");
    }

    /** {@return the number of event codes} */
    public int size() {
        throw new UnsupportedOperationException("pending");
    }

    /** {@return whether {@code evt.type = name} names a known event or syscall} */
    public boolean isKnownTypeName(String name) {
        throw new UnsupportedOperationException("pending");
    }

    /**
     * {@return the event codes {@code evt.type = name} selects: every code with that name, or the generic syscall
     * codes when the name is a syscall without events of its own; empty when unknown}
     */
    public int[] codesForTypeName(String name) {
        throw new UnsupportedOperationException("pending");
    }
}
