/**
 * Loading Falco rules files: {@link dev.peregrine.rules.load.RulesLoader#load} reads YAML rules files (lists,
 * macros, rules, version requirements), applies {@code append}/{@code override} across files, builds exception
 * conditions, substitutes lists and macros, compiles conditions and outputs, and returns per-file
 * {@link dev.peregrine.rules.load.FileLoadResult}s with Falco's codes and messages plus the compiled
 * {@link dev.peregrine.rules.load.Ruleset}.
 *
 * <p>The stages mirror Falco's engine ({@code userspace/engine/rule_loader_reader.cpp}, {@code _collector.cpp},
 * {@code _compiler.cpp}): {@code RulesReader} validates structure, {@code RulesCollector} accumulates definitions,
 * {@code RulesetCompiler} compiles them. Only the facade, the options, the results and the ruleset are public.
 */
package dev.peregrine.rules.load;
