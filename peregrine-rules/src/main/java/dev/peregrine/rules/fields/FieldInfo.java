package dev.peregrine.rules.fields;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * A filter field as a rule sees it: its full name ({@code proc.aname}), value type, flags and a one-line
 * description for {@code peregrine fields}. {@code fieldClass} names the group it belongs to ({@code process},
 * {@code fd}, {@code container}, {@code k8saudit}, ...).
 */
public record FieldInfo(String name, FieldType type, Set<FieldFlag> flags, String fieldClass, String description) {
    public FieldInfo {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        flags = Set.copyOf(flags);
        requireNonNull(fieldClass, "fieldClass is null");
        requireNonNull(description, "description is null");
    }

    public boolean has(FieldFlag flag) {
        return flags.contains(flag);
    }

    /** {@return true when the field accepts an argument, required or optional} */
    public boolean takesArg() {
        return has(FieldFlag.ARG_REQUIRED) || has(FieldFlag.ARG_ALLOWED);
    }

    public boolean isList() {
        return has(FieldFlag.IS_LIST);
    }
}
