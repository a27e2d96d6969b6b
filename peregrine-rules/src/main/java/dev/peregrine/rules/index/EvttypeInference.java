package dev.peregrine.rules.index;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.syntax.Expr;

/** Infers the event codes a macro-expanded condition can match (libsinsp evttype resolution). (Contract stub.) */
public final class EvttypeInference {
    private EvttypeInference() {
    }

    public static EventTypeSet infer(Expr expanded, EventTable events) {
        throw new UnsupportedOperationException("pending");
    }
}
