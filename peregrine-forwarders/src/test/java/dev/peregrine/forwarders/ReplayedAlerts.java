package dev.peregrine.forwarders;

import dev.peregrine.engine.FormattingSink;
import dev.peregrine.engine.ReplayPipeline;
import dev.peregrine.engine.ReplayStats;
import dev.peregrine.outputs.format.AlertFormatOptions;
import dev.peregrine.outputs.format.AlertFormatter;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.peregrine.rules.load.Priority;

/**
 * Real alerts for the forwarder tests: falco-testing's {@code single_rule_with_tags.yaml} (rule
 * {@code open_from_cat}, Warning, tags filesystem/process/testing) replayed over the shared capture
 * {@code cat_write.scap} through the replay pipeline and Falco's formatter: 8 alerts, as Falco's golden output has
 * them, with hostname {@value #HOSTNAME}.
 */
public final class ReplayedAlerts {
    /** The hostname the alerts carry (falco-testing's). */
    public static final String HOSTNAME = "test-falco-hostname";
    /** How many alerts the capture gives. */
    public static final int COUNT = 8;
    /** The time of the first alert, in nanoseconds since the epoch (2016-08-04T16:17:57.881781397Z). */
    public static final long FIRST_TIME_NANOS = 1_470_327_477_881_781_397L;

    private static List<FormattedAlert> json;
    private static List<FormattedAlert> text;

    private ReplayedAlerts() {
    }

    /** {@return the alerts rendered with {@code json_output: true}} */
    public static synchronized List<FormattedAlert> json() {
        if (json == null) {
            json = replay(true);
        }
        return json;
    }

    /** {@return the alerts rendered as text ({@code json_output: false})} */
    public static synchronized List<FormattedAlert> text() {
        if (text == null) {
            text = replay(false);
        }
        return text;
    }

    /** {@return the shared upstream directory ({@code peregrine.upstream}, else the shared checkout)} */
    public static Path upstream() {
        String property = System.getProperty("peregrine.upstream");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Path.of(property);
        }
        return Path.of("/work/shared/upstream");
    }

    /**
     * {@return Falco's internal "syscall event drop" alert (Critical) as the formatter renders it, with
     * {@code n_drops} drops in the last second}
     */
    public static FormattedAlert syscallEventDrop(boolean jsonOutput, long nDrops) {
        SyscallBinding binding = new SyscallBinding();
        Ruleset ruleset = load(binding);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ebpf_enabled", "0");
        fields.put("n_drops", nDrops);
        fields.put("n_drops_buffer_total", nDrops);
        fields.put("n_evts", 120_000L);
        return AlertFormatter.create(ruleset, options(jsonOutput)).formatInternal(FIRST_TIME_NANOS, 0,
                Priority.CRITICAL, "Falco internal: syscall event drop. " + nDrops
                        + " system calls dropped in last second.", "Falco internal: syscall event drop", fields);
    }

    private static AlertFormatOptions options(boolean jsonOutput) {
        return new AlertFormatOptions(jsonOutput, true, true, false, true, true, HOSTNAME, List.of());
    }

    private static Ruleset load(SyscallBinding binding) {
        try {
            Path rules = upstream().resolve("falco-testing/rules/single_rule_with_tags.yaml");
            LoadOutcome outcome = RulesLoader.load(List.of(new RulesSource(rules.toString(),
                    Files.readString(rules))), LoadOptions.defaults().withBinding(binding));
            return outcome.ruleset().orElseThrow(() -> new IllegalStateException(outcome.toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<FormattedAlert> replay(boolean jsonOutput) {
        try {
            SyscallBinding binding = new SyscallBinding();
            Ruleset ruleset = load(binding);
            AlertFormatter formatter = AlertFormatter.create(ruleset, options(jsonOutput));
            List<FormattedAlert> alerts = new ArrayList<>();
            ReplayStats stats = new ReplayPipeline(HOSTNAME, ZoneOffset.UTC).replay(
                    upstream().resolve("scap/cat_write.scap"), ruleset, binding,
                    new FormattingSink(formatter, alerts::add));
            if (stats.exitCode() != 0 || alerts.size() != COUNT) {
                throw new IllegalStateException("replay gave " + alerts.size() + " alerts, exit " + stats.exitCode());
            }
            return List.copyOf(alerts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
