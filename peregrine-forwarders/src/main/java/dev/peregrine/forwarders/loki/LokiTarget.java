package dev.peregrine.forwarders.loki;

import static java.util.Objects.requireNonNull;

import dev.peregrine.forwarders.FalcoPayload;
import dev.peregrine.forwarders.HttpForwarder;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.Json;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Grafana Loki's push API ({@code POST /loki/api/v1/push}, JSON): a batch of alerts is one request whose
 * {@code streams} group the alerts by label set, each value being {@code [<time in ns as a string>, <line>]}. The
 * labels are Falcosidekick's: {@code rule}, {@code source}, {@code priority}, {@code k8s_ns_name} and
 * {@code k8s_pod_name} when the alert has those fields, the {@code extralabels} fields (dots become underscores,
 * brackets and double quotes are dropped), {@code hostname} and {@code tags} (sorted, comma-separated). The line is
 * the output text, or the whole Falcosidekick payload with {@code format: json}.
 */
public final class LokiTarget extends HttpForwarder {
    /* Implementation notes: grouping by label set keeps one stream per distinct set, in first-seen order, and the
     * values of a stream in alert (event) order, which Loki requires unless out-of-order ingestion is on. */

    /** {@code format}: what each log line holds. */
    public enum Format {
        /** the alert's output text (Falcosidekick's default) */
        TEXT,
        /** the Falcosidekick payload as JSON */
        JSON
    }

    private final URI pushUri;
    private final Map<String, String> headers;
    private final Format format;
    private final List<String> extraLabels;

    /**
     * @param headers tenant, authorization and custom headers
     * @param extraLabels output field names to add as labels
     */
    public LokiTarget(URI pushUri, Map<String, String> headers, Format format, List<String> extraLabels,
            HttpTransport http, String hostname, int maxBatch) {
        super(LokiFactory.KEY, http, hostname, maxBatch);
        this.pushUri = requireNonNull(pushUri, "pushUri is null");
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.putAll(headers);
        this.headers = Collections.unmodifiableMap(h);
        this.format = requireNonNull(format, "format is null");
        this.extraLabels = List.copyOf(extraLabels);
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        byte[] body = Json.write(push(batch)).getBytes(StandardCharsets.UTF_8);
        http.send("POST", pushUri, HttpTransport.display(pushUri), headers, body);
    }

    /** {@return the push request for {@code batch}, as a JSON-ready map} */
    Map<String, Object> push(List<FormattedAlert> batch) {
        Map<Map<String, String>, List<List<String>>> streams = new LinkedHashMap<>();
        for (FormattedAlert alert : batch) {
            FalcoPayload p = payload(alert);
            String line = format == Format.JSON ? p.toJson() : p.output();
            streams.computeIfAbsent(labels(p), k -> new ArrayList<>())
                    .add(List.of(Long.toUnsignedString(p.timestampNanos()), line));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        streams.forEach((labels, values) -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("stream", labels);
            s.put("values", values);
            out.add(s);
        });
        return Map.of("streams", out);
    }

    /** {@return the stream labels of one alert, sorted by name} */
    Map<String, String> labels(FalcoPayload p) {
        Map<String, String> s = new TreeMap<>();
        s.put("rule", p.rule());
        s.put("source", p.source());
        s.put("priority", p.priority().falcoName());
        if (p.outputFields().get("k8s.ns.name") instanceof String ns) {
            s.put("k8s_ns_name", ns);
        }
        if (p.outputFields().get("k8s.pod.name") instanceof String pod) {
            s.put("k8s_pod_name", pod);
        }
        for (String field : extraLabels) {
            if (p.outputFields().get(field) instanceof String v) {
                s.put(labelName(field), v.replace("\"", ""));
            }
        }
        if (!p.hostname().isEmpty()) {
            s.put("hostname", p.hostname());
        }
        if (!p.tags().isEmpty()) {
            s.put("tags", String.join(",", p.tags().stream().sorted().toList()));
        }
        return s;
    }

    /** {@return Falcosidekick's label name for a field: dots to underscores, brackets dropped} */
    static String labelName(String field) {
        return field.replace('.', '_').replace("]", "").replace("[", "");
    }
}
