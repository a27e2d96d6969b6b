package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Accumulates the definitions of every rules file read so far, in order, applying {@code append},
 * {@code override} and enabled-only items as Falco's {@code rule_loader::collector} does. Later files see (and may
 * redefine) what earlier files defined.
 */
final class RulesCollector {
    /*
     * Implementation notes: every define/append/replace takes the next sequence number. A definition keeps the
     * index of the FIRST definition of its name (its place in the ordered map) and records the latest sequence
     * number as its "visibility": when macros are compiled, a macro sees the macros whose index is below its
     * visibility, which is how Falco lets a later append reference macros defined in between. Redefining a name
     * replaces the whole definition in place.
     */

    static final String WARNING_APPEND = "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: "
            + "append') under 'override' instead.";
    static final String WARNING_ENABLED = "The standalone 'enabled' key usage is deprecated. The correct approach "
            + "requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').";
    static final String ERROR_OVERRIDE_APPEND = "Keys 'override' and 'append: true' cannot be used together. Add an "
            + "'append' entry (e.g. 'condition: append') under 'override' instead.";
    static final String ERROR_NO_PREVIOUS_MACRO = "Macro uses 'append' or 'override.condition: append' but no macro "
            + "by that name already exists";
    static final String ERROR_NO_PREVIOUS_LIST = "List uses 'append' or 'override.items: append' but no list by "
            + "that name already exists";
    static final String ERROR_NO_PREVIOUS_RULE_APPEND = "Rule uses 'append' or 'override.<key>: append' but no rule "
            + "by that name already exists";
    static final String ERROR_NO_PREVIOUS_RULE_REPLACE = "An 'override.<key>: replace' to a rule was requested but "
            + "no rule by that name already exists";

    /** A plugin requirement: the named plugin at this version or a compatible newer one. */
    record PluginRequirement(String name, String version) {
        PluginRequirement {
            requireNonNull(name, "name is null");
            requireNonNull(version, "version is null");
        }
    }

    /** One {@code required_plugin_versions} entry: any one of the alternatives satisfies it. */
    record PluginAlternatives(List<PluginRequirement> alternatives, Context ctx) {
        PluginAlternatives {
            alternatives = List.copyOf(alternatives);
        }
    }

    private final SourceRegistry sources;
    private final Map<String, ListInfo> lists = new LinkedHashMap<>();
    private final Map<String, MacroInfo> macros = new LinkedHashMap<>();
    private final Map<String, RuleInfo> rules = new LinkedHashMap<>();
    private final List<PluginAlternatives> requiredPlugins = new ArrayList<>();
    private SemVer requiredEngineVersion = new SemVer(0, 0, 0);
    private int curIndex;

    RulesCollector(SourceRegistry sources) {
        this.sources = requireNonNull(sources, "sources is null");
    }

    Collection<ListInfo> lists() {
        return lists.values();
    }

    Collection<MacroInfo> macros() {
        return macros.values();
    }

    Collection<RuleInfo> rules() {
        return rules.values();
    }

    ListInfo list(String name) {
        return lists.get(name);
    }

    MacroInfo macro(String name) {
        return macros.get(name);
    }

    RuleInfo rule(String name) {
        return rules.get(name);
    }

    List<PluginAlternatives> requiredPlugins() {
        return List.copyOf(requiredPlugins);
    }

    /** {@return the highest {@code required_engine_version} seen} */
    SemVer requiredEngineVersion() {
        return requiredEngineVersion;
    }

    void defineEngineVersion(SemVer version, Context ctx) throws RuleLoadException {
        if (!EngineVersions.ENGINE.compatibleWith(version)) {
            throw validate("Rules require engine version " + version + ", but engine version is "
                    + EngineVersions.ENGINE, ctx);
        }
        if (requiredEngineVersion.compareTo(version) < 0) {
            requiredEngineVersion = version;
        }
    }

    void definePluginVersions(List<PluginRequirement> alternatives, Context ctx) throws RuleLoadException {
        Set<String> names = new HashSet<>();
        for (PluginRequirement r : alternatives) {
            if (SemVer.parse(r.version()).isEmpty()) {
                throw validate("Invalid required version '" + r.version() + "' for plugin '" + r.name() + "'", ctx);
            }
            if (!names.add(r.name())) {
                throw validate("Defined multiple alternative version requirements for plugin '" + r.name() + "'",
                        ctx);
            }
        }
        requiredPlugins.add(new PluginAlternatives(alternatives, ctx));
    }

