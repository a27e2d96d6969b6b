package dev.peregrine.forwarders.alertmanager;

import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.ForwarderFactory;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.rules.load.Priority;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code forwarders.alertmanager}: Falcosidekick's {@code alertmanager} options {@code hostport} (required; a
 * comma-separated list of {@code http(s)://host:port}, each receives every alert), {@code endpoint} (default
 * {@code /api/v2/alerts}), {@code expiresafter} (seconds, 0 = never), {@code extralabels} and
 * {@code extraannotations} ({@code name:value, ...}), {@code customseveritymap} ({@code priority:severity, ...}),
 * {@code dropeventdefaultpriority} (default critical), {@code dropeventthresholds} (default
 * {@code 10000:critical, 1000:critical, 100:critical, 10:warning, 1:warning}), {@code customheaders},
 * {@code checkcert}, {@code minimumpriority}; Peregrine adds {@code maxbatch} (alerts per request, default 100) and
 * {@code timeout}.
 */
public final class AlertmanagerFactory extends ForwarderFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "alertmanager";
    /** Alerts per request when {@code maxbatch} is absent. */
    public static final int DEFAULT_MAX_BATCH = 100;
    /** The most alerts one request may carry. */
    static final int MAX_BATCH_LIMIT = 10_000;
    /** Falcosidekick's default drop thresholds. */
    static final String DEFAULT_DROP_THRESHOLDS = "10000:critical, 1000:critical, 100:critical, 10:warning, 1:warning";

    public AlertmanagerFactory() {
        super(KEY);
    }

    @Override
    protected Supplier<AlertTarget> configure(ForwarderOptions o) {
        List<String> hosts = o.list("hostport");
        if (hosts.isEmpty()) {
            throw o.error("hostport", "missing");
        }
        String endpoint = o.string("endpoint", "/api/v2/alerts");
        if (!endpoint.startsWith("/")) {
            throw o.error("endpoint", "must start with '/' ('" + endpoint + "')");
        }
        List<URI> endpoints = new ArrayList<>();
        for (String host : hosts) {
            HttpTransport.httpUri(o, "hostport", host);
            String root = host.endsWith("/") ? host.substring(0, host.length() - 1) : host;
            endpoints.add(HttpTransport.httpUri(o, "endpoint", root + endpoint));
        }
        int expiresAfter = o.integer("expiresafter", 0, 0, Integer.MAX_VALUE);
        Map<String, String> extraLabels = o.stringMap("extralabels");
        Map<String, String> extraAnnotations = o.stringMap("extraannotations");
        Map<Priority, String> severities = defaultSeverities();
        o.stringMap("customseveritymap").forEach((prio, severity) -> severities.put(Priority.parse(prio)
                .orElseThrow(() -> o.error("customseveritymap", "'" + prio + "' is not a priority")), severity));
        Priority dropDefault = priority(o, "dropeventdefaultpriority", o.string("dropeventdefaultpriority",
                "critical"));
        List<AlertmanagerTarget.DropThreshold> thresholds = new ArrayList<>();
        String thresholdText = o.string("dropeventthresholds", DEFAULT_DROP_THRESHOLDS);
        for (String item : thresholdText.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] parts = item.strip().split(":", 2);
            long value;
            try {
                value = Long.parseLong(parts[0].strip());
            } catch (NumberFormatException e) {
                throw o.error("dropeventthresholds", "'" + item.strip() + "' is not 'count:priority'");
            }
            if (parts.length != 2 || value < 0) {
                throw o.error("dropeventthresholds", "'" + item.strip() + "' is not 'count:priority'");
            }
            thresholds.add(new AlertmanagerTarget.DropThreshold(value, priority(o, "dropeventthresholds",
                    parts[1].strip())));
        }
        thresholds.sort(Comparator.comparingLong(AlertmanagerTarget.DropThreshold::value).reversed());
        Map<String, String> headers = o.stringMap("customheaders");
        int maxBatch = o.integer("maxbatch", DEFAULT_MAX_BATCH, 1, MAX_BATCH_LIMIT);
        HttpTransport.Settings http = HttpTransport.Settings.read(o);
        return () -> new AlertmanagerTarget(endpoints, headers, severities, extraLabels, extraAnnotations,
                expiresAfter, dropDefault, thresholds, http.open(KEY), hostname(), maxBatch);
    }

    /** {@return Falcosidekick's default severity for each priority} */
    static Map<Priority, String> defaultSeverities() {
        Map<Priority, String> m = new EnumMap<>(Priority.class);
        for (Priority p : Priority.values()) {
            m.put(p, switch (p) {
                case DEBUG, INFORMATIONAL, NOTICE -> "information";
                case WARNING, ERROR -> "warning";
                case CRITICAL, ALERT, EMERGENCY -> "critical";
            });
        }
        return m;
    }

    private static Priority priority(ForwarderOptions o, String option, String text) {
        return Priority.parse(text).orElseThrow(() -> o.error(option, "'" + text + "' is not a priority"));
    }
}
