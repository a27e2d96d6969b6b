package dev.peregrine.forwarders.elasticsearch;

import dev.peregrine.forwarders.Auth;
import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.ForwarderFactory;
import dev.peregrine.outputs.delivery.AlertTarget;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code forwarders.elasticsearch}: Falcosidekick's {@code elasticsearch} options {@code hostport} (required,
 * {@code http(s)://host:port}), {@code index} (default {@code falco}), {@code suffix} ({@code daily},
 * {@code monthly}, {@code annually}, {@code none}; default daily), {@code pipeline}, {@code apikey},
 * {@code username}/{@code password}, {@code flattenfields}, {@code customheaders}, {@code enablecompression},
 * {@code checkcert}, {@code minimumpriority}; {@code type} ({@code _doc} only), {@code createindextemplate} (false
 * only), {@code maxconcurrentrequests} (1 only) and {@code batching} are accepted for compatibility (Peregrine always
 * uses the bulk API). Peregrine adds {@code maxbatch} (alerts per bulk request, default 500) and {@code timeout}.
 */
public final class ElasticsearchFactory extends ForwarderFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "elasticsearch";
    /** Alerts per bulk request when {@code maxbatch} is absent. */
    public static final int DEFAULT_MAX_BATCH = 500;
    /** The most alerts one bulk request may carry. */
    static final int MAX_BATCH_LIMIT = 100_000;

    public ElasticsearchFactory() {
        super(KEY);
    }

    @Override
    protected Supplier<AlertTarget> configure(ForwarderOptions o) {
        String hostport = o.required("hostport");
        URI base = HttpTransport.httpUri(o, "hostport", hostport);
        String index = o.string("index", "falco");
        o.onlyValue("type", "_doc", "mapping types were removed in Elasticsearch 8; documents go to _doc");
        ElasticsearchTarget.Suffix suffix = ElasticsearchTarget.Suffix.valueOf(o.choice("suffix", "daily",
                List.of("daily", "monthly", "annually", "none")).toUpperCase(Locale.ROOT));
        Optional<String> pipeline = o.string("pipeline");
        Map<String, String> headers = new LinkedHashMap<>();
        o.string("apikey").ifPresent(key -> headers.put("Authorization", "ApiKey " + key));
        Optional<String> user = o.string("username");
        Optional<String> password = o.string("password");
        if (user.isPresent() && password.isPresent()) {
            headers.put("Authorization", Auth.basic(user.get(), password.get()));
        } else if (user.isPresent() != password.isPresent()) {
            throw o.error(user.isPresent() ? "password" : "username", "missing (username and password go together)");
        }
        headers.putAll(o.stringMap("customheaders"));
        boolean flatten = o.bool("flattenfields", false);
        o.onlyValue("createindextemplate", "false", "create the index template yourself (see docs/forwarders.md)");
        o.integer("numberofshards", 3, 1, 1024);
        o.integer("numberofreplicas", 3, 0, 1024);
        o.onlyValue("maxconcurrentrequests", "1", "each forwarder has one sender; raise maxbatch instead");
        boolean gzip = o.bool("enablecompression", false);
        ForwarderOptions batching = o.section("batching");
        batching.bool("enabled", true);
        batching.integer("batchsize", 5_242_880, 1, Integer.MAX_VALUE);
        batching.string("flushinterval");
        batching.rejectUnknown();
        int maxBatch = o.integer("maxbatch", DEFAULT_MAX_BATCH, 1, MAX_BATCH_LIMIT);
        HttpTransport.Settings http = HttpTransport.Settings.read(o);
        String root = hostport.endsWith("/") ? hostport.substring(0, hostport.length() - 1) : hostport;
        URI bulk = URI.create(root + "/_bulk" + pipeline.map(p -> "?pipeline="
                + URLEncoder.encode(p, StandardCharsets.UTF_8)).orElse(""));
        if (base.getRawQuery() != null) {
            throw o.error("hostport", "must not have a query ('" + base.getRawQuery() + "')");
        }
        return () -> new ElasticsearchTarget(bulk, index, suffix, flatten, gzip, headers, http.open(KEY), hostname(),
                maxBatch);
    }
}
