package dev.peregrine.forwarders.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.forwarders.LoopbackHttpServer;
import dev.peregrine.forwarders.ReplayedAlerts;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LokiTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AlertTarget target(LoopbackHttpServer server, Map<String, Object> options) {
        Map<String, Object> o = new HashMap<>(options);
        o.put("hostport", server.url(""));
        return new LokiFactory().create(o).target();
    }

    @Test
    void deliver_batch_pushesOneStreamWithNanosecondValuesInOrder() throws Exception {
        List<FormattedAlert> alerts = ReplayedAlerts.json();
        try (LoopbackHttpServer server = new LoopbackHttpServer().respondByDefault(204, "");
                AlertTarget target = target(server, Map.of("tenant", "team-a", "user", "123456",
                        "apikey", "glc_x", "extralabels", "proc.cmdline, user.name"))) {
            target.deliver(alerts);
            assertThat(server.requests()).hasSize(1);
            LoopbackHttpServer.Request r = server.requests().getFirst();
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/loki/api/v1/push");
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.header("X-Scope-OrgID")).isEqualTo("team-a");
            assertThat(r.header("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("123456:glc_x".getBytes()));
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.fieldNames()).toIterable().containsExactly("streams");
            assertThat(body.get("streams")).hasSize(1);
            JsonNode stream = body.get("streams").get(0);
            assertThat(JSON.convertValue(stream.get("stream"), Map.class)).isEqualTo(Map.of(
                    "rule", "open_from_cat", "source", "syscall", "priority", "Warning",
                    "hostname", ReplayedAlerts.HOSTNAME, "tags", "filesystem,process,testing",
                    "proc_cmdline", "cat /dev/null"));
            JsonNode values = stream.get("values");
            assertThat(values).hasSize(alerts.size());
            for (int i = 0; i < alerts.size(); i++) {
                JsonNode v = values.get(i);
                assertThat(v).hasSize(2);
                assertThat(v.get(0).isTextual()).as("timestamp is a string").isTrue();
                assertThat(v.get(0).asText()).isEqualTo(Long.toString(alerts.get(i).timestampNanos()));
                assertThat(v.get(1).asText()).isEqualTo(alerts.get(i).output());
            }
            assertThat(values.get(0).get(0).asText()).isEqualTo(Long.toString(ReplayedAlerts.FIRST_TIME_NANOS));
        }
    }

    @Test
    void deliver_jsonFormatAndCustomEndpoint_linesArePayloads() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respondByDefault(204, "");
                AlertTarget target = target(server, Map.of("format", "json", "endpoint", "/api/prom/push"))) {
            target.deliver(List.of(ReplayedAlerts.text().getFirst()));
            LoopbackHttpServer.Request r = server.requests().getFirst();
            assertThat(r.path()).isEqualTo("/api/prom/push");
            assertThat(r.header("X-Scope-OrgID")).isNull();
            String line = JSON.readTree(r.body()).get("streams").get(0).get("values").get(0).get(1).asText();
            JsonNode payload = JSON.readTree(line);
            assertThat(payload.get("rule").asText()).isEqualTo("open_from_cat");
            assertThat(payload.get("output_fields").get("proc.cmdline").asText()).isEqualTo("cat /dev/null");
        }
    }

    @Test
    void deliver_outOfOrderRejection_isNotRetryable() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(400, "entry too far behind");
                AlertTarget target = target(server, Map.of())) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageStartingWith("loki: HTTP 400 from " + server.url("/loki/api/v1/push")
                            + ": entry too far behind");
        }
    }

    @Test
    void deliver_alertsWithDifferentLabels_goToSeparateStreams() throws Exception {
        List<FormattedAlert> batch = List.of(ReplayedAlerts.json().get(0), ReplayedAlerts.syscallEventDrop(true, 7),
                ReplayedAlerts.json().get(1));
        try (LoopbackHttpServer server = new LoopbackHttpServer().respondByDefault(204, "");
                AlertTarget target = target(server, Map.of())) {
            target.deliver(batch);
            JsonNode streams = JSON.readTree(server.requests().getFirst().body()).get("streams");
            assertThat(streams).hasSize(2);
            assertThat(streams.get(0).get("stream").get("rule").asText()).isEqualTo("open_from_cat");
            assertThat(streams.get(0).get("values")).hasSize(2);
            assertThat(streams.get(1).get("stream").get("rule").asText())
                    .isEqualTo("Falco internal: syscall event drop");
            assertThat(streams.get(1).get("stream").get("source").asText()).isEqualTo("internal");
            assertThat(streams.get(1).get("stream").get("priority").asText()).isEqualTo("Critical");
            assertThat(streams.get(1).get("stream").has("tags")).isFalse();
            assertThat(streams.get(1).get("values").get(0).get(1).asText())
                    .isEqualTo(batch.get(1).output());
        }
    }

    @Test
    void labelName_bracketsAndDots_areSanitized() {
        assertThat(LokiTarget.labelName("proc.aname[2]")).isEqualTo("proc_aname2");
    }
}
