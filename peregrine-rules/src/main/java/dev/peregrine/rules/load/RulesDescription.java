package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.event.EventTable;
import dev.peregrine.rules.index.EvttypeInference;
import dev.peregrine.rules.index.EvttypeInferenceException;
import dev.peregrine.rules.syntax.ConditionParser;
import dev.peregrine.rules.syntax.ConditionSyntaxException;
import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.ExprPrinter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Falco's description of a loaded ruleset ({@code falco_engine::describe_rule}, what {@code falco -L} and
 * {@code -l RULE} print with {@code json_output}): for all rules, the required engine and plugin versions and every
 * rule, macro and list with its definition ({@code info}) and what Falco derives from it ({@code details}: macros,
 * lists, fields, operators and event types used, compiled condition and output, ...); for one rule, that rule only.
 *
 * <pre>{@code
 * ObjectNode all = RulesDescription.json(ruleset, null);      // {"lists":[...],"macros":[...],...,"rules":[...]}
 * ObjectNode one = RulesDescription.json(ruleset, "My rule"); // {"rules":[{"details":{...},"info":{...}}]}
 * }</pre>
 */
public final class RulesDescription {
    /* Implementation notes:
     * - Keys are written in sorted order because Falco builds the document with nlohmann::json, whose objects are
     *   std::maps. The arrays Falco fills from std::unordered_sets (macros, lists, fields, operators, events,
     *   exception names and operators) have no defined order there; they are sorted here.
     * - "details.macros"/"lists" come from the condition as written (macro identifiers, list names inside
     *   parentheses), the fields, operators and event names from the compiled condition (macros expanded, lists
     *   substituted, exceptions added), as filter_details_resolver is run on each by Falco.
     * - "events": libsinsp's event codes of the compiled condition (generic codes left out) plus asyncevent,
     *   united with the names of the generic system calls the condition selects (the same inference run over
     *   system call names, as Falco's ppm_sc_codes). Plugin sources: pluginevent and asyncevent.
     * - "plugins" lists the loaded plugins a rule uses; Peregrine loads none, so it is always empty. */

    private static final String ASYNC_EVENT = "asyncevent";
    private static final String PLUGIN_EVENT = "pluginevent";

    private final Ruleset ruleset;
    private final RulesetDefinitions defs;
    private final EventTable table = EventTable.get();
    private final Set<String> knownMacros = new LinkedHashSet<>();
    private final Set<String> knownLists = new LinkedHashSet<>();
    private final List<String> genericSyscalls = new ArrayList<>();
    private final Map<String, Integer> genericIndex = new HashMap<>();
    private final ObjectMapper mapper = new ObjectMapper();

    private RulesDescription(Ruleset ruleset) {
        this.ruleset = ruleset;
        this.defs = ruleset.definitions();
        defs.macros().forEach(m -> knownMacros.add(m.name()));
        defs.lists().forEach(l -> knownLists.add(l.name()));
        for (int sc = 0; sc < table.syscallCount(); sc++) {
            String name = table.syscallName(sc);
            if (name == null || name.equals("unknown") || genericIndex.containsKey(name)) {
                continue;
            }
            int[] codes = table.codesForTypeName(name);
            if (codes.length == 2 && codes[0] == EventTable.GENERIC_E && codes[1] == EventTable.GENERIC_X) {
                genericIndex.put(name, genericSyscalls.size());
                genericSyscalls.add(name);
            }
        }
    }

    /**
     * {@return Falco's description document}
     *
     * @param ruleName the rule to describe, or null for everything
     * @throws IllegalArgumentException {@code Rule "NAME" is not loaded} when no rule has that name (Falco's message)
     */
    public static ObjectNode json(Ruleset ruleset, String ruleName) {
        requireNonNull(ruleset, "ruleset is null");
        return new RulesDescription(ruleset).describe(ruleName);
    }

