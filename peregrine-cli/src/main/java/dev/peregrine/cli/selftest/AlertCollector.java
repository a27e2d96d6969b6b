package dev.peregrine.cli.selftest;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.FormattedAlert;
import java.util.List;

/**
 * A sink that appends every alert to a list and wakes threads waiting on that list (its monitor guards it), for
 * code that performs actions and waits for their alerts: the selftest and the live tests.
 */
public final class AlertCollector implements AlertSink {
    private final List<FormattedAlert> alerts;

    /** @param alerts receives the alerts; synchronize on it to read it or to wait for more */
    public AlertCollector(List<FormattedAlert> alerts) {
        this.alerts = requireNonNull(alerts, "alerts is null");
    }

    @Override
    public void emit(FormattedAlert alert) {
        synchronized (alerts) {
            alerts.add(alert);
            alerts.notifyAll();
        }
    }

    @Override
    public void flush() {
        // kept in memory
    }

    @Override
    public void close() {
        // kept in memory
    }
}
