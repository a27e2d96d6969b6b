package dev.peregrine.forwarders.webhook;

import static java.util.Objects.requireNonNull;

import dev.peregrine.forwarders.FalcoPayload;
import dev.peregrine.forwarders.HttpForwarder;
import dev.peregrine.forwarders.HttpTransport;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Falcosidekick's generic webhook: each alert is one request (POST or PUT) whose body is the Falcosidekick payload
 * ({@link FalcoPayload#toJson()}), {@code Content-Type: application/json; charset=utf-8}, plus the custom headers.
 */
public final class WebhookTarget extends HttpForwarder {
    /** The content type Falcosidekick sends JSON with. */
    public static final String JSON_CONTENT_TYPE = "application/json; charset=utf-8";
    /** The headers of a JSON request to a chat webhook. */
    public static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", JSON_CONTENT_TYPE);

    private final URI address;
    private final String method;
    private final Map<String, String> headers;

    /**
     * @param method {@code POST} or {@code PUT}
     * @param customHeaders added to every request, overriding the defaults of the same name
     * @param hostname the hostname text alerts carry (JSON alerts carry their own)
     */
    public WebhookTarget(URI address, String method, Map<String, String> customHeaders, HttpTransport http,
            String hostname) {
        super(WebhookFactory.KEY, http, hostname, 1);
        this.address = requireNonNull(address, "address is null");
        this.method = requireNonNull(method, "method is null");
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", JSON_CONTENT_TYPE);
        h.put("User-Agent", "Peregrine");
        h.putAll(customHeaders);
        this.headers = Collections.unmodifiableMap(h);
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        sendEach(batch, method, address, HttpTransport.display(address), headers, FalcoPayload::toJson);
    }
}
