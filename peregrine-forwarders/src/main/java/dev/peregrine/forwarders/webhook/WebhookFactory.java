package dev.peregrine.forwarders.webhook;

import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.forwarders.ForwarderFactory;
import dev.peregrine.outputs.delivery.AlertTarget;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code forwarders.webhook}: Falcosidekick's {@code webhook} options {@code address} (required), {@code method}
 * ({@code POST} or {@code PUT}, default POST), {@code customheaders}, {@code checkcert}, {@code mutualtls} (false
 * only), {@code minimumpriority}, and Peregrine's {@code timeout}.
 */
public final class WebhookFactory extends ForwarderFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "webhook";

    public WebhookFactory() {
        super(KEY);
    }

    @Override
    protected Supplier<AlertTarget> configure(ForwarderOptions o) {
        URI address = HttpTransport.httpUri(o, "address", o.required("address"));
        String method = o.choice("method", "POST", List.of("POST", "PUT"));
        Map<String, String> headers = o.stringMap("customheaders");
        HttpTransport.Settings http = HttpTransport.Settings.read(o);
        return () -> new WebhookTarget(address, method, headers, http.open(KEY), hostname());
    }
}
