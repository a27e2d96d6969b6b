package dev.peregrine.forwarders.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.forwarders.LoopbackHttpServer;
import dev.peregrine.forwarders.ReplayedAlerts;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.ConfiguredTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AlertTarget target(Map<String, ?> options) {
        return new WebhookFactory().create(options).target();
    }

    @Test
    void deliver_replayedAlerts_postsFalcosidekickPayloadPerAlert() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer();
                AlertTarget target = target(Map.of("address", server.url("/falco"),
                        "customHeaders", Map.of("Authorization", "Bearer s3cret", "X-Team", "sec")))) {
            List<FormattedAlert> alerts = ReplayedAlerts.json();
            for (FormattedAlert alert : alerts) {
                target.deliver(List.of(alert));
            }
            List<LoopbackHttpServer.Request> requests = server.requests();
            assertThat(requests).hasSize(ReplayedAlerts.COUNT);
            for (int i = 0; i < requests.size(); i++) {
                LoopbackHttpServer.Request r = requests.get(i);
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/falco");
                assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
                assertThat(r.header("Authorization")).isEqualTo("Bearer s3cret");
                assertThat(r.header("X-Team")).isEqualTo("sec");
                assertThat(r.header("User-Agent")).isEqualTo("Peregrine");
                JsonNode body = JSON.readTree(r.body());
                assertThat(body.fieldNames()).toIterable().containsExactly("uuid", "output", "priority", "rule",
                        "time", "output_fields", "source", "tags", "hostname");
                assertThat(body.get("output").asText()).isEqualTo(alerts.get(i).output())
                        .contains("Warning An open was seen (command=cat /dev/null)");
                assertThat(body.get("priority").asText()).isEqualTo("Warning");
                assertThat(body.get("rule").asText()).isEqualTo("open_from_cat");
                assertThat(body.get("source").asText()).isEqualTo("syscall");
                assertThat(body.get("hostname").asText()).isEqualTo(ReplayedAlerts.HOSTNAME);
                assertThat(JSON.convertValue(body.get("tags"), List.class))
                        .containsExactly("filesystem", "process", "testing");
                assertThat(body.get("output_fields").get("proc.cmdline").asText()).isEqualTo("cat /dev/null");
                assertThat(body.get("output_fields").get("evt.time.iso8601").asLong())
                        .isEqualTo(alerts.get(i).timestampNanos());
                assertThat(body.get("uuid").asText()).matches("[0-9a-f-]{36}");
            }
            assertThat(JSON.readTree(requests.get(0).body()).get("time").asText())
                    .isEqualTo("2016-08-04T16:17:57.881781397Z");
        }
    }

    @Test
    void deliver_textAlertsAndPut_usesPutAndTextFields() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer();
                AlertTarget target = target(Map.of("address", server.url("/hook"), "method", "put"))) {
            target.deliver(List.of(ReplayedAlerts.text().getFirst()));
            LoopbackHttpServer.Request r = server.requests().getFirst();
            assertThat(r.method()).isEqualTo("PUT");
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("output_fields").get("proc.cmdline").asText()).isEqualTo("cat /dev/null");
            assertThat(body.get("output").asText()).startsWith("2016-08-04T16:17:57.881781397+0000: Warning");
        }
    }

    @Test
    void deliver_customContentType_overridesTheDefault() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer();
                AlertTarget target = target(Map.of("address", server.url("/hook"),
                        "customheaders", Map.of("content-type", "application/vnd.falco+json")))) {
            target.deliver(List.of(ReplayedAlerts.json().getFirst()));
            assertThat(server.requests().getFirst().header("Content-Type")).isEqualTo("application/vnd.falco+json");
        }
    }

    @Test
    void deliver_serverError_isRetryableWithStatusAndBody() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(503, "overloaded");
                AlertTarget target = target(Map.of("address", server.url("/hook")))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessage("webhook: HTTP 503 from " + server.url("/hook") + ": overloaded; will retry");
        }
    }

    @Test
    void deliver_clientError_isNotRetryable() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(401, "{\"error\":\"bad token\"}");
                AlertTarget target = target(Map.of("address", server.url("/hook")))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("HTTP 401").hasMessageContaining("bad token")
                    .hasMessageContaining("check the credentials");
        }
    }

    @Test
    void deliver_tooManyRequests_isRetryable() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(429, "");
                AlertTarget target = target(Map.of("address", server.url("/hook")))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
        }
    }

    @Test
    void deliver_connectionRefused_isRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (AlertTarget target = target(Map.of("address", "http://127.0.0.1:" + port + "/hook"))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageStartingWith("webhook: cannot connect to http://127.0.0.1:" + port + "/hook");
        }
    }

    @Test
    void deliver_noAnswerWithinTimeout_isRetryable() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respondAfter(Duration.ofSeconds(3), 200, "{}");
                AlertTarget target = target(Map.of("address", server.url("/slow"), "timeout", "300ms"))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessage("webhook: no response from " + server.url("/slow") + " within 300ms; will retry");
        }
    }

    @Test
    void create_minimumPriority_isParsedAndDefaultsToDebug() {
        ConfiguredTarget withPriority = new WebhookFactory().create(Map.of("address", "http://127.0.0.1:1/",
                "minimumpriority", "error"));
        ConfiguredTarget without = new WebhookFactory().create(Map.of("address", "http://127.0.0.1:1/",
                "minimumpriority", ""));
        assertThat(withPriority.minimumPriority()).isEqualTo(Priority.ERROR);
        assertThat(without.minimumPriority()).isEqualTo(Priority.DEBUG);
        withPriority.target().close();
        without.target().close();
    }

    @Test
    void create_badOptions_nameTheOption() {
        WebhookFactory f = new WebhookFactory();
        assertThatThrownBy(() -> f.create(Map.of())).hasMessage("forwarders.webhook.address: missing");
        assertThatThrownBy(() -> f.create(Map.of("address", "ftp://x/")))
                .hasMessage("forwarders.webhook.address: 'ftp://x/' is not an http:// or https:// URL with a host");
        assertThatThrownBy(() -> f.create(Map.of("address", "http://x/", "method", "GET")))
                .hasMessage("forwarders.webhook.method: 'GET' is not one of POST, PUT");
        assertThatThrownBy(() -> f.create(Map.of("address", "http://x/", "adress", "http://y/")))
                .hasMessageStartingWith("forwarders.webhook.adress: unknown option (known: address, ");
        assertThatThrownBy(() -> f.create(Map.of("address", "http://x/", "minimumpriority", "loud")))
                .hasMessageStartingWith("forwarders.webhook.minimumpriority: 'loud' is not a priority");
        assertThatThrownBy(() -> f.create(Map.of("address", "http://x/", "mutualtls", true)))
                .hasMessageStartingWith("forwarders.webhook.mutualtls: 'true' is not supported");
    }
}
