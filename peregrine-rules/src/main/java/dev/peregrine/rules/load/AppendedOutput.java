package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Text appended to the output of matching rules (Falco's {@code append_output[].extra_output}): a rule matches when
 * {@code source} is empty or equal to its source, it carries every tag of {@code tags}, and {@code rule} is empty or
 * its name.
 */
public record AppendedOutput(String format, String source, Set<String> tags, String rule) {
    public AppendedOutput {
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
