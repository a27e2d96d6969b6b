package dev.peregrine.state.fd;

/**
 * Joins and normalizes file system paths the way libsinsp does when it names a file descriptor: a relative path is
 * appended to a base directory (the thread's cwd or a dirfd's name), then {@code .}, {@code ..} and repeated slashes of
 * the appended part are folded; an absolute path replaces the base.
 */
public final class FsPath {
    /** Longest joined path libsinsp builds ({@code SCAP_MAX_PATH_SIZE}); longer joins give {@link #TOO_LONG}. */
    public static final int MAX_PATH_BYTES = 4096;

    /** What libsinsp names a path whose join would exceed {@link #MAX_PATH_BYTES}. */
    public static final String TOO_LONG = "/DIR_TOO_LONG/FILENAME_TOO_LONG";

    /*
     * Implementation notes.
     *
     * Behaviour follows sinsp_utils::concatenate_paths (libs 48dfd53), including its quirks: the base is copied as it
     * is (not normalized), a ".." of the appended part may climb into the base but never above its first character,
     * a trailing separator is removed unless the result is "/", and an empty appended part yields the base with its
     * trailing slash removed. The length check counts chars rather than UTF-8 bytes; paths are ASCII in practice.
     */

    private static final char SEPARATOR = '/';

    private FsPath() {
    }

    /** {@return {@code path} resolved against {@code base} and normalized} */
    public static String concatenate(String base, String path) {
        if (base.length() + path.length() + 1 > MAX_PATH_BYTES) {
            return TOO_LONG;
        }
        if (isNormal(path)) {
            // what the walk would build, character for character, without walking: an absolute path as it is, a
            // relative one appended to the base as it is
            return path.charAt(0) == SEPARATOR || base.isEmpty() ? path : base.concat(path);
        }
        return walk(base, path);
    }

    /** The general join: {@code path} appended to {@code base} (or replacing it) and normalized as it goes. */
    static String walk(String base, String path) {
        StringBuilder target = new StringBuilder(base.length() + path.length());
        boolean emptyBase;
        if (!path.isEmpty() && path.charAt(0) != SEPARATOR) {
            target.append(base);
            emptyBase = base.isEmpty();
        } else {
            emptyBase = true;
        }
        int pc = 0;
        int n = path.length();
        while (true) {
            if (pc >= n) {
                int tc = target.length();
                if (tc > 1 && target.charAt(tc - 1) == SEPARATOR) {
                    target.setLength(tc - 1);
                }
                return target.toString();
            }
            char c = path.charAt(pc);
            int tc = target.length();
            if (c == '.' && (tc == 0 || target.charAt(tc - 1) == SEPARATOR)) {
                char c1 = at(path, pc + 1);
                char c2 = at(path, pc + 2);
                if (c1 == '.' && c2 == SEPARATOR) {
                    rewind(target);
                    pc += 3;
                } else if (c1 == '.' && c2 == 0) {
                    rewind(target);
                    pc += 2;
                } else if (c1 == SEPARATOR) {
                    pc += 2;
                } else if (c1 == 0) {
                    pc++;
                } else {
                    target.append(c);
                    pc++;
                }
            } else if (c == SEPARATOR) {
                if ((tc > 0 && target.charAt(tc - 1) == SEPARATOR) || (tc == 0 && !emptyBase)) {
                    pc++;
                } else {
                    target.append(c);
                    pc++;
                }
            } else {
                target.append(c);
                pc++;
            }
        }
    }

    /**
     * {@return whether {@code path} is not empty and already normal: no empty, {@code .} or {@code ..} component
     * (after the leading separator of an absolute path) and no trailing separator (except for "/" itself)} Most
     * paths of open events are: absolute ones resolve to themselves, relative ones to the base followed by them.
     */
    static boolean isNormal(String path) {
        int n = path.length();
        if (n == 0) {
            return false;
        }
        // Fast path, two vectorised scans: a "." or ".." component starts with '.', at the start or after a
        // separator, and an empty one makes "//" or a trailing separator. Paths with a hidden file ("/.ssh") or the
        // root itself take the walk below.
        if (path.charAt(0) != '.' && path.charAt(n - 1) != SEPARATOR && path.indexOf("/.") < 0
                && path.indexOf("//") < 0) {
            return true;
        }
        return isNormalByWalk(path);
    }

    /** {@link #isNormal} by walking the components (non-empty {@code path}). */
    static boolean isNormalByWalk(String path) {
        int n = path.length();
        boolean absolute = path.charAt(0) == SEPARATOR;
        if (absolute && n == 1) {
            return true;
        }
        int componentStart = absolute ? 1 : 0;
        for (int i = componentStart; i <= n; i++) {
            if (i == n || path.charAt(i) == SEPARATOR) {
                int len = i - componentStart;
                if (len == 0 || (len <= 2 && path.charAt(componentStart) == '.'
                        && (len == 1 || path.charAt(componentStart + 1) == '.'))) {
                    return false;
                }
                componentStart = i + 1;
            }
        }
        return true;
    }

    private static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }

    /** Drops the last component of {@code target}, keeping its separator; never goes above the first character. */
    private static void rewind(StringBuilder target) {
        int tc = target.length();
        if (tc <= 1) {
            return;
        }
        tc--;
        while (tc >= 1 && target.charAt(tc - 1) != SEPARATOR) {
            tc--;
        }
        target.setLength(tc);
    }
}
