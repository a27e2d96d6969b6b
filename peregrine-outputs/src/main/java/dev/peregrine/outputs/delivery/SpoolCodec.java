package dev.peregrine.outputs.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One spooled alert per line: {@code {"seq":N,"line":...,"rule":...,...}}, every field of the alert. */
final class SpoolCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpoolCodec() {
    }

    /** An alert with its sequence number in its target's stream. */
    record Sequenced(long seq, FormattedAlert alert) {
    }

    static String encode(Sequenced s) {
        FormattedAlert a = s.alert();
        ObjectNode n = JSON.createObjectNode();
        n.put("seq", s.seq());
        n.put("line", a.line());
        n.put("rule", a.rule());
        n.put("priority", a.priority().name());
        n.put("source", a.source());
        a.tags().forEach(n.putArray("tags")::add);
        if (a.tags().isEmpty()) {
            n.putArray("tags");
        }
        n.put("time", a.timestampNanos());
        n.put("output", a.output());
        ObjectNode f = n.putObject("fields");
        a.fields().forEach(f::put);
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an alert", e);
        }
    }

    /** @throws IllegalArgumentException when the line is not a spooled alert (a torn last line after a crash) */
    static Sequenced decode(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a spooled alert: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.has("seq") || !n.has("line") || !n.has("priority")) {
            throw new IllegalArgumentException("not a spooled alert");
        }
        List<String> tags = new ArrayList<>();
        n.path("tags").forEach(t -> tags.add(t.asText()));
        Map<String, String> fields = new LinkedHashMap<>();
        n.path("fields").properties().forEach(e -> fields.put(e.getKey(), e.getValue().asText()));
        FormattedAlert a = new FormattedAlert(n.get("line").asText(), n.path("rule").asText(),
                Priority.valueOf(n.get("priority").asText()), n.path("source").asText(), tags,
                n.path("time").asLong(), n.path("output").asText(), fields);
        return new Sequenced(n.get("seq").asLong(), a);
    }
}
