package dev.peregrine.forwarders.slack;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOOK_PATH = "/services/T000/B000/XXXX";

    private static JsonNode send(Map<String, Object> options, FormattedAlert alert) throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respondByDefault(200, "ok")) {
            Map<String, Object> o = new java.util.HashMap<>(options);
            o.put("webhookurl", server.url(HOOK_PATH));
            try (AlertTarget target = new SlackFactory().create(o).target()) {
                target.deliver(List.of(alert));
            }
            LoopbackHttpServer.Request r = server.requests().getFirst();
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo(HOOK_PATH);
            assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            return JSON.readTree(r.body());
        }
    }

    private static List<String> titles(JsonNode attachment) {
        List<String> out = new ArrayList<>();
        attachment.get("fields").forEach(f -> out.add(f.get("title").asText()));
        return out;
    }

    @Test
    void deliver_defaultFormat_sendsAttachmentWithTextAndFields() throws Exception {
        FormattedAlert alert = ReplayedAlerts.json().getFirst();
        JsonNode msg = send(Map.of("channel", "#falco"), alert);
        assertThat(msg.has("text")).isFalse();
        assertThat(msg.get("username").asText()).isEqualTo("Peregrine");
        assertThat(msg.get("channel").asText()).isEqualTo("#falco");
        JsonNode a = msg.get("attachments").get(0);
        assertThat(msg.get("attachments")).hasSize(1);
        assertThat(a.get("fallback").asText()).isEqualTo(alert.output());
        assertThat(a.get("text").asText()).isEqualTo(alert.output());
        assertThat(a.get("color").asText()).isEqualTo("#ffc700");
        assertThat(a.get("footer").asText()).isEqualTo("Peregrine");
        assertThat(titles(a)).containsExactly("rule", "priority", "source", "hostname", "tags", "evt.time.iso8601",
                "proc.cmdline", "time");
        JsonNode fields = a.get("fields");
        assertThat(fields.get(0).get("value").asText()).isEqualTo("open_from_cat");
        assertThat(fields.get(0).get("short").asBoolean()).isTrue();
        assertThat(fields.get(1).get("value").asText()).isEqualTo("Warning");
        assertThat(fields.get(2).get("value").asText()).isEqualTo("syscall");
        assertThat(fields.get(3).get("value").asText()).isEqualTo(ReplayedAlerts.HOSTNAME);
        assertThat(fields.get(4).get("value").asText()).isEqualTo("filesystem, process, testing");
        assertThat(fields.get(6).get("value").asText()).isEqualTo("cat /dev/null");
        assertThat(fields.get(7).get("value").asText()).isEqualTo("2016-08-04 16:17:57.881781397 +0000 UTC");
        assertThat(fields.get(7).get("short").asBoolean()).isFalse();
    }

    @Test
    void deliver_textFormat_hasNoFieldsNorFooter() throws Exception {
        JsonNode a = send(Map.of("outputformat", "text"), ReplayedAlerts.text().getFirst())
                .get("attachments").get(0);
        assertThat(a.get("text").asText()).contains("An open was seen");
        assertThat(a.get("fields")).isEmpty();
        assertThat(a.has("footer")).isFalse();
    }

    @Test
    void deliver_fieldsFormatAndMessageFormat_rendersTemplateAboveFieldsOnly() throws Exception {
        JsonNode msg = send(Map.of("outputformat", "fields", "icon", "https://example.com/i.png",
                "messageformat", "Alert: rule *{{ .Rule }}* by {{ index .OutputFields \"proc.cmdline\" }}"),
                ReplayedAlerts.text().getFirst());
        assertThat(msg.get("text").asText()).isEqualTo("Alert: rule *open_from_cat* by cat /dev/null");
        assertThat(msg.get("icon_url").asText()).isEqualTo("https://example.com/i.png");
        JsonNode a = msg.get("attachments").get(0);
        assertThat(a.has("text")).isFalse();
        assertThat(titles(a)).containsExactly("rule", "priority", "source", "hostname", "tags", "proc.cmdline",
                "time");
    }

    @Test
    void deliver_webhookGone_isNotRetryableAndHidesSecretPath() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respond(404, "no_team");
                AlertTarget target = new SlackFactory().create(Map.of("webhookurl", server.url(HOOK_PATH)))
                        .target()) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageStartingWith("slack: HTTP 404 from http://127.0.0.1:" + server.port() + "/…: no_team")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("XXXX"));
        }
    }

    @Test
    void create_unsupportedTemplateAction_failsAtConfiguration() {
        assertThatThrownBy(() -> new SlackFactory().create(Map.of("webhookurl", "https://hooks.slack.com/x",
                "messageformat", "{{ range .Tags }}x{{ end }}")))
                .hasMessageStartingWith("forwarders.slack.messageformat: '{{ range .Tags }}' is not supported");
        assertThatThrownBy(() -> new SlackFactory().create(Map.of("webhookurl", "https://hooks.slack.com/x",
                "outputformat", "short")))
                .hasMessage("forwarders.slack.outputformat: 'short' is not one of all, text, fields");
    }
}
