package dev.peregrine.rules.load;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code major.minor.patch} version with libsinsp's semantics ({@code sinsp_version}): parsing reads three numbers
 * separated by dots at the start of the text and ignores the rest ({@code 0.10.0-rc1} is {@code 0.10.0}), and a
 * version is compatible with a requested one when the majors are equal and it is not older.
 */
public record SemVer(long major, long minor, long patch) implements Comparable<SemVer> {
    /*
     * Implementation notes: libsinsp parses with sscanf("%u.%u.%u"), which skips leading blanks before each
     * number and accepts a sign; trailing text is ignored. The pattern below mirrors that.
     */
    private static final Pattern SCANF_LIKE = Pattern.compile(
            "\\s*\\+?(\\d+)\\.\\s*\\+?(\\d+)\\.\\s*\\+?(\\d+).*", Pattern.DOTALL);

    public SemVer {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("negative version component");
        }
    }

    /** {@return the version, or empty when the text does not start with {@code x.y.z}} */
    public static Optional<SemVer> parse(String text) {
        Matcher m = SCANF_LIKE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SemVer(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@return whether this (provided) version satisfies the requested one: same major, not older} */
    public boolean compatibleWith(SemVer requested) {
        return major == requested.major && compareTo(requested) >= 0;
    }

    @Override
    public int compareTo(SemVer o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        return c != 0 ? c : Long.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
