package dev.peregrine.rules.fields;

import java.util.Collection;
import java.util.Optional;

/**
 * The fields available to rules of one event source ({@code syscall}, {@code k8s_audit}, ...). Resolving a
 * reference follows libsinsp: the longest known field name that prefixes the written name wins, the rest after a
 * dot is the argument ({@code evt.arg.flags}); a bracket argument ({@code proc.aname[2]}) is given separately.
 */
public interface FieldCatalog {
    /** {@return the event source these fields belong to} */
    String source();

    /** {@return every field, in a stable order (class, then declaration)} */
    Collection<FieldInfo> fields();

    /**
     * Resolves a field reference.
     *
     * @param name the name as written, possibly with a dot-argument ({@code evt.arg.flags})
     * @param bracketArg the {@code [arg]} text, or null
     * @return the resolved field, or empty when no field of this source has that name
     * @throws FieldArgumentException when the field exists but the argument is missing, not allowed or malformed
     */
    Optional<ResolvedField> resolve(String name, String bracketArg) throws FieldArgumentException;
}
