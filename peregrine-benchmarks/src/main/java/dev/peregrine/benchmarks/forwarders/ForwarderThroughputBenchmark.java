package dev.peregrine.benchmarks.forwarders;

import com.sun.net.httpserver.HttpServer;
import dev.peregrine.engine.FormattingSink;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.delivery.TargetFactory;
import dev.peregrine.outputs.format.AlertFormatOptions;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Alerts per second a forwarder delivers, one sender thread (as the delivery layer runs each target): to a loopback
 * HTTP webhook (one POST per alert, Falcosidekick's payload, keep-alive) and to an in-process Kafka broker (KRaft,
 * one node; batches of {@value #ALERTS_PER_OP} records, acks=all). The alerts are real: Falco's
 * {@code single_rule_with_tags.yaml} replayed over the shared capture {@code cat_write.scap} (8 alerts, JSON output),
 * repeated to fill the batch. Each operation delivers {@value #ALERTS_PER_OP} alerts, so ops/s are alerts/s.
 *
 * <pre>{@code
 * mvn -q -DskipTests package -pl peregrine-benchmarks -am
 * $JAVA_HOME/bin/java -Dperegrine.upstream=$PWD/../shared/upstream \
 *     -jar peregrine-benchmarks/target/benchmarks.jar ForwarderThroughputBenchmark
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ForwarderThroughputBenchmark {
    /* Implementation notes: the HTTP sink is the JDK's server answering 200 with an empty body after reading the
     * request, so the figure is the forwarder's own cost (payload JSON, HttpClient round trip) plus loopback; the
     * Kafka figure includes the broker's append and acknowledgement on the same 2 CPUs. */

    /** Alerts delivered per benchmark operation. */
    public static final int ALERTS_PER_OP = 500;

    /**
     * {@code webhook}: loopback HTTP sink; {@code kafka}: in-process broker; {@code http-baseline}: the same sink
     * fed by a bare {@link HttpClient} posting pre-rendered bodies (the floor the webhook forwarder is measured
     * against in the same run).
     */
    @Param({"webhook", "kafka", "http-baseline"})
    public String target;

    private HttpServer http;
    private final AtomicLong received = new AtomicLong();
    private KafkaClusterTestKit kafka;
    private AlertTarget forwarder;
    private List<List<FormattedAlert>> chunks;
    private HttpClient bareClient;
    private URI bareUri;
    private List<byte[]> bareBodies;

    @Setup
    public void setup() throws Exception {
        List<FormattedAlert> replayed = replayedAlerts();
        List<FormattedAlert> alerts = new ArrayList<>(ALERTS_PER_OP);
        for (int i = 0; i < ALERTS_PER_OP; i++) {
            alerts.add(replayed.get(i % replayed.size()));
        }
        Map<String, Object> options = switch (target) {
            case "webhook", "http-baseline" -> {
                http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
                http.createContext("/", exchange -> {
                    try (InputStream in = exchange.getRequestBody()) {
                        in.readAllBytes();
                    }
                    received.incrementAndGet();
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
                http.start();
                yield Map.of("address", "http://127.0.0.1:" + http.getAddress().getPort() + "/falco");
            }
            case "kafka" -> {
                kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                        .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                        .setConfigProp("offsets.topic.replication.factor", "1").build();
                kafka.format();
                kafka.startup();
                kafka.waitForReadyBrokers();
                try (Admin admin = kafka.admin()) {
                    admin.createTopics(List.of(new NewTopic("falco", 3, (short) 1))).all().get();
                }
                yield Map.of("hostport", kafka.bootstrapServers(), "topic", "falco");
            }
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
        if (target.equals("http-baseline")) {
            bareClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            bareUri = URI.create((String) options.get("address"));
            bareBodies = new ArrayList<>();
            for (FormattedAlert a : alerts) {
                bareBodies.add(a.line().getBytes(StandardCharsets.UTF_8));
            }
        }
        forwarder = factory(target.equals("kafka") ? "kafka" : "webhook").create(options).target();
        chunks = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i += forwarder.maxBatch()) {
            chunks.add(alerts.subList(i, Math.min(alerts.size(), i + forwarder.maxBatch())));
        }
    }

    @Benchmark
    @OperationsPerInvocation(ALERTS_PER_OP)
    public void deliver() throws DeliveryException, IOException, InterruptedException {
        if (bareClient != null) {
            for (byte[] body : bareBodies) {
                bareClient.send(HttpRequest.newBuilder(bareUri).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            return;
        }
        for (List<FormattedAlert> chunk : chunks) {
            forwarder.deliver(chunk);
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        if (forwarder != null) {
            forwarder.close();
        }
        if (bareClient != null) {
            bareClient.close();
        }
        if (http != null) {
            http.stop(0);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** {@return how many requests the HTTP sink answered (for the smoke test)} */
    long httpRequestsReceived() {
        return received.get();
    }

    private static TargetFactory factory(String key) {
        return ServiceLoader.load(TargetFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no forwarder " + key + " on the class path"));
    }

    static List<FormattedAlert> replayedAlerts() throws IOException {
        String property = System.getProperty("peregrine.upstream");
        Path upstream = property != null && Files.isDirectory(Path.of(property)) ? Path.of(property)
                : Path.of("/work/shared/upstream");
        Path rules = upstream.resolve("falco-testing/rules/single_rule_with_tags.yaml");
        SyscallBinding binding = new SyscallBinding();
        Ruleset ruleset = RulesLoader.load(List.of(new RulesSource(rules.toString(), Files.readString(rules))),
                LoadOptions.defaults().withBinding(binding)).ruleset().orElseThrow();
        AlertFormatter formatter = AlertFormatter.create(ruleset, new AlertFormatOptions(true, true, true, false,
                true, true, "bench-host", List.of()));
        List<FormattedAlert> alerts = new ArrayList<>();
        new ReplayPipeline("bench-host", ZoneOffset.UTC).replay(upstream.resolve("scap/cat_write.scap"), ruleset,
                binding, new FormattingSink(formatter, alerts::add));
        if (alerts.isEmpty()) {
            throw new IllegalStateException("the replay gave no alerts");
        }
        return alerts;
    }
}
