package dev.peregrine.capture.scap;

import java.util.HashMap;
import java.util.Map;

/**
 * The block types of a scap capture (a pcapng-style file: blocks of {@code type, total length, body, total length}).
 *
 * <p>Codes are libscap's ({@code userspace/libscap/scap_savefile.h}); the {@code _INT} codes are the numbers used
 * before libscap's first release, still accepted. The {@link #version()} of a block type selects its body layout.
 */
public enum BlockType {
    SHB(0x0A0D0D0A, Kind.SECTION, 1),
    MI(0x201, Kind.MACHINE, 1),
    MI_INT(0x8002ABCD, Kind.MACHINE, 1),
    PL_V1(0x202, Kind.PROCESSES, 1),
    PL_V1_INT(0x8000ABCD, Kind.PROCESSES, 1),
    PL_V2(0x207, Kind.PROCESSES, 2),
    PL_V2_INT(0x8013ABCD, Kind.PROCESSES, 2),
    PL_V3(0x209, Kind.PROCESSES, 3),
    PL_V3_INT(0x8014ABCD, Kind.PROCESSES, 3),
    PL_V4(0x210, Kind.PROCESSES, 4),
    PL_V5(0x211, Kind.PROCESSES, 5),
    PL_V6(0x212, Kind.PROCESSES, 6),
    PL_V7(0x213, Kind.PROCESSES, 7),
    PL_V8(0x214, Kind.PROCESSES, 8),
    PL_V9(0x215, Kind.PROCESSES, 9),
    FDL(0x203, Kind.FDS, 1),
    FDL_INT(0x8001ABCD, Kind.FDS, 1),
    FDL_V2(0x218, Kind.FDS, 2),
    EV(0x204, Kind.EVENTS, 1),
    EV_INT(0x8010ABCD, Kind.EVENTS, 1),
    EV_V2(0x216, Kind.EVENTS, 2),
    EV_V2_LARGE(0x221, Kind.EVENTS, 2),
    EVF(0x208, Kind.EVENTS, 1),
    EVF_V2(0x217, Kind.EVENTS, 2),
    EVF_V2_LARGE(0x222, Kind.EVENTS, 2),
    IL(0x205, Kind.INTERFACES, 1),
    IL_INT(0x8011ABCD, Kind.INTERFACES, 1),
    IL_V2(0x219, Kind.INTERFACES, 2),
    UL(0x206, Kind.USERS, 1),
    UL_INT(0x8012ABCD, Kind.USERS, 1),
    UL_V2(0x220, Kind.USERS, 2);

    /** What a block carries. */
    public enum Kind {
        /** Section header: byte order magic, format version, section length; starts every section. */
        SECTION,
        /** Machine info: cpus, memory, hostname, boot time. */
        MACHINE,
        /** Process list: one entry per thread. */
        PROCESSES,
        /** File descriptor list of one thread. */
        FDS,
        /** One event. */
        EVENTS,
        /** Network interface addresses. */
        INTERFACES,
        /** Users and groups. */
        USERS
    }

    /** Codes below this bound (every released code) resolve through an array: no boxing on the event path. */
    private static final int DENSE_CODE_BOUND = 0x300;
    private static final BlockType[] BY_SMALL_CODE = new BlockType[DENSE_CODE_BOUND];
    private static final Map<Integer, BlockType> BY_OTHER_CODE = new HashMap<>();

    static {
        for (BlockType t : values()) {
            if (t.code >= 0 && t.code < DENSE_CODE_BOUND) {
                BY_SMALL_CODE[t.code] = t;
            } else {
                BY_OTHER_CODE.put(t.code, t);
            }
        }
    }

    private final int code;
    private final Kind kind;
    private final int version;

    BlockType(int code, Kind kind, int version) {
        this.code = code;
        this.kind = kind;
        this.version = version;
    }

    /** {@return the 32-bit block type code as stored in the file} */
    public int code() {
        return code;
    }

    /** {@return what the block carries} */
    public Kind kind() {
        return kind;
    }

    /** {@return the layout version of the body (1 to 9 for process lists, 1 or 2 otherwise)} */
    public int version() {
        return version;
    }

    /** {@return whether this is an event block with 32 bits of flags before the event (EVF)} */
    public boolean hasEventFlags() {
        return this == EVF || this == EVF_V2 || this == EVF_V2_LARGE;
    }

    /** {@return whether this is an event block allowed to exceed 64 KiB} */
    public boolean isLarge() {
        return this == EV_V2_LARGE || this == EVF_V2_LARGE;
    }

    /** {@return the block type with {@code code}, or {@code null} for a type this reader does not know} */
    public static BlockType ofCode(int code) {
        return code >= 0 && code < DENSE_CODE_BOUND ? BY_SMALL_CODE[code] : BY_OTHER_CODE.get(code);
    }

    /** {@return the name of the block type with {@code code}, or {@code 0x...} for an unknown one} */
    public static String nameOf(int code) {
        BlockType t = ofCode(code);
        return t != null ? t.name() : "0x" + Integer.toHexString(code);
    }
}
