package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.capture.CaptureSource;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.event.EventBuilder;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import dev.peregrine.outputs.format.AlertFormatOptions;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.fields.SyscallEvent;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import dev.peregrine.state.StateEngine;
import dev.peregrine.state.container.ContainerRuntime;
import dev.peregrine.state.container.meta.MetadataResolver;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The must-show of container metadata: with the runtime's socket accepting connections and never answering, events
 * flow through state and rules at the rate they flow without any lookup, and alerts carry the container id (the
 * fields that need metadata render as {@code <NA>}, as in Falco while its lookup is pending).
 */
class StalledContainerRuntimeTest {
    static final long BASH = 100;
    static final int CONTAINERS = 3_000;
    static final int OPENS_PER_CONTAINER = 40;
    /** A lookup deadline far beyond the whole run: any wait for the runtime would show in the timing. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** A runtime socket that accepts and never answers. */
    static final class StalledSocket implements AutoCloseable {
        final ServerSocketChannel server;
        final List<SocketChannel> held = new CopyOnWriteArrayList<>();
        final AtomicInteger accepted = new AtomicInteger();

        StalledSocket(Path path) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Thread.ofVirtual().start(() -> {
                while (server.isOpen()) {
                    try {
                        held.add(server.accept());
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (SocketChannel c : held) {
                c.close();
            }
        }
    }

    /** The events as bytes, replayed from memory. */
    static final class MemorySource implements CaptureSource {
        final List<byte[]> events;
        final EventView view = EventView.forTable(EventTable.get());
        int next;

        MemorySource(List<byte[]> events) {
            this.events = events;
        }

        @Override
        public Next next() {
            if (next == events.size()) {
                return Next.EOF;
            }
            view.pointAt(MemorySegment.ofArray(events.get(next++)), 0, -1);
            return Next.EVENT;
        }

        @Override
        public EventView event() {
            return view;
        }

        @Override
        public Optional<CaptureProblem> problem() {
            return Optional.empty();
        }

        @Override
        public long eventCount() {
            return next;
        }

        @Override
        public void close() {
        }
    }

    static String fullId(int i) {
        return String.format("%012x", 0xc0ffee000000L + i) + "0".repeat(52);
    }

    /** Per container: its first process (a clone child in the container's cgroup), then opens, one of them shadow. */
    static List<byte[]> events() {
        List<byte[]> out = new ArrayList<>();
        long ts = 1_700_000_000_000_000_000L;
        for (int i = 0; i < CONTAINERS; i++) {
            long tid = 10_000 + i;
            out.add(EventBuilder.of("PPME_SYSCALL_CLONE_20_X", ts++, tid).i64(0).str("sh").strs().i64(tid).i64(tid)
                    .i64(BASH).str("").i64(1024).i64(0).i64(0).u32(0).u32(0).u32(0).str("sh")
                    .strs("cpu=/libpod_parent/libpod-" + fullId(i)).u32(0).u32(0).u32(0).i64(1).i64(1).i64(0)
                    .bytes());
            for (int k = 0; k < OPENS_PER_CONTAINER; k++) {
                String name = k == OPENS_PER_CONTAINER / 2 ? "/etc/shadow" : "/etc/hosts";
                out.add(EventBuilder.of("PPME_SYSCALL_OPENAT_2_X", ts++, tid).i64(3).i64(-100).str(name).u32(1)
                        .u32(0).u32(0).u64(0).bytes());
            }
        }
        return out;
    }

    record Run(double eventsPerSecond, List<FormattedAlert> alerts, long events) {
    }

    static Run run(List<byte[]> events, Ruleset ruleset, AlertFormatter formatter, MetadataResolver resolver) {
        StateEngine state = new StateEngine();
        if (resolver != null) {
            state.setContainerMetadata(resolver, c -> { });
        }
        ReplayPipeline pipeline = new ReplayPipeline("h", ZoneOffset.UTC);
        SyscallEvent event = pipeline.eventHolder(state);
        ReplayPipeline.blockListener(state, event).accept(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(1).pid(1).vtid(1).vpid(1).comm("systemd").exe("/sbin/init").build(),
                ThreadInfo.builder().tid(BASH).pid(BASH).vtid(BASH).vpid(BASH).ptid(1).comm("bash")
                        .exe("/bin/bash").build())));
        List<FormattedAlert> alerts = new ArrayList<>();
        long t0 = System.nanoTime();
        ReplayStats stats = pipeline.detect(new MemorySource(events), state, event, ruleset,
                new FormattingSink(formatter, alerts::add), () -> false);
        long nanos = System.nanoTime() - t0;
        return new Run(stats.eventsRead() * 1e9 / nanos, alerts, stats.eventsRead());
    }

