package dev.peregrine.cli.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.cli.FalcoLogger;
import dev.peregrine.cli.config.FalcoConfig;
import dev.peregrine.cli.selftest.AlertCollector;
import dev.peregrine.outputs.channel.AlertSink;
import dev.peregrine.outputs.format.AlertFormatOptions;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RuleMatching;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A {@link LiveDetection} running in a background thread of the test JVM, collecting every alert, so a test performs
 * real actions and waits for their alerts. Close stops it and detaches the driver.
 */
final class LiveEngine implements AutoCloseable {
    /** Longest wait for the driver to attach, the rules to load and the /proc scan to finish. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Pause between two repetitions of an action while its alert is awaited. */
    private static final long ACTION_PAUSE_MILLIS = 250;

    final LiveDetection live;
    private final List<FormattedAlert> alerts;
    private final StringWriter logText;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CompletableFuture<LiveDetection.Summary> done = new CompletableFuture<>();

    private LiveEngine(LiveDetection live, List<FormattedAlert> alerts, StringWriter logText) {
        this.live = live;
        this.alerts = alerts;
        this.logText = logText;
        Thread t = new Thread(() -> {
            try {
                done.complete(live.run(stop::get, (rules, syscalls, processes) -> ready.countDown()));
            } catch (Throwable e) {
                done.completeExceptionally(e);
                ready.countDown();
            }
        }, "live-engine");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Starts live detection of {@code rules} (rule_matching all, so a test rule is not hidden by an earlier
     * stable rule matching the same event; alerts with ISO 8601 times, hostname live-test-host, JSON when
     * {@code json}) and waits until it observes actions.
     *
     * @param ringBytes bytes per CPU ring, or null for the default
     */
    static LiveEngine start(List<RulesSource> rules, FalcoConfig.SyscallEventDrops drops, boolean json,
            Long ringBytes) throws InterruptedException {
        SyscallBinding binding = new SyscallBinding();
        LoadOutcome outcome = RulesLoader.load(rules, LoadOptions.defaults().withBinding(binding)
                .withRuleMatching(RuleMatching.ALL));
        assertThat(outcome.successful()).as(outcome.toJson()).isTrue();
        Ruleset ruleset = outcome.ruleset().orElseThrow();
        AlertFormatOptions d = AlertFormatOptions.defaults("live-test-host");
        AlertFormatter formatter = AlertFormatter.create(ruleset, new AlertFormatOptions(json, d.includeOutput(),
                d.includeTags(), d.includeMessage(), d.includeOutputFields(), true, d.hostname(), d.appendOutputs()));
        List<FormattedAlert> alerts = new ArrayList<>();
        AlertSink sink = new AlertCollector(alerts);
        StringWriter logText = new StringWriter();
        FalcoLogger log = new FalcoLogger(new PrintWriter(logText, true), Clock.systemUTC(), ZoneId.of("UTC"));
        log.configure(FalcoConfig.LogLevel.DEBUG, true, true);
        LiveDetection live = new LiveDetection(ruleset, formatter, sink, drops, log);
        if (ringBytes != null) {
            live.ringBytes(ringBytes);
        }
        LiveEngine engine = new LiveEngine(live, alerts, logText);
        if (!engine.ready.await(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            engine.close();
            throw new AssertionError("the live engine did not start within " + READY_TIMEOUT);
        }
        if (engine.done.isCompletedExceptionally()) {
            engine.done.join();
        }
        return engine;
    }

    /** {@return what the engine's Falco logger wrote} */
    String logText() {
        return logText.toString();
    }

    static FalcoConfig.SyscallEventDrops ignoreDrops() {
        return new FalcoConfig.SyscallEventDrops(Set.of("ignore"), .1, .03333, 1, false);
    }

    /** {@return every alert so far} */
    List<FormattedAlert> alerts() {
        synchronized (alerts) {
            return List.copyOf(alerts);
        }
    }

    /** An action that may throw. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /**
     * Repeats {@code action} until an alert matching {@code wanted} arrives (the first one is returned) or
     * {@code timeout} passes (empty).
     */
    Optional<FormattedAlert> actUntil(Action action, Predicate<FormattedAlert> wanted, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            action.run();
            long pauseEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACTION_PAUSE_MILLIS);
            synchronized (alerts) {
                while (true) {
                    for (FormattedAlert a : alerts) {
                        if (wanted.test(a)) {
                            return Optional.of(a);
                        }
                    }
                    long left = pauseEnd - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    alerts.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
            if (done.isDone()) {
                break;
            }
        }
        return Optional.empty();
    }

    /** {@return a predicate for alerts of the rule named {@code rule}} */
    static Predicate<FormattedAlert> rule(String rule) {
        return a -> a.rule().equals(rule);
    }

    /** {@return the summary once the engine ends by itself while {@code action} repeats, empty after timeout} */
    Optional<LiveDetection.Summary> actUntilEnd(Action action, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !done.isDone()) {
            action.run();
        }
        return done.isDone() ? Optional.of(done.join()) : Optional.empty();
    }

    /** Stops the engine and returns its summary. */
    LiveDetection.Summary stop() {
        stop.set(true);
        return done.orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        stop.set(true);
        try {
            done.orTimeout(30, TimeUnit.SECONDS).join();
        } catch (RuntimeException e) {
            // reported by the test that used the engine
        }
    }
}
