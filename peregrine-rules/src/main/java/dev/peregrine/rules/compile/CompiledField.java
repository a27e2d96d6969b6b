package dev.peregrine.rules.compile;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.fields.ResolvedField;
import dev.peregrine.rules.fields.Values;

/**
 * A field reference or transformer expression compiled to a {@link FieldSlots} slot: its canonical text
 * ({@code proc.name}, {@code tolower(proc.name)}), the type and list-ness of the values it yields after
 * transformers, and the plain field it reads ({@code field}, null for constants and multi-argument
 * transformers such as {@code concat}).
 *
 * @param name the field name libsinsp uses in messages about this expression
 * @param noRhs true when the expression may neither have nor be a right-hand-side field ({@code EPF_NO_RHS})
 * @param transformed true when transformers are applied
 */
public record CompiledField(String text, String name, FieldType type, boolean list, int slot, ResolvedField field,
        boolean noRhs, boolean transformed) {
    public CompiledField {
        requireNonNull(text, "text is null");
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    /** {@return the values for the context's current event, or null when the field has no value} */
    public Values values(EvalContext ctx) {
        return ctx.values(slot);
    }
}
