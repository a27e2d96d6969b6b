package dev.peregrine.outputs.delivery;

import java.util.Map;

/**
 * Builds one kind of forwarder from its section of the configuration, found with {@link java.util.ServiceLoader}:
 * under the top-level key {@code forwarders:} of {@code falco.yaml}, each entry is keyed by {@link #key()} and holds
 * Falcosidekick's options for that output, e.g.
 * <pre>{@code
 * forwarders:
 *   slack:
 *     webhookurl: https://hooks.slack.com/services/...
 *     minimumpriority: warning
 * }</pre>
 */
public interface TargetFactory {
    /** {@return the key under {@code forwarders:}, e.g. {@code slack}, {@code kafka}, {@code webhook}} */
    String key();

    /**
     * @param options the entry's options as parsed from YAML (strings, numbers, booleans, lists, maps)
     * @return the target with its minimum priority ({@code minimumpriority}, default {@code debug})
     * @throws IllegalArgumentException naming the option and the reason, e.g.
     *     {@code forwarders.slack.webhookurl: missing}
     */
    ConfiguredTarget create(Map<String, ?> options);
}
