package dev.peregrine.forwarders.loki;

import dev.peregrine.forwarders.Auth;
import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.ForwarderFactory;
import dev.peregrine.outputs.delivery.AlertTarget;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code forwarders.loki}: Falcosidekick's {@code loki} options {@code hostport} (required,
 * {@code http(s)://host:port}), {@code endpoint} (default {@code /loki/api/v1/push}), {@code user} and
 * {@code apikey} (basic authentication), {@code tenant} ({@code X-Scope-OrgID}), {@code format} ({@code text} or
 * {@code json}), {@code extralabels}, {@code customheaders}, {@code checkcert}, {@code minimumpriority}; Peregrine
 * adds {@code maxbatch} (alerts per push, default 500) and {@code timeout}.
 */
public final class LokiFactory extends ForwarderFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "loki";
    /** Alerts per push when {@code maxbatch} is absent. */
    public static final int DEFAULT_MAX_BATCH = 500;
    /** The most alerts one push may carry. */
    static final int MAX_BATCH_LIMIT = 100_000;

    public LokiFactory() {
        super(KEY);
    }

    @Override
    protected Supplier<AlertTarget> configure(ForwarderOptions o) {
        String hostport = o.required("hostport");
        HttpTransport.httpUri(o, "hostport", hostport);
        String endpoint = o.string("endpoint", "/loki/api/v1/push");
        if (!endpoint.startsWith("/")) {
            throw o.error("endpoint", "must start with '/' ('" + endpoint + "')");
        }
        String root = hostport.endsWith("/") ? hostport.substring(0, hostport.length() - 1) : hostport;
        URI push = HttpTransport.httpUri(o, "endpoint", root + endpoint);
        Map<String, String> headers = new LinkedHashMap<>();
        o.string("tenant").ifPresent(t -> headers.put("X-Scope-OrgID", t));
        Optional<String> user = o.string("user");
        Optional<String> apiKey = o.string("apikey");
        if (user.isPresent() && apiKey.isPresent()) {
            headers.put("Authorization", Auth.basic(user.get(), apiKey.get()));
        } else if (user.isPresent() != apiKey.isPresent()) {
            throw o.error(user.isPresent() ? "apikey" : "user", "missing (user and apikey go together)");
        }
        headers.putAll(o.stringMap("customheaders"));
        LokiTarget.Format format = LokiTarget.Format.valueOf(o.choice("format", "text", List.of("text", "json"))
                .toUpperCase(Locale.ROOT));
        List<String> extraLabels = o.list("extralabels");
        int maxBatch = o.integer("maxbatch", DEFAULT_MAX_BATCH, 1, MAX_BATCH_LIMIT);
        HttpTransport.Settings http = HttpTransport.Settings.read(o);
        return () -> new LokiTarget(push, headers, format, extraLabels, http.open(KEY), hostname(), maxBatch);
    }
}