    @Test
    void detect_runtimeSocketNeverAnswers_fullRateAndAlertsCarryTheContainerId() throws Exception {
        SyscallBinding binding = new SyscallBinding();
        Ruleset ruleset = ReplayPipelineTest.load(binding, List.of(new RulesSource("c.yaml", """
                - rule: Shadow read in container
                  desc: x
                  condition: evt.type=openat and fd.name=/etc/shadow and container.id != host
                  output: "shadow read (file=%fd.name)"
                  priority: WARNING
                """)));
        AlertFormatter formatter = AlertFormatter.create(ruleset, AlertFormatOptions.defaults("h"));
        List<byte[]> events = events();
        Path sock = dir.resolve("podman.sock");
        try (StalledSocket stalled = new StalledSocket(sock)) {
            MetadataResolver.Endpoint endpoint = new MetadataResolver.Endpoint(sock, MetadataResolver.Api.LIBPOD,
                    ContainerRuntime.PODMAN);
            run(events, ruleset, formatter, null); // warm-up of both paths
            try (MetadataResolver warm = new MetadataResolver(List.of(endpoint), LOOKUP_TIMEOUT)) {
                run(events, ruleset, formatter, warm);
            }
            double best = 0;
            double bestStalled = 0;
            Run last = null;
            MetadataResolver.Stats stats = null;
            long slowestStalledMillis = 0;
            for (int round = 0; round < 3; round++) {
                best = Math.max(best, run(events, ruleset, formatter, null).eventsPerSecond());
                try (MetadataResolver resolver = new MetadataResolver(List.of(endpoint), LOOKUP_TIMEOUT)) {
                    long t0 = System.nanoTime();
                    last = run(events, ruleset, formatter, resolver);
                    slowestStalledMillis = Math.max(slowestStalledMillis, (System.nanoTime() - t0) / 1_000_000);
                    bestStalled = Math.max(bestStalled, last.eventsPerSecond());
                    stats = resolver.stats();
                }
            }
            System.out.printf("StalledContainerRuntimeTest: %d events; without lookups %.0f events/s, with a stalled"
                    + " runtime %.0f events/s (ratio %.2f); resolver %s; %d connections held%n", last.events(), best,
                    bestStalled, bestStalled / best, stats, stalled.accepted.get());
            assertThat(stats.requested()).isEqualTo(CONTAINERS);
            assertThat(stats.resolved()).isZero();
            assertThat(stalled.accepted.get()).as("the workers did ask the stalled runtime").isPositive();
            assertThat(slowestStalledMillis).as("a run never waited for a %d s lookup", LOOKUP_TIMEOUT.toSeconds())
                    .isLessThan(LOOKUP_TIMEOUT.toMillis() / 2);
            assertThat(bestStalled / best).as("events/s with a stalled runtime over events/s without lookups")
                    .isGreaterThan(0.5);
            assertThat(last.alerts()).hasSize(CONTAINERS);
            for (int i = 0; i < CONTAINERS; i += 997) {
                String id = fullId(i).substring(0, 12);
                assertThat(last.alerts().get(i).line()).contains("shadow read (file=/etc/shadow) container_id=" + id
                        + " container_name=<NA> container_image_repository=<NA> container_image_tag=<NA>"
                        + " k8s_pod_name=<NA> k8s_ns_name=<NA>");
            }
        }
    }
}
