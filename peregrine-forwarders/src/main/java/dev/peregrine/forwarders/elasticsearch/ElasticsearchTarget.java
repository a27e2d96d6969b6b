package dev.peregrine.forwarders.elasticsearch;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.forwarders.FalcoPayload;
import dev.peregrine.forwarders.HttpForwarder;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.Json;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Elasticsearch and OpenSearch: a batch of alerts is one {@code POST /_bulk} request (NDJSON: a {@code create}
 * action with the index and the alert's {@link FalcoPayload#uuid() uuid} as {@code _id}, then the document), the
 * document being Falcosidekick's payload plus {@code @timestamp}. The index is {@code <index>-YYYY.MM.DD} (or
 * monthly, yearly, or no suffix) of the alert's time.
 *
 * <p>The bulk response is checked item by item: created (201, 200) and already present (409, same {@code _id}:
 * delivered by an earlier attempt) count as accepted; if any item failed with 429 or 5xx the whole batch is
 * retryable (re-sending is harmless thanks to the ids); otherwise a failed item (e.g. a mapping conflict) makes the
 * batch non-retryable with Elasticsearch's reason.
 */
public final class ElasticsearchTarget extends HttpForwarder {
    /*
     * Implementation notes:
     * - Falcosidekick names the index after the time of sending; Peregrine uses the alert's own time (UTC) so that
     *   alerts spooled while Elasticsearch was down still land in the index of the day they happened.
     * - "create" with a deterministic _id makes at-least-once delivery exactly-once in the index.
     */

    /** {@code suffix}: the date appended to the index name. */
    public enum Suffix {
        /** {@code -YYYY.MM.DD} (Falcosidekick's default) */
        DAILY("yyyy.MM.dd"),
        /** {@code -YYYY.MM} */
        MONTHLY("yyyy.MM"),
        /** {@code -YYYY} */
        ANNUALLY("yyyy"),
        /** no suffix */
        NONE("");

        private final DateTimeFormatter format;

        Suffix(String pattern) {
            this.format = pattern.isEmpty() ? null : DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC);
        }

        String apply(String index, long timestampNanos) {
            return format == null ? index : index + "-" + format.format(
                    Instant.ofEpochSecond(0, 0).plusNanos(timestampNanos));
        }
    }

    /** The content type of a bulk request. */
    public static final String NDJSON = "application/x-ndjson";

    private final URI bulkUri;
    private final String index;
    private final Suffix suffix;
    private final boolean flattenFields;
    private final boolean gzip;
    private final Map<String, String> headers;

    /**
     * @param bulkUri the {@code _bulk} endpoint, with the {@code pipeline} query when one is configured
     * @param headers authorization and custom headers
     */
    public ElasticsearchTarget(URI bulkUri, String index, Suffix suffix, boolean flattenFields, boolean gzip,
            Map<String, String> headers, HttpTransport http, String hostname, int maxBatch) {
        super(ElasticsearchFactory.KEY, http, hostname, maxBatch);
        this.bulkUri = requireNonNull(bulkUri, "bulkUri is null");
        this.index = requireNonNull(index, "index is null");
        this.suffix = requireNonNull(suffix, "suffix is null");
        this.flattenFields = flattenFields;
        this.gzip = gzip;
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", NDJSON);
        if (gzip) {
            h.put("Content-Encoding", "gzip");
        }
        h.putAll(headers);
        this.headers = Collections.unmodifiableMap(h);
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        byte[] body = bulkBody(batch).getBytes(StandardCharsets.UTF_8);
        String response = http.send("POST", bulkUri, HttpTransport.display(bulkUri), headers,
                gzip ? gzip(body) : body);
        checkBulkResponse(response, batch.size());
    }

    /** {@return the NDJSON body of a bulk request for {@code batch}} */
    String bulkBody(List<FormattedAlert> batch) {
        StringBuilder sb = new StringBuilder(batch.size() * 1024);
        for (FormattedAlert alert : batch) {
            FalcoPayload p = payload(alert);
            Map<String, Object> target = new LinkedHashMap<>();
            target.put("_index", suffix.apply(index, p.timestampNanos()));
            target.put("_id", p.uuid());
            sb.append(Json.write(Map.of("create", target))).append('\n');
            Map<String, Object> doc = p.toMap();
            if (flattenFields) {
                Map<String, Object> flat = new TreeMap<>();
                p.outputFields().forEach((k, v) -> flat.put(k.replace('.', '_'), v));
                doc.put("output_fields", flat);
            }
            doc.put("@timestamp", p.time());
            sb.append(Json.write(doc)).append('\n');
        }
        return sb.toString();
    }

    private void checkBulkResponse(String response, int expected) throws DeliveryException {
        String where = HttpTransport.display(bulkUri);
        JsonNode root = Json.read(response).orElseThrow(() -> new DeliveryException(name() + ": " + where
                + " answered 2xx but not with a bulk response (is hostport an Elasticsearch/OpenSearch node?)",
                false, null));
        if (!root.path("errors").asBoolean(false)) {
            return;
        }
        JsonNode items = root.path("items");
        String retryable = null;
        String permanent = null;
        int failed = 0;
        for (JsonNode item : items) {
            JsonNode result = item.elements().hasNext() ? item.elements().next() : item;
            int status = result.path("status").asInt(0);
            if (status == 200 || status == 201 || status == 409) {
                continue;
            }
            failed++;
            String reason = "HTTP " + status + " " + result.path("error").path("type").asText("")
                    + ": " + result.path("error").path("reason").asText("");
            if (status == 429 || status >= 500) {
                retryable = retryable == null ? reason : retryable;
            } else {
                permanent = permanent == null ? reason : permanent;
            }
        }
        if (retryable != null) {
            throw new DeliveryException(name() + ": " + failed + " of " + expected + " alerts rejected by " + where
                    + " (first: " + retryable + "); will retry", true, null);
        }
        if (permanent != null) {
            throw new DeliveryException(name() + ": " + failed + " of " + expected + " alerts rejected by " + where
                    + " (first: " + permanent + "); check the index mapping (flattenfields: true avoids "
                    + "conflicts between dotted field names)", false, null);
        }
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
