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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the detecting subcommands ({@code replay}, {@code run}) share: the configuration from Falco's defaults plus
 * {@code -o} overrides (no config file), the rules (the bundled ruleset unless {@code -r} is given) compiled against
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
        return prepareSources(rules.isEmpty() ? BundledRules.defaults() : RulesFiles.read(rules), overrides,
                json, err);
    }

    /** As {@link #prepare}, with the rules already read. */
    static DetectionSetup prepareSources(List<RulesSource> sources, List<String> overrides, boolean json,
            PrintWriter err) {
        List<String> options = new ArrayList<>();
        options.add(DEFAULT_APPEND_OUTPUT);
        options.addAll(overrides);
        if (json) {
            options.add("json_output=true");
        }
        FalcoConfig config;
        try {
            config = FalcoConfigLoader.load(null, options, System.getenv(), Path.of("").toAbsolutePath());
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), 1);
        }
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
