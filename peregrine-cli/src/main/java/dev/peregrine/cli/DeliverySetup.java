package dev.peregrine.cli;

import dev.peregrine.cli.config.ConfigException;
import dev.peregrine.cli.config.DeliveryConfig;
import dev.peregrine.cli.config.FalcoConfig;
import dev.peregrine.outputs.channel.FileTarget;
import dev.peregrine.outputs.channel.HttpTarget;
import dev.peregrine.outputs.channel.ProgramTarget;
import dev.peregrine.outputs.channel.StdoutTarget;
import dev.peregrine.outputs.channel.SyslogTarget;
import dev.peregrine.outputs.delivery.ConfiguredTarget;
import dev.peregrine.outputs.delivery.DeliveryOptions;
import dev.peregrine.outputs.delivery.DeliveryService;
import dev.peregrine.outputs.delivery.TargetFactory;
import dev.peregrine.rules.load.Priority;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds the alert targets a configuration enables (Falco's channels in Falco's order: file, stdout, syslog,
 * program, http; then the {@code forwarders}) and starts the {@link DeliveryService} in front of them.
 */
final class DeliverySetup {
    private DeliverySetup() {
    }

    /**
     * @param stdout whether alerts go to standard output ({@code stdout_output.enabled} for Falco's command line;
     *     always for {@code peregrine replay|run})
     * @param out standard output (also the program output's and the HTTP echo's)
     * @param resolve resolves relative paths (file output, spool) against the working directory
     * @param buffered Falco's buffered outputs
     * @throws ConfigException naming the key when a target cannot be built
     */
    static List<ConfiguredTarget> targets(FalcoConfig config, boolean stdout, PrintWriter out,
            Function<String, Path> resolve, boolean buffered) {
        FalcoConfig.Outputs o = config.outputs();
        DeliveryConfig d = config.delivery();
        List<ConfiguredTarget> targets = new ArrayList<>();
        if (o.file().enabled()) {
            targets.add(all(new FileTarget(resolve.apply(o.file().filename()), o.file().keepAlive(), buffered)));
        }
        if (stdout) {
            targets.add(all(new StdoutTarget(out, buffered)));
        }
        if (d.syslog().enabled()) {
            targets.add(all(new SyslogTarget(Path.of(d.syslog().socket()), d.syslog().ident(), ZoneId.systemDefault(),
                    Instant::now)));
        }
        if (o.program().enabled()) {
            targets.add(all(new ProgramTarget(o.program().program(), o.program().keepAlive(), out)));
        }
        if (d.http().enabled()) {
            DeliveryConfig.HttpOutput h = d.http();
            try {
                targets.add(all(new HttpTarget(new HttpTarget.Options(URI.create(h.url()), h.userAgent(), o.json(),
                        h.tls(), h.echo(), h.compressUploads(), d.outputTimeout(), d.outputTimeout()), out)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Config error at key \"http_output\": " + e.getMessage());
            }
        }
        for (Map.Entry<String, Map<String, Object>> f : d.forwarders().entrySet()) {
            TargetFactory factory = factory(f.getKey());
            try {
                targets.add(factory.create(f.getValue()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Config error at key \"forwarders." + f.getKey() + "\": " + e.getMessage());
            }
        }
        return targets;
    }

    /** {@return the delivery options a configuration sets; relative spool directories resolve like files} */
    static DeliveryOptions options(FalcoConfig config, Function<String, Path> resolve) {
        DeliveryConfig d = config.delivery();
        DeliveryOptions opts = DeliveryOptions.defaults().withQueueCapacity(d.outputsQueueCapacity())
                .withMemoryBacklog(d.spool().memoryBacklog()).withRetry(d.retryInitial(), d.retryMax())
                .withShutdownTimeout(d.shutdownTimeout());
        opts = new DeliveryOptions(opts.queueCapacity(), opts.memoryBacklog(),
                d.spool().dir().isEmpty() ? java.util.Optional.empty()
                        : java.util.Optional.of(resolve.apply(d.spool().dir())),
                d.spool().maxBytes(), opts.retryInitial(), opts.retryMax(), opts.shutdownTimeout(),
                opts.throttle());
        if (d.throttle().enabled()) {
            opts = opts.withThrottle(new DeliveryOptions.Throttle(d.throttle().maxAlerts(), d.throttle().interval()));
        }
        return opts;
    }

    /** Builds the targets and starts delivery; {@code log} receives the service's operator messages. */
    static DeliveryService start(FalcoConfig config, boolean stdout, PrintWriter out, Function<String, Path> resolve,
            boolean buffered, Consumer<String> log) {
        List<ConfiguredTarget> targets = targets(config, stdout, out, resolve, buffered);
        try {
            return DeliveryService.start(targets, options(config, resolve), log);
        } catch (java.io.UncheckedIOException e) {
            targets.forEach(t -> t.target().close());
            throw new ConfigException("Config error at key \"delivery.spool_dir\": " + e.getMessage());
        }
    }

    /**
     * Closes (drains with the bounded wait) and reports: every target's counters to {@code counters}, then one line
     * per target that did not deliver everything to {@code undelivered}.
     */
    static void closeAndReport(DeliveryService delivery, Consumer<String> undelivered, Consumer<String> counters) {
        delivery.close();
        delivery.counters().forEach(c -> counters.accept(c.summary()));
        delivery.undeliveredSummary().forEach(undelivered);
        if (delivery.suppressed() > 0) {
            undelivered.accept("throttling suppressed " + delivery.suppressed() + " alerts");
        }
    }

    private static ConfiguredTarget all(dev.peregrine.outputs.delivery.AlertTarget t) {
        return new ConfiguredTarget(t, Priority.DEBUG);
    }

    private static TargetFactory factory(String key) {
        for (TargetFactory f : ServiceLoader.load(TargetFactory.class)) {
            if (f.key().equals(key)) {
                return f;
            }
        }
        throw new ConfigException("Config error at key \"forwarders." + key + "\": unknown forwarder '" + key + "'");
    }
}