    void defineList(ListInfo info) {
        ListInfo prev = lists.get(info.name);
        int id = curIndex++;
        info.visibility = id;
        if (prev != null) {
            info.index = prev.index;
        } else {
            info.index = id;
        }
        lists.put(info.name, info);
    }

    void appendList(ListInfo info) throws RuleLoadException {
        ListInfo prev = lists.get(info.name);
        if (prev == null) {
            throw validate(ERROR_NO_PREVIOUS_LIST, info.ctx);
        }
        prev.items.addAll(info.items);
        prev.visibility = curIndex++;
    }

    void defineMacro(MacroInfo info) {
        MacroInfo prev = macros.get(info.name);
        int id = curIndex++;
        info.visibility = id;
        info.index = prev != null ? prev.index : id;
        macros.put(info.name, info);
    }

    void appendMacro(MacroInfo info) throws RuleLoadException {
        MacroInfo prev = macros.get(info.name);
        if (prev == null) {
            throw validate(ERROR_NO_PREVIOUS_MACRO, info.ctx);
        }
        prev.cond = prev.cond + " " + info.cond;
        prev.visibility = curIndex++;
    }

    void defineRule(RuleInfo info, FileReport report) throws RuleLoadException {
        findPrevRule(info.name, info.source, info.ctx);
        boolean known = sources.catalog(info.source).isPresent();
        if (!known) {
            info.unknownSource = true;
            report.warn(LoadCode.LOAD_UNKNOWN_SOURCE, "Unknown source " + info.source + ", skipping", info.ctx);
        }
        for (ExceptionInfo ex : info.exceptions) {
            if (!ex.fields.isValid()) {
                throw validate("Rule exception item must have fields property with a list of fields", ex.ctx);
            }
            validateException(known ? Optional.of(info.source) : Optional.empty(), ex);
        }
        RuleInfo prev = rules.get(info.name);
        int id = curIndex++;
        info.visibility = id;
        info.index = prev != null ? prev.index : id;
        rules.put(info.name, info);
    }

    void appendRule(RuleUpdate info) throws RuleLoadException {
        RuleInfo prev = findPrevRule(info.name, info.source, info.ctx);
        if (prev == null) {
            throw validate(ERROR_NO_PREVIOUS_RULE_APPEND, info.ctx);
        }
        if (!info.hasAnyValue()) {
            throw validate("Appended rule must have exceptions or condition property", info.ctx);
        }
        Optional<String> source = sourceOf(prev, info.ctx);
        if (info.cond != null && !info.cond.isEmpty()) {
            prev.cond = prev.cond + " " + info.cond;
        }
        if (info.output != null && !info.output.isEmpty()) {
            prev.output = prev.output + " " + info.output;
        }
        if (info.desc != null && !info.desc.isEmpty()) {
            prev.desc = prev.desc + " " + info.desc;
        }
        if (info.tags != null) {
            prev.tags.addAll(info.tags);
        }
        if (info.exceptions != null) {
            for (ExceptionInfo ex : info.exceptions) {
                ExceptionInfo prevEx = prev.exceptions.stream().filter(e -> e.name.equals(ex.name)).findFirst()
                        .orElse(null);
                if (prevEx == null) {
                    if (!ex.fields.isValid()) {
                        throw validate("Rule exception must have fields property with a list of fields", ex.ctx);
                    }
                    if (ex.values.isEmpty()) {
                        throw validate("Rule exception must have values property with a list of values", ex.ctx);
                    }
                    validateException(source, ex);
                    prev.exceptions.add(ex);
                } else {
                    if (ex.fields.isValid()) {
                        throw validate("Can not append exception fields to existing exception, only values",
                                ex.ctx);
                    }
                    if (ex.comps.isValid()) {
                        throw validate("Can not append exception comps to existing exception, only values", ex.ctx);
                    }
                    prevEx.values.addAll(ex.values);
                }
            }
        }
        prev.visibility = curIndex++;
    }

