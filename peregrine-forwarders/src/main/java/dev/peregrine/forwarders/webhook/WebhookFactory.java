package dev.peregrine.forwarders.webhook;

import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.outputs.delivery.ConfiguredTarget;
import dev.peregrine.outputs.delivery.TargetFactory;
import dev.peregrine.outputs.format.Hostname;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * {@code forwarders.webhook}: Falcosidekick's {@code webhook} options {@code address} (required), {@code method}
 * ({@code POST} or {@code PUT}, default POST), {@code customheaders}, {@code checkcert}, {@code mutualtls} (false
 * only), {@code minimumpriority}, and Peregrine's {@code timeout}.
 */
public final class WebhookFactory implements TargetFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "webhook";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public ConfiguredTarget create(Map<String, ?> options) {
        ForwarderOptions o = ForwarderOptions.of(KEY, options);
        URI address = HttpTransport.httpUri(o, "address", o.required("address"));
        String method = o.choice("method", "POST", List.of("POST", "PUT"));
        Map<String, String> headers = o.stringMap("customheaders");
        var priority = o.minimumPriority();
        HttpTransport.Settings http = HttpTransport.Settings.read(o);
        o.rejectUnknown();
        return new ConfiguredTarget(new WebhookTarget(address, method, headers, http.open(KEY),
                Hostname.resolve(System.getenv())), priority);
    }
}
