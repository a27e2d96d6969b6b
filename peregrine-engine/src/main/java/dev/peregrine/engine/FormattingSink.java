package dev.peregrine.engine;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.load.Rule;
import java.util.function.Consumer;

/**
 * An {@link AlertSink} that renders each alert as Falco does ({@link AlertFormatter}: text or JSON, hostname, time
 * format, {@code append_output}) and hands the result on, e.g. to the stdout channel.
 */
public final class FormattingSink implements AlertSink {
    private final AlertFormatter formatter;
    private final Consumer<? super FormattedAlert> out;

    /**
     * @param formatter created for the ruleset being replayed (before the replay starts: it may add field slots)
     * @param out receives every rendered alert, in event order
     */
    public FormattingSink(AlertFormatter formatter, Consumer<? super FormattedAlert> out) {
        this.formatter = requireNonNull(formatter, "formatter is null");
        this.out = requireNonNull(out, "out is null");
    }

    @Override
    public void alert(Rule rule, EvalContext ctx, long timestampNanos) {
        out.accept(formatter.format(rule, ctx, timestampNanos));
    }
}
