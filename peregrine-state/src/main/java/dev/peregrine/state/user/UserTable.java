package dev.peregrine.state.user;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.UserInfo;
import dev.peregrine.state.LongKeyedMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Users and groups by container (the host is container id {@code ""}), from the capture's user list and the
 * {@code useradded}/{@code groupadded} events, as libsinsp's user-group manager keeps them. Host lookups that miss
 * fall back to a {@link UserDirectory}; what it finds is remembered.
 */
public final class UserTable {
    /*
     * Implementation notes.
     *
     * The host's maps are separate fields so the per-event lookup of user.name (uid of the event's thread, host)
     * touches no String hashing. Container maps are created on first use.
     */

    private final UserDirectory directory;
    private final LongKeyedMap<UserInfo> hostUsers = new LongKeyedMap<>();
    private final LongKeyedMap<GroupInfo> hostGroups = new LongKeyedMap<>();
    private final Map<String, LongKeyedMap<UserInfo>> containerUsers = new HashMap<>();
    private final Map<String, LongKeyedMap<GroupInfo>> containerGroups = new HashMap<>();

    /** Creates an empty table backed by {@code directory} for host misses. */
    public UserTable(UserDirectory directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** Adds or replaces a user of a container ({@code ""} for the host). */
    public void addUser(String containerId, UserInfo user) {
        requireNonNull(user, "user is null");
        users(containerId, true).put(user.uid(), user);
    }

    /** Adds or replaces a group of a container ({@code ""} for the host). */
    public void addGroup(String containerId, GroupInfo group) {
        requireNonNull(group, "group is null");
        groups(containerId, true).put(group.gid(), group);
    }

    /** Removes a user of a container. */
    public void removeUser(String containerId, long uid) {
        LongKeyedMap<UserInfo> m = users(containerId, false);
        if (m != null) {
            m.remove(uid);
        }
    }

    /** Removes a group of a container. */
    public void removeGroup(String containerId, long gid) {
        LongKeyedMap<GroupInfo> m = groups(containerId, false);
        if (m != null) {
            m.remove(gid);
        }
    }

    /** {@return the user with that uid in that container ({@code ""} for the host), or null} */
    public UserInfo user(String containerId, long uid) {
        LongKeyedMap<UserInfo> m = users(containerId, false);
        UserInfo u = m == null ? null : m.get(uid);
        if (u == null && containerId.isEmpty()) {
            u = directory.user(uid).orElse(null);
            if (u != null) {
                hostUsers.put(uid, u);
            }
        }
        return u;
    }

    /** {@return the group with that gid in that container ({@code ""} for the host), or null} */
    public GroupInfo group(String containerId, long gid) {
        LongKeyedMap<GroupInfo> m = groups(containerId, false);
        GroupInfo g = m == null ? null : m.get(gid);
        if (g == null && containerId.isEmpty()) {
            g = directory.group(gid).orElse(null);
            if (g != null) {
                hostGroups.put(gid, g);
            }
        }
        return g;
    }

    /** {@return the number of users known, all containers together} */
    public int userCount() {
        int n = hostUsers.size();
        for (LongKeyedMap<UserInfo> m : containerUsers.values()) {
            n += m.size();
        }
        return n;
    }

    /** {@return the number of groups known, all containers together} */
    public int groupCount() {
        int n = hostGroups.size();
        for (LongKeyedMap<GroupInfo> m : containerGroups.values()) {
            n += m.size();
        }
        return n;
    }

    /** Forgets every user and group (a new capture section). */
    public void clear() {
        hostUsers.clear();
        hostGroups.clear();
        containerUsers.clear();
        containerGroups.clear();
    }

    private LongKeyedMap<UserInfo> users(String containerId, boolean create) {
        requireNonNull(containerId, "containerId is null");
        if (containerId.isEmpty()) {
            return hostUsers;
        }
        return create ? containerUsers.computeIfAbsent(containerId, k -> new LongKeyedMap<>())
                : containerUsers.get(containerId);
    }

    private LongKeyedMap<GroupInfo> groups(String containerId, boolean create) {
        requireNonNull(containerId, "containerId is null");
        if (containerId.isEmpty()) {
            return hostGroups;
        }
        return create ? containerGroups.computeIfAbsent(containerId, k -> new LongKeyedMap<>())
                : containerGroups.get(containerId);
    }
}
