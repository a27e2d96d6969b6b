package dev.peregrine.engine;

import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.load.Rule;

/**
 * Receives each rule match of a replay, while the event is current: {@code ctx} holds the event and the field values
 * already extracted for it, valid only during the call (render the output, or copy what you keep).
 */
@FunctionalInterface
public interface AlertSink {
    /**
     * @param rule the rule that matched
     * @param ctx the evaluation context of the matching event (render {@code rule.output()} with it)
     * @param timestampNanos the event's time, nanoseconds since the epoch
     */
    void alert(Rule rule, EvalContext ctx, long timestampNanos);
}
