package dev.peregrine.benchmarks.forwarders;

import com.sun.net.httpserver.HttpServer;
import dev.peregrine.forwarders.webhook.WebhookFactory;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.format.FormattedAlert;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The webhook forwarder's cost against a bare {@link HttpClient} POST of the same alert to the same loopback sink,
 * request by request in alternation, so that both see the same machine load (on a shared, loaded machine separate
 * JMH runs are not comparable). Prints the mean time per alert of each and their ratio.
 *
 * <pre>{@code
 * $JAVA_HOME/bin/java -cp peregrine-benchmarks/target/benchmarks.jar \
 *     dev.peregrine.benchmarks.forwarders.WebhookOverheadMain [ALERTS [WARMUP_ALERTS]]
 * }</pre>
 */
public final class WebhookOverheadMain {
    /** Alternations run before timing starts (JIT warm-up) unless given. */
    static final int DEFAULT_WARMUP_ALERTS = 2_000;

    private WebhookOverheadMain() {
    }

    public static void main(String[] args) throws Exception {
        int alerts = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_WARMUP_ALERTS;
        List<FormattedAlert> replayed = ForwarderThroughputBenchmark.replayedAlerts();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/falco");
        long bareNanos = 0;
        long forwarderNanos = 0;
        try (HttpClient bare = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                AlertTarget webhook = new WebhookFactory().create(Map.of("address", uri.toString())).target()) {
            for (int i = 0; i < warmup + alerts; i++) {
                FormattedAlert alert = replayed.get(i % replayed.size());
                long t0 = System.nanoTime();
                bare.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(alert.line(), StandardCharsets.UTF_8)).build(),
                        HttpResponse.BodyHandlers.discarding());
                long t1 = System.nanoTime();
                webhook.deliver(List.of(alert));
                long t2 = System.nanoTime();
                if (i >= warmup) {
                    bareNanos += t1 - t0;
                    forwarderNanos += t2 - t1;
                }
            }
        } finally {
            server.stop(0);
        }
        double bareMicros = bareNanos / 1e3 / alerts;
        double forwarderMicros = forwarderNanos / 1e3 / alerts;
        System.out.printf("alerts %d: bare HttpClient %.0f us/alert (%.0f alerts/s), webhook forwarder %.0f us/alert "
                + "(%.0f alerts/s), ratio %.2f%n", alerts, bareMicros, 1e6 / bareMicros, forwarderMicros,
                1e6 / forwarderMicros, forwarderMicros / bareMicros);
    }
}
