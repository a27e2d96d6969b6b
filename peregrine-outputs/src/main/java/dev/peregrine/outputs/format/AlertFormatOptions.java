package dev.peregrine.outputs.format;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How alerts are rendered: Falco's {@code json_output}, {@code json_include_*_property},
 * {@code time_format_iso_8601} and {@code append_output} settings, and the hostname alerts carry.
 */
public record AlertFormatOptions(boolean jsonOutput, boolean includeOutput, boolean includeTags,
        boolean includeMessage, boolean includeOutputFields, boolean timeIso8601, String hostname,
        List<AppendOutput> appendOutputs) {
    public AlertFormatOptions {
        requireNonNull(hostname, "hostname is null");
        appendOutputs = List.copyOf(appendOutputs);
    }

    /** {@return Falco's defaults: text alerts, every JSON property but {@code message}, suggested fields appended} */
    public static AlertFormatOptions defaults(String hostname) {
        return new AlertFormatOptions(false, true, true, false, true, false, hostname,
                List.of(AppendOutput.suggested()));
    }
}
