package dev.peregrine.forwarders;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** What the HTTP forwarders share: a name, one {@link HttpTransport}, the hostname of text alerts, a batch size. */
public abstract class HttpForwarder implements AlertTarget {
    private final String name;
    private final int maxBatch;
    /** The forwarder's HTTP client, closed with the forwarder. */
    protected final HttpTransport http;
    private final String hostname;

    /**
     * @param hostname the hostname text alerts carry (JSON alerts carry their own)
     * @param maxBatch the most alerts one {@link #deliver} accepts
     */
    protected HttpForwarder(String name, HttpTransport http, String hostname, int maxBatch) {
        this.name = requireNonNull(name, "name is null");
        this.http = requireNonNull(http, "http is null");
        this.hostname = requireNonNull(hostname, "hostname is null");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive: " + maxBatch);
        }
        this.maxBatch = maxBatch;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int maxBatch() {
        return maxBatch;
    }

    /**
     * Sends one request per alert, in order, for the forwarders whose API takes one alert at a time.
     *
     * @param body the request body (UTF-8) for an alert's payload
     * @throws DeliveryException at the first alert not accepted (the earlier ones were delivered)
     */
    protected final void sendEach(List<FormattedAlert> batch, String method, URI uri, String shownAs,
            Map<String, String> headers, Function<FalcoPayload, String> body) throws DeliveryException {
        for (FormattedAlert alert : batch) {
            http.send(method, uri, shownAs, headers, body.apply(payload(alert)).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** {@return the Falcosidekick payload of an alert} */
    protected final FalcoPayload payload(FormattedAlert alert) {
        return FalcoPayload.of(alert, hostname);
    }

    @Override
    public void close() {
        http.close();
    }
}
