package dev.peregrine.forwarders;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.ConfiguredTarget;
import dev.peregrine.outputs.delivery.TargetFactory;
import dev.peregrine.outputs.format.Hostname;
import dev.peregrine.rules.load.Priority;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The shape every forwarder's factory shares: read {@code minimumpriority} and the forwarder's own options, refuse
 * unknown ones, and only then build the target (so a configuration error never leaves a client open).
 */
public abstract class ForwarderFactory implements TargetFactory {
    private final String key;

    /** @param key the key under {@code forwarders:} */
    protected ForwarderFactory(String key) {
        this.key = requireNonNull(key, "key is null");
    }

    @Override
    public final String key() {
        return key;
    }

    @Override
    public final ConfiguredTarget create(Map<String, ?> options) {
        ForwarderOptions o = ForwarderOptions.of(key, options);
        Priority minimum = o.minimumPriority();
        Supplier<AlertTarget> target = configure(o);
        o.rejectUnknown();
        return new ConfiguredTarget(target.get(), minimum);
    }

    /**
     * Reads and checks the forwarder's options ({@code minimumpriority} is already read).
     *
     * @return what builds the target, called once every option has been checked
     * @throws IllegalArgumentException naming the option and the reason
     */
    protected abstract Supplier<AlertTarget> configure(ForwarderOptions options);

    /** {@return the hostname text alerts are sent with: Falco's ({@code FALCO_HOSTNAME}, else the host's name)} */
    protected static String hostname() {
        return Hostname.resolve(System.getenv());
    }
}
