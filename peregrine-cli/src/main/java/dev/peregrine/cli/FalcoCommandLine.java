package dev.peregrine.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.cli.config.ConfigException;
import dev.peregrine.cli.config.FalcoConfig;
import dev.peregrine.cli.config.FalcoConfigLoader;
import dev.peregrine.cli.live.LiveDetection;
import dev.peregrine.cli.replay.ReplayEngine;
import dev.peregrine.cli.replay.ReplayException;
import dev.peregrine.cli.replay.ReplayRequest;
import dev.peregrine.cli.replay.SyscallEventDropMonitor;
import dev.peregrine.driver.BpfException;
import dev.peregrine.event.EventTable;
import dev.peregrine.outputs.delivery.DeliveryService;
import dev.peregrine.outputs.format.AlertFormatException;
import dev.peregrine.outputs.format.AlertFormatOptions;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.AppendOutput;
import dev.peregrine.outputs.format.Hostname;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldCatalogs;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.FileLoadResult;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.rules.load.RuleSelector;
import dev.peregrine.rules.load.RulesDescription;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Falco's command line ({@code peregrine -c falco.yaml -r rules.yaml -o key=value ...}): the same options, the same
 * order of actions, the same messages and exit codes (0 on success, 1 with {@code Error: <message>} on stderr on
 * failure), so scripts and manifests written for Falco keep working.
 */
final class FalcoCommandLine {
    /*
     * Implementation notes: the actions run in the order of Falco 0.42 userspace/falco/app/app.cpp (print_help,
     * print_ignored_events, load_config, print_version, require_config_file, list_fields, validate_rules_files,
     * load_rules_files, init_outputs, process_events); each returns a result or an exit code. Fatal results print
     * "Error: <message>" to stderr; an exception escaping an action prints "Runtime error: <message>. Exiting."
     * like Falco's main. Falco features Peregrine does not have (plugins, schemas, gVisor) fail with a
     * sentence saying so rather than being silently ignored.
     */

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;

    /** Where Falco looks for its configuration when {@code -c} is not given. */
    static final String INSTALL_CONFIG = "/etc/falco/falco.yaml";

    /** Falco's range of {@code buf_size_preset}: 1 (1 MiB) to 10 (512 MiB). */
    private static final int MIN_BUF_SIZE_PRESET = 1;
    private static final int MAX_BUF_SIZE_PRESET = 10;
    /** Preset 1 is 2^20 bytes: bytes = 1 << (19 + preset). */
    private static final int BUF_SIZE_PRESET_SHIFT = 19;

    /** The {@code engine.kind}s that capture live, all served by Peregrine's eBPF driver. */
    static final Set<String> LIVE_KINDS = Set.of("modern_ebpf", "ebpf", "kmod");

    private static final String GVISOR_INFO = "vpid=%proc.vpid vtid=%thread.vtid";

    private final PrintWriter out;
    private final PrintWriter err;
    private final Invocation inv;
    private final ReplayEngine replayEngine;
    private final FalcoLogger log;

    /** A failure reported as Falco's {@code Error: <message>}. */
    private static final class Fatal extends RuntimeException {
        Fatal(String message) {
            super(message, null, false, false);
        }
    }

