package dev.peregrine.outputs.format;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.load.Rule;
import java.util.Map;

/**
 * One alert, rendered.
 *
 * @param line what the text channels (stdout, file, program) write, without the newline: the text alert
 *     {@code <time>: <Priority> <output>} or, with {@code json_output}, the JSON document
 * @param rule the rule that fired
 * @param timestampNanos the event's time, nanoseconds since the epoch
 * @param output the text alert (also when {@link #line} is JSON)
 * @param fields every field of the rule's output (and its extra fields) as text, keyed as written
 *     (Falco's {@code get_field_values}, used by channels such as gRPC and HTTP)
 */
public record FormattedAlert(String line, Rule rule, long timestampNanos, String output, Map<String, String> fields) {
    public FormattedAlert {
        requireNonNull(line, "line is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(output, "output is null");
        fields = Map.copyOf(fields);
    }
}
