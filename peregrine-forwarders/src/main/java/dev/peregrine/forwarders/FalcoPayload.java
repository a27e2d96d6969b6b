package dev.peregrine.forwarders;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.outputs.format.AlertTime;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An alert as Falcosidekick receives it from Falco and hands it to its outputs: {@code uuid}, {@code output},
 * {@code priority}, {@code rule}, {@code time}, {@code output_fields}, {@code source}, {@code tags},
 * {@code hostname}. {@link #toJson()} is the body the generic webhook posts and the value Kafka carries.
 *
 * @param uuid a name-based UUID of the alert (hostname, rule, source, time, output): the same alert always gets the
 *     same id, so a retried delivery can be recognised downstream (Elasticsearch uses it as the document id)
 * @param outputFields the output's fields sorted by name: typed values (numbers, strings, null) when the alert was
 *     rendered as JSON ({@code json_output}), otherwise their text
 */
public record FalcoPayload(String uuid, String output, Priority priority, String rule, long timestampNanos,
        Map<String, Object> outputFields, String source, List<String> tags, String hostname) {
    /*
     * Implementation notes: FormattedAlert carries the hostname and the typed output_fields only inside its JSON
     * line; for text alerts the hostname comes from the caller (resolved once, as Falco does) and the fields are
     * their text. Falcosidekick's Go types marshal the struct fields in declaration order, which toJson keeps.
     */

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final DateTimeFormatter GO_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    public FalcoPayload {
        requireNonNull(uuid, "uuid is null");
        requireNonNull(output, "output is null");
        requireNonNull(priority, "priority is null");
        requireNonNull(rule, "rule is null");
        outputFields = Collections.unmodifiableMap(new TreeMap<>(outputFields));
        requireNonNull(source, "source is null");
        tags = List.copyOf(tags);
        requireNonNull(hostname, "hostname is null");
    }

    /**
     * @param hostname the hostname for text alerts (a JSON alert carries its own)
     * @throws IllegalArgumentException when the alert's line looks like JSON but does not parse
     */
    public static FalcoPayload of(FormattedAlert alert, String hostname) {
        requireNonNull(alert, "alert is null");
        requireNonNull(hostname, "hostname is null");
        String host = hostname;
        Map<String, Object> fields = new TreeMap<>(alert.fields());
        if (alert.line().startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(alert.line());
                if (node.hasNonNull("hostname")) {
                    host = node.get("hostname").asText();
                }
                JsonNode of = node.get("output_fields");
                if (of != null && of.isObject()) {
                    fields = new TreeMap<>();
                    for (Map.Entry<String, JsonNode> e : of.properties()) {
                        fields.put(e.getKey(), JSON.treeToValue(e.getValue(), Object.class));
                    }
                }
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("alert of rule '" + alert.rule() + "' is not valid JSON: "
                        + e.getOriginalMessage(), e);
            }
        }
        String id = UUID.nameUUIDFromBytes(String.join("\0", host, alert.rule(), alert.source(),
                Long.toUnsignedString(alert.timestampNanos()), alert.output()).getBytes(StandardCharsets.UTF_8))
                .toString();
        return new FalcoPayload(id, alert.output(), alert.priority(), alert.rule(), alert.timestampNanos(), fields,
                alert.source(), alert.tags(), host);
    }

    /** {@return the time as Falco's JSON alerts write it, e.g. {@code 2016-08-04T16:17:57.881781397Z}} */
    public String time() {
        return AlertTime.iso8601Utc(timestampNanos);
    }

    /**
     * {@return the time as Falcosidekick's chat outputs print it (Go's {@code time.Time.String()} in UTC), e.g.
     * {@code 2016-08-04 16:17:57.881781397 +0000 UTC}}
     */
    public String goTime() {
        long seconds = Long.divideUnsigned(timestampNanos, NANOS_PER_SECOND);
        long nanos = Long.remainderUnsigned(timestampNanos, NANOS_PER_SECOND);
        StringBuilder sb = new StringBuilder(GO_SECONDS.format(Instant.ofEpochSecond(seconds)));
        if (nanos != 0) {
            String frac = String.format("%09d", nanos);
            int end = frac.length();
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(frac, 0, end);
        }
        return sb.append(" +0000 UTC").toString();
    }

    /** {@return the output fields as text ({@code <NA>} for null), sorted by name} */
    public Map<String, String> textFields() {
        Map<String, String> out = new TreeMap<>();
        outputFields.forEach((k, v) -> out.put(k, v == null ? "<NA>" : v.toString()));
        return out;
    }

    /** {@return the Falcosidekick payload as an ordered map, ready for JSON} */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", uuid);
        m.put("output", output);
        m.put("priority", priority.falcoName());
        m.put("rule", rule);
        m.put("time", time());
        m.put("output_fields", outputFields);
        m.put("source", source);
        if (!tags.isEmpty()) {
            m.put("tags", tags);
        }
        if (!hostname.isEmpty()) {
            m.put("hostname", hostname);
        }
        return m;
    }

    /** {@return the Falcosidekick payload as JSON} */
    public String toJson() {
        return Json.write(toMap());
    }
}
