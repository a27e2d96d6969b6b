package dev.peregrine.engine;

import static java.util.Objects.requireNonNull;

/**
 * An alert kept by {@link CollectingSink}: the rule's name, the event time and the rule's output rendered for the
 * event ({@code %field} values substituted, {@code <NA>} for missing ones).
 */
public record CollectedAlert(String rule, long timestampNanos, String output) {
    public CollectedAlert {
        requireNonNull(rule, "rule is null");
        requireNonNull(output, "output is null");
    }
}