    private ObjectNode describe(String ruleName) {
        ObjectNode root = mapper.createObjectNode();
        if (ruleName != null) {
            Rule rule = ruleset.rule(ruleName).orElseThrow(
                    () -> new IllegalArgumentException("Rule \"" + ruleName + "\" is not loaded"));
            rule(root.putArray("rules").addObject(), rule);
            return root;
        }
        ArrayNode lists = root.putArray("lists");
        defs.lists().forEach(l -> list(lists.addObject(), l));
        ArrayNode macros = root.putArray("macros");
        defs.macros().forEach(m -> macro(macros.addObject(), m));
        root.put("required_engine_version", defs.requiredEngineVersion());
        ArrayNode plugins = root.putArray("required_plugin_versions");
        for (List<RulesetDefinitions.PluginVersion> alternatives : defs.requiredPlugins()) {
            ObjectNode p = plugins.addObject();
            ArrayNode alt = p.putArray("alternatives");
            for (RulesetDefinitions.PluginVersion a : alternatives.subList(1, alternatives.size())) {
                alt.addObject().put("name", a.name()).put("version", a.version());
            }
            p.put("name", alternatives.getFirst().name());
            p.put("version", alternatives.getFirst().version());
        }
        ArrayNode rules = root.putArray("rules");
        ruleset.rules().forEach(r -> rule(rules.addObject(), r));
        return root;
    }

    private void rule(ObjectNode out, Rule r) {
        RulesetDefinitions.RuleDefinition def = defs.rules().get(r.name());
        String condition = def == null ? r.conditionText() : def.condition();
        Details written = Details.of(parseOrNull(condition), knownMacros, knownLists);
        Details compiled = Details.of(r.condition(), knownMacros, knownLists);
        ObjectNode d = out.putObject("details");
        d.put("condition_compiled", ExprPrinter.print(r.condition()));
        strings(d, "condition_fields", compiled.fields);
        strings(d, "condition_operators", compiled.operators);
        strings(d, "events", r.source().equals(Ruleset.SYSCALL_SOURCE) ? syscallEvents(r.condition())
                : List.of(ASYNC_EVENT, PLUGIN_EVENT));
        strings(d, "exception_fields", new TreeSet<>(r.exceptionFields()));
        strings(d, "exception_names", def == null ? List.of() : new TreeSet<>(def.exceptionNames()));
        strings(d, "exception_operators", def == null ? Set.of() : new TreeSet<>(def.exceptionOperators()));
        List<String> outputFields = new ArrayList<>();
        ObjectNode formatted = null;
        for (Rule.ExtraField f : r.extraFields()) {
            outputFields.add(f.format());
            if (!f.raw()) {
                if (formatted == null) {
                    formatted = d.putObject("extra_output_formatted_fields");
                }
                formatted.put(f.key(), f.format());
            }
        }
        outputFields.addAll(r.output().outputFieldNames());
        strings(d, "lists", written.lists);
        strings(d, "macros", written.macros);
        d.put("output_compiled", r.outputFormat());
        ArrayNode of = d.putArray("output_fields");
        outputFields.forEach(of::add);
        d.putArray("plugins");

        ObjectNode info = out.putObject("info");
        info.put("capture", r.capture());
        info.put("capture_duration", r.captureDuration());
        info.put("condition", condition);
        info.put("description", r.description());
        info.put("enabled", r.enabledInFile());
        info.put("name", r.name());
        info.put("output", def == null ? r.outputFormat() : def.output());
        info.put("priority", r.priority().falcoName());
        info.put("source", r.source());
        strings(info, "tags", r.sortedTags());
    }

    private void macro(ObjectNode out, RulesetDefinitions.MacroDefinition m) {
        Details written = Details.of(parseOrNull(m.condition()), knownMacros, knownLists);
        Details compiled = Details.of(m.compiled(), knownMacros, knownLists);
        ObjectNode d = out.putObject("details");
        d.put("condition_compiled", ExprPrinter.print(m.compiled()));
        strings(d, "condition_fields", compiled.fields);
        strings(d, "condition_operators", compiled.operators);
        strings(d, "events", syscallEvents(m.compiled()));
        strings(d, "lists", written.lists);
        strings(d, "macros", written.macros);
        d.putArray("plugins");
        d.put("used", m.used());
        ObjectNode info = out.putObject("info");
        info.put("condition", m.condition());
        info.put("name", m.name());
    }

    private static void list(ObjectNode out, RulesetDefinitions.ListDefinition l) {
        Set<String> referenced = new TreeSet<>();
        List<String> items = new ArrayList<>();
        for (String i : l.items()) {
            if (!l.compiledItems().contains(i)) {
                referenced.add(i);
            } else {
                items.add(i);
            }
        }
        ObjectNode d = out.putObject("details");
        strings(d, "items_compiled", l.compiledItems());
        strings(d, "lists", referenced);
        d.putArray("plugins");
        d.put("used", l.used());
        ObjectNode info = out.putObject("info");
        strings(info, "items", items);
        info.put("name", l.name());
    }

