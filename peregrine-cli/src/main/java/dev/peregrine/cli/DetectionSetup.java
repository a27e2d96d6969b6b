package dev.peregrine.cli;

import dev.peregrine.cli.config.ConfigException;
import dev.peregrine.cli.config.FalcoConfig;
import dev.peregrine.cli.config.FalcoConfigLoader;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.FileLoadResult;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the detecting subcommands ({@code replay}, {@code run}, {@code selftest}) share: the configuration from
 * Falco's defaults (or a {@code falco.yaml}) plus {@code -o} overrides, the rules (the bundled ruleset unless {@code -r} is given) compiled against
 * the syscall extractors, and the alert formatter.
 *
 * <p>Like Falco's shipped {@code falco.yaml}, the defaults append the suggested fields to every syscall alert
 * ({@code append_output: [{suggested_output: true}]}: {@code container_id=... container_name=...
 * container_image_repository=... container_image_tag=... k8s_pod_name=... k8s_ns_name=...});
 * {@code -o append_output.suggested_output=false} turns that off as it does in Falco.
 */
record DetectionSetup(FalcoConfig config, SyscallBinding binding, Ruleset ruleset, AlertFormatter formatter) {
    /** The {@code append_output} entry of Falco's shipped falco.yaml, as an {@code -o} option applied first. */
    static final String DEFAULT_APPEND_OUTPUT = "append_output[].suggested_output=true";

    static DetectionSetup prepare(List<Path> rules, List<String> overrides, boolean json, PrintWriter err) {
        return prepare(null, rules, overrides, json, err);
    }

    /**
     * As {@link #prepare(List, List, boolean, PrintWriter)} with a {@code falco.yaml} ({@code configFile}, null for
     * Falco's defaults): without {@code -r}, its {@code rules_files} that exist are loaded, else the bundled ruleset.
     */
    static DetectionSetup prepare(Path configFile, List<Path> rules, List<String> overrides, boolean json,
            PrintWriter err) {
        FalcoConfig config = loadConfig(configFile, overrides, json);
        List<Path> files = rules;
        if (files.isEmpty() && configFile != null) {
            files = configuredRulesFiles(config);
        }
        return build(config, files.isEmpty() ? BundledRules.defaults() : RulesFiles.read(files), err);
    }

    /** As {@link #prepare(List, List, boolean, PrintWriter)}, with the rules already read. */
    static DetectionSetup prepareSources(List<RulesSource> sources, List<String> overrides, boolean json,
            PrintWriter err) {
        return build(loadConfig(null, overrides, json), sources, err);
    }

    private static FalcoConfig loadConfig(Path configFile, List<String> overrides, boolean json) {
        List<String> options = new ArrayList<>();
        if (configFile == null) {
            options.add(DEFAULT_APPEND_OUTPUT);
        }
        options.addAll(overrides);
        if (json) {
            options.add("json_output=true");
        }
        if (configFile != null && (!Files.isReadable(configFile) || Files.isDirectory(configFile))) {
            throw new UserError("Could not find configuration file at " + configFile, 1);
        }
        try {
            return FalcoConfigLoader.load(configFile, options, System.getenv(), Path.of("").toAbsolutePath());
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), 1);
        }
    }

    private static DetectionSetup build(FalcoConfig config, List<RulesSource> sources, PrintWriter err) {
        SyscallBinding binding = new SyscallBinding();
        LoadOutcome outcome = RulesLoader.load(sources, FalcoCommandLine.loadOptions(config, binding));
        if (outcome.ruleset().isEmpty()) {
            for (FileLoadResult r : outcome.results()) {
                err.println(r.verboseText());
            }
            err.flush();
            throw new UserError("rules could not be loaded", 1);
        }
        Ruleset ruleset = outcome.ruleset().get();
        AlertFormatter formatter = AlertFormatter.create(ruleset, FalcoCommandLine.formatOptions(config.outputs(),
                ReplayPipeline.defaultHostname(), config.outputs().appendOutputs()));
        return new DetectionSetup(config, binding, ruleset, formatter);
    }

    /** The configuration's rules files that exist: files as given, directories as their .yaml/.yml files by name. */
    private static List<Path> configuredRulesFiles(FalcoConfig config) {
        List<Path> files = new ArrayList<>();
        for (String name : config.rules().files()) {
            Path p = Path.of(name);
            if (Files.isDirectory(p)) {
                try (var entries = Files.list(p)) {
                    entries.filter(Files::isRegularFile).filter(e -> e.toString().endsWith(".yaml")
                            || e.toString().endsWith(".yml")).sorted().forEach(files::add);
                } catch (java.io.IOException e) {
                    throw new UserError("Could not open directory " + name + " for reading", 1);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        return files;
    }

    /**
     * Starts alert delivery: stdout (always, unbuffered unless {@code buffered_outputs}) plus the channels and
     * forwarders the {@code -o} options enable; delivery problems are reported on {@code err}.
     */
    dev.peregrine.outputs.delivery.DeliveryService startDelivery(PrintWriter out, PrintWriter err) {
        try {
            return DeliverySetup.start(config, true, out, p -> Path.of(p).toAbsolutePath(),
                    config.outputs().buffered(), m -> {
                        err.println("peregrine: " + m);
                        err.flush();
                    });
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), 1);
        }
    }
}
