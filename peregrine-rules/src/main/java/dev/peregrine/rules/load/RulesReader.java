package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads one rules file into a {@link RulesCollector}, validating its structure with Falco's messages
 * ({@code rule_loader_reader.cpp}). A file is one or more YAML documents, each a sequence of mappings classified by
 * key: {@code required_engine_version}, {@code required_plugin_versions}, {@code list}, {@code macro}, {@code rule}.
 * Reading stops at the first error of a file, as Falco does.
 */
final class RulesReader {
    /*
     * Implementation notes:
     * - We use snakeyaml-engine's composer (nodes with marks), not its constructor, so every item and key keeps its
     *   0-based line/column/offset, and tags such as the "!=" of "desc: != after evt.type" are harmless (yaml-cpp
     *   reads that line too). Duplicate keys are allowed and the first wins, as yaml-cpp's node lookup does.
     * - Scalars are decoded like yaml-cpp's convert<T>: booleans accept y/yes/true/on and n/no/false/off in lower,
     *   UPPER or Capitalized case; unsigned integers are decimal digits.
     * - Syntax errors are reported with yaml-cpp's wording where the snakeyaml error has a yaml-cpp counterpart
     *   (the upstream conformance suite expects "yaml-cpp: error at line 1, column 11: illegal map value").
     */

