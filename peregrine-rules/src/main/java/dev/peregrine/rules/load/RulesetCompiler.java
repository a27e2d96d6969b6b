package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.compile.CompileWarning;
import dev.peregrine.rules.compile.CompiledCondition;
import dev.peregrine.rules.compile.ConditionCompiler;
import dev.peregrine.rules.compile.FieldSlots;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.index.EventTypeSet;
import dev.peregrine.rules.index.EvttypeInference;
import dev.peregrine.rules.output.OutputTemplate;
import dev.peregrine.rules.syntax.ConditionParser;
import dev.peregrine.rules.syntax.ConditionSyntaxException;
import dev.peregrine.rules.syntax.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compiles everything collected so far (Falco {@code rule_loader::compiler}): lists are expanded and substituted in
 * condition text, conditions parsed, macros substituted in the trees with Falco's visibility rule, exceptions added,
 * outputs and conditions compiled per source. Problems go to the file's report; compilation stops at the first
 * error.
 */
final class RulesetCompiler {
    /*
     * Implementation notes (Falco facts this class reproduces):
     * - A list item naming another list is expanded one level, only if that list was defined before the list's
     *   latest definition/append; deeper references are replaced later by the text substitution, in list order.
     * - Lists are substituted in a condition's text before parsing; there is no ordering between lists and rules.
     *   Conditions are parsed with a nesting bound of 1000, as Falco's loader sets on its parser.
     * - Macros are compiled in definition order; macro M sees macro N when N's first definition came before M's
     *   latest definition or append. Rules see every macro.
     * - A rule's output is checked before its condition; %container.info is deprecated and removed.
     * - skip-if-unknown-filter turns unknown field / event type / formatting token errors into LOAD_UNKNOWN_FILTER
     *   warnings and drops the rule.
     * - More than 100 inferable event types (i.e. no evt.type restriction) gives LOAD_NO_EVTTYPE unless
     *   warn_evttypes is false.
     */

    /** Above this many event types a syscall rule is considered unrestricted (Falco's threshold). */
    static final int MAX_EVTTYPES_BEFORE_WARNING = 100;

    private static final String CONTAINER_INFO = "%container.info";

    /** What a successful compilation produced. */
    record Output(List<Rule> rules, int macroCount, int listCount, FieldSlots slots,
            RulesetDefinitions definitions) {
    }

    private record CompiledList(String name, List<String> items) {
    }

    private final SourceRegistry sources;
    private final ExtractorBinding binding;
    private final List<AppendedOutput> appendedOutputs;
    private final List<AppendedField> appendedFields;

    RulesetCompiler(SourceRegistry sources, LoadOptions options) {
        this.sources = requireNonNull(sources, "sources is null");
        this.binding = options.binding();
        this.appendedOutputs = options.appendedOutputs();
        this.appendedFields = options.appendedFields();
    }

    /** {@return the compiled rules, or null when an error was reported} */
    Output compile(RulesCollector col, FileReport report) {
        Set<String> usedLists = new HashSet<>();
        Set<String> usedMacros = new HashSet<>();
        Map<String, Expr> macros = new LinkedHashMap<>();
        List<CompiledList> lists;
        List<Rule> rules;
        FieldSlots slots = new FieldSlots();
        try {
            lists = compileLists(col, usedLists);
            compileMacros(col, lists, usedLists, usedMacros, macros);
            rules = compileRules(col, lists, usedLists, usedMacros, macros, slots, report);
        } catch (RuleLoadException e) {
            report.error(e);
            return null;
        }
        for (String name : macros.keySet()) {
            if (!usedMacros.contains(name)) {
                report.warn(LoadCode.LOAD_UNUSED_MACRO, "Macro not referred to by any other rule/macro",
                        col.macro(name).ctx);
            }
        }
        for (CompiledList l : lists) {
            if (!usedLists.contains(l.name())) {
                report.warn(LoadCode.LOAD_UNUSED_LIST, "List not referred to by any other rule/macro",
                        col.list(l.name()).ctx);
            }
        }
        return new Output(rules, macros.size(), lists.size(), slots,
                definitions(col, lists, macros, usedLists, usedMacros));
    }

