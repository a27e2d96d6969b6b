package dev.peregrine.rules.compile;

import java.util.function.Supplier;

/**
 * A rule's condition whose code is generated when it is first evaluated: rules that never meet an event of their
 * types (disabled ones, or those of syscalls that do not occur) never pay for generating and loading a class.
 * Thread-safe: the first evaluating thread generates, the others wait for it.
 */
final class LazyCondition implements CompiledCondition {
    /* Implementation notes: a ruleset is compiled once per rules file loaded (each stage of a multi-file load
     * compiles everything so far), validation compiles without evaluating, and a replay or live session evaluates
     * a few dozen of the hundreds of rules loaded; generating eagerly cost every one of them a hidden class. The
     * extra call through this object is monomorphic at Ruleset.match and inlined there. */

    private final Supplier<CompiledCondition> generator;
    private volatile CompiledCondition code;

    LazyCondition(Supplier<CompiledCondition> generator) {
        this.generator = generator;
    }

    @Override
    public boolean matches(EvalContext ctx) {
        CompiledCondition c = code;
        if (c == null) {
            c = generate();
        }
        return c.matches(ctx);
    }

    /** {@return the generated code, generating it now if needed} */
    CompiledCondition code() {
        CompiledCondition c = code;
        return c != null ? c : generate();
    }

    private synchronized CompiledCondition generate() {
        CompiledCondition c = code;
        if (c == null) {
            c = generator.get();
            code = c;
        }
        return c;
    }
}
