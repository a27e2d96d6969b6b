package dev.peregrine.rules.fields;

/** Properties of a field, as libsinsp's {@code EPF_*} flags. */
public enum FieldFlag {
    /** The field must be given an argument ({@code proc.aname[2]}, {@code evt.arg.flags}). */
    ARG_REQUIRED,
    /** The field may be given an argument. */
    ARG_ALLOWED,
    /** The argument is a number (an index), e.g. {@code proc.aname[N]}. */
    ARG_INDEX,
    /** The argument is a key, e.g. {@code proc.env[HOME]}, {@code k8s.pod.label[app]}. */
    ARG_KEY,
    /** The field yields a list of values ({@code in} means all of them, {@code intersects} any). */
    IS_LIST,
    /** Only usable in filters, not in outputs. */
    FILTER_ONLY,
    /** Only usable in outputs, not in filters. */
    PRINT_ONLY,
    /** Only used by table views; accepted but not extracted per event. */
    TABLE_ONLY,
    /** The field takes no right-hand side (it is used as a boolean flag, e.g. {@code evt.is_open_read}). */
    NO_RHS,
    /** Transformers cannot be applied to it. */
    NO_TRANSFORMER,
    /** Kept for compatibility; rules should not use it. */
    DEPRECATED,
    NO_PTR_STABILITY;

    /** {@return the flag for a libsinsp name such as {@code EPF_IS_LIST}, or null for {@code EPF_NONE}} */
    public static FieldFlag ofEpf(String epfName) {
        String n = epfName.strip();
        if (n.equals("EPF_NONE")) {
            return null;
        }
        if (!n.startsWith("EPF_")) {
            throw new IllegalArgumentException("not an EPF_ flag name: " + epfName);
        }
        return valueOf(n.substring(4));
    }
}
