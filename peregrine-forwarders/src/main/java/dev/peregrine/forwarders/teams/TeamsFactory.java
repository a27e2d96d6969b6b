package dev.peregrine.forwarders.teams;

import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.outputs.delivery.ConfiguredTarget;
import dev.peregrine.outputs.delivery.TargetFactory;
import dev.peregrine.outputs.format.Hostname;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code forwarders.teams}: Falcosidekick's {@code teams} options {@code webhookurl} (required),
 * {@code activityimage}, {@code outputformat} ({@code all}, {@code text} or {@code facts}; default all),
 * {@code minimumpriority}, plus {@code checkcert} and Peregrine's {@code timeout}.
 */
public final class TeamsFactory implements TargetFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "teams";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public ConfiguredTarget create(Map<String, ?> options) {
        ForwarderOptions o = ForwarderOptions.of(KEY, options);
        URI url = HttpTransport.httpUri(o, "webhookurl", o.required("webhookurl"));
        String image = o.string("activityimage", "");
        TeamsTarget.OutputFormat format = TeamsTarget.OutputFormat.valueOf(
                o.choice("outputformat", "all", List.of("all", "text", "facts")).toUpperCase(Locale.ROOT));
        var priority = o.minimumPriority();
        HttpTransport.Settings http = HttpTransport.Settings.read(o);
        o.rejectUnknown();
        return new ConfiguredTarget(new TeamsTarget(url, http.open(KEY), Hostname.resolve(System.getenv()), format,
                image), priority);
    }
}
