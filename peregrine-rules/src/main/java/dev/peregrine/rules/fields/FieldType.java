package dev.peregrine.rules.fields;

/**
 * The value type of a filter field, named after the libsinsp parameter type it extracts ({@code PT_*}). The type
 * decides which operators a check may use and how the right-hand value is parsed.
 */
public enum FieldType {
    INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64,
    CHARBUF, BYTEBUF, ERRNO, SOCKADDR, SOCKTUPLE, FD, PID, FDLIST, FSPATH, SYSCALLID, SIGTYPE,
    RELTIME, ABSTIME, PORT, L4PROTO, SOCKFAMILY, BOOL, IPV4ADDR, DYN, FLAGS8, FLAGS16, FLAGS32, UID, GID, DOUBLE,
    SIGSET, CHARBUFARRAY, CHARBUF_PAIR_ARRAY, IPV4NET, IPV6ADDR, IPV6NET, IPADDR, IPNET, MODE, FSRELPATH,
    ENUMFLAGS8, ENUMFLAGS16, ENUMFLAGS32;

    /** {@return the type for a libsinsp name such as {@code PT_CHARBUF}} */
    public static FieldType ofPt(String ptName) {
        if (!ptName.startsWith("PT_")) {
            throw new IllegalArgumentException("not a PT_ type name: " + ptName);
        }
        return valueOf(ptName.substring(3));
    }

    /** {@return true for the types compared as numbers} */
    public boolean isNumeric() {
        return switch (this) {
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, ERRNO, FD, PID, SYSCALLID, SIGTYPE,
                 RELTIME, ABSTIME, PORT, L4PROTO, SOCKFAMILY, FLAGS8, FLAGS16, FLAGS32, UID, GID, DOUBLE, SIGSET,
                 MODE, ENUMFLAGS8, ENUMFLAGS16, ENUMFLAGS32 -> true;
            default -> false;
        };
    }

    /** {@return true for the types compared as text} */
    public boolean isString() {
        return switch (this) {
            case CHARBUF, FSPATH, FSRELPATH, CHARBUFARRAY, CHARBUF_PAIR_ARRAY, DYN -> true;
            default -> false;
        };
    }

    /** {@return the name Falco prints for this type in {@code --list} output, e.g. {@code CHARBUF}} */
    public String displayName() {
        return name();
    }
}
