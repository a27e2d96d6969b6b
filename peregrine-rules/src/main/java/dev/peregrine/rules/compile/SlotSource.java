package dev.peregrine.rules.compile;

import dev.peregrine.rules.fields.Values;

/** How one slot's values are produced for the current event: by an extractor or a transformer over other slots. */
interface SlotSource {
    /**
     * Fills {@code out} (already cleared) for the context's current event.
     *
     * @return false when the value cannot be produced (the field is missing)
     */
    boolean fill(EvalContext ctx, Values out);
}
