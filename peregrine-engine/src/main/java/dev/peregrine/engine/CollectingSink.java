package dev.peregrine.engine;

import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.load.Rule;
import java.util.ArrayList;
import java.util.List;

/** An {@link AlertSink} that renders every alert's output and keeps it in memory, in order (tests, small replays). */
public final class CollectingSink implements AlertSink {
    private final List<CollectedAlert> alerts = new ArrayList<>();

    @Override
    public void alert(Rule rule, EvalContext ctx, long timestampNanos) {
        alerts.add(new CollectedAlert(rule.name(), timestampNanos, rule.output().render(ctx)));
    }

    /** {@return the alerts so far, oldest first} */
    public List<CollectedAlert> alerts() {
        return List.copyOf(alerts);
    }
}
