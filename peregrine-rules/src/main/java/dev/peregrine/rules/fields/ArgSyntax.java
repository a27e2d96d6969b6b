package dev.peregrine.rules.fields;

/**
 * How a field takes its argument, following the {@code parse_field_name} override of the libsinsp class that
 * declares it. Plugin fields all share {@link #PLUGIN}.
 */
enum ArgSyntax {
    /** A libsinsp field without argument. */
    NONE,
    /** {@code proc.aname[N]} and friends: optional numeric bracket argument; a bad one makes the name unknown. */
    ANCESTOR_INDEX,
    /** {@code proc.env[KEY]}, {@code proc.aenv[KEY]}: optional bracket key (digits read as an index). */
    ENV_KEY,
    /** {@code evt.arg[N]} or {@code evt.arg.NAME}: required. */
    EVT_ARG,
    /** {@code evt.rawarg.NAME}: required, dot form only. */
    EVT_RAWARG,
    /** {@code evt.type.is.NAME} or {@code evt.type.is.CODE}: required, dot form. */
    EVT_TYPE_IS,
    /** {@code thread.cgroup.SUBSYS}: required, dot form, letters and underscores. */
    CGROUP,
    /** {@code evt.abspath}, {@code evt.abspath.src}, {@code evt.abspath.dst}. */
    ABSPATH,
    /** {@code fd.types[N]}: optional numeric bracket argument. */
    FD_TYPES,
    /** A plugin field: bracket argument only, checked against the field's ARG_* flags. */
    PLUGIN
}
