package dev.peregrine.state.user;

import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.UserInfo;
import java.util.Optional;

/**
 * A source of users and groups outside the event stream: the live system's {@code /etc/passwd} and
 * {@code /etc/group} (or NSS) when Peregrine watches the host it runs on. Replays use {@link #NONE}.
 */
public interface UserDirectory {
    /** A directory that knows nobody: replays rely on the capture's user list alone. */
    UserDirectory NONE = new UserDirectory() {
        @Override
        public Optional<UserInfo> user(long uid) {
            return Optional.empty();
        }

        @Override
        public Optional<GroupInfo> group(long gid) {
            return Optional.empty();
        }
    };

    /** {@return the host user with that uid} */
    Optional<UserInfo> user(long uid);

    /** {@return the host group with that gid} */
    Optional<GroupInfo> group(long gid);
}
