package dev.peregrine.cli;

import dev.peregrine.engine.EventPrinter;
import dev.peregrine.engine.FormattingSink;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.engine.ReplayStats;
import dev.peregrine.outputs.format.AlertFormatOptions;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.AppendOutput;
import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.FileLoadResult;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.Priority;
import dev.peregrine.rules.load.RuleMatching;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.syntax.ConditionSyntaxException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code peregrine replay [-r RULES]... [-o key=value]... [--json] CAPTURE}: the alerts Falco would print for a
 * capture (bundled default ruleset without {@code -r}); {@code peregrine replay -p FORMAT CAPTURE [FILTER]}: every
 * event matching the filter printed in a sysdig-style format, like {@code sysdig -r CAPTURE -p FORMAT FILTER}.
 */
@Command(name = "replay", description = "Replay a .scap capture: print Falco's alerts, or events with -p.")
final class ReplayCommand implements Callable<Integer> {
    /* Implementation notes: Falco's full configuration (falco.yaml, outputs, drop monitoring) is the Falco command
     * line's job (-c ... -o engine.kind=replay); this command is the everyday shortcut and accepts the -o keys
     * that shape alerts. Damage in the capture prints the problem on stderr and exits 1 after the alerts of the
     * events before it. */

    @Spec
    CommandSpec spec;

    @Option(names = "-r", paramLabel = "RULES", description = "Rules file (repeatable); default: the bundled ruleset.")
    List<Path> rules = new ArrayList<>();

    @Option(names = "-o", paramLabel = "KEY=VALUE", description = "json_output, json_include_output_property,"
            + " json_include_tags_property, time_format_iso_8601, rule_matching, priority.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--json", description = "JSON alerts (json_output=true).")
    boolean json;

    @Option(names = "-p", paramLabel = "FORMAT", description = "Print every event matching FILTER with FORMAT.")
    String format;

    @Option(names = "--as-written", description = "With -p: events in the layouts the capture was written with, without"
            + " converting old layouts (what sysdig 0.29 shows; Falco converts).")
    boolean asWritten;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "The .scap file (plain or gzip).")
    Path capture;

    @Parameters(index = "1..*", paramLabel = "FILTER", description = "Filter expression for -p (words joined).")
    List<String> filter = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isReadable(capture)) {
            throw new UserError("cannot read capture file " + capture, 1);
        }
        ReplayStats stats = format != null ? print(out) : alerts(out);
        out.flush();
        stats.problem().ifPresent(p -> err.println(p.render()));
        err.flush();
        return stats.exitCode();
    }

    private ReplayStats print(PrintWriter out) throws Exception {
        EventPrinter printer;
        try {
            printer = EventPrinter.compile(format, filter.isEmpty() ? null : String.join(" ", filter),
                    new SyscallBinding());
        } catch (ConditionSyntaxException | CompileException e) {
            throw new UserError("filter error: " + e.getMessage(), 1);
        }
        ReplayPipeline pipeline = ReplayPipeline.withDefaults();
        return printer.print(asWritten ? pipeline.withEventsAsWritten() : pipeline, capture, out::println);
    }

    private ReplayStats alerts(PrintWriter out) throws Exception {
        if (!filter.isEmpty()) {
            throw new UserError("a FILTER is only accepted with -p", 1);
        }
        Map<String, String> o = new LinkedHashMap<>();
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UserError("-o expects key=value, got '" + kv + "'", 1);
            }
            o.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        SyscallBinding binding = new SyscallBinding();
        LoadOptions options = LoadOptions.defaults().withBinding(binding);
        if (o.containsKey("rule_matching")) {
            options = options.withRuleMatching(RuleMatching.valueOf(o.get("rule_matching").toUpperCase(Locale.ROOT)));
        }
        if (o.containsKey("priority")) {
            options = options.withMinPriority(Priority.parse(o.get("priority"))
                    .orElseThrow(() -> new UserError("unknown priority '" + o.get("priority") + "'", 1)));
        }
        List<RulesSource> sources = rules.isEmpty() ? List.of(BundledRules.stable()) : RulesFiles.read(rules);
        LoadOutcome outcome = RulesLoader.load(sources, options);
        if (outcome.ruleset().isEmpty()) {
            for (FileLoadResult r : outcome.results()) {
                spec.commandLine().getErr().println(r.summaryText());
            }
            throw new UserError("rules could not be loaded", 1);
        }
        String hostname = ReplayPipeline.defaultHostname();
        AlertFormatOptions format = new AlertFormatOptions(json || bool(o, "json_output", false),
                bool(o, "json_include_output_property", true), bool(o, "json_include_tags_property", true), false,
                true, bool(o, "time_format_iso_8601", false), hostname, List.of(AppendOutput.suggested()));
        AlertFormatter formatter = AlertFormatter.create(outcome.ruleset().get(), format);
        return ReplayPipeline.withDefaults().replay(capture, outcome.ruleset().get(), binding,
                new FormattingSink(formatter, a -> out.println(a.line())));
    }

    private static boolean bool(Map<String, String> o, String key, boolean dflt) {
        String v = o.get(key);
        return v == null ? dflt : v.equalsIgnoreCase("true");
    }
}
