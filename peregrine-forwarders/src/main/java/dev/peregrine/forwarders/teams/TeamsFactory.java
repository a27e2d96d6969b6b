package dev.peregrine.forwarders.teams;

import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.ForwarderFactory;
import dev.peregrine.outputs.delivery.AlertTarget;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code forwarders.teams}: Falcosidekick's {@code teams} options {@code webhookurl} (required),
 * {@code activityimage}, {@code outputformat} ({@code all}, {@code text} or {@code facts}; default all),
 * {@code minimumpriority}, plus {@code checkcert} and Peregrine's {@code timeout}.
 */
public final class TeamsFactory extends ForwarderFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "teams";

    public TeamsFactory() {
        super(KEY);
    }

    @Override
    protected Supplier<AlertTarget> configure(ForwarderOptions o) {
        URI url = HttpTransport.httpUri(o, "webhookurl", o.required("webhookurl"));
        String image = o.string("activityimage", "");
        TeamsTarget.OutputFormat format = TeamsTarget.OutputFormat.valueOf(
                o.choice("outputformat", "all", List.of("all", "text", "facts")).toUpperCase(Locale.ROOT));
        HttpTransport.Settings http = HttpTransport.Settings.read(o);
        return () -> new TeamsTarget(url, http.open(KEY), hostname(), format, image);
    }
}