    /** Falco's bare-string regex: valid list names. */
    static final String RGX_BARESTR = "([^()\"'[:space:]=,]+)";
    /** Falco's identifier regex: valid macro names. */
    static final String RGX_IDENTIFIER = "([a-zA-Z]+[a-zA-Z0-9_]*)";
    private static final Pattern BARESTR = Pattern.compile("[^()\"'\\s=,]+");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z]+[a-zA-Z0-9_]*");
    /**
     * Bound on the size of one rules file, in code points: the upstream rules files are about 200 KB; the bound
     * keeps a hostile input from exhausting memory (snakeyaml's default, 3 MB, would refuse large generated files).
     */
    static final int MAX_RULES_FILE_CODE_POINTS = 64 * 1024 * 1024;
    private static final Pattern UINT = Pattern.compile("\\+?[0-9]+");

    private static final Set<String> RULE_APPENDABLE = new LinkedHashSet<>(List.of("condition", "output", "desc",
            "tags", "exceptions"));
    private static final Set<String> RULE_REPLACEABLE = new LinkedHashSet<>(List.of("condition", "output", "desc",
            "priority", "capture", "capture_duration", "tags", "exceptions", "enabled", "warn_evttypes",
            "skip-if-unknown-filter"));
    private static final Set<String> RULE_KEYS = Set.of("rule", "condition", "output", "desc", "priority", "source",
            "enabled", "capture", "capture_duration", "warn_evttypes", "skip-if-unknown-filter", "tags",
            "exceptions", "override", "append");
    private static final Set<String> MACRO_KEYS = Set.of("macro", "condition", "append", "override");
    private static final Set<String> LIST_KEYS = Set.of("list", "items", "append", "override");

    private final RulesCollector collector;

    RulesReader(RulesCollector collector) {
        this.collector = requireNonNull(collector, "collector is null");
    }

    /** Reads {@code content} into the collector; {@return whether the file had no error} */
    boolean read(String content, FileReport report) {
        Context root = Context.root(report.name());
        List<Node> docs = new ArrayList<>();
        try {
            LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(true).setLabel(report.name())
                    .setCodePointLimit(MAX_RULES_FILE_CODE_POINTS).build();
            for (Node doc : new Compose(settings).composeAllFromString(content)) {
                docs.add(doc);
            }
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            Context ctx = mark == null ? root : root.child(mark.getLine(), mark.getColumn(), mark.getIndex(),
                    ItemType.VALUE_FOR, "");
            report.error(LoadCode.LOAD_ERR_YAML_PARSE, YamlErrors.message(e, mark), ctx);
            return false;
        } catch (YamlEngineException | IllegalStateException e) {
            report.error(LoadCode.LOAD_ERR_YAML_PARSE, String.valueOf(e.getMessage()), root);
            return false;
        }
        for (Node doc : docs) {
            report.schemaStatus.addAll(RulesSchema.validate(doc));
        }
        for (Node doc : docs) {
            if (isNull(doc)) {
                continue;
            }
            try {
                if (!(doc instanceof MappingNode) && !(doc instanceof SequenceNode)) {
                    throw yamlValidate("Rules content is not yaml", root);
                }
                if (!(doc instanceof SequenceNode seq)) {
                    throw yamlValidate("Rules content is not yaml array of objects", root);
                }
                for (Node item : seq.getValue()) {
                    if (!isNull(item)) {
                        readItem(item, root, report);
                    }
                }
            } catch (RuleLoadException e) {
                report.error(e);
                return false;
            }
        }
        return true;
    }

    private void readItem(Node item, Context parent, FileReport report) throws RuleLoadException {
        if (!(item instanceof MappingNode map)) {
            throw yamlValidate("Unexpected element type. Each element should be a yaml associative array.",
                    parent.child(item, ItemType.RULES_CONTENT_ITEM, ""));
        }
        if (get(map, "required_engine_version") != null) {
            readEngineVersion(map, parent, report);
        } else if (get(map, "required_plugin_versions") != null) {
            readPluginVersions(map, parent, report);
        } else if (get(map, "list") != null) {
            readList(map, parent, report);
        } else if (get(map, "macro") != null) {
            readMacro(map, parent, report);
        } else if (get(map, "rule") != null) {
            readRule(map, parent, report);
        } else {
            report.warn(LoadCode.LOAD_UNKNOWN_ITEM, "Unknown top level item",
                    parent.child(map, ItemType.RULES_CONTENT_ITEM, ""));
        }
    }

    private void readEngineVersion(MappingNode item, Context parent, FileReport report) throws RuleLoadException {
        Context ctx = parent.child(item, ItemType.REQUIRED_ENGINE_VERSION, "");
        Node val = get(item, "required_engine_version");
        SemVer version;
        if (val instanceof ScalarNode s && UINT.matcher(s.getValue()).matches() && fitsUint32(s.getValue())) {
            version = new SemVer(0, Long.parseLong(s.getValue().replace("+", "")), 0);
        } else {
            String ver = decodeString(item, "required_engine_version", ctx, false, false);
            version = SemVer.parse(ver).orElseThrow(() -> yamlValidate("Unable to parse engine version '" + ver
                    + "' as a semver string. Expected \"x.y.z\" semver format.", ctx));
        }
        collector.defineEngineVersion(version, ctx);
        warnUnknownKeys(item, Set.of("required_engine_version"), ctx, report);
    }

    private void readPluginVersions(MappingNode item, Context parent, FileReport report) throws RuleLoadException {
        Node reqs = get(item, "required_plugin_versions");
        Context ctx = parent.child(reqs, ItemType.REQUIRED_PLUGIN_VERSIONS, "");
        if (!(reqs instanceof SequenceNode seq)) {
            throw yamlValidate("Value of required_plugin_versions must be a sequence", ctx);
        }
        for (Node plugin : seq.getValue()) {
            Context tmp = ctx.child(plugin, ItemType.REQUIRED_PLUGIN_VERSIONS_ENTRY, "");
            if (!(plugin instanceof MappingNode pm)) {
                throw yamlValidate("Plugin version must be a mapping", tmp);
            }
            String name = decodeString(pm, "name", tmp, false, false);
            Context pctx = ctx.child(plugin, ItemType.REQUIRED_PLUGIN_VERSIONS_ENTRY, name);
            String version = decodeString(pm, "version", pctx, false, false);
            List<RulesCollector.PluginRequirement> alternatives = new ArrayList<>();
            alternatives.add(new RulesCollector.PluginRequirement(name, version));
            Node alts = get(pm, "alternatives");
            if (alts != null) {
                if (!(alts instanceof SequenceNode altSeq)) {
                    throw yamlValidate("Value of plugin version alternatives must be a sequence", pctx);
                }
                for (Node req : altSeq.getValue()) {
                    Context atmp = pctx.child(req, ItemType.REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE, "");
                    if (!(req instanceof MappingNode rm)) {
                        throw yamlValidate("Plugin version alternative must be a mapping", atmp);
                    }
                    String aname = decodeString(rm, "name", atmp, false, false);
                    Context actx = pctx.child(req, ItemType.REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE, aname);
                    String aversion = decodeString(rm, "version", actx, false, false);
                    alternatives.add(new RulesCollector.PluginRequirement(aname, aversion));
                }
            }
            collector.definePluginVersions(alternatives, pctx);
        }
        warnUnknownKeys(item, Set.of("required_plugin_versions"),
                parent.child(item, ItemType.REQUIRED_PLUGIN_VERSIONS, ""), report);
    }

    private void readList(MappingNode item, Context parent, FileReport report) throws RuleLoadException {
        String name = decodeString(item, "list", parent.child(item, ItemType.LIST, ""), false, false);
        Context ctx = parent.child(item, ItemType.LIST, name);
        if (!BARESTR.matcher(name).matches()) {
            report.warn(LoadCode.LOAD_INVALID_LIST_NAME, "List has an invalid name. List names should match a "
                    + "regular expression: " + RGX_BARESTR, ctx);
        }
        ListInfo v = new ListInfo(ctx);
        v.name = name;
        v.items = decodeSeq(item, "items", ctx, false);
        boolean append = decodeBool(item, "append", ctx, true, false);
        if (append) {
            report.warn(LoadCode.LOAD_DEPRECATED_ITEM, RulesCollector.WARNING_APPEND, ctx);
        }
        Set<String> overrideAppend = new LinkedHashSet<>();
        Set<String> overrideReplace = new LinkedHashSet<>();
        decodeOverrides(item, Set.of("items"), Set.of("items"), overrideAppend, overrideReplace, ctx);
        boolean hasOverrides = !overrideAppend.isEmpty() || !overrideReplace.isEmpty();
        if (append && hasOverrides) {
            throw yamlValidate(RulesCollector.ERROR_OVERRIDE_APPEND, ctx);
        }
        append |= overrideAppend.contains("items");
        if (append) {
            collector.appendList(v);
        } else {
            collector.defineList(v);
            report.definedLists.add(name);
        }
        warnUnknownKeys(item, LIST_KEYS, ctx, report);
    }

    private void readMacro(MappingNode item, Context parent, FileReport report) throws RuleLoadException {
        String name = decodeString(item, "macro", parent.child(item, ItemType.MACRO, ""), false, false);
        Context ctx = parent.child(item, ItemType.MACRO, name);
        if (!IDENTIFIER.matcher(name).matches()) {
            report.warn(LoadCode.LOAD_INVALID_MACRO_NAME, "Macro has an invalid name. Macro names should match a "
                    + "regular expression: " + RGX_IDENTIFIER, ctx);
        }
        MacroInfo v = new MacroInfo(ctx);
        v.name = name;
        v.cond = decodeString(item, "condition", ctx, false, false);
        v.condCtx = ctx.child(get(item, "condition"), ItemType.MACRO_CONDITION, "");
        boolean append = decodeBool(item, "append", ctx, true, false);
        if (append) {
            report.warn(LoadCode.LOAD_DEPRECATED_ITEM, RulesCollector.WARNING_APPEND, ctx);
        }
        Set<String> overrideAppend = new LinkedHashSet<>();
        Set<String> overrideReplace = new LinkedHashSet<>();
        decodeOverrides(item, Set.of("condition"), Set.of("condition"), overrideAppend, overrideReplace, ctx);
        boolean hasOverrides = !overrideAppend.isEmpty() || !overrideReplace.isEmpty();
        if (append && hasOverrides) {
            throw yamlValidate(RulesCollector.ERROR_OVERRIDE_APPEND, ctx);
        }
        append |= overrideAppend.contains("condition");
        if (append) {
            collector.appendMacro(v);
        } else {
            collector.defineMacro(v);
            report.definedMacros.add(name);
        }
        warnUnknownKeys(item, MACRO_KEYS, ctx, report);
    }

    private void readRule(MappingNode item, Context parent, FileReport report) throws RuleLoadException {
        String name = decodeString(item, "rule", parent.child(item, ItemType.RULE, ""), false, false);
        Context ctx = parent.child(item, ItemType.RULE, name);
        String source = decodeStringOr(item, "source", ctx, true, true, "");
        boolean hasAppendFlag = decodeBool(item, "append", ctx, true, false);
        if (hasAppendFlag) {
            report.warn(LoadCode.LOAD_DEPRECATED_ITEM, RulesCollector.WARNING_APPEND, ctx);
        }
        Set<String> overrideAppend = new LinkedHashSet<>();
        Set<String> overrideReplace = new LinkedHashSet<>();
        decodeOverrides(item, RULE_APPENDABLE, RULE_REPLACEABLE, overrideAppend, overrideReplace, ctx);
        boolean hasOverrides = !overrideAppend.isEmpty() || !overrideReplace.isEmpty();
        if (hasAppendFlag && hasOverrides) {
            throw yamlValidate(RulesCollector.ERROR_OVERRIDE_APPEND, ctx);
        }
        if (hasOverrides) {
            Set<String> expected = new TreeSet<>();
            for (String key : RULE_APPENDABLE) {
                if (get(item, key) != null) {
                    expected.add(key);
                }
            }
            for (String key : RULE_REPLACEABLE) {
                if (get(item, key) != null) {
                    expected.add(key);
                }
            }
            if (!overrideAppend.isEmpty()) {
                RuleUpdate v = new RuleUpdate(ctx);
                v.name = name;
                if (checkUpdateExpected(expected, overrideAppend, "append", "condition", ctx)) {
                    v.source = source;
                    v.cond = decodeString(item, "condition", ctx, false, false);
                }
                if (checkUpdateExpected(expected, overrideAppend, "append", "exceptions", ctx)) {
                    v.exceptions = readExceptions(item, ctx, true, report);
                }
                if (checkUpdateExpected(expected, overrideAppend, "append", "output", ctx)) {
                    v.output = decodeString(item, "output", ctx, false, false);
                }
                if (checkUpdateExpected(expected, overrideAppend, "append", "desc", ctx)) {
                    v.desc = decodeString(item, "desc", ctx, false, false);
                }
                if (checkUpdateExpected(expected, overrideAppend, "append", "tags", ctx)) {
                    v.tags = new TreeSet<>(decodeSeq(item, "tags", ctx, true));
                }
                collector.appendRule(v);
            }
            if (!overrideReplace.isEmpty()) {
                RuleUpdate v = new RuleUpdate(ctx);
                v.name = name;
                if (checkUpdateExpected(expected, overrideReplace, "replace", "condition", ctx)) {
                    v.source = source;
                    v.cond = decodeString(item, "condition", ctx, false, false);
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "exceptions", ctx)) {
                    v.exceptions = readExceptions(item, ctx, false, report);
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "output", ctx)) {
                    v.output = decodeString(item, "output", ctx, false, false);
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "desc", ctx)) {
                    v.desc = decodeString(item, "desc", ctx, false, false);
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "tags", ctx)) {
                    v.tags = new TreeSet<>(decodeSeq(item, "tags", ctx, true));
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "priority", ctx)) {
                    String priority = decodeString(item, "priority", ctx, false, false);
                    Context prictx = ctx.child(get(item, "priority"), ItemType.RULE_PRIORITY, "");
                    v.priority = Priority.parse(priority).orElseThrow(() -> yamlValidate("Invalid priority",
                            prictx));
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "capture", ctx)) {
                    v.capture = decodeBool(item, "capture", ctx, false, false);
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "capture_duration", ctx)) {
                    v.captureDuration = decodeUint(item, "capture_duration", ctx, false, 0);
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "enabled", ctx)) {
                    v.enabled = decodeBool(item, "enabled", ctx, false, true);
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "warn_evttypes", ctx)) {
                    v.warnEvttypes = decodeBool(item, "warn_evttypes", ctx, false, true);
                }
                if (checkUpdateExpected(expected, overrideReplace, "replace", "skip-if-unknown-filter", ctx)) {
                    v.skipIfUnknownFilter = decodeBool(item, "skip-if-unknown-filter", ctx, false, false);
                }
                collector.replaceRule(v);
            }
            for (String key : expected) {
                throw yamlValidate("Unexpected key '" + key + "': no corresponding entry under 'override' is "
                        + "defined.", ctx.child(get(item, key), ItemType.OVERRIDE, key));
            }
        } else if (hasAppendFlag) {
            RuleUpdate v = new RuleUpdate(ctx);
            v.name = name;
            v.source = source;
            if (get(item, "condition") != null) {
                v.condCtx = ctx.child(get(item, "condition"), ItemType.RULE_CONDITION, "");
                v.cond = decodeString(item, "condition", ctx, false, false);
            }
            if (get(item, "exceptions") != null) {
                v.exceptions = readExceptions(item, ctx, true, report);
            }
            collector.appendRule(v);
        } else {
            RuleInfo v = new RuleInfo(ctx);
            v.name = name;
            v.file = report.name();
            if (get(item, "condition") == null && get(item, "output") == null && get(item, "desc") == null
                    && get(item, "priority") == null) {
                boolean enabled = decodeBool(item, "enabled", ctx, false, true);
                report.warn(LoadCode.LOAD_DEPRECATED_ITEM, RulesCollector.WARNING_ENABLED, ctx);
                collector.enableRule(name, enabled, ctx);
            } else {
                v.cond = decodeString(item, "condition", ctx, false, false);
                v.condCtx = ctx.child(get(item, "condition"), ItemType.RULE_CONDITION, "");
                v.output = decodeString(item, "output", ctx, false, false);
                v.outputCtx = ctx.child(get(item, "output"), ItemType.RULE_OUTPUT, "");
                v.desc = decodeString(item, "desc", ctx, false, false);
                String priority = decodeString(item, "priority", ctx, false, false);
                v.output = v.output.strip();
                Context prictx = ctx.child(get(item, "priority"), ItemType.RULE_PRIORITY, "");
                v.priority = Priority.parse(priority).orElseThrow(() -> yamlValidate("Invalid priority", prictx));
                v.source = decodeStringOr(item, "source", ctx, true, false, "syscall");
                v.enabled = decodeBool(item, "enabled", ctx, true, true);
                v.capture = decodeBool(item, "capture", ctx, true, false);
                v.captureDuration = decodeUint(item, "capture_duration", ctx, true, 0);
                v.warnEvttypes = decodeBool(item, "warn_evttypes", ctx, true, true);
                v.skipIfUnknownFilter = decodeBool(item, "skip-if-unknown-filter", ctx, true, false);
                v.tags = new TreeSet<>(decodeSeq(item, "tags", ctx, true));
                v.exceptions = readExceptions(item, ctx, false, report);
                collector.defineRule(v, report);
                report.definedRules.add(name);
            }
        }
        warnUnknownKeys(item, RULE_KEYS, ctx, report);
    }

    private static boolean checkUpdateExpected(Set<String> expected, Set<String> overrides, String type, String key,
            Context ctx) throws RuleLoadException {
        if (!overrides.contains(key)) {
            return false;
        }
        if (!expected.contains(key)) {
            throw yamlValidate("An " + type + " override for '" + key + "' was specified but '" + key
                    + "' is not defined", ctx);
        }
        expected.remove(key);
        return true;
    }

    private static void decodeOverrides(MappingNode item, Set<String> appendable, Set<String> replaceable,
            Set<String> outAppend, Set<String> outReplace, Context ctx) throws RuleLoadException {
        Node val = get(item, "override");
        if (val == null) {
            return;
        }
        Context overrideCtx = ctx.child(item, ItemType.OVERRIDE, "");
        if (!(val instanceof MappingNode map)) {
            return;
        }
        for (NodeTuple t : map.getValue()) {
            String key = scalarText(t.getKeyNode(), ctx);
            String operation = scalarText(t.getValueNode(), ctx);
            boolean canAppend = appendable.contains(key);
            boolean canReplace = replaceable.contains(key);
            if (operation.equals("append")) {
                if (!canAppend) {
                    throw yamlValidate("Key '" + key + "' cannot be appended to, use 'replace' instead",
                            overrideCtx.child(t.getKeyNode(), ItemType.OVERRIDE, key));
                }
                outAppend.add(key);
            } else if (operation.equals("replace")) {
                if (!canReplace) {
                    throw yamlValidate("Key '" + key + "' cannot be replaced",
                            overrideCtx.child(t.getKeyNode(), ItemType.OVERRIDE, key));
                }
                outReplace.add(key);
            } else {
                StringBuilder msg = new StringBuilder("Invalid override operation for key '").append(key)
                        .append("': '").append(operation).append("'. Allowed values are: ");
                if (canAppend) {
                    msg.append("append ");
                }
                if (canReplace) {
                    msg.append("replace ");
                }
                throw yamlValidate(msg.toString(), overrideCtx.child(t.getValueNode(), ItemType.VALUE_FOR, key));
            }
        }
    }

    private List<ExceptionInfo> readExceptions(MappingNode item, Context parent, boolean append, FileReport report)
            throws RuleLoadException {
        List<ExceptionInfo> exceptions = new ArrayList<>();
        Node exs = get(item, "exceptions");
        if (exs == null || isNull(exs)) {
            return exceptions;
        }
        Context exesCtx = parent.child(exs, ItemType.EXCEPTIONS, "");
        if (!(exs instanceof SequenceNode seq)) {
            throw yamlValidate("Rule exceptions must be a sequence", exesCtx);
        }
        for (Node ex : seq.getValue()) {
            Context tmp = exesCtx.child(ex, ItemType.EXCEPTION, "");
            if (!(ex instanceof MappingNode exMap)) {
                throw yamlValidate("Rule exception must be a mapping", tmp);
            }
            String name = decodeString(exMap, "name", tmp, false, false);
            Context exCtx = parent.child(ex, ItemType.EXCEPTION, name);
            ExceptionInfo v = new ExceptionInfo(exCtx);
            v.name = name;
            for (ExceptionInfo e : exceptions) {
                if (e.name.equals(name)) {
                    report.warn(LoadCode.LOAD_EXCEPTION_NAME_NOT_UNIQUE, "Multiple definitions of exception '" + name
                            + "' in the same rule", exCtx);
                }
            }
            decodeExceptionEntry(get(exMap, "fields"), "fields", v.fields, exCtx, append);
            decodeExceptionEntry(get(exMap, "comps"), "comps", v.comps, exCtx, true);
            Node exvals = get(exMap, "values");
            if (exvals != null) {
                Context valsCtx = exCtx.child(exvals, ItemType.EXCEPTION_VALUES, "");
                if (!(exvals instanceof SequenceNode valSeq)) {
                    throw yamlValidate("Rule exception values must be a sequence", valsCtx);
                }
                for (Node val : valSeq.getValue()) {
                    Context vctx = valsCtx.child(val, ItemType.EXCEPTION_VALUE, "");
                    ExceptionInfo.Entry entry = new ExceptionInfo.Entry();
                    decodeExceptionEntry(val, null, entry, vctx, false);
                    v.values.add(entry);
                }
            } else if (append) {
                report.warn(LoadCode.LOAD_APPEND_NO_VALUES, "Overriding/appending exception with no values", exCtx);
            }
            exceptions.add(v);
        }
        return exceptions;
    }

    private static void decodeExceptionEntry(Node val, String key, ExceptionInfo.Entry out, Context ctx,
            boolean optional) throws RuleLoadException {
        if (val == null) {
            if (optional) {
                return;
            }
            throw yamlValidate("Item has no mapping for key '" + key + "'", ctx);
        }
        Context valCtx = ctx.child(val, ItemType.VALUE_FOR, key == null ? "" : key);
        if (val instanceof ScalarNode s && !isNull(s)) {
            if (s.getValue().isEmpty()) {
                throw yamlValidate("Value must be non-empty", valCtx);
            }
            out.isList = false;
            out.item = s.getValue();
        }
        if (val instanceof SequenceNode seq) {
            out.isList = true;
            for (Node v : seq.getValue()) {
                ExceptionInfo.Entry tmp = new ExceptionInfo.Entry();
                decodeExceptionEntry(v, null, tmp, valCtx.child(v, ItemType.EXCEPTION, ""), false);
                out.items.add(tmp);
            }
        }
    }

    private static void warnUnknownKeys(MappingNode item, Set<String> expected, Context ctx, FileReport report)
            throws RuleLoadException {
        for (NodeTuple t : item.getValue()) {
            String key = scalarText(t.getKeyNode(), ctx);
            if (!expected.contains(key)) {
                report.warn(LoadCode.LOAD_UNKNOWN_KEY, "Unknown key '" + key + "'. The key will be ignored.", ctx);
            }
        }
    }

    // ---- scalar decoding, as yaml-cpp's convert<T> ----

    static Node get(MappingNode map, String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN && s.getTag().equals(Tag.NULL);
    }

    private static String scalarText(Node node, Context ctx) throws RuleLoadException {
        if (node instanceof ScalarNode s) {
            return isNull(s) ? "" : s.getValue();
        }
        throw new RuleLoadException(LoadCode.LOAD_ERR_VALIDATE, "bad conversion", Context.root(ctx.name()));
    }

    /** Decodes a scalar string; returns null when optional and absent (or empty and allowed). */
    private static String decodeString(MappingNode item, String key, Context ctx, boolean optional,
            boolean canBeEmpty) throws RuleLoadException {
        ScalarNode s = scalar(item, key, ctx, optional, canBeEmpty);
        return s == null ? null : s.getValue();
    }

    private static String decodeStringOr(MappingNode item, String key, Context ctx, boolean optional,
            boolean canBeEmpty, String dflt) throws RuleLoadException {
        String s = decodeString(item, key, ctx, optional, canBeEmpty);
        return s == null ? dflt : s;
    }

    private static boolean decodeBool(MappingNode item, String key, Context ctx, boolean optional, boolean dflt)
            throws RuleLoadException {
        ScalarNode s = scalar(item, key, ctx, optional, false);
        if (s == null) {
            return dflt;
        }
        Boolean b = yamlBool(s.getValue());
        if (b == null) {
            throw yamlValidate("Can't decode YAML scalar value", ctx.child(s, ItemType.VALUE_FOR, key));
        }
        return b;
    }

    private static long decodeUint(MappingNode item, String key, Context ctx, boolean optional, long dflt)
            throws RuleLoadException {
        ScalarNode s = scalar(item, key, ctx, optional, false);
        if (s == null) {
            return dflt;
        }
        if (!UINT.matcher(s.getValue()).matches() || !fitsUint32(s.getValue())) {
            throw yamlValidate("Can't decode YAML scalar value", ctx.child(s, ItemType.VALUE_FOR, key));
        }
        return Long.parseLong(s.getValue().replace("+", ""));
    }

    private static ScalarNode scalar(MappingNode item, String key, Context ctx, boolean optional,
            boolean canBeEmpty) throws RuleLoadException {
        Node val = get(item, key);
        if (val == null) {
            if (optional) {
                return null;
            }
            throw yamlValidate("Item has no mapping for key '" + key + "'", ctx);
        }
        if (isNull(val)) {
            if (canBeEmpty) {
                return null;
            }
            throw yamlValidate("Mapping for key '" + key + "' is empty", ctx);
        }
        Context valCtx = ctx.child(val, ItemType.VALUE_FOR, key);
        if (!(val instanceof ScalarNode s)) {
            throw yamlValidate("Value is not a scalar value", valCtx);
        }
        if (s.getValue().isEmpty()) {
            if (canBeEmpty) {
                return null;
            }
            throw yamlValidate("Value must be non-empty", valCtx);
        }
        return s;
    }

    private static List<String> decodeSeq(MappingNode item, String key, Context ctx, boolean optional)
            throws RuleLoadException {
        List<String> out = new ArrayList<>();
        Node val = get(item, key);
        if (val == null) {
            if (optional) {
                return out;
            }
            throw yamlValidate("Item has no mapping for key '" + key + "'", ctx);
        }
        Context valCtx = ctx.child(val, ItemType.VALUE_FOR, key);
        if (!(val instanceof SequenceNode seq)) {
            throw yamlValidate("Value is not a sequence", valCtx);
        }
        for (Node v : seq.getValue()) {
            if (!(v instanceof ScalarNode s)) {
                throw yamlValidate("sequence value is not scalar", valCtx.child(v, ItemType.LIST_ITEM, ""));
            }
            out.add(isNull(s) ? "" : s.getValue());
        }
        return out;
    }

    private static Boolean yamlBool(String v) {
        String[][] pairs = {{"y", "n"}, {"yes", "no"}, {"true", "false"}, {"on", "off"}};
        if (!flexibleCase(v)) {
            return null;
        }
        String lower = v.toLowerCase(java.util.Locale.ROOT);
        for (String[] p : pairs) {
            if (lower.equals(p[0])) {
                return true;
            }
            if (lower.equals(p[1])) {
                return false;
            }
        }
        return null;
    }

    /** yaml-cpp accepts booleans written all lower case, all upper case, or capitalized. */
    private static boolean flexibleCase(String s) {
        if (s.isEmpty()) {
            return true;
        }
        boolean allLower = s.equals(s.toLowerCase(java.util.Locale.ROOT));
        boolean allUpper = s.equals(s.toUpperCase(java.util.Locale.ROOT));
        boolean capitalized = Character.isUpperCase(s.charAt(0))
                && s.substring(1).equals(s.substring(1).toLowerCase(java.util.Locale.ROOT));
        return allLower || allUpper || capitalized;
    }

    private static boolean fitsUint32(String digits) {
        String d = digits.replace("+", "").replaceFirst("^0+(?=.)", "");
        return d.length() < 10 || (d.length() == 10 && d.compareTo("4294967295") <= 0);
    }

    private static RuleLoadException yamlValidate(String message, Context ctx) {
        return new RuleLoadException(LoadCode.LOAD_ERR_YAML_VALIDATE, message, ctx);
    }
}
