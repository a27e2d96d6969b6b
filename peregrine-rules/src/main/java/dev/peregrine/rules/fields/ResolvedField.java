package dev.peregrine.rules.fields;

import static java.util.Objects.requireNonNull;

/**
 * A field reference checked against a {@link FieldCatalog}: the field and its argument, whether written
 * {@code proc.aname[2]} or in dot form {@code evt.arg.flags} (then {@code arg} is {@code flags}). {@code arg}
 * is null when none was given.
 */
public record ResolvedField(FieldInfo info, String arg) {
    public ResolvedField {
        requireNonNull(info, "info is null");
    }

    /** {@return the reference as written canonically: {@code name} or {@code name[arg]}} */
    public String text() {
        return arg == null ? info.name() : info.name() + "[" + arg + "]";
    }
}
