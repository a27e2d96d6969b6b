package dev.peregrine.outputs.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.outputs.channel.HttpTarget;
import dev.peregrine.rules.load.Priority;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryServiceTest {
    @TempDir
    Path dir;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private DeliveryOptions fast() {
        return DeliveryOptions.defaults().withRetry(Duration.ofMillis(5), Duration.ofMillis(40))
                .withShutdownTimeout(Duration.ofSeconds(5));
    }

    private static List<String> numbered(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> Alerts.numbered(i).line()).toList();
    }

    @Test
    void emit_healthyTarget_deliversEveryAlertInOrderInBatches() {
        RecordingTarget t = new RecordingTarget("t", 50);
        DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(t, Priority.DEBUG)), fast(), log::add);
        for (int i = 0; i < 1000; i++) {
            s.emit(Alerts.numbered(i));
        }
        s.flush();
        assertThat(t.lines()).containsExactlyElementsOf(numbered(0, 1000));
        assertThat(t.batchSizes()).allMatch(n -> n >= 1 && n <= 50);
        s.close();
        DeliveryCounters c = s.counters().getFirst();
        assertThat(c.sent()).isEqualTo(1000);
        assertThat(c.droppedTotal()).isZero();
        assertThat(s.undeliveredSummary()).isEmpty();
    }

    @Test
    void emit_belowMinimumPriority_skipsThatTargetOnly() {
        RecordingTarget all = new RecordingTarget("all", 1);
        RecordingTarget critical = new RecordingTarget("critical", 1);
        DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(all, Priority.DEBUG),
                new ConfiguredTarget(critical, Priority.CRITICAL)), fast(), log::add);
        s.emit(Alerts.of("w", "r", Priority.WARNING));
        s.emit(Alerts.of("e", "r", Priority.EMERGENCY));
        s.close();
        assertThat(all.lines()).containsExactly("w", "e");
        assertThat(critical.lines()).containsExactly("e");
    }

    @Test
    void emit_stalledTarget_neverBlocksAndTheOtherTargetGetsEverything() {
        RecordingTarget stalled = new RecordingTarget("stalled", 1);
        stalled.gate = new CountDownLatch(1);
        RecordingTarget healthy = new RecordingTarget("healthy", 100);
        DeliveryOptions o = fast().withMemoryBacklog(10).withShutdownTimeout(Duration.ofMillis(200));
        DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(stalled, Priority.DEBUG),
                new ConfiguredTarget(healthy, Priority.DEBUG)), o, log::add);
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            s.emit(Alerts.numbered(i));
        }
        long emitNanos = System.nanoTime() - start;
        s.flush();
        assertThat(healthy.lines()).containsExactlyElementsOf(numbered(0, 10_000));
        s.close();
        stalled.gate.countDown();
        assertThat(s.counters().getFirst().dropped()).containsEntry("shutdown", 10_000L);
        assertThat(emitNanos).as("10,000 emits beside a stalled target").isLessThan(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void emit_stalledTargetFullQueueWithoutSpool_dropsAndCountsQueueFull() {
        RecordingTarget stalled = new RecordingTarget("stalled", 1);
        stalled.gate = new CountDownLatch(1);
        DeliveryOptions o = fast().withQueueCapacity(10).withMemoryBacklog(10)
                .withShutdownTimeout(Duration.ofMillis(100));
        DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(stalled, Priority.DEBUG)), o,
                log::add);
        for (int i = 0; i < 1000; i++) {
            s.emit(Alerts.numbered(i));
        }
        s.close();
        stalled.gate.countDown();
        DeliveryCounters c = s.counters().getFirst();
        // at most queue + backlog + the one batch in flight were accepted; every other alert is a counted drop
        assertThat(c.dropped().get("queue_full")).isGreaterThanOrEqualTo(1000 - 21);
        assertThat(c.dropped().get("queue_full") + c.dropped().getOrDefault("shutdown", 0L)).isEqualTo(1000);
        assertThat(log).anyMatch(m -> m.startsWith("stalled: dropping alerts: queue full (10 alerts)"));
    }

    @Test
    void deliver_nonRetryableFailure_dropsAsRejected() {
        RecordingTarget t = new RecordingTarget("t", 1);
        t.failure = new DeliveryException("HTTP 400", false, null);
        DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(t, Priority.DEBUG)), fast(), log::add);
        s.emit(Alerts.numbered(1));
        s.emit(Alerts.numbered(2));
        s.close();
        DeliveryCounters c = s.counters().getFirst();
        assertThat(c.dropped()).containsEntry("rejected", 2L);
        assertThat(c.lastError()).isEqualTo("HTTP 400");
        assertThat(s.undeliveredSummary()).containsExactly("t: 0 sent, 0 retried, 0 spooled, 2 dropped (rejected=2)");
    }

    @Test
    void deliver_targetDownThenBack_spoolsAndDeliversEveryAlertOnceInOrder() throws Exception {
        RecordingTarget t = new RecordingTarget("t", 20);
        t.failure = new DeliveryException("HTTP 503", true, null);
        DeliveryOptions o = fast().withSpoolDir(dir).withMemoryBacklog(5);
        DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(t, Priority.DEBUG)), o, log::add);
        for (int i = 0; i < 300; i++) {
            s.emit(Alerts.numbered(i));
        }
        Thread.sleep(100);
        assertThat(s.counters().getFirst().spooled()).isGreaterThanOrEqualTo(295);
        t.failure = null;
        s.close();
        assertThat(t.lines()).containsExactlyElementsOf(numbered(0, 300));
        DeliveryCounters c = s.counters().getFirst();
        assertThat(c.sent()).isEqualTo(300);
        assertThat(c.retried()).isPositive();
        assertThat(c.maybeDuplicated()).isZero();
        assertThat(log).anyMatch(m -> m.startsWith("t: delivery failed (HTTP 503)"))
                .anyMatch(m -> m.startsWith("t: delivering again"));
    }

    @Test
    void close_targetStillDown_spoolsEverythingAndNextServiceDeliversItOnce() {
        RecordingTarget down = new RecordingTarget("t", 10);
        down.failure = new DeliveryException("connection refused", true, null);
        DeliveryOptions o = fast().withSpoolDir(dir).withMemoryBacklog(50).withShutdownTimeout(Duration.ofMillis(100));
        DeliveryService first = DeliveryService.start(List.of(new ConfiguredTarget(down, Priority.DEBUG)), o,
                log::add);
        for (int i = 0; i < 120; i++) {
            first.emit(Alerts.numbered(i));
        }
        first.close();
        DeliveryCounters c1 = first.counters().getFirst();
        assertThat(c1.sent()).isZero();
        assertThat(c1.spoolPending()).isEqualTo(120);
        assertThat(first.undeliveredSummary().getFirst()).endsWith("120 undelivered (120 spooled for the next start)");

        RecordingTarget up = new RecordingTarget("t", 10);
        DeliveryService second = DeliveryService.start(List.of(new ConfiguredTarget(up, Priority.DEBUG)), o,
                log::add);
        for (int i = 120; i < 150; i++) {
            second.emit(Alerts.numbered(i));
        }
        second.flush();
        second.close();
        assertThat(up.lines()).containsExactlyElementsOf(numbered(0, 150));
        assertThat(log).anyMatch(m -> m.equals("t: 120 alerts spooled in " + dir.resolve("t")
                + " by an earlier run will be delivered first"));

        RecordingTarget third = new RecordingTarget("t", 10);
        DeliveryService again = DeliveryService.start(List.of(new ConfiguredTarget(third, Priority.DEBUG)), o,
                log::add);
        again.close();
        assertThat(third.lines()).isEmpty();
    }

    @Test
    void start_sameNameTwice_suffixesTheSecond() {
        DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(new RecordingTarget("http", 1),
                Priority.DEBUG), new ConfiguredTarget(new RecordingTarget("http", 1), Priority.DEBUG)), fast(),
                log::add);
        s.close();
        assertThat(s.counters()).extracting(DeliveryCounters::target).containsExactly("http", "http-2");
    }

    @Test
    void emit_throttled_suppressesAndTheNextAlertCarriesTheCount() {
        RecordingTarget t = new RecordingTarget("t", 100);
        DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(t, Priority.DEBUG)),
                fast().withThrottle(new DeliveryOptions.Throttle(2, Duration.ofMillis(300))), log::add);
        for (int i = 0; i < 5; i++) {
            s.emit(Alerts.of("a" + i, "r", Priority.WARNING));
        }
        s.emit(Alerts.of("other", "r2", Priority.WARNING));
        sleep(350);
        s.emit(Alerts.of("late", "r", Priority.WARNING));
        s.close();
        assertThat(t.lines()).containsExactly("a0", "a1", "other", "late (3 similar alerts suppressed)");
        assertThat(s.suppressed()).isEqualTo(3);
    }

    /**
     * The fault test: an HTTP sink answers 500, then goes away, then comes back, while alerts keep coming; then
     * Peregrine "restarts" (a new service over the same spool) while the sink is away again, and the next run
     * delivers the rest. Every alert arrives exactly once, in order.
     */
    @Test
    void http_500ThenAwayThenBackAcrossRestart_everyAlertExactlyOnce() throws Exception {
        try (HttpSink sink = new HttpSink()) {
            DeliveryOptions o = fast().withSpoolDir(dir).withMemoryBacklog(8);
            PrintWriter echo = new PrintWriter(new StringWriter());
            DeliveryService run1 = DeliveryService.start(List.of(new ConfiguredTarget(
                    new HttpTarget(HttpTarget.Options.of(sink.uri()), echo), Priority.DEBUG)), o, log::add);
            int n = 0;
            for (; n < 50; n++) {
                run1.emit(Alerts.numbered(n));
            }
            sink.awaitBodies(50, 5000);
            sink.status(500);
            long worstEmit = 0;
            for (; n < 150; n++) {
                long t0 = System.nanoTime();
                run1.emit(Alerts.numbered(n));
                worstEmit = Math.max(worstEmit, System.nanoTime() - t0);
            }
            sink.awaitRequests(sink.requests() + 3, 2000);
            sink.goAway();
            for (; n < 250; n++) {
                long t0 = System.nanoTime();
                run1.emit(Alerts.numbered(n));
                worstEmit = Math.max(worstEmit, System.nanoTime() - t0);
            }
            Thread.sleep(100);
            sink.comeBack();
            sink.status(200);
            sink.awaitBodies(250, 10_000);
            awaitSent(run1, 250);
            sink.goAway();
            for (; n < 400; n++) {
                run1.emit(Alerts.numbered(n));
            }
            run1.close();
            DeliveryCounters c1 = run1.counters().getFirst();
            assertThat(c1.spooled()).isPositive();
            assertThat(c1.sent() + c1.spoolPending()).isEqualTo(400);

            sink.comeBack();
            DeliveryService run2 = DeliveryService.start(List.of(new ConfiguredTarget(
                    new HttpTarget(HttpTarget.Options.of(sink.uri()), echo), Priority.DEBUG)), o, log::add);
            for (; n < 420; n++) {
                run2.emit(Alerts.numbered(n));
            }
            run2.flush();
            run2.close();
            assertThat(sink.bodies()).containsExactlyElementsOf(numbered(0, 420));
            DeliveryCounters c2 = run2.counters().getFirst();
            assertThat(c1.droppedTotal() + c2.droppedTotal()).isZero();
            assertThat(c1.sent() + c2.sent()).isEqualTo(420);
            assertThat(worstEmit).as("slowest emit while the sink failed (ns)")
                    .isLessThan(Duration.ofMillis(50).toNanos());
        }
    }

    /**
     * Randomized (seeded) outages and restarts: a target that fails a random share of its calls, is down for whole
     * runs now and then, and Peregrine restarting over the same spool with random memory sizes; at the end every
     * alert arrived exactly once, in order.
     */
    @Test
    void deliver_randomOutagesAndRestarts_everyAlertOnceInOrder() throws Exception {
        long spooled = 0;
        long retried = 0;
        for (long seed = 1; seed <= 4; seed++) {
            java.util.Random random = new java.util.Random(seed);
            Path spool = dir.resolve("seed-" + seed);
            List<String> received = Collections.synchronizedList(new ArrayList<>());
            int n = 0;
            for (int run = 0; run < 4; run++) {
                RecordingTarget t = new RecordingTarget("t", 1 + random.nextInt(16));
                double failShare = random.nextDouble() * 0.7;
                boolean downAllRun = random.nextInt(4) == 0;
                java.util.Random calls = new java.util.Random(seed * 31 + run);
                t.failNow = () -> downAllRun || calls.nextDouble() < failShare;
                DeliveryOptions o = fast().withSpoolDir(spool).withMemoryBacklog(1 + random.nextInt(20))
                        .withShutdownTimeout(Duration.ofMillis(150));
                DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(t, Priority.DEBUG)), o,
                        log::add);
                int count = random.nextInt(120);
                for (int i = 0; i < count; i++, n++) {
                    s.emit(Alerts.numbered(n));
                }
                s.close();
                received.addAll(t.lines());
                DeliveryCounters c = s.counters().getFirst();
                assertThat(c.droppedTotal()).as("seed %d run %d", seed, run).isZero();
                spooled += c.spooled();
                retried += c.retried();
            }
            RecordingTarget last = new RecordingTarget("t", 8);
            DeliveryService s = DeliveryService.start(List.of(new ConfiguredTarget(last, Priority.DEBUG)),
                    fast().withSpoolDir(spool), log::add);
            s.close();
            received.addAll(last.lines());
            assertThat(received).as("seed %d", seed).containsExactlyElementsOf(numbered(0, n));
        }
        assertThat(spooled).as("alerts spooled over all runs").isPositive();
        assertThat(retried).as("alerts retried over all runs").isPositive();
    }

    private static void awaitSent(DeliveryService s, long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (s.counters().getFirst().sent() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
