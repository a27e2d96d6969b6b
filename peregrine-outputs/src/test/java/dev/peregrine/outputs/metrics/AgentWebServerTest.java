package dev.peregrine.outputs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.outputs.delivery.DeliveryCounters;
import dev.peregrine.outputs.format.AlertFormatOptions;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.Priority;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentWebServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AgentMetrics metrics() {
        AgentMetrics m = new AgentMetrics("0.1.0", 1_000L);
        for (int i = 0; i < 5; i++) {
            m.eventSeen();
        }
        FormattedAlert a = new FormattedAlert("l", "Read sensitive file", Priority.WARNING, "syscall",
                List.of("filesystem", "T1555"), 1L, "o", Map.of());
        m.alert(a);
        m.alert(a);
        m.kernelDrops(() -> 3);
        m.delivery(() -> List.of(new DeliveryCounters("http", 7, 2, 0, 4, 3, 1, 4, Map.of("rejected", 1L,
                "queue_full", 2L), "HTTP 500")));
        return m;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void endpoints_healthzVersionsMetrics_answerAsFalco() throws Exception {
        try (AgentWebServer s = AgentWebServer.start("127.0.0.1", 0, "/healthz", "{\"engine_version\":\"63\"}",
                metrics())) {
            HttpResponse<String> health = get(s.port(), "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\": \"ok\"}");
            assertThat(get(s.port(), "/versions").body()).isEqualTo("{\"engine_version\":\"63\"}");
            HttpResponse<String> m = get(s.port(), "/metrics");
            assertThat(m.headers().firstValue("Content-Type")).contains(AgentWebServer.PROMETHEUS_CONTENT_TYPE);
            assertThat(m.body()).contains(
                    "# TYPE falcosecurity_scap_n_evts_total counter\nfalcosecurity_scap_n_evts_total 5\n",
                    "falcosecurity_scap_n_drops_total 3\n",
                    "falcosecurity_falco_version_info{version=\"0.1.0\"} 1\n",
                    "falcosecurity_falco_rules_matches_total{priority=\"4\",rule_name=\"Read sensitive file\","
                            + "source=\"syscall\",tag_T1555=\"true\",tag_filesystem=\"true\"} 2\n",
                    "falcosecurity_falco_outputs_queue_num_drops_total 2\n",
                    "peregrine_delivery_failures_total{channel=\"http\"} 3\n",
                    "peregrine_delivery_queue_size{channel=\"http\"} 1\n",
                    "peregrine_delivery_dropped_total{channel=\"http\",reason=\"rejected\"} 1\n",
                    "# TYPE falcosecurity_falco_memory_rss_bytes gauge\n", "falcosecurity_falco_cpu_usage_ratio ");
            assertThat(m.body()).containsPattern("falcosecurity_falco_memory_rss_bytes [1-9]\\d*\n");
        }
    }

    @Test
    void metrics_prometheusDisabled_hasNoMetricsEndpoint() throws Exception {
        try (AgentWebServer s = AgentWebServer.start("127.0.0.1", 0, "/health", "{}", null)) {
            assertThat(get(s.port(), "/health").statusCode()).isEqualTo(200);
            assertThat(get(s.port(), "/metrics").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void snapshot_json_isFalcosInternalAlertWithCounters() throws Exception {
        var outcome = RulesLoader.load(List.of(new RulesSource("r.yaml", """
                - rule: r
                  desc: d
                  condition: evt.type=open
                  output: o
                  priority: WARNING
                """)), LoadOptions.defaults());
        AlertFormatOptions json = new AlertFormatOptions(true, true, true, false, true, false, "host1", List.of());
        AlertFormatter f = AlertFormatter.create(outcome.ruleset().orElseThrow(), json);
        FormattedAlert a = MetricsSnapshots.snapshot(metrics(), f, ZoneOffset.UTC, 1, 2.0);
        assertThat(a.rule()).isEqualTo("Falco internal: metrics snapshot");
        assertThat(a.priority()).isEqualTo(Priority.INFORMATIONAL);
        JsonNode n = JSON.readTree(a.line());
        assertThat(n.get("rule").asText()).isEqualTo("Falco internal: metrics snapshot");
        assertThat(n.get("output").asText()).endsWith("Falco metrics snapshot");
        JsonNode fields = n.get("output_fields");
        assertThat(fields.get("falco.num_evts").asLong()).isEqualTo(5);
        assertThat(fields.get("falco.num_evts_prev").asLong()).isEqualTo(1);
        assertThat(fields.get("falco.evts_rate_sec").asDouble()).isEqualTo(2.0);
        assertThat(fields.get("falco.rules.Read_sensitive_file").asLong()).isEqualTo(2);
        assertThat(fields.get("falco.rules.matches_total").asLong()).isEqualTo(2);
        assertThat(fields.get("scap.n_drops").asLong()).isEqualTo(3);
        assertThat(fields.get("evt.hostname").asText()).isEqualTo("host1");
        assertThat(fields.get("falco.outputs_queue_num_drops").asLong()).isEqualTo(2);
    }

    @Test
    void fileLine_sortedKeysWithSample_asFalcosMetricsFile() {
        assertThat(MetricsSnapshots.fileLine(3, new java.util.LinkedHashMap<>(Map.of("scap.n_evts", 5L,
                "falco.version", "0.1.0")))).isEqualTo(
                        "{\"output_fields\":{\"falco.version\":\"0.1.0\",\"scap.n_evts\":5},\"sample\":3}");
    }
}
