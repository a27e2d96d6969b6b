package dev.peregrine.capture.convert;

/** Fixed sizes of parameter types, as the driver's {@code ppm_param_min_len_from_type} states them. */
final class ParamTypeSizes {
    private ParamTypeSizes() {
    }

    /** {@return the fixed size in bytes of values of {@code type}, or -1 for variable-size types} */
    static int fixedBytes(String type) {
        return switch (type) {
            case "PT_INT8", "PT_UINT8", "PT_FLAGS8", "PT_ENUMFLAGS8", "PT_SIGTYPE", "PT_BOOL", "PT_L4PROTO",
                 "PT_SOCKFAMILY" -> 1;
            case "PT_INT16", "PT_UINT16", "PT_FLAGS16", "PT_ENUMFLAGS16", "PT_SYSCALLID", "PT_PORT" -> 2;
            case "PT_INT32", "PT_UINT32", "PT_FLAGS32", "PT_ENUMFLAGS32", "PT_UID", "PT_GID", "PT_MODE", "PT_SIGSET",
                 "PT_FD32", "PT_PID32", "PT_IPV4ADDR" -> 4;
            case "PT_INT64", "PT_UINT64", "PT_RELTIME", "PT_ABSTIME", "PT_ERRNO", "PT_FD", "PT_PID", "PT_DOUBLE" -> 8;
            case "PT_IPV6ADDR" -> 16;
            default -> -1;
        };
    }
}
