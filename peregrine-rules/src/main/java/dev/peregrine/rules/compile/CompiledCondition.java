package dev.peregrine.rules.compile;

/** A condition compiled to an evaluator. */
@FunctionalInterface
public interface CompiledCondition {
    /** {@return whether the context's current event satisfies the condition} */
    boolean matches(EvalContext ctx);
}
