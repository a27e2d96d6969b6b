package dev.peregrine.rules.compile;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.syntax.Expr;
import java.util.List;

/**
 * Compiles macro-expanded condition trees (no {@link Expr.Identifier} left in check position, lists substituted)
 * into evaluators, checking fields, operators and right-hand values. One compiler per ruleset and source: the
 * {@link FieldSlots} it fills are shared by every condition and output it compiles. (Contract stub.)
 */
public final class ConditionCompiler {
    public ConditionCompiler(FieldCatalog catalog, ExtractorBinding binding, FieldSlots slots, EventTable events) {
    }

    public CompiledCondition compile(Expr expanded) throws CompileException {
        throw new UnsupportedOperationException("pending");
    }

    /** {@return the warnings of every compile call so far, drained} */
    public List<CompileWarning> drainWarnings() {
        throw new UnsupportedOperationException("pending");
    }
}
