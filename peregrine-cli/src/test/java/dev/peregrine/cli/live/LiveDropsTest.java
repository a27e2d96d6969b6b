package dev.peregrine.cli.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.cli.config.FalcoConfig;
import dev.peregrine.cli.replay.SyscallEventDropMonitor;
import dev.peregrine.driver.DropCounters;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import dev.peregrine.rules.load.RulesSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Falco's {@code syscall_event_drops} on the live driver (root, BTF, the compiled driver; skipped otherwise):
 * simulated drops through the token bucket, real drops from a one-page ring under load, and the {@code exit} action.
 */
class LiveDropsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** One page per CPU ring: a busy writer fills it between two reads of the engine. */
    private static final long TINY_RING_BYTES = 4096;
    private static final String TEXT_LINE = "[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}: Debug Falco internal: syscall event"
            + " drop\\. %s system calls dropped in last second\\. \\(ebpf_enabled=\"1\" n_drops=\"%s\""
            + " n_drops_buffer_clone_fork_exit=\"[0-9]+\" n_drops_buffer_close_exit=\"[0-9]+\""
            + " n_drops_buffer_connect_exit=\"[0-9]+\" n_drops_buffer_dir_file_exit=\"[0-9]+\""
            + " n_drops_buffer_execve_exit=\"[0-9]+\" n_drops_buffer_open_exit=\"[0-9]+\""
            + " n_drops_buffer_other_interest_exit=\"[0-9]+\" n_drops_buffer_proc_exit=\"[0-9]+\""
            + " n_drops_buffer_total=\"[0-9]+\" n_drops_bug=\"0\" n_drops_page_faults=\"0\" n_drops_scratch_map=\"0\""
            + " n_evts=\"[0-9]+\"\\)";

    @TempDir
    Path dir;

    @BeforeEach
    void requireLive() {
        var reason = LiveDetection.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "live capture unavailable: " + reason.orElseThrow());
    }

    /** A rule that never matches: the engine runs the state syscalls only. */
    private static List<RulesSource> quietRules() {
        return List.of(new RulesSource("quiet.yaml", """
                - rule: never
                  desc: never matches
                  condition: evt.type = openat and fd.name = /nonexistent/peregrine-never
                  output: never (%fd.name)
                  priority: DEBUG
                """));
    }

    private LiveEngine.Action opens() {
        Path f = dir.resolve("load");
        return () -> {
            Files.writeString(f, "x");
            for (int i = 0; i < 200; i++) {
                Files.readAllBytes(f);
            }
        };
    }

    /**
     * {@link #opens()} on several threads at once: more producers than the engine's one reader, so a one-page ring
     * overflows even on an idle machine (one producer alone can be drained in time when a CPU is free for the
     * reader).
     */
    private LiveEngine.Action burst() {
        return () -> {
            int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            List<Thread> started = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                Path f = dir.resolve("burst-" + t);
                started.add(Thread.ofPlatform().start(() -> {
                    try {
                        Files.writeString(f, "x");
                        for (int i = 0; i < 500; i++) {
                            Files.readAllBytes(f);
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            for (Thread t : started) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("burst failed", failure.get());
            }
        };
    }

    @Test
    void simulateDrops_logAndAlert_oneInternalAlertThenTokenBucketDepleted() throws Exception {
        var drops = new FalcoConfig.SyscallEventDrops(Set.of("log", "alert"), .1, .03333, 1, true);
        try (LiveEngine engine = LiveEngine.start(quietRules(), drops, false, null)) {
            FormattedAlert a = engine.actUntil(opens(), LiveEngine.rule(SyscallEventDropMonitor.RULE), TIMEOUT)
                    .orElseThrow(() -> new AssertionError("no drop alert; log: " + engine.logText()));
            // Two more checks (one a second of event time): the bucket (1 token, 1/30 s refill) has no token left.
            long until = System.nanoTime() + Duration.ofMillis(2_500).toNanos();
            while (System.nanoTime() < until) {
                opens().run();
            }
            LiveDetection.Summary s = engine.stop();

            assertThat(a.priority()).isEqualTo(Priority.DEBUG);
            assertThat(a.source()).isEqualTo("internal");
            assertThat(a.line()).matches(TEXT_LINE.formatted("1", "1"));
            assertThat(a.fields()).containsEntry("ebpf_enabled", "1").containsEntry("n_drops", "1")
                    .containsEntry("n_drops_buffer_total", "0");
            assertThat(Long.parseLong(a.fields().get("n_evts"))).isPositive();
            assertThat(engine.alerts()).filteredOn(x -> x.rule().equals(SyscallEventDropMonitor.RULE)).hasSize(1);
            assertThat(s.dropOccurrences()).isGreaterThanOrEqualTo(2);
            assertThat(s.dropActions()).isEqualTo(1);
            assertThat(engine.logText()).contains("Simulating syscall event drop")
                    .contains("Falco internal: syscall event drop. 1 system calls dropped in last second.")
                    .contains("Syscall event drop but token bucket depleted, skipping actions");
        }
    }

    @Test
    void simulateDrops_jsonOutput_internalAlertAsFalcoJson() throws Exception {
        var drops = new FalcoConfig.SyscallEventDrops(Set.of("alert"), .1, .03333, 1, true);
        try (LiveEngine engine = LiveEngine.start(quietRules(), drops, true, null)) {
            FormattedAlert a = engine.actUntil(opens(), LiveEngine.rule(SyscallEventDropMonitor.RULE), TIMEOUT)
                    .orElseThrow(() -> new AssertionError("no drop alert"));

            JsonNode json = new ObjectMapper().readTree(a.line());
            assertThat(json.get("hostname").asText()).isEqualTo("live-test-host");
            assertThat(json.get("output").asText())
                    .isEqualTo("Falco internal: syscall event drop. 1 system calls dropped in last second.");
            assertThat(json.get("priority").asText()).isEqualTo("Debug");
            assertThat(json.get("rule").asText()).isEqualTo("Falco internal: syscall event drop");
            assertThat(json.get("source").asText()).isEqualTo("internal");
            assertThat(json.get("time").asText()).matches("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}Z");
            JsonNode f = json.get("output_fields");
            assertThat(f.get("ebpf_enabled").asText()).isEqualTo("1");
            assertThat(f.get("n_drops").asText()).isEqualTo("1");
            assertThat(f.get("n_drops_buffer_total").asText()).isEqualTo("0");
            assertThat(f.size()).isEqualTo(15);
        }
    }

    @Test
    void tinyRing_underLoad_realDropsCountedPerCpuAndCategoryAndAlerted() throws Exception {
        var drops = new FalcoConfig.SyscallEventDrops(Set.of("alert"), .1, .03333, 1, false);
        try (LiveEngine engine = LiveEngine.start(quietRules(), drops, false, TINY_RING_BYTES)) {
            AtomicReference<DropCounters> during = new AtomicReference<>();
            FormattedAlert a = engine.actUntil(() -> {
                burst().run();
                engine.live.dropCounters().ifPresent(during::set);
            }, LiveEngine.rule(SyscallEventDropMonitor.RULE), TIMEOUT)
                    .orElseThrow(() -> new AssertionError("no drop alert; log: " + engine.logText()));
            LiveDetection.Summary s = engine.stop();

            long n = Long.parseLong(a.fields().get("n_drops"));
            assertThat(n).isPositive();
            assertThat(a.line()).matches(TEXT_LINE.formatted(n, n));
            assertThat(a.fields()).containsEntry("n_drops_buffer_total", Long.toString(n))
                    .containsEntry("ebpf_enabled", "1");
            assertThat(Long.parseLong(a.fields().get("n_evts"))).isGreaterThanOrEqualTo(n);
            assertThat(Long.parseLong(a.fields().get("n_drops_buffer_open_exit"))
                    + Long.parseLong(a.fields().get("n_drops_buffer_close_exit"))).isPositive();
            assertThat(during.get()).isNotNull();
            assertThat(during.get().total()).isPositive();
            assertThat(s.drops().total()).isGreaterThanOrEqualTo(during.get().total());
            assertThat(s.drops().perCpu()).hasSizeGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(s.drops().byCategory().get(DropCounters.Category.OPEN_EXIT)
                    + s.drops().byCategory().get(DropCounters.Category.CLOSE_EXIT)).isPositive();
            assertThat(s.dropActions()).isEqualTo(1);
        }
    }

    @Test
    void tinyRing_exitAction_runEndsByTheDropManager() throws Exception {
        var drops = new FalcoConfig.SyscallEventDrops(Set.of("exit"), .1, .03333, 1, false);
        try (LiveEngine engine = LiveEngine.start(quietRules(), drops, false, TINY_RING_BYTES)) {
            Optional<LiveDetection.Summary> s = engine.actUntilEnd(burst(), TIMEOUT);

            assertThat(s).as("the run ended by itself").isPresent();
            assertThat(s.get().stoppedByDropManager()).isTrue();
            assertThat(s.get().drops().total()).isPositive();
            assertThat(engine.logText()).containsPattern("Falco internal: syscall event drop\\. [0-9]+ system"
                    + " calls dropped in last second\\.").contains("Exiting.");
        }
    }
}
