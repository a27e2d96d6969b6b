package dev.peregrine.forwarders.slack;

import static java.util.Objects.requireNonNull;

import dev.peregrine.forwarders.FalcoPayload;
import dev.peregrine.forwarders.HttpForwarder;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.Json;
import dev.peregrine.forwarders.MessageTemplate;
import dev.peregrine.forwarders.webhook.WebhookTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Slack incoming webhook: one message per alert, laid out as Falcosidekick's: optional {@code text} (from
 * {@code messageformat}), {@code username}, {@code icon_url}, {@code channel}, and one attachment colored by
 * priority whose {@code text} is the alert's output and whose {@code fields} are rule, priority, source, hostname,
 * tags, every output field (sorted) and the time.
 */
public final class SlackTarget extends HttpForwarder {
    /* Implementation notes: Falcosidekick marks a field "short" (two per row) when its value is under 36 runes;
     * the colors are Falcosidekick's per priority (Slack accepts #rrggbb). */

    /** {@code outputformat}: what the attachment holds. */
    public enum OutputFormat {
        /** text and fields (Falcosidekick's default) */
        ALL,
        /** the output text only */
        TEXT,
        /** the fields only */
        FIELDS
    }

    /** A field value shorter than this many code points is laid out as "short" (two per row). */
    static final int SHORT_FIELD_MAX_CODE_POINTS = 36;

    private final URI webhookUrl;
    private final OutputFormat format;
    private final String username;
    private final String icon;
    private final String channel;
    private final String footer;
    private final Optional<MessageTemplate> messageFormat;

    /** Empty strings for {@code icon} and {@code channel} leave them out of the message. */
    public SlackTarget(URI webhookUrl, HttpTransport http, String hostname, OutputFormat format, String username,
            String icon, String channel, String footer, Optional<MessageTemplate> messageFormat) {
        super(SlackFactory.KEY, http, hostname, 1);
        this.webhookUrl = requireNonNull(webhookUrl, "webhookUrl is null");
        this.format = requireNonNull(format, "format is null");
        this.username = requireNonNull(username, "username is null");
        this.icon = requireNonNull(icon, "icon is null");
        this.channel = requireNonNull(channel, "channel is null");
        this.footer = requireNonNull(footer, "footer is null");
        this.messageFormat = requireNonNull(messageFormat, "messageFormat is null");
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        sendEach(batch, "POST", webhookUrl, HttpTransport.displayHost(webhookUrl), WebhookTarget.JSON_HEADERS,
                p -> Json.write(message(p)));
    }

    /** {@return the Slack message for one alert, as a JSON-ready map} */
    Map<String, Object> message(FalcoPayload p) {
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("fallback", p.output());
        attachment.put("color", color(p.priority()));
        if (format != OutputFormat.FIELDS) {
            attachment.put("text", p.output());
        }
        List<Map<String, Object>> fields = new ArrayList<>();
        if (format != OutputFormat.TEXT) {
            fields.add(field("rule", p.rule(), true));
            fields.add(field("priority", p.priority().falcoName(), true));
            fields.add(field("source", p.source(), true));
            if (!p.hostname().isEmpty()) {
                fields.add(field("hostname", p.hostname(), true));
            }
            if (!p.tags().isEmpty()) {
                fields.add(field("tags", String.join(", ", p.tags().stream().sorted().toList()), true));
            }
            p.textFields().forEach((k, v) -> fields.add(field(k, v,
                    v.codePointCount(0, v.length()) < SHORT_FIELD_MAX_CODE_POINTS)));
            fields.add(field("time", p.goTime(), false));
            attachment.put("footer", footer);
        }
        attachment.put("fields", fields);
        Map<String, Object> m = new LinkedHashMap<>();
        messageFormat.ifPresent(t -> m.put("text", t.render(p)));
        m.put("username", username);
        if (!icon.isEmpty()) {
            m.put("icon_url", icon);
        }
        if (!channel.isEmpty()) {
            m.put("channel", channel);
        }
        m.put("attachments", List.of(attachment));
        return m;
    }

    private static Map<String, Object> field(String title, String value, boolean isShort) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("title", title);
        f.put("value", value);
        f.put("short", isShort);
        return f;
    }

    /** {@return Falcosidekick's Slack color for a priority} */
    static String color(Priority priority) {
        return switch (priority) {
            case EMERGENCY, ERROR -> "#e20b0b";
            case ALERT, CRITICAL -> "#ff5400";
            case WARNING -> "#ffc700";
            case NOTICE -> "#5bffb5";
            case INFORMATIONAL -> "#68c2ff";
            case DEBUG -> "#ccfff2";
        };
    }
}
