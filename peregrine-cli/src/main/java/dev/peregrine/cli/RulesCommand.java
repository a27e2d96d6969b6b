package dev.peregrine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.FileInventory;
import dev.peregrine.rules.load.FileLoadResult;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.Location;
import dev.peregrine.rules.load.Position;
import dev.peregrine.rules.load.Problem;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import dev.peregrine.rules.syntax.ExprPrinter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code peregrine rules ...}: work with rules files without capturing anything. */
@Command(name = "rules", description = "Validate and list Falco rules files.",
        subcommands = {RulesCommand.Validate.class, RulesCommand.ListRules.class, RulesCommand.Doc.class})
final class RulesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code peregrine rules validate}: Falco's {@code -V}. */
    @Command(name = "validate", description = {
        "Load, validate and compile rules files as Falco's -V does, reporting every error and warning with",
        "file:line:column. Files load in order into one engine, so later files may use earlier macros and lists.",
        "Without FILE, validates the bundled default ruleset. Exit code 1 when any file has an error."})
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print Falco's JSON validation document.")
        boolean json;

        @Parameters(paramLabel = "FILE", arity = "0..*", description = "Rules files or directories.")
        List<Path> files;

        @Override
        public Integer call() {
            LoadOutcome outcome = RulesLoader.load(RulesFiles.read(files), LoadOptions.defaults());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(outcome.toJson());
            } else {
                for (FileLoadResult r : outcome.results()) {
                    r.errors().forEach(p -> out.println(headline(r, p, "error")));
                    r.warnings().forEach(p -> out.println(headline(r, p, "warning")));
                    out.println(r.verboseText());
                }
            }
            out.flush();
            return outcome.exitCode();
        }
    }

    /**
     * {@return one compiler-style line per problem, {@code file:line:column: error CODE: message}, 1-based, at the
     * innermost location inside the file} Falco's own verbose block follows it with 0-based yaml-cpp positions.
     */
    static String headline(FileLoadResult result, Problem problem, String severity) {
        Position where = problem.locations().getFirst().position();
        for (Location loc : problem.locations()) {
            if (loc.position().name().equals(result.name())) {
                where = loc.position();
            }
        }
        return "%s:%d:%d: %s %s: %s".formatted(result.name(), where.line() + 1, where.column() + 1, severity,
                problem.code().name(), problem.message());
    }

    /** {@code peregrine rules list}: what the files define. */
    @Command(name = "list", description = {
        "List the rules the files define (name, priority, source, enabled, tags; with --json also the condition with",
        "macros and lists expanded) and how many rules, macros and lists each file defines. Without FILE, lists the",
        "bundled default ruleset."})
    static final class ListRules implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Parameters(paramLabel = "FILE", arity = "0..*", description = "Rules files or directories.")
        List<Path> files;

        @Override
        public Integer call() throws Exception {
            LoadOutcome outcome = RulesLoader.load(RulesFiles.read(files), LoadOptions.defaults());
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (outcome.ruleset().isEmpty()) {
                for (FileLoadResult r : outcome.results()) {
                    if (!r.successful()) {
                        err.println(r.verboseText());
                    }
                }
                err.flush();
                return outcome.exitCode();
            }
            Ruleset ruleset = outcome.ruleset().get();
            if (json) {
                printJson(outcome.inventories(), ruleset, out);
            } else {
                printText(outcome.inventories(), ruleset, out);
            }
            out.flush();
            return 0;
        }

        private static void printText(List<FileInventory> inventories, Ruleset ruleset, PrintWriter out) {
            for (FileInventory inv : inventories) {
                out.printf("%s: %d rules, %d macros, %d lists%n", inv.name(), inv.rules(), inv.macros(), inv.lists());
            }
            out.println();
            out.printf("%-60s %-13s %-10s %-8s %s%n", "RULE", "PRIORITY", "SOURCE", "ENABLED", "TAGS");
            for (Rule r : ruleset.rules()) {
                out.printf("%-60s %-13s %-10s %-8s %s%n", r.name(), r.priority().falcoName(), r.source(),
                        ruleset.isEnabled(r) ? "yes" : "no", String.join(",", r.sortedTags()));
            }
            long enabled = ruleset.rules().stream().filter(ruleset::isEnabled).count();
            out.printf("%n%d rules (%d enabled), %d macros, %d lists%n", ruleset.rules().size(), enabled,
                    ruleset.macroCount(), ruleset.listCount());
        }

        private static void printJson(List<FileInventory> inventories, Ruleset ruleset, PrintWriter out)
                throws Exception {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            ArrayNode files = root.putArray("files");
            for (FileInventory inv : inventories) {
                files.addObject().put("name", inv.name()).put("rules", inv.rules()).put("macros", inv.macros())
                        .put("lists", inv.lists());
            }
            ArrayNode rules = root.putArray("rules");
            for (Rule r : ruleset.rules()) {
                ObjectNode n = rules.addObject();
                n.put("name", r.name());
                n.put("priority", r.priority().falcoName());
                n.put("source", r.source());
                n.put("enabled", ruleset.isEnabled(r));
                ArrayNode tags = n.putArray("tags");
                r.sortedTags().forEach(tags::add);
                n.put("desc", r.description());
                // Macros and lists expanded, as Falco's "condition_compiled": a filter expression other tools
                // (sysdig -r FILE FILTER) can evaluate on their own.
                n.put("condition", ExprPrinter.print(r.condition()));
            }
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        }
    }

    @Command(name = "doc", description = {
        "Print a Markdown reference of rules files: per rule its priority, tags, MITRE ATT&CK technique, what it",
        "detects and the macros/lists to tune it with. Without FILE: every bundled file (docs/rules.md)."})
    static final class Doc implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "0..*", description = "Rules files or directories.")
        List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.print(files == null || files.isEmpty() ? bundledReference()
                    : new RulesDoc().render("# Rules\n", RulesFiles.read(files).stream()
                            .map(src -> new RulesDoc.Section(src, src.name(), "Rules of `" + src.name() + "`.", true))
                            .toList()));
            out.flush();
            return 0;
        }

        /** {@return docs/rules.md: the reference of every bundled rules file} */
        static String bundledReference() {
            String header = """
                    # Bundled rules

                    Peregrine ships Falco's rules files unmodified and its own file. This reference is generated by
                    `bin/peregrine rules doc` from the files inside Peregrine (a test fails when it is out of date;
                    regenerate it with `bin/peregrine rules doc > docs/rules.md`). Without `-r`, Peregrine loads
                    Falco's stable rules and then its own. `sudo bin/peregrine selftest` proves on the machine that
                    each rule fires on a safe action, host and container rules alike, and a test keeps the default
                    ruleset quiet on a benign build workload (docs/selftest.md).

                    | File | Loaded | Content |
                    |---|---|---|
                    | `falco_rules.yaml` | by default | Falco's stable rules |
                    | `peregrine_rules.yaml` | by default (after `falco_rules.yaml`) | Peregrine's rules: build machines, supply chain, file and network hygiene |
                    | `falco-incubating_rules.yaml` | with `-r falco-incubating_rules.yaml` | Falco's incubating rules |
                    | `falco-sandbox_rules.yaml` | with `-r falco-sandbox_rules.yaml` | Falco's sandbox rules |
                    | `k8s_audit_rules.yaml` | with `-r k8s_audit_rules.yaml` | Kubernetes audit log rules (k8s_audit source) |

                    ## Tuning a rule

                    Tune rules in a file of your own loaded after the bundled ones (`-r` again, or `rules_files` in
                    falco.yaml), in the Falco rules language, so upgrades of the bundled files never overwrite your
                    changes:

                    - Add items to a list the rule uses: `- list: read_sensitive_file_binaries` with
                      `items: [my-agent]` and `override: {items: append}`.
                    - Replace a macro: most rules name a `user_known_*` or `peregrine_user_known_*` macro that is
                      never true by default; give it your condition with `override: {condition: replace}`.
                    - Add exceptions to the rule (`exceptions:` with fields and values, `override: {exceptions:
                      append}`), or disable it (`enabled: false`, or `rules: [{disable: {rule: NAME}}]` in
                      falco.yaml, or `-o rules[].disable.rule=NAME`).
                    - Raise or lower what is reported with `priority` in falco.yaml (`-o priority=warning`).

                    "Tune with" lists the macros and lists a rule's condition names directly, `user_*` ones first.
                    """;
            RulesSource peregrine = BundledRules.byName(BundledRules.PEREGRINE).orElseThrow();
            return new RulesDoc().render(header, List.of(
                    new RulesDoc.Section(BundledRules.stable(), "Falco's stable rules (`falco_rules.yaml`, default)",
                            "Loaded by default. Container rules need the container fields (see the containers docs).",
                            true),
                    new RulesDoc.Section(peregrine, "Peregrine's rules (`peregrine_rules.yaml`, default)",
                            "Loaded by default, after Falco's stable rules. Self-contained: every macro and list is "
                                    + "prefixed `peregrine_`, so the file also loads alone.", true),
                    new RulesDoc.Section(BundledRules.byName(BundledRules.INCUBATING).orElseThrow(),
                            "Falco's incubating rules (`falco-incubating_rules.yaml`)",
                            "Opt-in. One row per rule; `peregrine rules list --json falco-incubating_rules.yaml` "
                                    + "prints Falco's descriptions.", false),
                    new RulesDoc.Section(BundledRules.byName(BundledRules.SANDBOX).orElseThrow(),
                            "Falco's sandbox rules (`falco-sandbox_rules.yaml`)",
                            "Opt-in, experimental upstream.", false),
                    new RulesDoc.Section(BundledRules.byName(BundledRules.K8S_AUDIT).orElseThrow(),
                            "Kubernetes audit rules (`k8s_audit_rules.yaml`)",
                            "Opt-in; they judge Kubernetes audit events (source `k8s_audit`), not system calls.",
                            false)));
        }
    }
}
