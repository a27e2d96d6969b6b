package dev.peregrine.forwarders.webhook;

import static java.util.Objects.requireNonNull;

import dev.peregrine.forwarders.FalcoPayload;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Falcosidekick's generic webhook: each alert is one request (POST or PUT) whose body is the Falcosidekick payload
 * ({@link FalcoPayload#toJson()}), {@code Content-Type: application/json; charset=utf-8}, plus the custom headers.
 */
public final class WebhookTarget implements AlertTarget {
    /** The content type Falcosidekick sends JSON with. */
    public static final String JSON_CONTENT_TYPE = "application/json; charset=utf-8";

    private final URI address;
    private final String method;
    private final Map<String, String> headers;
    private final HttpTransport http;
    private final String hostname;

    /**
     * @param method {@code POST} or {@code PUT}
     * @param customHeaders added to every request, overriding the defaults of the same name
     * @param hostname the hostname text alerts carry (JSON alerts carry their own)
     */
    public WebhookTarget(URI address, String method, Map<String, String> customHeaders, HttpTransport http,
            String hostname) {
        this.address = requireNonNull(address, "address is null");
        this.method = requireNonNull(method, "method is null");
        this.http = requireNonNull(http, "http is null");
        this.hostname = requireNonNull(hostname, "hostname is null");
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", JSON_CONTENT_TYPE);
        h.put("User-Agent", "Peregrine");
        h.putAll(customHeaders);
        this.headers = Map.copyOf(h);
    }

    @Override
    public String name() {
        return WebhookFactory.KEY;
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        for (FormattedAlert alert : batch) {
            byte[] body = FalcoPayload.of(alert, hostname).toJson().getBytes(StandardCharsets.UTF_8);
            http.send(method, address, HttpTransport.display(address), headers, body);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