    void replaceRule(RuleUpdate info) throws RuleLoadException {
        RuleInfo prev = findPrevRule(info.name, info.source, info.ctx);
        if (prev == null) {
            throw validate(ERROR_NO_PREVIOUS_RULE_REPLACE, info.ctx);
        }
        if (!info.hasAnyValue()) {
            throw validate("The rule must have at least one field that can be replaced", info.ctx);
        }
        sourceOf(prev, info.ctx);
        if (info.cond != null) {
            prev.cond = info.cond;
        }
        if (info.output != null) {
            prev.output = info.output;
        }
        if (info.desc != null) {
            prev.desc = info.desc;
        }
        if (info.tags != null) {
            prev.tags = new java.util.TreeSet<>(info.tags);
        }
        if (info.exceptions != null) {
            prev.exceptions = new ArrayList<>(info.exceptions);
        }
        if (info.priority != null) {
            prev.priority = info.priority;
        }
        if (info.capture != null) {
            prev.capture = info.capture;
        }
        if (info.captureDuration != null) {
            prev.captureDuration = info.captureDuration;
        }
        if (info.enabled != null) {
            prev.enabled = info.enabled;
        }
        if (info.warnEvttypes != null) {
            prev.warnEvttypes = info.warnEvttypes;
        }
        if (info.skipIfUnknownFilter != null) {
            prev.skipIfUnknownFilter = info.skipIfUnknownFilter;
        }
        prev.visibility = curIndex++;
    }

    void enableRule(String name, boolean enabled, Context ctx) throws RuleLoadException {
        RuleInfo prev = rules.get(name);
        if (prev == null) {
            throw validate("Rule has 'enabled' key but no rule by that name already exists", ctx);
        }
        prev.enabled = enabled;
    }

    private Optional<String> sourceOf(RuleInfo prev, Context ctx) throws RuleLoadException {
        if (prev.unknownSource) {
            return Optional.empty();
        }
        if (sources.catalog(prev.source).isEmpty()) {
            throw validate("Unknown source " + prev.source, ctx);
        }
        return Optional.of(prev.source);
    }

    private RuleInfo findPrevRule(String name, String source, Context ctx) throws RuleLoadException {
        RuleInfo ret = rules.get(name);
        if (ret != null && !ret.source.isEmpty() && !source.isEmpty() && !ret.source.equals(source)) {
            throw validate("Rule has been re-defined with a different source", ctx);
        }
        return ret;
    }

    private void validateException(Optional<String> source, ExceptionInfo ex) throws RuleLoadException {
        if (ex.fields.isList) {
            if (!ex.comps.isValid()) {
                ex.comps.isList = true;
                ex.comps.items = new ArrayList<>();
                for (int i = 0; i < ex.fields.items.size(); i++) {
                    ex.comps.items.add(new ExceptionInfo.Entry("="));
                }
            }
            if (ex.fields.items.size() != ex.comps.items.size()) {
                throw validate("Fields and comps lists must have equal length", ex.ctx);
            }
            for (ExceptionInfo.Entry v : ex.comps.items) {
                v.item = v.item.strip();
                if (!Operators.isOperator(v.item) && !Operators.isStrOperatorWithModifier(v.item)) {
                    throw validate("'" + v.item + "' is not a supported comparison operator", ex.ctx);
                }
            }
            if (source.isPresent()) {
                for (ExceptionInfo.Entry v : ex.fields.items) {
                    if (!sources.isValidLhsField(source.get(), v.item)) {
                        throw validate("'" + v.item + "' is not a supported filter field", ex.ctx);
                    }
                }
            }
        } else {
            if (!ex.comps.isValid()) {
                ex.comps.isList = false;
                ex.comps.item = "in";
            }
            if (ex.comps.isList) {
                throw validate("Fields and comps must both be strings", ex.ctx);
            }
            ex.comps.item = ex.comps.item.strip();
            String c = ex.comps.item;
            if (!c.equals("in") && !c.equals("pmatch") && !c.equals("intersects")
                    && !Operators.isStrOperatorWithModifier(c)) {
                throw validate("When fields is a single value, comps must be one of (in, pmatch, intersects) or a "
                        + "modifier operator (e.g. startswith oneof)", ex.ctx);
            }
            if (source.isPresent() && !sources.isValidLhsField(source.get(), ex.fields.item)) {
                throw validate("'" + ex.fields.item + "' is not a supported filter field", ex.ctx);
            }
        }
    }

    private static RuleLoadException validate(String message, Context ctx) {
        return new RuleLoadException(LoadCode.LOAD_ERR_VALIDATE, message, ctx);
    }
}