    /** {@return what describing the ruleset needs: the collected definitions with their compiled forms} */
    private static RulesetDefinitions definitions(RulesCollector col, List<CompiledList> lists,
            Map<String, Expr> macros, Set<String> usedLists, Set<String> usedMacros) {
        List<List<RulesetDefinitions.PluginVersion>> plugins = new ArrayList<>();
        for (RulesCollector.PluginAlternatives alternatives : col.requiredPlugins()) {
            plugins.add(alternatives.alternatives().stream()
                    .map(r -> new RulesetDefinitions.PluginVersion(r.name(), r.version())).toList());
        }
        List<RulesetDefinitions.MacroDefinition> macroDefs = new ArrayList<>();
        for (var e : macros.entrySet()) {
            macroDefs.add(new RulesetDefinitions.MacroDefinition(e.getKey(), col.macro(e.getKey()).cond, e.getValue(),
                    usedMacros.contains(e.getKey())));
        }
        List<RulesetDefinitions.ListDefinition> listDefs = new ArrayList<>();
        for (CompiledList l : lists) {
            listDefs.add(new RulesetDefinitions.ListDefinition(l.name(), col.list(l.name()).items, l.items(),
                    usedLists.contains(l.name())));
        }
        Map<String, RulesetDefinitions.RuleDefinition> ruleDefs = new LinkedHashMap<>();
        for (RuleInfo r : col.rules()) {
            List<String> names = new ArrayList<>();
            Set<String> operators = new TreeSet<>();
            for (ExceptionInfo ex : r.exceptions) {
                names.add(ex.name);
                if (ex.comps.isList) {
                    for (ExceptionInfo.Entry c : ex.comps.items) {
                        if (c.isList) {
                            c.items.forEach(i -> operators.add(i.item));
                        } else {
                            operators.add(c.item);
                        }
                    }
                } else {
                    operators.add(ex.comps.item);
                }
            }
            ruleDefs.put(r.name, new RulesetDefinitions.RuleDefinition(r.name, r.cond, r.output, names, operators));
        }
        return new RulesetDefinitions(col.requiredEngineVersion().toString(), plugins, macroDefs, listDefs,
                ruleDefs);
    }

    private static List<CompiledList> compileLists(RulesCollector col, Set<String> used) {
        List<CompiledList> out = new ArrayList<>();
        for (ListInfo list : col.lists()) {
            List<String> items = new ArrayList<>();
            for (String item : list.items) {
                ListInfo ref = col.list(item);
                if (ref != null && ref.index < list.visibility) {
                    used.add(ref.name);
                    items.addAll(ref.items);
                } else {
                    items.add(item);
                }
            }
            out.add(new CompiledList(list.name, List.copyOf(items)));
        }
        return out;
    }

    private static void compileMacros(RulesCollector col, List<CompiledList> lists, Set<String> usedLists,
            Set<String> usedMacros, Map<String, Expr> out) throws RuleLoadException {
        for (MacroInfo m : col.macros()) {
            out.put(m.name, parseCondition(m.cond, lists, usedLists, m.condCtx));
        }
        MacroResolver resolver = new MacroResolver();
        for (MacroInfo m : col.macros()) {
            Function<String, Expr> visible = name -> {
                MacroInfo other = col.macro(name);
                return other != null && other.index < m.visibility ? out.get(name) : null;
            };
            out.put(m.name, resolveMacros(resolver, out.get(m.name), visible, m.cond, m.ctx, usedMacros));
        }
    }

