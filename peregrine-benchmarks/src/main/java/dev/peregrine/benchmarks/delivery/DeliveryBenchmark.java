package dev.peregrine.benchmarks.delivery;

import com.sun.net.httpserver.HttpServer;
import dev.peregrine.outputs.channel.HttpTarget;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.ConfiguredTarget;
import dev.peregrine.outputs.delivery.DeliveryOptions;
import dev.peregrine.outputs.delivery.DeliveryService;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Alert delivery: the cost on the event thread of {@link DeliveryService#emit} beside targets that are healthy or
 * stalled (target: a stalled sink adds nothing), and alerts per second delivered to a loopback HTTP sink.
 *
 * <pre>{@code
 * mvn -q -DskipTests package -pl peregrine-benchmarks -am
 * java -jar peregrine-benchmarks/target/benchmarks.jar DeliveryBenchmark
 * }</pre>
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DeliveryBenchmark {
    /** Alerts per measured invocation of the HTTP throughput benchmark. */
    static final int HTTP_ALERTS = 500;

    static final FormattedAlert ALERT = new FormattedAlert(
            "{\"hostname\":\"h\",\"output\":\"16:17:57.881781397: Warning Sensitive file opened (file=/etc/shadow)\","
                    + "\"priority\":\"Warning\",\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\","
                    + "\"tags\":[\"filesystem\"],\"time\":\"2016-08-04T16:17:57.881781397Z\"}",
            "Read sensitive file untrusted", Priority.WARNING, "syscall", List.of("filesystem"), 1L,
            "16:17:57.881781397: Warning Sensitive file opened (file=/etc/shadow)", Map.of());

    /** A target that accepts everything at once. */
    static final class Discard implements AlertTarget {
        @Override
        public String name() {
            return "discard";
        }

        @Override
        public void deliver(List<FormattedAlert> batch) {
        }

        @Override
        public int maxBatch() {
            return 256;
        }
    }

    /** A target that never returns (a sink that accepted the connection and hangs). */
    static final class Stalled implements AlertTarget {
        final CountDownLatch never = new CountDownLatch(1);

        @Override
        public String name() {
            return "stalled";
        }

        @Override
        public void deliver(List<FormattedAlert> batch) {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The event thread's cost of one alert, by what the targets are doing. */
    @State(Scope.Thread)
    public static class EventPath {
        /**
         * {@code discard}: one healthy target; {@code discard+discard}: two; {@code discard+stalled}: a healthy
         * and a stalled one (compare with two healthy ones: the stalled one should add nothing).
         */
        @Param({"discard", "discard+discard", "discard+stalled"})
        public String targets;

        DeliveryService service;

        @Setup(Level.Trial)
        public void start() {
            List<ConfiguredTarget> t = switch (targets) {
                case "discard" -> List.of(new ConfiguredTarget(new Discard(), Priority.DEBUG));
                case "discard+discard" -> List.of(new ConfiguredTarget(new Discard(), Priority.DEBUG),
                        new ConfiguredTarget(new Discard(), Priority.DEBUG));
                default -> List.of(new ConfiguredTarget(new Discard(), Priority.DEBUG),
                        new ConfiguredTarget(new Stalled(), Priority.DEBUG));
            };
            // a bounded queue: the stalled target's queue fills and its alerts are counted as dropped
            service = DeliveryService.start(t, DeliveryOptions.defaults().withQueueCapacity(1 << 16)
                    .withShutdownTimeout(Duration.ofMillis(100)), m -> { });
        }

        @TearDown(Level.Trial)
        public void stop() {
            service.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void emit(EventPath s) {
        s.service.emit(ALERT);
    }

    /** A loopback HTTP sink behind the HTTP target. */
    @State(Scope.Thread)
    public static class Http {
        HttpServer server;
        DeliveryService service;

        @Setup(Level.Trial)
        public void start() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            service = DeliveryService.start(List.of(new ConfiguredTarget(new HttpTarget(HttpTarget.Options.of(url),
                    new PrintWriter(new StringWriter())), Priority.DEBUG)), DeliveryOptions.defaults(), m -> { });
        }

        @TearDown(Level.Trial)
        public void stop() {
            service.close();
            server.stop(0);
        }
    }

    /** Alerts per second delivered (each accepted with 200) to a loopback HTTP sink, one POST per alert. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(HTTP_ALERTS)
    public void httpDelivered(Http s) {
        for (int i = 0; i < HTTP_ALERTS; i++) {
            s.service.emit(ALERT);
        }
        s.service.flush();
    }
}
