package dev.peregrine.forwarders.teams;

import static java.util.Objects.requireNonNull;

import dev.peregrine.forwarders.FalcoPayload;
import dev.peregrine.forwarders.HttpForwarder;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.Json;
import dev.peregrine.forwarders.webhook.WebhookTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Microsoft Teams incoming webhook: one legacy {@code MessageCard} per alert, as Falcosidekick sends it:
 * {@code summary} (the output), {@code themeColor} by priority, and one section with the title, the time as
 * subtitle, the optional activity image, the output as {@code text} and the facts rule, priority, source, hostname,
 * every output field (sorted) and tags.
 */
public final class TeamsTarget extends HttpForwarder {
    /** {@code outputformat}: what the section holds. */
    public enum OutputFormat {
        /** text and facts (Falcosidekick's default) */
        ALL,
        /** the output text only */
        TEXT,
        /** the facts only */
        FACTS
    }

    /** The section title (Falcosidekick writes its own name there). */
    static final String ACTIVITY_TITLE = "Peregrine";

    private final URI webhookUrl;
    private final OutputFormat format;
    private final String activityImage;

    /** An empty {@code activityImage} leaves it out of the card. */
    public TeamsTarget(URI webhookUrl, HttpTransport http, String hostname, OutputFormat format,
            String activityImage) {
        super(TeamsFactory.KEY, http, hostname, 1);
        this.webhookUrl = requireNonNull(webhookUrl, "webhookUrl is null");
        this.format = requireNonNull(format, "format is null");
        this.activityImage = requireNonNull(activityImage, "activityImage is null");
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        sendEach(batch, "POST", webhookUrl, HttpTransport.displayHost(webhookUrl), WebhookTarget.JSON_HEADERS,
                p -> Json.write(card(p)));
    }

    /** {@return the MessageCard for one alert, as a JSON-ready map} */
    Map<String, Object> card(FalcoPayload p) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("activityTitle", ACTIVITY_TITLE);
        section.put("activitySubtitle", p.goTime());
        if (!activityImage.isEmpty()) {
            section.put("activityImage", activityImage);
        }
        section.put("text", format == OutputFormat.FACTS ? "" : p.output());
        if (format != OutputFormat.TEXT) {
            List<Map<String, String>> facts = new ArrayList<>();
            facts.add(fact("rule", p.rule()));
            facts.add(fact("priority", p.priority().falcoName()));
            facts.add(fact("source", p.source()));
            if (!p.hostname().isEmpty()) {
                facts.add(fact("hostname", p.hostname()));
            }
            p.textFields().forEach((k, v) -> facts.add(fact(k, v)));
            if (!p.tags().isEmpty()) {
                facts.add(fact("tags", String.join(", ", p.tags().stream().sorted().toList())));
            }
            section.put("facts", facts);
        }
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("@type", "MessageCard");
        card.put("summary", p.output());
        card.put("themeColor", color(p.priority()));
        card.put("sections", List.of(section));
        return card;
    }

    private static Map<String, String> fact(String name, String value) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("value", value);
        return f;
    }

    /** {@return Falcosidekick's Teams theme color for a priority (hex without '#')} */
    static String color(Priority priority) {
        return switch (priority) {
            case EMERGENCY -> "e20b0b";
            case ALERT -> "ff5400";
            case CRITICAL -> "ff9000";
            case ERROR -> "ffc700";
            case WARNING -> "ffff00";
            case NOTICE -> "5bffb5";
            case INFORMATIONAL -> "68c2ff";
            case DEBUG -> "ccfff2";
        };
    }
}
