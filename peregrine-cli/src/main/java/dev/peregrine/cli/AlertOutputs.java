package dev.peregrine.cli;

import static java.util.Objects.requireNonNull;

import dev.peregrine.cli.config.ConfigException;
import dev.peregrine.cli.config.FalcoConfig;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.delivery.DeliveryService;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.outputs.metrics.AgentMetrics;
import dev.peregrine.outputs.metrics.AgentWebServer;
import dev.peregrine.outputs.metrics.MetricsSnapshots;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.LongSupplier;

/**
 * Where the alerts of {@code peregrine replay|run} go: the {@link DeliveryService} (stdout plus the configured
 * channels and forwarders), counted in {@link AgentMetrics}; for live detection also Falco's web server
 * ({@code webserver.enabled}) and the metrics snapshot alert ({@code metrics.enabled} with {@code output_rule}).
 */
final class AlertOutputs implements AutoCloseable {
    /* Implementation notes: Falco starts no web server in capture (replay) mode, so only `run` gets one. Closing
     * stops the snapshots first (they emit into delivery), then the web server, then drains delivery with its
     * bounded wait and reports what was not delivered. */

    private final DeliveryService delivery;
    private final AgentMetrics metrics;
    private final AgentWebServer web;
    private final MetricsSnapshots snapshots;
    private final PrintWriter err;
    private final boolean live;

    private AlertOutputs(DeliveryService delivery, AgentMetrics metrics, AgentWebServer web,
            MetricsSnapshots snapshots, PrintWriter err, boolean live) {
        this.delivery = delivery;
        this.metrics = metrics;
        this.web = web;
        this.snapshots = snapshots;
        this.err = err;
        this.live = live;
    }

    /**
     * @param live whether this is live detection (web server allowed)
     * @param kernelDrops the events dropped before Peregrine saw them
     */
    static AlertOutputs start(DetectionSetup setup, PrintWriter out, PrintWriter err, boolean live,
            LongSupplier kernelDrops) {
        requireNonNull(err, "err is null");
        FalcoConfig config = setup.config();
        Instant now = Instant.now();
        AgentMetrics metrics = new AgentMetrics(Version.peregrineVersion(),
                now.getEpochSecond() * 1_000_000_000L + now.getNano());
        metrics.kernelDrops(kernelDrops);
        DeliveryService delivery = setup.startDelivery(out, err);
        metrics.delivery(delivery::counters);
        AgentWebServer web = null;
        MetricsSnapshots snapshots = null;
        try {
            FalcoConfig.Webserver w = config.webserver();
            if (live && w.enabled()) {
                web = AgentWebServer.start(w.listenAddress(), w.listenPort(), w.k8sHealthzEndpoint(), versionsJson(),
                        w.prometheusMetricsEnabled() ? metrics : null);
                err.printf("peregrine: web server listening on %s:%d%n", w.listenAddress(), web.port());
            }
            FalcoConfig.Metrics m = config.metrics();
            if (m.enabled() && (m.outputRule() || !m.outputFile().isEmpty())) {
                snapshots = MetricsSnapshots.start(metrics, setup.formatter(), m.outputRule() ? delivery : null,
                        m.outputFile().isEmpty() ? null : java.nio.file.Path.of(m.outputFile()).toAbsolutePath(),
                        m.intervalDuration(), ZoneId.systemDefault(), msg -> {
                            err.println("peregrine: " + msg);
                            err.flush();
                        });
            }
        } catch (UncheckedIOException | ConfigException e) {
            if (web != null) {
                web.close();
            }
            delivery.close();
            throw new UserError(e.getMessage(), 1);
        }
        return new AlertOutputs(delivery, metrics, web, snapshots, err, live);
    }

    /** {@return Falco's /versions document with Peregrine's versions} */
    static String versionsJson() {
        String minor = Version.ENGINE_VERSION.split("\\.")[1];
        return "{\"engine_version\":\"" + minor + "\",\"engine_version_semver\":\"" + Version.ENGINE_VERSION
                + "\",\"peregrine_version\":\"" + Version.peregrineVersion() + "\"}";
    }

    /** Counts and delivers an alert (the event thread's only work for it). */
    void emit(FormattedAlert alert) {
        metrics.alert(alert);
        delivery.emit(alert);
    }

    /** {@return a sink for live detection: alerts counted and delivered; closing it is left to this object} */
    AlertSink sink() {
        return new AlertSink() {
            @Override
            public void emit(FormattedAlert alert) {
                AlertOutputs.this.emit(alert);
            }

            @Override
            public void flush() {
                delivery.flush();
            }

            @Override
            public void close() {
                // AlertOutputs.close drains and reports
            }
        };
    }

    /** {@return a pipeline monitor that counts every event} */
    ReplayPipeline.EventMonitor eventCounter() {
        return view -> {
            metrics.eventSeen();
            return true;
        };
    }

    AgentMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        if (snapshots != null) {
            snapshots.close();
        }
        if (web != null) {
            web.close();
        }
        // live runs list every target's counters in their summary; replays only what was not delivered
        DeliverySetup.closeAndReport(delivery, m -> err.println("peregrine: " + m),
                live ? m -> err.println("peregrine: " + m) : m -> { });
        err.flush();
    }
}
