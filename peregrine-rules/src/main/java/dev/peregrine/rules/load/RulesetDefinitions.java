package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.syntax.Expr;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the rules files defined, as Falco's rule collector and compiler keep it for describing a ruleset
 * ({@code falco -L} with {@code json_output}): the requirements, every macro and list with its text as written and
 * as compiled, and each rule's condition as written with its exceptions.
 *
 * @param requiredEngineVersion the highest {@code required_engine_version} ({@code 0.0.0} when none)
 * @param requiredPlugins each {@code required_plugin_versions} entry: the plugin and its alternatives, in order
 * @param macros the macros in definition order
 * @param lists the lists in definition order
 * @param rules the rules' definitions by name
 */
public record RulesetDefinitions(String requiredEngineVersion, List<List<PluginVersion>> requiredPlugins,
        List<MacroDefinition> macros, List<ListDefinition> lists, Map<String, RuleDefinition> rules) {
    public RulesetDefinitions {
        requireNonNull(requiredEngineVersion, "requiredEngineVersion is null");
        requiredPlugins = requiredPlugins.stream().map(List::copyOf).toList();
        macros = List.copyOf(macros);
        lists = List.copyOf(lists);
        rules = Map.copyOf(rules);
    }

    /** Definitions of an empty load. */
    public static final RulesetDefinitions NONE = new RulesetDefinitions("0.0.0", List.of(), List.of(), List.of(),
            Map.of());

    /** A required plugin version. */
    public record PluginVersion(String name, String version) {
        public PluginVersion {
            requireNonNull(name, "name is null");
            requireNonNull(version, "version is null");
        }
    }

    /**
     * A macro.
     *
     * @param condition the condition as written (appends included)
     * @param compiled the condition with lists substituted and the macros it can see expanded
     * @param used whether a rule or another macro refers to it
     */
    public record MacroDefinition(String name, String condition, Expr compiled, boolean used) {
        public MacroDefinition {
            requireNonNull(name, "name is null");
            requireNonNull(condition, "condition is null");
            requireNonNull(compiled, "compiled is null");
        }
    }

    /**
     * A list.
     *
     * @param items the items as written (appends included; names of other lists stay names)
     * @param compiledItems the items with references to earlier lists expanded
     * @param used whether a rule, a macro or another list refers to it
     */
    public record ListDefinition(String name, List<String> items, List<String> compiledItems, boolean used) {
        public ListDefinition {
            requireNonNull(name, "name is null");
            items = List.copyOf(items);
            compiledItems = List.copyOf(compiledItems);
        }
    }

    /**
     * A rule as written.
     *
     * @param condition the condition as written (appends included, exceptions not)
     * @param output the output as written (before {@code append_output})
     * @param exceptionNames the names of its exceptions
     * @param exceptionOperators the comparison operators its exceptions use
     */
    public record RuleDefinition(String name, String condition, String output, List<String> exceptionNames,
            Set<String> exceptionOperators) {
        public RuleDefinition {
            requireNonNull(name, "name is null");
            requireNonNull(condition, "condition is null");
            requireNonNull(output, "output is null");
            exceptionNames = List.copyOf(exceptionNames);
            exceptionOperators = Set.copyOf(exceptionOperators);
        }
    }

    /** {@return the macro with that name} */
    public Optional<MacroDefinition> macro(String name) {
        return macros.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
