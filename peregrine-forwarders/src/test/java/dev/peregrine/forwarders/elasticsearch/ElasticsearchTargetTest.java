package dev.peregrine.forwarders.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.forwarders.LoopbackHttpServer;
import dev.peregrine.forwarders.ReplayedAlerts;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ElasticsearchTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@return an Elasticsearch bulk response with one create item per status} */
    private static String bulkResponse(int... statuses) {
        StringBuilder sb = new StringBuilder("{\"took\":3,\"errors\":");
        boolean errors = false;
        for (int s : statuses) {
            errors |= s >= 300;
        }
        sb.append(errors).append(",\"items\":[");
        for (int i = 0; i < statuses.length; i++) {
            int s = statuses[i];
            sb.append(i == 0 ? "" : ",").append("{\"create\":{\"_index\":\"falco-2016.08.04\",\"status\":").append(s);
            if (s >= 300) {
                String type = switch (s) {
                    case 409 -> "version_conflict_engine_exception";
                    case 429 -> "es_rejected_execution_exception";
                    default -> "document_parsing_exception";
                };
                sb.append(",\"error\":{\"type\":\"").append(type).append("\",\"reason\":\"failed [output_fields.x]\"}");
            }
            sb.append("}}");
        }
        return sb.append("]}").toString();
    }

    private static AlertTarget target(LoopbackHttpServer server, Map<String, Object> options) {
        Map<String, Object> o = new HashMap<>(options);
        o.put("hostport", server.url(""));
        return new ElasticsearchFactory().create(o).target();
    }

    @Test
    void deliver_batch_sendsOneBulkRequestWithCreateActionsAndDailyIndex() throws Exception {
        List<FormattedAlert> alerts = ReplayedAlerts.json();
        try (LoopbackHttpServer server = new LoopbackHttpServer()
                .respond(200, bulkResponse(201, 201, 201, 201, 201, 201, 201, 201));
                AlertTarget target = target(server, Map.of("username", "elastic", "password", "changeme"))) {
            assertThat(target.maxBatch()).isEqualTo(ElasticsearchFactory.DEFAULT_MAX_BATCH);
            target.deliver(alerts);
            assertThat(server.requests()).hasSize(1);
            LoopbackHttpServer.Request r = server.requests().getFirst();
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/_bulk");
            assertThat(r.query()).isNull();
            assertThat(r.header("Content-Type")).isEqualTo("application/x-ndjson");
            assertThat(r.header("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("elastic:changeme".getBytes()));
            assertThat(r.body()).endsWith("\n");
            String[] lines = r.body().split("\n");
            assertThat(lines).hasSize(2 * alerts.size());
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < alerts.size(); i++) {
                JsonNode action = JSON.readTree(lines[2 * i]);
                assertThat(action.fieldNames()).toIterable().containsExactly("create");
                assertThat(action.get("create").get("_index").asText()).isEqualTo("falco-2016.08.04");
                String id = action.get("create").get("_id").asText();
                ids.add(id);
                JsonNode doc = JSON.readTree(lines[2 * i + 1]);
                assertThat(doc.get("uuid").asText()).isEqualTo(id);
                assertThat(doc.get("rule").asText()).isEqualTo("open_from_cat");
                assertThat(doc.get("priority").asText()).isEqualTo("Warning");
                assertThat(doc.get("output").asText()).isEqualTo(alerts.get(i).output());
                assertThat(doc.get("output_fields").get("proc.cmdline").asText()).isEqualTo("cat /dev/null");
                assertThat(doc.get("@timestamp").asText()).isEqualTo(doc.get("time").asText())
                        .startsWith("2016-08-04T16:17:5");
                assertThat(doc.get("hostname").asText()).isEqualTo(ReplayedAlerts.HOSTNAME);
            }
            assertThat(ids).hasSize(alerts.size());
        }
    }

    @Test
    void deliver_sameAlertTwice_reusesDocumentIdSoConflictsCountAsDelivered() throws Exception {
        FormattedAlert alert = ReplayedAlerts.json().getFirst();
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(200, bulkResponse(201))
                .respond(200, bulkResponse(409));
                AlertTarget target = target(server, Map.of())) {
            target.deliver(List.of(alert));
            target.deliver(List.of(alert));
            List<String> actions = new ArrayList<>();
            for (LoopbackHttpServer.Request r : server.requests()) {
                actions.add(r.body().split("\n")[0]);
            }
            assertThat(actions).hasSize(2).allMatch(a -> a.equals(actions.getFirst()));
        }
    }

    @Test
    void deliver_itemsRejectedWith429_isRetryable() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(200, bulkResponse(201, 429));
                AlertTarget target = target(server, Map.of())) {
            assertThatThrownBy(() -> target.deliver(ReplayedAlerts.json().subList(0, 2)))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("1 of 2 alerts rejected")
                    .hasMessageContaining("HTTP 429 es_rejected_execution_exception");
        }
    }

    @Test
    void deliver_mappingConflict_isNotRetryableAndSuggestsFlattening() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(200, bulkResponse(201, 400));
                AlertTarget target = target(server, Map.of())) {
            assertThatThrownBy(() -> target.deliver(ReplayedAlerts.json().subList(0, 2)))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("document_parsing_exception: failed [output_fields.x]")
                    .hasMessageContaining("flattenfields: true");
        }
    }

    @Test
    void deliver_options_applyPipelineApiKeyGzipSuffixAndFlattening() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(200, bulkResponse(201));
                AlertTarget target = target(server, Map.of("index", "security", "suffix", "monthly",
                        "pipeline", "falco enrich", "apikey", "a2V5", "enablecompression", true,
                        "flattenfields", true, "customheaders", Map.of("X-Opaque-Id", "peregrine")))) {
            target.deliver(List.of(ReplayedAlerts.json().getFirst()));
            LoopbackHttpServer.Request r = server.requests().getFirst();
            assertThat(r.path()).isEqualTo("/_bulk");
            assertThat(r.query()).isEqualTo("pipeline=falco+enrich");
            assertThat(r.header("Authorization")).isEqualTo("ApiKey a2V5");
            assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(r.header("X-Opaque-Id")).isEqualTo("peregrine");
            String[] lines = r.body().split("\n");
            assertThat(JSON.readTree(lines[0]).get("create").get("_index").asText()).isEqualTo("security-2016.08");
            JsonNode fields = JSON.readTree(lines[1]).get("output_fields");
            assertThat(fields.has("proc_cmdline")).isTrue();
            assertThat(fields.has("proc.cmdline")).isFalse();
        }
    }

    @Test
    void deliver_notElasticsearch_isNotRetryable() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(200, "<html>proxy</html>");
                AlertTarget target = target(server, Map.of())) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("not with a bulk response");
        }
    }

    @Test
    void create_badOptions_nameTheOption() {
        ElasticsearchFactory f = new ElasticsearchFactory();
        assertThatThrownBy(() -> f.create(Map.of("hostport", "http://es:9200", "suffix", "hourly")))
                .hasMessage("forwarders.elasticsearch.suffix: 'hourly' is not one of daily, monthly, annually, none");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "http://es:9200", "username", "elastic")))
                .hasMessage("forwarders.elasticsearch.password: missing (username and password go together)");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "http://es:9200", "batching", Map.of("size", 1))))
                .hasMessageStartingWith("forwarders.elasticsearch.batching.size: unknown option");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "http://es:9200", "maxbatch", 0)))
                .hasMessage("forwarders.elasticsearch.maxbatch: 0 is out of range [1, 100000]");
    }
}
