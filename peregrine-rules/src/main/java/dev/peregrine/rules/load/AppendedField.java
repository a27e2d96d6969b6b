package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * An extra output field added to matching rules (Falco's {@code append_output[].extra_fields}): {@code key} is the
 * name in {@code output_fields}, {@code format} an output format (or, when {@code raw}, a field whose raw value is
 * used). Matching is as {@link AppendedOutput}'s.
 */
public record AppendedField(String key, String format, String source, Set<String> tags, String rule, boolean raw) {
    public AppendedField {
        requireNonNull(key, "key is null");
        requireNonNull(format, "format is null");
        requireNonNull(source, "source is null");
        tags = Set.copyOf(tags);
        requireNonNull(rule, "rule is null");
    }

    boolean matches(String ruleSource, Set<String> ruleTags, String ruleName) {
        return (source.isEmpty() || source.equals(ruleSource)) && ruleTags.containsAll(tags)
                && (rule.isEmpty() || rule.equals(ruleName));
    }
}
