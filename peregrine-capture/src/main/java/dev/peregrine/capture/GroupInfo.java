package dev.peregrine.capture;

import static java.util.Objects.requireNonNull;

/**
 * A group of the captured machine.
 *
 * @param gid group id (unsigned 32-bit)
 * @param name group name
 */
public record GroupInfo(long gid, String name) {
    public GroupInfo {
        requireNonNull(name, "name is null");
    }
}
