package dev.peregrine.forwarders.slack;

import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.MessageTemplate;
import dev.peregrine.outputs.delivery.ConfiguredTarget;
import dev.peregrine.outputs.delivery.TargetFactory;
import dev.peregrine.outputs.format.Hostname;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code forwarders.slack}: Falcosidekick's {@code slack} options {@code webhookurl} (required), {@code channel},
 * {@code username} (default {@code Peregrine}), {@code icon}, {@code footer} (default {@code Peregrine}),
 * {@code outputformat} ({@code all}, {@code text} or {@code fields}; default all), {@code messageformat},
 * {@code minimumpriority}, plus {@code checkcert} and Peregrine's {@code timeout}.
 */
public final class SlackFactory implements TargetFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "slack";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public ConfiguredTarget create(Map<String, ?> options) {
        ForwarderOptions o = ForwarderOptions.of(KEY, options);
        URI url = HttpTransport.httpUri(o, "webhookurl", o.required("webhookurl"));
        String channel = o.string("channel", "");
        String username = o.string("username", "Peregrine");
        String icon = o.string("icon", "");
        String footer = o.string("footer", "Peregrine");
        SlackTarget.OutputFormat format = SlackTarget.OutputFormat.valueOf(
                o.choice("outputformat", "all", List.of("all", "text", "fields")).toUpperCase(Locale.ROOT));
        Optional<MessageTemplate> messageFormat = o.string("messageformat")
                .map(t -> MessageTemplate.parse(o, "messageformat", t));
        var priority = o.minimumPriority();
        HttpTransport.Settings http = HttpTransport.Settings.read(o);
        o.rejectUnknown();
        return new ConfiguredTarget(new SlackTarget(url, http.open(KEY), Hostname.resolve(System.getenv()), format,
                username, icon, channel, footer, messageFormat), priority);
    }
}