    /** Falco's get_json_evt_types for the syscall source (and macros). */
    private Collection<String> syscallEvents(Expr condition) {
        Set<String> out = new TreeSet<>();
        out.add(ASYNC_EVENT);
        try {
            BitSet codes = EvttypeInference.infer(condition, table).codes();
            for (int c = codes.nextSetBit(0); c >= 0; c = codes.nextSetBit(c + 1)) {
                if (c != EventTable.GENERIC_E && c != EventTable.GENERIC_X && c < table.size()) {
                    out.add(table.byCode(c).name());
                }
            }
            BitSet generic = EvttypeInference.infer(condition, genericSyscalls.size(), name -> {
                Integer i = genericIndex.get(name);
                return i == null ? new int[0] : new int[] {i};
            });
            for (int i = generic.nextSetBit(0); i >= 0; i = generic.nextSetBit(i + 1)) {
                out.add(genericSyscalls.get(i));
            }
        } catch (EvttypeInferenceException e) {
            // a condition the loader accepted with a warning: Falco's inference rejects it too; no event names
        }
        return out;
    }

    private static Expr parseOrNull(String condition) {
        try {
            return ConditionParser.parse(condition, ConditionParser.RULES_MAX_CONDITION_DEPTH);
        } catch (ConditionSyntaxException e) {
            return null;
        }
    }

    private static void strings(ObjectNode node, String key, Collection<String> values) {
        ArrayNode a = node.putArray(key);
        values.forEach(a::add);
    }

    /**
     * Falco's filter_details_resolver over one condition: the fields, operators, macros, lists and event names it
     * uses (sorted).
     */
    private static final class Details {
        final Set<String> fields = new TreeSet<>();
        final Set<String> macros = new TreeSet<>();
        final Set<String> operators = new TreeSet<>();
        final Set<String> lists = new TreeSet<>();
        final Set<String> evtnames = new TreeSet<>();
        private final Set<String> knownMacros;
        private final Set<String> knownLists;
        private String lastField;
        private boolean expectList;
        private boolean expectEvtname;

        private Details(Set<String> knownMacros, Set<String> knownLists) {
            this.knownMacros = knownMacros;
            this.knownLists = knownLists;
        }

        static Details of(Expr condition, Set<String> knownMacros, Set<String> knownLists) {
            Details d = new Details(knownMacros, knownLists);
            if (condition != null) {
                d.visit(condition);
            }
            return d;
        }

        private void visit(Expr e) {
            switch (e) {
                case Expr.And a -> a.children().forEach(this::visit);
                case Expr.Or o -> o.children().forEach(this::visit);
                case Expr.Not n -> visit(n.child());
                case Expr.ListValue l -> {
                    for (String item : l.values()) {
                        if (expectList && knownLists.contains(item)) {
                            lists.add(item);
                        }
                        if (expectEvtname && !knownLists.contains(item)) {
                            evtnames.add(item);
                        }
                    }
                }
                case Expr.BinaryCheck b -> {
                    lastField = null;
                    expectEvtname = false;
                    expectList = false;
                    visit(b.left());
                    operators.add(b.op());
                    expectList = true;
                    expectEvtname = "evt.type".equals(lastField) || "evt.asynctype".equals(lastField);
                    visit(b.right());
                    expectEvtname = false;
                    expectList = false;
                }
                case Expr.UnaryCheck u -> {
                    lastField = null;
                    visit(u.left());
                    if (lastField != null) {
                        fields.add(lastField);
                    }
                    operators.add(u.op());
                }
                case Expr.Identifier i -> {
                    if (knownMacros.contains(i.name())) {
                        macros.add(i.name());
                    }
                }
                case Expr.Value v -> {
                    if (expectEvtname) {
                        evtnames.add(v.value());
                    }
                }
                case Expr.Field f -> {
                    lastField = f.arg() == null || f.arg().isEmpty() ? f.name() : f.name() + "[" + f.arg() + "]";
                    fields.add(lastField);
                }
                case Expr.Transformer t -> t.args().forEach(this::visit);
                case Expr.TransformerList l -> l.children().forEach(this::visit);
            }
        }
    }
}
