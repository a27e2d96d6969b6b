package dev.peregrine.outputs.format;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.load.Priority;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One alert, rendered: a rule's alert or one of Falco's internal messages ({@code source} {@code internal}, e.g.
 * "Falco internal: syscall event drop").
 *
 * @param line what the text channels (stdout, file, program) write, without the newline: the text alert
 *     {@code <time>: <Priority> <output>} or, with {@code json_output}, the JSON document
 * @param rule the rule's name (for internal messages, the message's rule text)
 * @param timestampNanos the event's time, nanoseconds since the epoch
 * @param output the text alert (also when {@link #line} is JSON)
 * @param fields the output's fields as text, keyed as written, in order (Falco's {@code get_field_values}, used by
 *     channels such as gRPC and HTTP)
 */
public record FormattedAlert(String line, String rule, Priority priority, String source, List<String> tags,
        long timestampNanos, String output, Map<String, String> fields) {
    public FormattedAlert {
        requireNonNull(line, "line is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(priority, "priority is null");
        requireNonNull(source, "source is null");
        tags = List.copyOf(tags);
        requireNonNull(output, "output is null");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
