package dev.peregrine.forwarders.alertmanager;

import static java.util.Objects.requireNonNull;

import dev.peregrine.forwarders.FalcoPayload;
import dev.peregrine.forwarders.HttpForwarder;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.Json;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.AlertTime;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus Alertmanager ({@code POST /api/v2/alerts}): a batch of alerts is one JSON array of Alertmanager alerts,
 * sent to every configured Alertmanager. Labels and annotations are Falcosidekick's: each output field as a label
 * (name sanitized to {@code [a-zA-Z0-9_]}), {@code source=falco}, {@code rule} and {@code alertname} (the rule),
 * {@code eventsource}, {@code hostname}, {@code tags}, {@code priority}, {@code severity} (mapped from the priority,
 * overridable), then the extra labels; annotations {@code info} and {@code description} (the output),
 * {@code summary} (the rule), then the extra annotations. For Falco's drop alerts, the {@code n_drops*} fields
 * become ranges ({@code >1000}) and may raise the priority per {@code dropeventthresholds}.
 */
public final class AlertmanagerTarget extends HttpForwarder {
    /*
     * Implementation notes:
     * - startsAt is the alert's time (Falcosidekick leaves it to Alertmanager's receive time); an alert delivered
     *   late from the spool then still shows when it happened. endsAt is startsAt + expiresafter when set.
     * - Alertmanager deduplicates alerts with identical labels, so sending a batch again to every instance after a
     *   partial failure is harmless.
     */

    /** A drop-count threshold: more than {@code value} drops give at least {@code priority}. */
    public record DropThreshold(long value, Priority priority) {
        public DropThreshold {
            requireNonNull(priority, "priority is null");
        }
    }

    private final List<URI> endpoints;
    private final Map<String, String> headers;
    private final Map<Priority, String> severities;
    private final Map<String, String> extraLabels;
    private final Map<String, String> extraAnnotations;
    private final long expiresAfterSeconds;
    private final Priority dropDefaultPriority;
    private final List<DropThreshold> dropThresholds;

    /**
     * @param severities the severity label for each priority
     * @param dropThresholds highest value first
     */
    public AlertmanagerTarget(List<URI> endpoints, Map<String, String> headers, Map<Priority, String> severities,
            Map<String, String> extraLabels, Map<String, String> extraAnnotations, long expiresAfterSeconds,
            Priority dropDefaultPriority, List<DropThreshold> dropThresholds, HttpTransport http, String hostname,
            int maxBatch) {
        super(AlertmanagerFactory.KEY, http, hostname, maxBatch);
        this.endpoints = List.copyOf(endpoints);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.putAll(headers);
        this.headers = Collections.unmodifiableMap(h);
        this.severities = Map.copyOf(severities);
        this.extraLabels = new LinkedHashMap<>(extraLabels);
        this.extraAnnotations = new LinkedHashMap<>(extraAnnotations);
        this.expiresAfterSeconds = expiresAfterSeconds;
        this.dropDefaultPriority = requireNonNull(dropDefaultPriority, "dropDefaultPriority is null");
        this.dropThresholds = List.copyOf(dropThresholds);
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        List<Map<String, Object>> alerts = new ArrayList<>(batch.size());
        for (FormattedAlert alert : batch) {
            alerts.add(alert(payload(alert)));
        }
        byte[] body = Json.write(alerts).getBytes(StandardCharsets.UTF_8);
        List<DeliveryException> failures = new ArrayList<>();
        for (URI endpoint : endpoints) {
            try {
                http.send("POST", endpoint, HttpTransport.display(endpoint), headers, body);
            } catch (DeliveryException e) {
                failures.add(e);
            }
        }
        if (failures.size() == 1 && endpoints.size() == 1) {
            throw failures.getFirst();
        }
        if (!failures.isEmpty()) {
            boolean retryable = failures.stream().anyMatch(DeliveryException::retryable);
            List<String> messages = failures.stream().map(DeliveryException::getMessage).toList();
            DeliveryException e = new DeliveryException(name() + ": " + failures.size() + " of " + endpoints.size()
                    + " Alertmanagers failed: " + String.join(" | ", messages), retryable, failures.getFirst());
            throw e;
        }
    }

    /** {@return the Alertmanager alert for one Falco alert, as a JSON-ready map} */
    Map<String, Object> alert(FalcoPayload p) {
        Map<String, String> labels = new TreeMap<>();
        Priority priority = p.priority();
        for (Map.Entry<String, Object> e : p.outputFields().entrySet()) {
            String name = e.getKey();
            Object value = e.getValue();
            if (name.startsWith("n_evts")) {
                continue;
            }
            if (name.startsWith("n_drop")) {
                long drops;
                try {
                    drops = Long.parseLong(String.valueOf(value));
                } catch (NumberFormatException ex) {
                    continue;
                }
                String shown = null;
                if (drops == 0) {
                    priority = atLeast(priority, Priority.WARNING);
                    shown = "0";
                } else {
                    for (DropThreshold t : dropThresholds) {
                        if (drops > t.value()) {
                            shown = ">" + t.value();
                            priority = atLeast(priority, t.priority());
                            break;
                        }
                    }
                }
                if (shown == null) {
                    shown = Long.toString(drops);
                    priority = atLeast(priority, dropDefaultPriority);
                }
                labels.put(name, shown);
                continue;
            }
            if (value instanceof String || value instanceof Number) {
                labels.put(safeLabel(name), value.toString());
            }
        }
        labels.put("source", "falco");
        labels.put("rule", p.rule());
        labels.put("alertname", p.rule());
        labels.put("eventsource", p.source());
        if (!p.hostname().isEmpty()) {
            labels.put("hostname", p.hostname());
        }
        if (!p.tags().isEmpty()) {
            labels.put("tags", String.join(",", p.tags().stream().sorted().toList()));
        }
        labels.put("priority", priority.falcoName());
        labels.put("severity", severities.get(priority));
        labels.putAll(extraLabels);
        Map<String, String> annotations = new TreeMap<>();
        annotations.put("info", p.output());
        annotations.put("description", p.output());
        annotations.put("summary", p.rule());
        annotations.putAll(extraAnnotations);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("labels", labels);
        a.put("annotations", annotations);
        a.put("startsAt", p.time());
        if (expiresAfterSeconds > 0) {
            a.put("endsAt", AlertTime.iso8601Utc(p.timestampNanos() + expiresAfterSeconds * 1_000_000_000L));
        }
        return a;
    }

    private static Priority atLeast(Priority current, Priority floor) {
        return current.atLeast(floor) ? current : floor;
    }

    /**
     * {@return Falcosidekick's label name: characters outside {@code [a-zA-Z0-9_]} become {@code _}, doubled
     * underscores are halved once, leading and trailing ones dropped}
     */
    static String safeLabel(String name) {
        String s = name.replaceAll("[^a-zA-Z0-9_]", "_").replace("__", "_");
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '_') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '_') {
            end--;
        }
        return s.substring(start, end);
    }
}
