package dev.peregrine.cli;

import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.ConfiguredTarget;
import dev.peregrine.outputs.delivery.TargetFactory;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A forwarder for tests, installed through META-INF/services: {@code forwarders: {recording: {...}}}. */
public final class RecordingForwarderFactory implements TargetFactory {
    /** What every recording forwarder received, in order. */
    static final List<String> RECEIVED = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String key() {
        return "recording";
    }

    @Override
    public ConfiguredTarget create(Map<String, ?> options) {
        Object min = options.get("minimumpriority");
        Priority p = min == null ? Priority.DEBUG : Priority.parse(min.toString()).orElseThrow(
                () -> new IllegalArgumentException("forwarders.recording.minimumpriority: unknown priority " + min));
        return new ConfiguredTarget(new AlertTarget() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void deliver(List<FormattedAlert> batch) {
                batch.forEach(a -> RECEIVED.add(a.rule() + "|" + a.output()));
            }
        }, p);
    }
}
