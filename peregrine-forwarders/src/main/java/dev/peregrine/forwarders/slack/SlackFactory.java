package dev.peregrine.forwarders.slack;

import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.MessageTemplate;
import dev.peregrine.forwarders.ForwarderFactory;
import dev.peregrine.outputs.delivery.AlertTarget;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code forwarders.slack}: Falcosidekick's {@code slack} options {@code webhookurl} (required), {@code channel},
 * {@code username} (default {@code Peregrine}), {@code icon}, {@code footer} (default {@code Peregrine}),
 * {@code outputformat} ({@code all}, {@code text} or {@code fields}; default all), {@code messageformat},
 * {@code minimumpriority}, plus {@code checkcert} and Peregrine's {@code timeout}.
 */
public final class SlackFactory extends ForwarderFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "slack";

    public SlackFactory() {
        super(KEY);
    }

    @Override
    protected Supplier<AlertTarget> configure(ForwarderOptions o) {
        URI url = HttpTransport.httpUri(o, "webhookurl", o.required("webhookurl"));
        String channel = o.string("channel", "");
        String username = o.string("username", "Peregrine");
        String icon = o.string("icon", "");
        String footer = o.string("footer", "Peregrine");
        SlackTarget.OutputFormat format = SlackTarget.OutputFormat.valueOf(
                o.choice("outputformat", "all", List.of("all", "text", "fields")).toUpperCase(Locale.ROOT));
        Optional<MessageTemplate> messageFormat = o.string("messageformat")
                .map(t -> MessageTemplate.parse(o, "messageformat", t));
        HttpTransport.Settings http = HttpTransport.Settings.read(o);
        return () -> new SlackTarget(url, http.open(KEY), hostname(), format, username, icon, channel, footer,
                messageFormat);
    }
}
