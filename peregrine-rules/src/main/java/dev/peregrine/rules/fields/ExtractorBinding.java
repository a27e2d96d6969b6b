package dev.peregrine.rules.fields;

/**
 * Gives the {@link Extractor} for a resolved field. The rules engine compiles conditions against a binding so
 * that the same ruleset can run on live events, on a capture or, for validation only, on nothing at all
 * ({@link #UNBOUND}).
 */
@FunctionalInterface
public interface ExtractorBinding {
    /** Binds every field to an extractor that never yields a value: enough to validate and compile rules. */
    ExtractorBinding UNBOUND = field -> (event, out) -> false;

    Extractor bind(ResolvedField field);
}
