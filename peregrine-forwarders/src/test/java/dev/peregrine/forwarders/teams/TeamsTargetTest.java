package dev.peregrine.forwarders.teams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.forwarders.LoopbackHttpServer;
import dev.peregrine.forwarders.ReplayedAlerts;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.outputs.format.Hostname;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TeamsTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode send(Map<String, Object> options, FormattedAlert alert) throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer().respondByDefault(200, "1")) {
            Map<String, Object> o = new HashMap<>(options);
            o.put("webhookurl", server.url("/webhookb2/abc@def/IncomingWebhook/123/456"));
            try (AlertTarget target = new TeamsFactory().create(o).target()) {
                target.deliver(List.of(alert));
            }
            LoopbackHttpServer.Request r = server.requests().getFirst();
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/webhookb2/abc@def/IncomingWebhook/123/456");
            assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            return JSON.readTree(r.body());
        }
    }

    @Test
    void deliver_defaultFormat_sendsMessageCardWithTextAndFacts() throws Exception {
        // a text alert carries no hostname: the forwarder uses the one Falco resolves (FALCO_HOSTNAME, uname)
        FormattedAlert alert = ReplayedAlerts.text().get(3);
        JsonNode card = send(Map.of("activityimage", "https://example.com/falco.png"), alert);
        assertThat(card.get("@type").asText()).isEqualTo("MessageCard");
        assertThat(card.get("summary").asText()).isEqualTo(alert.output());
        assertThat(card.get("themeColor").asText()).isEqualTo("ffff00");
        assertThat(card.get("sections")).hasSize(1);
        JsonNode section = card.get("sections").get(0);
        assertThat(section.get("activityTitle").asText()).isEqualTo("Peregrine");
        assertThat(section.get("activitySubtitle").asText()).startsWith("2016-08-04 16:17:5").endsWith(" +0000 UTC");
        assertThat(section.get("activityImage").asText()).isEqualTo("https://example.com/falco.png");
        assertThat(section.get("text").asText()).isEqualTo(alert.output());
        List<String> facts = new ArrayList<>();
        section.get("facts").forEach(f -> facts.add(f.get("name").asText() + "=" + f.get("value").asText()));
        assertThat(facts).containsExactly("rule=open_from_cat", "priority=Warning", "source=syscall",
                "hostname=" + Hostname.resolve(System.getenv()), "proc.cmdline=cat /dev/null",
                "tags=filesystem, process, testing");
    }

    @Test
    void deliver_textFormat_hasNoFacts() throws Exception {
        JsonNode section = send(Map.of("outputformat", "text"), ReplayedAlerts.json().getFirst())
                .get("sections").get(0);
        assertThat(section.has("facts")).isFalse();
        assertThat(section.has("activityImage")).isFalse();
        assertThat(section.get("text").asText()).contains("An open was seen");
    }

    @Test
    void deliver_factsFormat_hasEmptyText() throws Exception {
        JsonNode section = send(Map.of("outputformat", "facts"), ReplayedAlerts.json().getFirst())
                .get("sections").get(0);
        assertThat(section.get("text").asText()).isEmpty();
        assertThat(section.get("facts")).hasSize(7);
    }
}
