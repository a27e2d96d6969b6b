package dev.peregrine.state.user;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.UserInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Host users and groups from {@code etc/passwd} and {@code etc/group} under a root directory ({@code /}, or the host
 * root a containerized Peregrine sees, Falco's {@code HOST_ROOT}). The files are read on first use and again after
 * {@link #refresh()}; a missing or unreadable file reads as empty.
 */
public final class PasswdDirectory implements UserDirectory {
    /*
     * Implementation notes.
     *
     * libsinsp calls getpwuid/getgrgid (or reads the files under the host root itself). Reading the files directly
     * keeps NSS modules out of the event thread; NSS compat entries ("+" or "-" names) are skipped as libsinsp does.
     * Malformed lines (too few fields, non-numeric ids) are skipped.
     */

    private static final int PASSWD_FIELDS = 7;
    private static final int GROUP_FIELDS = 3;

    private final Path root;
    private Map<Long, UserInfo> users;
    private Map<Long, GroupInfo> groups;

    /** Creates a directory over {@code root/etc/passwd} and {@code root/etc/group}. */
    public PasswdDirectory(Path root) {
        this.root = requireNonNull(root, "root is null");
    }

    @Override
    public Optional<UserInfo> user(long uid) {
        if (users == null) {
            users = readUsers(root.resolve("etc/passwd"));
        }
        return Optional.ofNullable(users.get(uid));
    }

    @Override
    public Optional<GroupInfo> group(long gid) {
        if (groups == null) {
            groups = readGroups(root.resolve("etc/group"));
        }
        return Optional.ofNullable(groups.get(gid));
    }

    /** {@return every user of {@code etc/passwd}, by ascending uid (the first entry of a uid wins)} */
    public List<UserInfo> allUsers() {
        if (users == null) {
            users = readUsers(root.resolve("etc/passwd"));
        }
        return users.values().stream().sorted(java.util.Comparator.comparingLong(UserInfo::uid)).toList();
    }

    /** {@return every group of {@code etc/group}, by ascending gid (the first entry of a gid wins)} */
    public List<GroupInfo> allGroups() {
        if (groups == null) {
            groups = readGroups(root.resolve("etc/group"));
        }
        return groups.values().stream().sorted(java.util.Comparator.comparingLong(GroupInfo::gid)).toList();
    }

    /** Forgets what was read; the next lookup reads the files again. */
    public void refresh() {
        users = null;
        groups = null;
    }

    private static Map<Long, UserInfo> readUsers(Path file) {
        Map<Long, UserInfo> out = new HashMap<>();
        for (String line : lines(file)) {
            String[] f = line.split(":", -1);
            if (f.length < PASSWD_FIELDS || isNss(f[0])) {
                continue;
            }
            Long uid = parseId(f[2]);
            Long gid = parseId(f[3]);
            if (uid != null && gid != null) {
                out.putIfAbsent(uid, new UserInfo(uid, gid, f[0], f[5], f[6]));
            }
        }
        return out;
    }

    private static Map<Long, GroupInfo> readGroups(Path file) {
        Map<Long, GroupInfo> out = new HashMap<>();
        for (String line : lines(file)) {
            String[] f = line.split(":", -1);
            if (f.length < GROUP_FIELDS || isNss(f[0])) {
                continue;
            }
            Long gid = parseId(f[2]);
            if (gid != null) {
                out.putIfAbsent(gid, new GroupInfo(gid, f[0]));
            }
        }
        return out;
    }

    private static boolean isNss(String name) {
        return !name.isEmpty() && (name.charAt(0) == '+' || name.charAt(0) == '-');
    }

    private static Long parseId(String s) {
        try {
            long v = Long.parseLong(s);
            return v >= 0 && v <= 0xFFFF_FFFFL ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // Missing, unreadable or not UTF-8: no entries, as a failed getpwuid.
            return List.of();
        }
    }
}
