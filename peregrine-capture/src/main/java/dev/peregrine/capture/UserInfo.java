package dev.peregrine.capture;

import static java.util.Objects.requireNonNull;

/**
 * A user of the captured machine. Ids are unsigned 32-bit values.
 *
 * @param uid user id
 * @param gid primary group id
 * @param name login name
 * @param homedir home directory
 * @param shell login shell
 */
public record UserInfo(long uid, long gid, String name, String homedir, String shell) {
    public UserInfo {
        requireNonNull(name, "name is null");
        requireNonNull(homedir, "homedir is null");
        requireNonNull(shell, "shell is null");
    }
}
