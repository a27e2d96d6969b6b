package dev.peregrine.outputs.delivery;

import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.util.List;
import java.util.Map;

/** Alerts for tests: alert {@code i} has the JSON line {@code {"output":"alert <i>","rule":"r"}}. */
final class Alerts {
    private Alerts() {
    }

    static FormattedAlert numbered(int i) {
        return of("{\"output\":\"alert " + i + "\",\"rule\":\"r\"}", "r", Priority.WARNING);
    }

    static FormattedAlert of(String line, String rule, Priority p) {
        return new FormattedAlert(line, rule, p, "syscall", List.of("t"), 1_000_000_000L, line,
                Map.of("proc.name", "cat"));
    }
}
