package dev.peregrine.cli.selftest;

import static java.util.Objects.requireNonNull;

import dev.peregrine.cli.live.LiveDetection;
import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.FormattedAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs scenarios against live detection in this process: starts the engine, performs each scenario's action until
 * its rule's alert arrives or the time per scenario runs out, undoes the action, and reports per rule.
 */
public final class Selftest {
    /* Implementation notes: the engine runs on a platform thread of its own; alerts reach a collecting sink. An
     * action is repeated (every PAUSE) because the first occurrence can race the engine's state (a process seen
     * before its exec event) and because some rules need a second look (a process older than 5 s). Alerts are
     * matched by rule name only after the action started, so an earlier scenario's late alert cannot count. */

    /** What happened to one scenario. */
    public enum Status { DETECTED, MISSING, SKIPPED, FAILED }

    /**
     * @param scenario the scenario
     * @param status the outcome
     * @param alert the alert that proved detection (DETECTED), else null
     * @param keyFields the scenario's key fields as the alert carried them (DETECTED), else empty
     * @param detail why it was skipped or failed, else null
     * @param millis time from the first action to the alert, or spent waiting
     */
    public record Result(Scenario scenario, Status status, FormattedAlert alert, Map<String, String> keyFields,
            String detail, long millis) {
        public Result {
            requireNonNull(scenario, "scenario is null");
            requireNonNull(status, "status is null");
            keyFields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keyFields));
        }
    }

    /** Longest wait for the driver to attach and the /proc scan to finish. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Pause between two repetitions of an action. */
    private static final long PAUSE_MILLIS = 250;

    private final Duration perScenario;

    /** @param perScenario how long each scenario may take to raise its alert */
    public Selftest(Duration perScenario) {
        this.perScenario = requireNonNull(perScenario, "perScenario is null");
    }

    /**
     * Starts live detection (built by {@code engine} around the sink it is given), runs the scenarios in order and
     * stops the engine.
     *
     * @param progress receives each result as soon as it is known
     */
    public List<Result> run(Function<AlertSink, LiveDetection> engine, List<Scenario> scenarios,
            Consumer<Result> progress) throws Exception {
        Running running = Running.start(engine);
        List<Result> results = new ArrayList<>();
        try {
            for (Scenario s : scenarios) {
                Result r = runOne(s, running.alerts, running.done);
                results.add(r);
                progress.accept(r);
            }
        } finally {
            running.stop(results.size() == scenarios.size());
        }
        return results;
    }

    /**
     * Starts live detection (built by {@code engine} around the sink it is given), runs {@code body} once it
     * observes actions, waits {@code settle} for the last events to be judged, stops the engine and returns every
     * alert it raised meanwhile (of any process on the machine).
     */
    public static List<FormattedAlert> observe(Function<AlertSink, LiveDetection> engine, Scenario.Step body,
            Duration settle) throws Throwable {
        Running running = Running.start(engine);
        boolean ok = false;
        try {
            body.run();
            Thread.sleep(settle.toMillis());
            ok = true;
        } finally {
            running.stop(ok);
        }
        synchronized (running.alerts) {
            return List.copyOf(running.alerts);
        }
    }

    /** Live detection on a thread of its own, its alerts collected in memory. */
    private record Running(List<FormattedAlert> alerts, AtomicBoolean stopFlag,
            CompletableFuture<LiveDetection.Summary> done) {
        static Running start(Function<AlertSink, LiveDetection> engine) throws Exception {
            List<FormattedAlert> alerts = new ArrayList<>();
            AlertSink sink = new AlertCollector(alerts);
            LiveDetection live = engine.apply(sink);
            Running r = new Running(alerts, new AtomicBoolean(), new CompletableFuture<>());
            CountDownLatch ready = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    r.done.complete(live.run(r.stopFlag::get, (rules, syscalls, processes) -> ready.countDown()));
                } catch (Throwable e) {
                    r.done.completeExceptionally(e);
                    ready.countDown();
                }
            }, "selftest-engine");
            t.setDaemon(true);
            t.start();
            if (!ready.await(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                r.stop(false);
                throw new IllegalStateException("live detection did not start within " + READY_TIMEOUT);
            }
            if (r.done.isCompletedExceptionally()) {
                r.done.join();
            }
            return r;
        }

        /**
         * Stops the engine and waits for it. Its failure is thrown when the work was cut short ({@code !complete}:
         * the failure explains why); after complete work the results stand and it is ignored.
         */
        void stop(boolean complete) {
            stopFlag.set(true);
            try {
                done.orTimeout(30, TimeUnit.SECONDS).join();
            } catch (RuntimeException e) {
                if (!complete) {
                    throw e;
                }
            }
        }
    }

    private Result runOne(Scenario s, List<FormattedAlert> alerts, CompletableFuture<?> done) {
        if (s.skipReason() != null) {
            return new Result(s, Status.SKIPPED, null, Map.of(), s.skipReason(), 0);
        }
        int seen;
        synchronized (alerts) {
            seen = alerts.size();
        }
        long start = System.nanoTime();
        long deadline = start + perScenario.toNanos();
        try {
            while (System.nanoTime() < deadline && !done.isDone()) {
                s.act().run();
                long pauseEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS);
                synchronized (alerts) {
                    while (true) {
                        for (int i = seen; i < alerts.size(); i++) {
                            FormattedAlert a = alerts.get(i);
                            if (a.rule().equals(s.rule())
                                    && (s.mustContain() == null || a.output().contains(s.mustContain()))) {
                                return new Result(s, Status.DETECTED, a, keyFields(s, a), null, millisSince(start));
                            }
                        }
                        long left = Math.min(pauseEnd, deadline) - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        alerts.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    }
                }
            }
            return new Result(s, Status.MISSING, null, Map.of(),
                    done.isDone() ? "live detection ended" : null, millisSince(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(s, Status.FAILED, null, Map.of(), "interrupted", millisSince(start));
        } catch (Throwable e) {
            return new Result(s, Status.FAILED, null, Map.of(), "the action failed: " + e, millisSince(start));
        } finally {
            try {
                s.cleanup().run();
            } catch (Throwable e) {
                // best effort: what a cleanup leaves is in the scenario's own files, removed with the work directory
            }
        }
    }

    private static Map<String, String> keyFields(Scenario s, FormattedAlert a) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : s.keyFields()) {
            out.put(f, a.fields().getOrDefault(f, "<not in output>"));
        }
        return out;
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