    private static Expr resolveMacros(MacroResolver resolver, Expr ast, Function<String, Expr> visible,
            String condition, Context ctx, Set<String> usedMacros) throws RuleLoadException {
        Expr resolved = resolver.run(ast, visible);
        if (!resolver.errors().isEmpty() || !resolver.unknown().isEmpty()) {
            MacroResolver.Found first = !resolver.errors().isEmpty() ? resolver.errors().getFirst()
                    : resolver.unknown().getFirst();
            String msg = !resolver.errors().isEmpty() ? first.name()
                    : "Undefined macro '" + first.name() + "' used in filter.";
            throw new RuleLoadException(LoadCode.LOAD_ERR_VALIDATE, msg, ctx.forCondition(first.pos(), condition));
        }
        for (MacroResolver.Found f : resolver.resolved()) {
            usedMacros.add(f.name());
        }
        return resolved;
    }

    private static Expr parseCondition(String condition, List<CompiledList> lists, Set<String> usedLists,
            Context ctx) throws RuleLoadException {
        String text = condition;
        for (CompiledList l : lists) {
            ListSubstitution.Result r = ListSubstitution.resolve(text, l.name(), l.items());
            if (r.used()) {
                usedLists.add(l.name());
            }
            text = r.text();
        }
        try {
            return ConditionParser.parse(text, ConditionParser.RULES_MAX_CONDITION_DEPTH);
        } catch (ConditionSyntaxException e) {
            throw new RuleLoadException(LoadCode.LOAD_ERR_COMPILE_CONDITION, e.getMessage(),
                    ctx.forCondition(e.pos(), text));
        }
    }

    private static boolean isUnknownTypeOrField(CompileException e) {
        String err = e.getMessage();
        return e.kind() != CompileException.Kind.INVALID || err.contains("nonexistent field")
                || err.contains("invalid formatting token") || err.contains("unknown event type")
                || err.contains("unknown filter:");
    }

