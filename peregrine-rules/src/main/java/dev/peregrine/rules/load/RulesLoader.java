package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads Falco rules files into a {@link Ruleset}, reporting every problem as Falco does. Files are read in order
 * into one collection of definitions, so a later file can append to, override or redefine what an earlier one
 * defined; after each file everything collected so far is compiled and that file's result records the problems
 * found (Falco's {@code falco_engine::load_rules}, as used by {@code falco -V}).
 *
 * <p>Never throws for bad input: every failure is a {@link Problem} in the outcome.
 *
 * {@snippet :
 * LoadOutcome outcome = RulesLoader.load(List.of(new RulesSource("rules.yaml", text)), LoadOptions.defaults());
 * if (!outcome.successful()) {
 *     System.out.println(outcome.toJson());
 * }
 * }
 */
public final class RulesLoader {
    /*
     * Implementation notes: Falco stops reading a file at its first error, but goes on with the next files (their
     * definitions still accumulate). The ruleset of the last successful compilation is kept; it is returned only
     * when every file succeeded. Plugin requirements are checked against the plugins Peregrine provides natively
     * (EngineVersions) after each file; Falco aborts with a fatal message there, we report the same message as a
     * LOAD_ERR_VALIDATE error of the file that declared the requirement.
     */

    private RulesLoader() {
    }

    /** {@return the results of loading {@code sources} in order with {@code options}} */
    public static LoadOutcome load(List<RulesSource> sources, LoadOptions options) {
        return load(sources, options, CatalogSourceRegistry.INSTANCE);
    }

    static LoadOutcome load(List<RulesSource> sources, LoadOptions options, SourceRegistry registry) {
        requireNonNull(sources, "sources is null");
        requireNonNull(options, "options is null");
        Map<String, String> contents = new HashMap<>();
        for (RulesSource s : sources) {
            contents.put(s.name(), s.content());
        }
        RulesCollector collector = new RulesCollector(registry);
        RulesetCompiler compiler = new RulesetCompiler(registry, options);
        List<FileLoadResult> results = new ArrayList<>();
        List<FileInventory> inventories = new ArrayList<>();
        RulesetCompiler.Output last = null;
        for (RulesSource s : sources) {
            FileReport report = new FileReport(s.name(), contents);
            int pluginRequirementsBefore = collector.requiredPlugins().size();
            try {
                if (new RulesReader(collector).read(s.content(), report)) {
                    RulesetCompiler.Output out = compiler.compile(collector, report);
                    if (out != null && report.successful()) {
                        last = out;
                    }
                }
                List<RulesCollector.PluginAlternatives> reqs = collector.requiredPlugins();
                for (var alternatives : reqs.subList(pluginRequirementsBefore, reqs.size())) {
                    checkPluginRequirement(alternatives).ifPresent(msg ->
                            report.error(LoadCode.LOAD_ERR_VALIDATE, msg, alternatives.ctx()));
                }
            } catch (RuntimeException e) {
                // A defect of ours or of a collaborator must still reach the user as a located problem.
                report.error(LoadCode.LOAD_ERR_VALIDATE, "internal error: " + e, Context.root(s.name()));
            } catch (StackOverflowError e) {
                // Only reachable with pathological macro chains (thousands of macros each using the next).
                report.error(LoadCode.LOAD_ERR_VALIDATE, "rules too deeply nested: macro expansion exhausted the "
                        + "stack", Context.root(s.name()));
            }
            results.add(report.result());
            inventories.add(report.inventory());
        }
        boolean ok = results.stream().allMatch(FileLoadResult::successful);
        Optional<Ruleset> ruleset = Optional.empty();
        if (ok && last != null) {
            ruleset = Optional.of(new Ruleset(last.rules(), options, last.slots(), last.macroCount(),
                    last.listCount(), last.definitions()));
        }
        return new LoadOutcome(results, inventories, ruleset);
    }

    /** {@return Falco's message when no alternative is satisfied by the natively provided plugins} */
    static Optional<String> checkPluginRequirement(RulesCollector.PluginAlternatives alternatives) {
        for (RulesCollector.PluginRequirement req : alternatives.alternatives()) {
            SemVer provided = EngineVersions.PROVIDED_PLUGINS.get(req.name());
            if (provided == null) {
                continue;
            }
            SemVer required = SemVer.parse(req.version()).orElse(null);
            if (required == null || !provided.compatibleWith(required)) {
                return Optional.of("Plugin '" + req.name() + "' version '" + provided
                        + "' is not compatible with required plugin version '" + req.version() + "'");
            }
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder();
        for (RulesCollector.PluginRequirement req : alternatives.alternatives()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(req.name()).append(" (>= ").append(req.version()).append(')');
        }
        return Optional.of("Plugin requirement not satisfied, must load one of: " + sb);
    }
}
