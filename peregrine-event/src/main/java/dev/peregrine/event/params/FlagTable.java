package dev.peregrine.event.params;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * One of the driver's flag or enum tables ({@code file_flags}, {@code clone_flags}, {@code socket_families}, ...):
 * names and values in driver order, which is the order libsinsp renders matched names in.
 */
public final class FlagTable {
    /** One name of a table; {@code value} is unsigned 32-bit, held in a long. */
    public record Entry(String name, long value) {
        public Entry {
            requireNonNull(name, "name is null");
            if (value < 0 || value > 0xffff_ffffL) {
                throw new IllegalArgumentException("flag value " + value + " of " + name + " is not a u32");
            }
        }
    }

    /*
     * Implementation notes.
     *
     * Rendering follows sinsp_evt::get_param_as_str (libs 48dfd53) for PT_FLAGS* / PT_ENUMFLAGS* / PT_MODE:
     *  - flags: walk the table in order; an entry of value 0 matches only a zero value; a non-zero entry matches when
     *    all its bits are still set in the remaining value, and its bits are then cleared (so O_RDWR=3 hides O_WRONLY
     *    and O_RDONLY); the walk stops early when an entry's value equals the whole original value. Bits no entry
     *    names are dropped silently. Names join with '|'; no match gives an empty text (the caller falls back to
     *    the number).
     *  - enums: every entry whose value equals the value, joined with '|' (socket_families has AF_LOCAL and AF_UNIX).
     *  - modes: like flags, but the walk stops before the first entry equal to the whole value, which is then
     *    appended last.
     * Values of the driver's flags (PPM_O_RDONLY is 1, not 0 as in the kernel) are what the tables hold, so O_RDONLY
     * renders from a non-zero bit and O_NONE from 0.
     * The name/value arrays are kept flat so renderers walk them without iterators. flagsText/enumText/modeText
     * memoize their results in a direct-mapped table of immutable records (a racing reader sees either a complete
     * old record or a complete new one), so rendering a recurring value allocates nothing.
     */

    /** Slots of the memo of rendered texts (a power of two); flag values in real events are few per table. */
    private static final int MEMO_SLOTS = 64;

    private record Memo(int kind, int value, String text) {}

    private static final int FLAGS = 0;
    private static final int ENUM = 1;
    private static final int MODE = 2;

    private final String name;
    private final String[] names;
    private final int[] values;
    private final Memo[] memo = new Memo[MEMO_SLOTS];

    FlagTable(String name, List<Entry> entries) {
        this.name = requireNonNull(name, "name is null");
        this.names = new String[entries.size()];
        this.values = new int[entries.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = entries.get(i).name();
            values[i] = (int) entries.get(i).value();
        }
    }

    /** {@return the table's name in the driver ({@code file_flags})} */
    public String name() {
        return name;
    }

    /** {@return the number of entries} */
    public int size() {
        return names.length;
    }

    /** {@return the entries in driver order} */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            out.add(new Entry(names[i], Integer.toUnsignedLong(values[i])));
        }
        return List.copyOf(out);
    }

    /** {@return the value of the entry with that name, or -1 when the table has none} */
    public long valueOf(String entryName) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(entryName)) {
                return Integer.toUnsignedLong(values[i]);
            }
        }
        return -1;
    }

    /**
     * Appends the names of a flag set ({@code PT_FLAGS*}) as libsinsp does: {@code O_RDONLY|O_CLOEXEC}.
     *
     * @return whether any name was appended
     */
    public boolean appendFlags(StringBuilder out, int value) {
        int rest = value;
        boolean any = false;
        for (int i = 0; i < names.length; i++) {
            int v = values[i];
            boolean match = (v == 0 && value == 0) || (v != 0 && (rest & v) == v && rest != 0);
            if (match) {
                any = appendName(out, any, i);
                rest &= ~v;
                if (v == value) {
                    break;
                }
            }
        }
        return any;
    }

    /**
     * Appends the name(s) of an enum value ({@code PT_ENUMFLAGS*}): every entry equal to {@code value}.
     *
     * @return whether any name was appended
     */
    public boolean appendEnum(StringBuilder out, int value) {
        boolean any = false;
        for (int i = 0; i < names.length; i++) {
            if (values[i] == value) {
                any = appendName(out, any, i);
            }
        }
        return any;
    }

    /**
     * Appends the names of a file mode ({@code PT_MODE}) as libsinsp does.
     *
     * @return whether any name was appended
     */
    public boolean appendMode(StringBuilder out, int value) {
        int rest = value;
        boolean any = false;
        int i = 0;
        for (; i < names.length && values[i] != value; i++) {
            int v = values[i];
            if ((v == 0 && value == 0) || (v != 0 && (rest & v) == v && rest != 0)) {
                any = appendName(out, any, i);
                rest &= ~v;
            }
        }
        if (i < names.length) {
            any = appendName(out, any, i);
        }
        return any;
    }

    /** {@return the flag names of {@code value} as {@link #appendFlags} renders them, empty when none match} */
    public String renderFlags(int value) {
        return flagsText(value);
    }

    /** {@return {@link #appendFlags}'s text of {@code value}, memoized: empty when no name matches} */
    public String flagsText(int value) {
        return memoized(FLAGS, value);
    }

    /** {@return {@link #appendEnum}'s text of {@code value}, memoized: empty when no name matches} */
    public String enumText(int value) {
        return memoized(ENUM, value);
    }

    /** {@return {@link #appendMode}'s text of {@code value}, memoized: empty when no name matches} */
    public String modeText(int value) {
        return memoized(MODE, value);
    }

    private String memoized(int kind, int value) {
        int slot = (value * 0x9E3779B9 + kind) >>> 26 & (MEMO_SLOTS - 1);
        Memo m = memo[slot];
        if (m != null && m.value() == value && m.kind() == kind) {
            return m.text();
        }
        StringBuilder out = new StringBuilder();
        switch (kind) {
            case FLAGS -> appendFlags(out, value);
            case ENUM -> appendEnum(out, value);
            default -> appendMode(out, value);
        }
        String text = out.toString();
        memo[slot] = new Memo(kind, value, text);
        return text;
    }

    private boolean appendName(StringBuilder out, boolean any, int i) {
        if (any) {
            out.append('|');
        }
        out.append(names[i]);
        return true;
    }

    @Override
    public String toString() {
        return "FlagTable[" + name + ", " + names.length + " entries]";
    }
}