    private List<Rule> compileRules(RulesCollector col, List<CompiledList> lists, Set<String> usedLists,
            Set<String> usedMacros, Map<String, Expr> macros, FieldSlots slots, FileReport report)
            throws RuleLoadException {
        List<Rule> out = new ArrayList<>();
        Map<String, ConditionCompiler> compilers = new HashMap<>();
        MacroResolver resolver = new MacroResolver();
        for (RuleInfo r : col.rules()) {
            if (r.unknownSource) {
                continue;
            }
            FieldCatalog catalog = sources.catalog(r.source).orElseThrow(() -> new RuleLoadException(
                    LoadCode.LOAD_ERR_VALIDATE, "Unknown source at compile-time" + r.source, r.ctx));
            Set<String> exceptionFields = new TreeSet<>();
            String condition = r.cond;
            if (!r.exceptions.isEmpty()) {
                condition = ExceptionConditions.build(r.exceptions, exceptionFields, condition);
            }
            String output = r.output;
            for (AppendedOutput extra : appendedOutputs) {
                if (extra.matches(r.source, r.tags, r.name)) {
                    output = output + " " + extra.format();
                }
            }
            if (output.contains(CONTAINER_INFO)) {
                report.warn(LoadCode.LOAD_DEPRECATED_ITEM, "%container.info is deprecated and no more useful, and "
                        + "will be dropped by Falco 1.0.0. The container plugin will automatically add required "
                        + "fields to the output message.", r.ctx);
                output = output.replace(CONTAINER_INFO, "");
            }
            OutputTemplate template;
            try {
                template = OutputTemplate.compile(output, catalog, binding, slots);
            } catch (CompileException e) {
                if (isUnknownTypeOrField(e) && r.skipIfUnknownFilter) {
                    report.warn(LoadCode.LOAD_UNKNOWN_FILTER, e.getMessage(), r.outputCtx);
                    continue;
                }
                throw new RuleLoadException(LoadCode.LOAD_ERR_COMPILE_OUTPUT, e.getMessage(), r.outputCtx);
            }
            warnDeprecatedInOutput(output, r, report);
            Map<String, AppendedField> extraByKey = new LinkedHashMap<>();
            for (AppendedField extra : appendedFields) {
                if (extra.matches(r.source, r.tags, r.name)) {
                    extraByKey.put(extra.key(), extra);
                }
            }
            List<Rule.ExtraField> extraFields = new ArrayList<>();
            for (AppendedField extra : extraByKey.values()) {
                try {
                    extraFields.add(new Rule.ExtraField(extra.key(), extra.format(),
                            OutputTemplate.compile(extra.format(), catalog, binding, slots), extra.raw()));
                } catch (CompileException e) {
                    throw new RuleLoadException(LoadCode.LOAD_ERR_COMPILE_OUTPUT, e.getMessage(), r.outputCtx);
                }
                warnDeprecatedInOutput(extra.format(), r, report);
            }

            Expr ast = parseCondition(condition, lists, usedLists, r.condCtx);
            ast = resolveMacros(resolver, ast, macros::get, condition, r.ctx, usedMacros);
            ConditionWarnings.report(ast, r.condCtx.forCondition(0, 0, 0, condition), report);
            ConditionCompiler compiler = compilers.computeIfAbsent(r.source,
                    s -> new ConditionCompiler(catalog, binding, slots, EventTable.get()));
            CompiledCondition compiled;
            try {
                compiled = compiler.compileTree(ast);
            } catch (CompileException e) {
                Context ctx = r.condCtx.forCondition(e.pos(), condition);
                if (isUnknownTypeOrField(e) && r.skipIfUnknownFilter) {
                    report.warn(LoadCode.LOAD_UNKNOWN_FILTER, e.getMessage(), ctx);
                    continue;
                }
                throw new RuleLoadException(LoadCode.LOAD_ERR_COMPILE_CONDITION, e.getMessage(), ctx);
            } finally {
                for (CompileWarning w : compiler.drainWarnings()) {
                    report.warn(LoadCode.LOAD_COMPILE_CONDITION, w.message(), r.condCtx.forCondition(w.pos(),
                            condition));
                }
            }
            EventTypeSet types = null;
            if (r.source.equals(Ruleset.SYSCALL_SOURCE)) {
                types = EvttypeInference.infer(ast, EventTable.get());
                if (types.codes().cardinality() > MAX_EVTTYPES_BEFORE_WARNING && r.warnEvttypes) {
                    report.warn(LoadCode.LOAD_NO_EVTTYPE, "Rule matches too many evt.type values. This has a "
                            + "significant performance penalty.", r.ctx);
                }
            }
            out.add(new Rule(out.size(), r.name, r.desc, r.priority, r.source, r.tags, r.enabled, ast, condition,
                    compiled, template, output, types, exceptionFields, r.capture, r.captureDuration, extraFields));
        }
        // code is generated once every condition is known, so that parts several rules share are evaluated once,
        // and only for the rules a session evaluates
        out.replaceAll(r -> {
            ConditionCompiler compiler = compilers.get(r.source());
            CompiledCondition code = r.eventTypes() == null ? compiler.generateOnFirstUse(r.compiled(), null, null)
                    : compiler.generateOnFirstUse(r.compiled(), r.eventTypes(), SyscallBinding::fixedEventTypeName);
            return new Rule(r.id(), r.name(), r.description(), r.priority(), r.source(), r.tags(), r.enabledInFile(),
                    r.condition(), r.conditionText(), code, r.output(), r.outputFormat(), r.eventTypes(),
                    r.exceptionFields(), r.capture(), r.captureDuration(), r.extraFields());
        });
        return out;
    }

    private static void warnDeprecatedInOutput(String format, RuleInfo r, FileReport report) {
        for (String f : ConditionWarnings.DEPRECATED_FIELDS) {
            if (format.contains(f)) {
                report.warnDeprecatedField(f, "usage of deprecated field '" + f + "' has been detected in the rule "
                        + "output", r.outputCtx);
            }
        }
    }
}
