package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.compile.FieldSlots;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.index.EvttypeIndex;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compiled rules of one load, with which are enabled, routed by event type per source (Falco's
 * {@code evttype_index_ruleset}). Enabling and disabling follow Falco: rules below the minimum priority are never
 * part of the ruleset; the others start as their files left them and the selectors apply in order.
 *
 * <p>Matching is thread-safe: {@link #apply} publishes fresh indexes, never mutates the ones {@link #match} reads; each thread uses
 * its own {@link EvalContext} over {@link #slots()}.
 */
public final class Ruleset {
    /*
     * Implementation notes: Falco routes a syscall-source rule to the event codes inferred from its condition and a
     * rule of another source to the plugin event code; we keep one EvttypeIndex for the syscall source and, for the
     * other sources, the enabled rules in load order (they see every event of their source). "first" returns the
     * first rule whose condition matches, "all" every one, in load order.
     */

    /** The event source of system calls, Falco's default. */
    public static final String SYSCALL_SOURCE = "syscall";

    private final List<Rule> rules;
    private final Priority minPriority;
    private final RuleMatching ruleMatching;
    private final FieldSlots slots;
    private final ExtractorBinding binding;
    private final int macroCount;
    private final int listCount;
    private final RulesetDefinitions definitions;
    private final BitSet enabled = new BitSet();
    private volatile EvttypeIndex<Rule> syscallIndex = new EvttypeIndex<>();
    private volatile Map<String, List<Rule>> otherSources = Map.of();

    Ruleset(List<Rule> rules, LoadOptions options, FieldSlots slots, int macroCount, int listCount) {
        this(rules, options, slots, macroCount, listCount, RulesetDefinitions.NONE);
    }

    Ruleset(List<Rule> rules, LoadOptions options, FieldSlots slots, int macroCount, int listCount,
            RulesetDefinitions definitions) {
        this.definitions = requireNonNull(definitions, "definitions is null");
        this.rules = List.copyOf(rules);
        this.minPriority = options.minPriority();
        this.ruleMatching = options.ruleMatching();
        this.slots = requireNonNull(slots, "slots is null");
        this.binding = options.binding();
        this.macroCount = macroCount;
        this.listCount = listCount;
        for (Rule r : this.rules) {
            if (r.enabledInFile() && inPriority(r)) {
                enabled.set(r.id());
            }
        }
        for (RuleSelector s : options.selectors()) {
            applyUnindexed(s);
        }
        reindex();
    }

    /** {@return the macros, lists and rules as the files defined them, for describing the ruleset} */
    public RulesetDefinitions definitions() {
        return definitions;
    }

    /** {@return every compiled rule in load order, enabled or not} */
    public List<Rule> rules() {
        return rules;
    }

    /** {@return the rule with this name} */
    public Optional<Rule> rule(String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** {@return the enabled rules in load order} */
    public synchronized List<Rule> enabledRules() {
        List<Rule> out = new ArrayList<>();
        for (Rule r : rules) {
            if (enabled.get(r.id())) {
                out.add(r);
            }
        }
        return out;
    }

    public synchronized boolean isEnabled(Rule rule) {
        return enabled.get(rule.id());
    }

    /** {@return the number of macros and lists defined across all loaded files} */
    public int macroCount() {
        return macroCount;
    }

    public int listCount() {
        return listCount;
    }

    /** {@return the field slots shared by every condition and output of this ruleset} */
    public FieldSlots slots() {
        return slots;
    }

    /**
     * {@return the binding of fields to extractors the ruleset was compiled with} Outputs compiled later (such as
     * Falco's {@code append_output} formats) use it with {@link #slots()} so they share the per-event values.
     */
    public ExtractorBinding binding() {
        return binding;
    }

    /** {@return the minimum priority: rules below it are never enabled} */
    public Priority minPriority() {
        return minPriority;
    }

    public RuleMatching ruleMatching() {
        return ruleMatching;
    }

    /** Applies an enable/disable selector (Falco {@code enable_rule_wildcard} / {@code enable_rule_by_tag}). */
    public synchronized void apply(RuleSelector selector) {
        applyUnindexed(selector);
        reindex();
    }

    /** {@return the enabled syscall-source rules matching the context's current event of type {@code eventCode}} */
    public List<Rule> match(EvalContext ctx, int eventCode) {
        return match(SYSCALL_SOURCE, ctx, eventCode);
    }

    /** {@return the enabled rules of {@code source} matching the context's current event} */
    public List<Rule> match(String source, EvalContext ctx, int eventCode) {
        List<Rule> candidates = source.equals(SYSCALL_SOURCE) ? syscallIndex.rulesFor(eventCode)
                : otherSources.getOrDefault(source, List.of());
        List<Rule> out = null;
        // Indexed loop: an iterator here costs an allocation per event (measured with RulesetEvalBenchmark -prof gc).
        for (int i = 0, n = candidates.size(); i < n; i++) {
            Rule r = candidates.get(i);
            if (r.compiled().matches(ctx)) {
                if (ruleMatching == RuleMatching.FIRST) {
                    return List.of(r);
                }
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(r);
            }
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    private boolean inPriority(Rule r) {
        return r.priority().atLeast(minPriority);
    }

    private void applyUnindexed(RuleSelector selector) {
        for (Rule r : rules) {
            if (!inPriority(r)) {
                continue;
            }
            boolean selected = switch (selector) {
                case RuleSelector.ByName n -> RuleSelector.matchesWildcard(n.pattern(), r.name());
                case RuleSelector.ByTag t -> r.tags().contains(t.tag());
            };
            if (selected) {
                enabled.set(r.id(), selector.enable());
            }
        }
    }

    private void reindex() {
        EvttypeIndex<Rule> index = new EvttypeIndex<>();
        Map<String, List<Rule>> others = new LinkedHashMap<>();
        for (Rule r : rules) {
            if (!enabled.get(r.id())) {
                continue;
            }
            if (r.source().equals(SYSCALL_SOURCE) && r.eventTypes() != null) {
                index.add(r, r.eventTypes());
            } else {
                others.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(r);
            }
        }
        others.replaceAll((k, v) -> List.copyOf(v));
        this.syscallIndex = index;
        this.otherSources = Map.copyOf(others);
    }
}
