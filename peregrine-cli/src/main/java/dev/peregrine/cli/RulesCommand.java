package dev.peregrine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.rules.load.FileInventory;
import dev.peregrine.rules.load.FileLoadResult;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.Location;
import dev.peregrine.rules.load.Position;
import dev.peregrine.rules.load.Problem;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.Ruleset;
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
        subcommands = {RulesCommand.Validate.class, RulesCommand.ListRules.class})
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
        "List the rules the files define (name, priority, source, enabled, tags) and how many rules, macros and",
        "lists each file defines. Without FILE, lists the bundled default ruleset."})
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
            }
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        }
    }
}
