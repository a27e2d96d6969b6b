package dev.peregrine.event.params;

/**
 * The driver's parameter types ({@code enum ppm_param_type}); {@link #code()} is the driver's value, equal to the
 * ordinal.
 */
public enum ParamType {
    PT_NONE, PT_INT8, PT_INT16, PT_INT32, PT_INT64, PT_UINT8, PT_UINT16, PT_UINT32, PT_UINT64, PT_CHARBUF,
    PT_BYTEBUF, PT_ERRNO, PT_SOCKADDR, PT_SOCKTUPLE, PT_FD, PT_PID, PT_FDLIST, PT_FSPATH, PT_SYSCALLID, PT_SIGTYPE,
    PT_RELTIME, PT_ABSTIME, PT_PORT, PT_L4PROTO, PT_SOCKFAMILY, PT_BOOL, PT_IPV4ADDR, PT_DYN, PT_FLAGS8, PT_FLAGS16,
    PT_FLAGS32, PT_UID, PT_GID, PT_DOUBLE, PT_SIGSET, PT_CHARBUFARRAY, PT_CHARBUF_PAIR_ARRAY, PT_IPV4NET,
    PT_IPV6ADDR, PT_IPV6NET, PT_IPADDR, PT_IPNET, PT_MODE, PT_FSRELPATH, PT_ENUMFLAGS8, PT_ENUMFLAGS16,
    PT_ENUMFLAGS32, PT_FD32, PT_PID32;

    /* Implementation notes: declaration order is the driver's numbering (PT_NONE = 0 ... PT_PID32 = 48); the
     * generated tables name types, and ParamTablesTest checks every name the event table uses resolves here. */

    private static final ParamType[] BY_CODE = values();

    /** {@return the driver's numeric value of this type} */
    public int code() {
        return ordinal();
    }

    /** {@return the type with that driver value} */
    public static ParamType ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown parameter type code " + code);
        }
        return BY_CODE[code];
    }

    /**
     * {@return the fixed width in bytes of values of this type, or -1 for variable-length types}
     */
    public int fixedWidth() {
        return WIDTHS[ordinal()];
    }

    /** Widths by ordinal: {@link #fixedWidth} is on the path of every numeric parameter read. */
    private static final int[] WIDTHS;

    static {
        ParamType[] all = values();
        WIDTHS = new int[all.length];
        for (ParamType t : all) {
            WIDTHS[t.ordinal()] = t.width();
        }
    }

    private int width() {
        return switch (this) {
            case PT_INT8, PT_UINT8, PT_SIGTYPE, PT_L4PROTO, PT_SOCKFAMILY, PT_FLAGS8, PT_ENUMFLAGS8 -> 1;
            case PT_INT16, PT_UINT16, PT_SYSCALLID, PT_PORT, PT_FLAGS16, PT_ENUMFLAGS16 -> 2;
            case PT_INT32, PT_UINT32, PT_BOOL, PT_IPV4ADDR, PT_FLAGS32, PT_UID, PT_GID, PT_SIGSET, PT_MODE,
                 PT_ENUMFLAGS32, PT_FD32, PT_PID32 -> 4;
            case PT_INT64, PT_UINT64, PT_ERRNO, PT_FD, PT_PID, PT_RELTIME, PT_ABSTIME, PT_DOUBLE -> 8;
            case PT_IPV6ADDR -> 16;
            case PT_NONE, PT_CHARBUF, PT_BYTEBUF, PT_SOCKADDR, PT_SOCKTUPLE, PT_FDLIST, PT_FSPATH, PT_DYN,
                 PT_CHARBUFARRAY, PT_CHARBUF_PAIR_ARRAY, PT_IPV4NET, PT_IPV6NET, PT_IPADDR, PT_IPNET,
                 PT_FSRELPATH -> -1;
        };
    }

    /** {@return whether values are flag sets or enums rendered by name through a flag table} */
    public boolean isFlags() {
        return switch (this) {
            case PT_FLAGS8, PT_FLAGS16, PT_FLAGS32, PT_ENUMFLAGS8, PT_ENUMFLAGS16, PT_ENUMFLAGS32 -> true;
            default -> false;
        };
    }

    /** {@return whether values are enums: exactly one table entry matches ({@code PT_ENUMFLAGS*})} */
    public boolean isEnumFlags() {
        return this == PT_ENUMFLAGS8 || this == PT_ENUMFLAGS16 || this == PT_ENUMFLAGS32;
    }

    /** {@return whether values are NUL-terminated strings ({@code PT_CHARBUF}, {@code PT_FSPATH}, {@code PT_FSRELPATH})} */
    public boolean isString() {
        return this == PT_CHARBUF || this == PT_FSPATH || this == PT_FSRELPATH;
    }
}
