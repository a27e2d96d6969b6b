package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.fields.ExtractorBinding;
import java.util.List;

/**
 * How to load rules: the minimum priority (rules below it are dropped, Falco's {@code priority}), the enable/disable
 * selectors applied in order after loading (Falco's {@code rules:}), {@code rule_matching}, the binding of fields to
 * extractors ({@link ExtractorBinding#UNBOUND} to validate only), and Falco's {@code append_output} text and fields.
 */
public record LoadOptions(Priority minPriority, List<RuleSelector> selectors, RuleMatching ruleMatching,
        ExtractorBinding binding, List<AppendedOutput> appendedOutputs, List<AppendedField> appendedFields) {
    public LoadOptions {
        requireNonNull(minPriority, "minPriority is null");
        selectors = List.copyOf(selectors);
        requireNonNull(ruleMatching, "ruleMatching is null");
        requireNonNull(binding, "binding is null");
        appendedOutputs = List.copyOf(appendedOutputs);
        appendedFields = List.copyOf(appendedFields);
    }

    /** {@return every priority, no selector, first match, unbound fields, nothing appended} */
    public static LoadOptions defaults() {
        return new LoadOptions(Priority.DEBUG, List.of(), RuleMatching.FIRST, ExtractorBinding.UNBOUND, List.of(),
                List.of());
    }

    public LoadOptions withMinPriority(Priority p) {
        return new LoadOptions(p, selectors, ruleMatching, binding, appendedOutputs, appendedFields);
    }

    public LoadOptions withSelectors(List<RuleSelector> s) {
        return new LoadOptions(minPriority, s, ruleMatching, binding, appendedOutputs, appendedFields);
    }

    public LoadOptions withRuleMatching(RuleMatching m) {
        return new LoadOptions(minPriority, selectors, m, binding, appendedOutputs, appendedFields);
    }

    public LoadOptions withBinding(ExtractorBinding b) {
        return new LoadOptions(minPriority, selectors, ruleMatching, b, appendedOutputs, appendedFields);
    }

    public LoadOptions withAppendedOutputs(List<AppendedOutput> outputs, List<AppendedField> fields) {
        return new LoadOptions(minPriority, selectors, ruleMatching, binding, outputs, fields);
    }
}