    FalcoCommandLine(PrintWriter out, PrintWriter err, Invocation inv, ReplayEngine replayEngine) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.inv = requireNonNull(inv, "inv is null");
        this.replayEngine = requireNonNull(replayEngine, "replayEngine is null");
        this.log = new FalcoLogger(err, inv.clock(), inv.zone());
    }

    /** {@return the rule-loading options a configuration sets: minimum priority, rule_matching, selectors} */
    static LoadOptions loadOptions(FalcoConfig config, ExtractorBinding binding) {
        return LoadOptions.defaults().withMinPriority(config.rules().minPriority())
                .withRuleMatching(config.rules().ruleMatching()).withSelectors(config.rules().selectors())
                .withBinding(binding);
    }

    /** {@return the alert format a configuration's outputs section sets} */
    static AlertFormatOptions formatOptions(FalcoConfig.Outputs outputs, String hostname, List<AppendOutput> appends) {
        return new AlertFormatOptions(outputs.json(), outputs.jsonIncludeOutput(), outputs.jsonIncludeTags(),
                outputs.jsonIncludeMessage(), outputs.jsonIncludeOutputFields(), outputs.timeIso8601(), hostname,
                appends);
    }

    int run(List<String> args) {
        try {
            return runActions(args);
        } catch (Fatal f) {
            err.println("Error: " + f.getMessage());
            return EXIT_FAILURE;
        } catch (RuntimeException e) {
            String what = e.getMessage() != null ? e.getMessage() : e.toString();
            String msg = "Runtime error: " + what + ". Exiting.\n";
            if (!log.toStderr()) {
                err.print(msg);
            }
            log.error(msg);
            if (inv.env().containsKey("PEREGRINE_VERBOSE")) {
                e.printStackTrace(err);
            }
            return EXIT_FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int runActions(List<String> args) {
        FalcoOptions o;
        try {
            o = FalcoOptions.parse(args);
        } catch (FalcoOptions.OptionException e) {
            throw new Fatal(e.getMessage());
        }
        Path configFile = null;
        if (o.configFile != null) {
            configFile = inv.resolve(o.configFile);
            if (!Files.isReadable(configFile) || Files.isDirectory(configFile)) {
                throw new Fatal("Could not find configuration file at " + o.configFile);
            }
        } else if (Files.isReadable(Path.of(INSTALL_CONFIG))) {
            configFile = Path.of(INSTALL_CONFIG);
        }
        if (o.help) {
            out.print(FalcoHelp.text());
            return EXIT_OK;
        }
        if (o.configSchema || o.ruleSchema) {
            throw new Fatal((o.configSchema ? "--config-schema" : "--rule-schema")
                    + " is not available in Peregrine");
        }
        if (o.gvisorGenerateConfig != null) {
            throw new Fatal("gVisor is not supported by Peregrine");
        }
        if (o.printIgnoredEvents) {
            printIgnoredEvents();
            return EXIT_OK;
        }
        if (o.listEvents) {
            throw new Fatal("--list-events is not available in Peregrine");
        }

        // load_config
        List<String> options = new ArrayList<>(o.configOptions);
        if (o.allEvents) {
            options.add("base_syscalls.all=true");
        }
        FalcoConfig config;
        try {
            String name = o.configFile != null ? o.configFile : INSTALL_CONFIG;
            config = FalcoConfigLoader.load(configFile, configFile == null ? "" : name, options, inv.env(),
                    inv.workingDir());
        } catch (ConfigException e) {
            throw new Fatal(e.getMessage());
        }
        log.configure(config.logging().level(), config.logging().stderr(), config.outputs().timeIso8601());
        log.info("Peregrine version: " + Version.peregrineVersion() + " (Falco engine "
                + Version.ENGINE_VERSION + " compatible)");
        log.debug("CLI args: " + String.join(" ", args));
        if (configFile != null) {
            StringBuilder sb = new StringBuilder("Peregrine initialized with configuration files:\n");
            config.files().forEach(f -> sb.append("   ").append(f).append('\n'));
            log.info(sb.toString());
        }
        if (o.version) {
            // the version only: nothing runs, so which configuration keys would be ignored does not matter
            printVersion(config.outputs().json());
            return EXIT_OK;
        }
        if (!config.unimplementedKeys().isEmpty()) {
            String msg = "Configuration keys not implemented by Peregrine (ignored): "
                    + String.join(", ", config.unimplementedKeys());
            if (log.toStderr()) {
                log.warning(msg);
            } else {
                err.println("Warning: " + msg);
            }
        }
        if (o.pageSize) {
            throw new Fatal("--page-size is not available in Peregrine");
        }
        if (configFile == null) {
            throw new Fatal("You must create a config file at " + INSTALL_CONFIG + " or by passing -c");
        }
        if (o.pluginInfo != null || o.listPlugins) {
            throw new Fatal("plugins are not supported by Peregrine");
        }
        if (o.listSource != null) {
            return listFields(o);
        }
        ExtractorBinding binding = config.engine().isReplay() ? replayEngine.binding()
                : LIVE_KINDS.contains(config.engine().kind()) ? new SyscallBinding() : ExtractorBinding.UNBOUND;
        LoadOptions loadOptions = loadOptions(config, binding);
        if (!o.validateFiles.isEmpty()) {
            return validate(o, config, loadOptions);
        }
        Ruleset ruleset = loadRules(o, config, loadOptions);
        if (o.describeAllRules || o.describeRule != null) {
            describe(ruleset, o.describeRule, config.outputs().json());
            return EXIT_OK;
        }
        if (o.support) {
            throw new Fatal("--support is not available in Peregrine");
        }
        return processEvents(o, config, ruleset);
    }

    // ---- -i ---------------------------------------------------------------------------------------------------

    /**
     * Falco's {@code -i}: the I/O system calls ({@code EC_IO_READ}/{@code EC_IO_WRITE} events) that no
     * state-modifying event uses, which Falco ignores by default for performance.
     */
    private void printIgnoredEvents() {
        Set<String> io = new TreeSet<>();
        Set<String> state = new TreeSet<>();
        for (EventTable.EventInfo e : EventTable.get().all()) {
            if (e.inCategory("EC_IO_READ") || e.inCategory("EC_IO_WRITE")) {
                io.add(e.name());
            }
            if (e.hasFlag("EF_MODIFIES_STATE")) {
                state.add(e.name());
            }
        }
        io.removeAll(state);
        out.println("Ignored syscall(s):");
        io.forEach(n -> out.println("- " + n));
        out.println();
    }

    // ---- --version --------------------------------------------------------------------------------------------

    private void printVersion(boolean json) {
        if (json) {
            ObjectNode n = new ObjectMapper().createObjectNode();
            n.put("engine_version", Version.ENGINE_VERSION);
            n.put("peregrine_version", Version.peregrineVersion());
            out.println(n);
        } else {
            out.println("Peregrine version: " + Version.peregrineVersion());
            out.println("Engine:            " + Version.ENGINE_VERSION + " (Falco rules engine compatible)");
        }
    }

    // ---- --list -----------------------------------------------------------------------------------------------

    private int listFields(FalcoOptions o) {
        List<FieldCatalog> catalogs;
        if (o.listSource.isEmpty()) {
            catalogs = FieldCatalogs.all();
        } else {
            catalogs = List.of(FieldCatalogs.forSource(o.listSource)
                    .orElseThrow(() -> new Fatal("Value for --list must be a valid source type")));
        }
        if (o.markdown) {
            log.warning("--markdown is not available in Peregrine; printing text");
        }
        if (o.namesOnly) {
            for (FieldCatalog c : catalogs) {
                c.fields().forEach(f -> out.println(f.name()));
            }
        } else {
            FieldsCommand.printText(catalogs, out);
        }
        return EXIT_OK;
    }

    // ---- -V ---------------------------------------------------------------------------------------------------

    private int validate(FalcoOptions o, FalcoConfig config, LoadOptions loadOptions) {
        List<RulesSource> sources = new ArrayList<>();
        for (String f : o.validateFiles) {
            sources.add(readRulesFile(f));
        }
        StringBuilder files = new StringBuilder("Validating rules file(s):\n");
        o.validateFiles.forEach(f -> files.append("   ").append(f).append('\n'));
        log.info(files.toString());
        LoadOutcome outcome = RulesLoader.load(sources, loadOptions);
        StringBuilder summary = new StringBuilder();
        for (FileLoadResult r : outcome.results()) {
            if (!summary.isEmpty()) {
                summary.append('\n');
            }
            if (!r.successful() || r.warnings().isEmpty()) {
                summary.append(r.verboseText());
            } else {
                summary.append(r.name()).append(": Ok, with warnings");
                log.warning(r.verboseText());
            }
        }
        boolean describe = outcome.successful() && (o.describeAllRules || o.describeRule != null)
                && outcome.ruleset().isPresent();
        if (config.outputs().json()) {
            try {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode doc = (ObjectNode) mapper.readTree(outcome.toJson());
                if (describe) {
                    doc.set("falco_describe_results", describeJson(outcome.ruleset().get(), o.describeRule));
                }
                out.println(mapper.writeValueAsString(doc));
            } catch (IOException e) {
                throw new IllegalStateException("cannot render the validation document", e);
            }
        } else {
            out.println(summary);
            if (describe) {
                out.println();
                describeText(outcome.ruleset().get(), o.describeRule);
            }
        }
        if (!outcome.successful()) {
            throw new Fatal(summary.toString());
        }
        return EXIT_OK;
    }

    // ---- -r / rules_files -------------------------------------------------------------------------------------

    private Ruleset loadRules(FalcoOptions o, FalcoConfig config, LoadOptions loadOptions) {
        List<String> configured = o.rulesFiles.isEmpty() ? config.rules().files() : o.rulesFiles;
        if (configured.isEmpty()) {
            throw new Fatal("You must specify at least one rules file/directory via -r or a rules_file entry in"
                    + " falco.yaml");
        }
        StringBuilder dbg = new StringBuilder("Configured rules filenames:\n");
        configured.forEach(f -> dbg.append("   ").append(f).append('\n'));
        log.debug(dbg.toString());
        List<String> files = new ArrayList<>();
        for (String path : configured) {
            Path p = inv.resolve(path);
            if (Files.isDirectory(p)) {
                try (Stream<Path> entries = Files.list(p)) {
                    entries.filter(Files::isRegularFile)
                            .map(e -> Path.of(path).resolve(e.getFileName().toString()).toString()).sorted()
                            .filter(FalcoCommandLine::isYamlName).forEach(files::add);
                } catch (IOException e) {
                    throw new Fatal("Could not open directory " + path + " for reading");
                }
            } else if (isYamlName(path)) {
                files.add(path);
            }
        }
        List<RulesSource> sources = new ArrayList<>();
        for (String f : files) {
            sources.add(readRulesFile(f));
        }
        StringBuilder loading = new StringBuilder("Loading rules from:\n");
        files.forEach(f -> loading.append("   ").append(f).append('\n'));
        log.info(loading.toString());
        LoadOutcome outcome = RulesLoader.load(sources, loadOptions);
        for (FileLoadResult r : outcome.results()) {
            if (!r.successful()) {
                throw new Fatal(r.verboseText());
            }
            if (!r.warnings().isEmpty()) {
                log.warning(r.verboseText());
            }
        }
        for (RuleSelector s : config.rules().selectors()) {
            String what = switch (s) {
                case RuleSelector.ByName n -> " rules with name: " + n.pattern();
                case RuleSelector.ByTag t -> " rules with tag: " + t.tag();
            };
            log.info((s.enable() ? "Enabling" : "Disabling") + what);
        }
        return outcome.ruleset().orElseThrow(() -> new Fatal("no ruleset was compiled"));
    }

    private static boolean isYamlName(String name) {
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private RulesSource readRulesFile(String name) {
        Path p = inv.resolve(name);
        if (!Files.exists(p)) {
            var bundled = BundledRules.byName(name);
            if (bundled.isPresent()) {
                return bundled.get();
            }
        }
        try {
            return new RulesSource(name, Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new Fatal("Could not open file " + name + " for reading");
        }
    }

    // ---- -L / -l ----------------------------------------------------------------------------------------------

    private void describe(Ruleset ruleset, String ruleName, boolean json) {
        if (json) {
            out.println(describeJson(ruleset, ruleName));
        } else {
            describeText(ruleset, ruleName);
        }
    }

    private List<Rule> describedRules(Ruleset ruleset, String ruleName) {
        if (ruleName == null) {
            return ruleset.rules();
        }
        return List.of(ruleset.rule(ruleName).orElseThrow(
                () -> new IllegalArgumentException("Rule \"" + ruleName + "\" is not loaded")));
    }

    /** Falco's {@code format_described_rules_as_text}: two columns, descriptions wrapped at 110 characters. */
    private void describeText(Ruleset ruleset, String ruleName) {
        List<Rule> rules = describedRules(ruleset, ruleName);
        out.println(twoColumns("Rule", "Description"));
        out.println(twoColumns("----", "-----------"));
        for (Rule r : rules) {
            out.println(twoColumns(r.name(), wrap(r.description(), 51, 110) + "\n"));
        }
    }

    private static String twoColumns(String left, String right) {
        return String.format("%-50s %s", left, right);
    }

    /** Falco's {@code wrap_text}: words separated by one space (each followed by one), continuation indented. */
    static String wrap(String text, int indent, int lineLength) {
        StringBuilder sb = new StringBuilder();
        int len = 0;
        for (String word : text.strip().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (len + word.length() + 1 <= lineLength - indent) {
                len += word.length() + 1;
            } else {
                sb.append('\n').append(" ".repeat(indent));
                len = word.length() + 1;
            }
            sb.append(word).append(' ');
        }
        return sb.toString();
    }

    /** Falco's {@code describe_rule} document ({@link RulesDescription}). */
    private ObjectNode describeJson(Ruleset ruleset, String ruleName) {
        return RulesDescription.json(ruleset, ruleName);
    }

    // ---- outputs and events -----------------------------------------------------------------------------------

    private int processEvents(FalcoOptions o, FalcoConfig config, Ruleset ruleset) {
        FalcoConfig.Outputs outputs = config.outputs();
        if (!outputs.anyEnabled(config.delivery())) {
            throw new Fatal("No output configured, please make sure at least one output is configured and enabled.");
        }
        String hostname = Hostname.resolve(inv.env());
        if (inv.env().containsKey(Hostname.ENV_VARIABLE) || inv.env().containsKey(Hostname.LEGACY_ENV_VARIABLE)) {
            log.info("Hostname value has been overridden via environment variable to: " + hostname);
        }
        List<AppendOutput> appends = new ArrayList<>(outputs.appendOutputs());
        if (o.printAdditional != null) {
            log.warning("The -p/--print option is deprecated and will be removed. Use -o append_output=... instead.");
            switch (o.printAdditional) {
                case "c", "container", "k", "kubernetes" -> {
                    // the suggested container fields already cover these
                }
                case "cg", "container-gvisor", "kg", "kubernetes-gvisor" -> appends.add(new AppendOutput(
                        FieldCatalogs.SYSCALL, Set.of(), "", GVISOR_INFO, false, Map.of(), Set.of()));
                default -> appends.add(new AppendOutput("", Set.of(), "", o.printAdditional, false, Map.of(),
                        Set.of()));
            }
        }
        AlertFormatter formatter;
        try {
            formatter = AlertFormatter.create(ruleset, formatOptions(outputs, hostname, appends));
        } catch (AlertFormatException e) {
            throw new Fatal(e.getMessage());
        }
        if (o.dryRun) {
            log.debug("Skipping event processing in dry-run");
            return EXIT_OK;
        }
        FalcoConfig.Engine engine = config.engine();
        // Falco 0.42 sets buffered outputs from -U alone (load_config), whatever buffered_outputs says
        boolean buffered = !o.unbuffered;
        DeliveryService delivery;
        try {
            delivery = DeliverySetup.start(config, outputs.stdout(), out, inv::resolve, buffered, this::warn);
        } catch (ConfigException e) {
            throw new Fatal(e.getMessage());
        }
        try {
            if (!engine.isReplay()) {
                return processLiveEvents(o, config, ruleset, formatter, delivery);
            }
            return replayEngine.replay(new ReplayRequest(config, inv.resolve(engine.replayCaptureFile()), ruleset,
                    formatter, delivery, o.stopAfterSeconds, log, err));
        } catch (ReplayException e) {
            throw new Fatal(e.getMessage());
        } finally {
            DeliverySetup.closeAndReport(delivery, this::warn, log::debug);
        }
    }

    /**
     * Live capture ({@code engine.kind} kmod, ebpf or modern_ebpf): Peregrine's CO-RE eBPF driver in every case,
     * through the same loop as {@code peregrine run}, until SIGINT/SIGTERM or {@code -M} seconds of wall time.
     */
    private int processLiveEvents(FalcoOptions o, FalcoConfig config, Ruleset ruleset, AlertFormatter formatter,
            DeliveryService delivery) {
        String kind = config.engine().kind();
        if (!LIVE_KINDS.contains(kind)) {
            throw new Fatal("engine.kind '" + kind + "' is not available in Peregrine; use modern_ebpf (live"
                    + " capture with Peregrine's eBPF driver) or replay with engine.replay.capture_file");
        }
        Optional<String> unavailable = LiveDetection.unavailableReason();
        if (unavailable.isPresent()) {
            throw new Fatal("live capture is not available: " + unavailable.get()
                    + " (or replay a capture: -o engine.kind=replay -o engine.replay.capture_file=FILE)");
        }
        long ringBytes = syscallBufferBytes(config.engine().bufSizePreset());
        if (!kind.equals("modern_ebpf")) {
            log.info("engine.kind '" + kind + "': Peregrine has no " + (kind.equals("kmod") ? "kernel module"
                    : "legacy eBPF probe") + "; using its CO-RE eBPF driver (as engine.kind=modern_ebpf)");
        }
        log.info("Opening 'syscall' source with modern BPF probe.");
        log.info("One ring buffer every '1' CPUs.");
        try {
            LiveDetection live = new LiveDetection(ruleset, formatter, delivery, config.syscallEventDrops(), log)
                    .ringBytes(ringBytes);
            LiveDetection.Summary s = live.runUntilShutdown(
                    o.stopAfterSeconds > 0 ? Double.valueOf(o.stopAfterSeconds) : null,
                    (rules, syscalls, processes) -> log.debug("Live detection with " + rules
                            + " rules on syscalls " + syscalls + "; " + processes + " processes from /proc"),
                    summary -> {
                        delivery.flush();
                        SyscallEventDropMonitor.printStats(err, summary.dropOccurrences(), summary.dropActions());
                    });
            if (s.stoppedByDropManager()) {
                throw new Fatal("Drop manager internal error");
            }
            return EXIT_OK;
        } catch (BpfException e) {
            throw new Fatal(e.getMessage());
        }
    }

    /**
     * Falco's {@code configure_syscall_buffer_size}: {@code buf_size_preset} 1..10 selects 1 MiB..512 MiB per CPU
     * ring, which must be a multiple of the page size and more than two pages.
     */
    private long syscallBufferBytes(long preset) {
        if (preset < MIN_BUF_SIZE_PRESET || preset > MAX_BUF_SIZE_PRESET) {
            throw new Fatal("The 'buf_size_preset' value must be between '" + MIN_BUF_SIZE_PRESET + "' and '"
                    + MAX_BUF_SIZE_PRESET + "'");
        }
        long bytes = 1L << (BUF_SIZE_PRESET_SHIFT + preset);
        long page = LiveDetection.pageSize();
        if (bytes % page != 0) {
            throw new Fatal("The chosen syscall buffer size '" + bytes + "' is not a multiple of your system page"
                    + " size '" + page + "'. Please configure a greater 'buf_size_preset' value in the Falco"
                    + " configuration file");
        }
        if (bytes / page <= 2) {
            throw new Fatal("The chosen syscall buffer size '" + bytes + "' is not greater than '2 * " + page
                    + "' where '" + page + "' is your system page size. Please configure a greater"
                    + " 'buf_size_preset' value in the Falco configuration file");
        }
        log.info("The chosen syscall buffer dimension is: " + bytes + " bytes (" + (bytes >> 20) + " MBs)");
        return bytes;
    }

    /** A warning on stderr also when Falco's log does not go there (delivery problems must not go unseen). */
    private void warn(String message) {
        if (log.toStderr()) {
            log.warning(message);
        } else {
            err.println("Warning: " + message);
            err.flush();
        }
    }
}
