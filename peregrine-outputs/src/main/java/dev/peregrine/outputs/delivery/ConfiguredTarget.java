package dev.peregrine.outputs.delivery;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.load.Priority;

/**
 * A target with its own minimum priority (Falcosidekick's {@code minimumpriority}): alerts less severe than
 * {@code minimumPriority} are not sent to it.
 */
public record ConfiguredTarget(AlertTarget target, Priority minimumPriority) {
    public ConfiguredTarget {
        requireNonNull(target, "target is null");
        requireNonNull(minimumPriority, "minimumPriority is null");
    }
}
