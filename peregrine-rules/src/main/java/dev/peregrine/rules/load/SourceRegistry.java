package dev.peregrine.rules.load;

import dev.peregrine.rules.fields.FieldCatalog;
import java.util.Optional;

/** The event sources the loader can compile rules for, and their fields (Falco's {@code falco_source} list). */
interface SourceRegistry {
    Optional<FieldCatalog> catalog(String source);

    /** {@return whether {@code field} can be the left side of a check of {@code source} (Falco {@code is_valid_lhs_field})} */
    boolean isValidLhsField(String source, String field);
}
