package dev.peregrine.outputs.format;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One entry of Falco's {@code append_output} configuration: which rules it applies to ({@code match}) and what it
 * adds to their alerts.
 *
 * @param source only rules of this event source; empty for every source
 * @param tags only rules that carry every one of these tags; empty for every rule
 * @param rule only the rule with this exact name; empty for every rule
 * @param extraOutput text appended (after a space) to the rule's output format; empty for none
 * @param suggestedOutput whether the suggested fields ({@code container_id=%container.id ...}) are appended
 * @param formattedFields extra {@code output_fields} keys rendered as text from a format, in declaration order
 * @param rawFields extra {@code output_fields} keys that are field names, rendered as typed JSON values
 */
public record AppendOutput(String source, Set<String> tags, String rule, String extraOutput, boolean suggestedOutput,
        Map<String, String> formattedFields, Set<String> rawFields) {
    public AppendOutput {
        requireNonNull(source, "source is null");
        tags = Collections.unmodifiableSet(new LinkedHashSet<>(requireNonNull(tags, "tags is null")));
        requireNonNull(rule, "rule is null");
        requireNonNull(extraOutput, "extraOutput is null");
        formattedFields = Collections.unmodifiableMap(
                new LinkedHashMap<>(requireNonNull(formattedFields, "formattedFields is null")));
        rawFields = Collections.unmodifiableSet(new LinkedHashSet<>(requireNonNull(rawFields, "rawFields is null")));
    }

    /** {@return an entry for every rule that appends the suggested fields, as Falco's default configuration does} */
    public static AppendOutput suggested() {
        return new AppendOutput("", Set.of(), "", "", true, Map.of(), Set.of());
    }

    /** {@return whether this entry applies to a rule with this name, source and tags (Falco's match semantics)} */
    public boolean matches(String ruleName, String ruleSource, Set<String> ruleTags) {
        return (source.isEmpty() || source.equals(ruleSource))
                && ruleTags.containsAll(tags)
                && (rule.isEmpty() || rule.equals(ruleName));
    }
}
