package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.compile.CompiledCondition;
import dev.peregrine.rules.index.EventTypeSet;
import dev.peregrine.rules.output.OutputTemplate;
import dev.peregrine.rules.syntax.Expr;
import java.util.List;
import java.util.Set;

/**
 * A compiled rule (Falco {@code falco_rule}).
 *
 * @param id position in load order, 0-based
 * @param condition the condition tree after exceptions, lists and macros were expanded
 * @param conditionText the condition text that was parsed (exceptions built, lists substituted)
 * @param eventTypes the event codes the condition can match (syscall source), or null for other sources
 * @param enabledInFile whether the rules files leave the rule enabled (before selectors and minimum priority)
 * @param outputFormat the output format compiled, with {@code append_output} text appended
 * @param extraFields the {@code append_output} extra fields of this rule, by key in configuration order
 */
public record Rule(int id, String name, String description, Priority priority, String source, Set<String> tags,
        boolean enabledInFile, Expr condition, String conditionText, CompiledCondition compiled,
        OutputTemplate output, String outputFormat, EventTypeSet eventTypes, Set<String> exceptionFields,
        boolean capture, long captureDuration, List<ExtraField> extraFields) {
    /** An {@code append_output} extra field of this rule: its key, compiled format, and whether it is raw. */
    public record ExtraField(String key, String format, OutputTemplate template, boolean raw) {
        public ExtraField {
            requireNonNull(key, "key is null");
            requireNonNull(format, "format is null");
            requireNonNull(template, "template is null");
        }
    }

    public Rule {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(priority, "priority is null");
        requireNonNull(source, "source is null");
        tags = Set.copyOf(tags);
        requireNonNull(condition, "condition is null");
        requireNonNull(conditionText, "conditionText is null");
        requireNonNull(compiled, "compiled is null");
        requireNonNull(output, "output is null");
        requireNonNull(outputFormat, "outputFormat is null");
        exceptionFields = Set.copyOf(exceptionFields);
        extraFields = List.copyOf(extraFields);
    }

    /** {@return the tags in Falco's (sorted) order} */
    public List<String> sortedTags() {
        return tags.stream().sorted().toList();
    }
}
