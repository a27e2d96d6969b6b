package dev.peregrine.outputs.metrics;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.delivery.DeliveryCounters;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the agent counts for {@code /metrics} and the metrics snapshot alert: events seen, rule matches, kernel
 * drops, delivery counters per channel, CPU and memory. Counting is lock-free on the event path.
 */
public final class AgentMetrics {
    /* Implementation notes: metric names follow Falco 0.42's Prometheus exposition (falco_metrics.cpp and libs'
     * metrics_collector: namespace falcosecurity, subsystems falco and scap, unit suffixes _total, _ratio, _bytes,
     * _timestamp_nanoseconds) where Falco has the metric; delivery metrics, which Falco does not have, are
     * peregrine_delivery_*. Each family is written with one HELP/TYPE header. */

    private final String version;
    private final long startEpochNanos;
    private final LongAdder events = new LongAdder();
    private final Map<String, RuleCount> rules = new ConcurrentHashMap<>();
    private volatile LongSupplier kernelDrops = () -> 0;
    private volatile Supplier<List<DeliveryCounters>> delivery = List::of;
    private final ProcessStats process = new ProcessStats();

    private record RuleCount(String rule, Priority priority, String source, List<String> tags, LongAdder count) {
    }

    /**
     * @param version Peregrine's version (the {@code version} label of {@code falcosecurity_falco_version_info})
     * @param startEpochNanos when the agent started
     */
    public AgentMetrics(String version, long startEpochNanos) {
        this.version = requireNonNull(version, "version is null");
        this.startEpochNanos = startEpochNanos;
    }

    /** Counts one event (call for every event the engine judges). */
    public void eventSeen() {
        events.increment();
    }

    /** Counts one alert of a rule (internal messages are not rule matches and are skipped). */
    public void alert(FormattedAlert a) {
        if (a.source().equals("internal")) {
            return;
        }
        rules.computeIfAbsent(a.rule(), r -> new RuleCount(r, a.priority(), a.source(), a.tags(), new LongAdder()))
                .count().increment();
    }

    /** Where the kernel (ring buffer) drop count comes from. */
    public void kernelDrops(LongSupplier drops) {
        this.kernelDrops = requireNonNull(drops, "drops is null");
    }

    /** Where the delivery counters come from. */
    public void delivery(Supplier<List<DeliveryCounters>> counters) {
        this.delivery = requireNonNull(counters, "counters is null");
    }

    public long events() {
        return events.sum();
    }

    public long matches() {
        return rules.values().stream().mapToLong(r -> r.count().sum()).sum();
    }

    /** {@return the Prometheus text exposition (format 0.0.4)} */
    public String prometheus() {
        StringBuilder sb = new StringBuilder();
        family(sb, "falcosecurity_falco_version_info", "gauge", List.of(sample(Map.of("version", version), 1)));
        family(sb, "falcosecurity_falco_start_timestamp_nanoseconds", "gauge",
                List.of(sample(Map.of(), startEpochNanos)));
        family(sb, "falcosecurity_scap_n_evts_total", "counter", List.of(sample(Map.of(), events.sum())));
        family(sb, "falcosecurity_scap_n_drops_total", "counter", List.of(sample(Map.of(),
                kernelDrops.getAsLong())));
        List<String> matches = new ArrayList<>();
        for (RuleCount r : new TreeMap<>(rules).values()) {
            Map<String, String> labels = new TreeMap<>();
            labels.put("priority", Integer.toString(r.priority().ordinal()));
            labels.put("rule_name", r.rule());
            labels.put("source", r.source());
            for (String t : r.tags()) {
                labels.put("tag_" + t, "true");
            }
            matches.add(sample(labels, r.count().sum()));
        }
        family(sb, "falcosecurity_falco_rules_matches_total", "counter", matches);
        List<DeliveryCounters> channels = delivery.get();
        long queueDrops = channels.stream().mapToLong(c -> c.dropped().getOrDefault("queue_full", 0L)).sum();
        family(sb, "falcosecurity_falco_outputs_queue_num_drops_total", "counter",
                List.of(sample(Map.of(), queueDrops)));
        ProcessStats.Sample p = process.sample();
        family(sb, "falcosecurity_falco_cpu_usage_ratio", "gauge", List.of(sample(Map.of(), p.cpuRatio())));
        family(sb, "falcosecurity_falco_memory_rss_bytes", "gauge", List.of(sample(Map.of(), p.rssBytes())));
        family(sb, "falcosecurity_falco_memory_vsz_bytes", "gauge", List.of(sample(Map.of(), p.vszBytes())));
        perChannel(sb, channels, "peregrine_delivery_sent_total", "counter", DeliveryCounters::sent);
        perChannel(sb, channels, "peregrine_delivery_retried_total", "counter", DeliveryCounters::retried);
        perChannel(sb, channels, "peregrine_delivery_spooled_total", "counter", DeliveryCounters::spooled);
        perChannel(sb, channels, "peregrine_delivery_failures_total", "counter", DeliveryCounters::failures);
        perChannel(sb, channels, "peregrine_delivery_queue_size", "gauge", DeliveryCounters::queued);
        perChannel(sb, channels, "peregrine_delivery_spool_pending", "gauge", DeliveryCounters::spoolPending);
        List<String> dropped = new ArrayList<>();
        for (DeliveryCounters c : channels) {
            new TreeMap<>(c.dropped()).forEach((reason, n) -> dropped.add(sample(Map.of("channel", c.target(),
                    "reason", reason), n)));
        }
        family(sb, "peregrine_delivery_dropped_total", "counter", dropped);
        return sb.toString();
    }

    /**
     * {@return the output fields of Falco's "Falco internal: metrics snapshot" alert (the ones Peregrine has)}
     *
     * @param previousEvents the event count of the previous snapshot, for {@code falco.num_evts_prev} and the rate
     * @param secondsSincePrevious the time since the previous snapshot
     */
    public Map<String, Object> snapshotFields(String hostname, long nowEpochNanos, long previousEvents,
            double secondsSincePrevious) {
        Map<String, Object> f = new LinkedHashMap<>();
        long n = events.sum();
        f.put("evt.source", "syscall");
        f.put("evt.hostname", hostname);
        f.put("evt.time", nowEpochNanos);
        f.put("falco.version", version);
        f.put("falco.start_ts", startEpochNanos);
        f.put("falco.duration_sec", (nowEpochNanos - startEpochNanos) / 1_000_000_000L);
        f.put("falco.num_evts", n);
        f.put("falco.num_evts_prev", previousEvents);
        f.put("falco.evts_rate_sec", secondsSincePrevious > 0 ? (n - previousEvents) / secondsSincePrevious : 0.0);
        List<DeliveryCounters> channels = delivery.get();
        f.put("falco.outputs_queue_num_drops",
                channels.stream().mapToLong(c -> c.dropped().getOrDefault("queue_full", 0L)).sum());
        f.put("falco.rules.matches_total", matches());
        for (RuleCount r : new TreeMap<>(rules).values()) {
            f.put("falco.rules." + r.rule().replaceAll("[^A-Za-z0-9_]", "_"), r.count().sum());
        }
        ProcessStats.Sample p = process.sample();
        f.put("falco.cpu_usage_perc", Math.round(p.cpuRatio() * 10000) / 100.0);
        f.put("falco.memory_rss_bytes", p.rssBytes());
        f.put("falco.memory_vsz_bytes", p.vszBytes());
        f.put("scap.n_evts", n);
        f.put("scap.n_drops", kernelDrops.getAsLong());
        return f;
    }

    private static void perChannel(StringBuilder sb, List<DeliveryCounters> channels, String name, String type,
            java.util.function.ToLongFunction<DeliveryCounters> value) {
        List<String> samples = new ArrayList<>();
        for (DeliveryCounters c : channels) {
            samples.add(sample(Map.of("channel", c.target()), value.applyAsLong(c)));
        }
        family(sb, name, type, samples);
    }

    private static void family(StringBuilder sb, String name, String type, List<String> samples) {
        if (samples.isEmpty()) {
            return;
        }
        sb.append("# HELP ").append(name).append(" https://falco.org/docs/metrics/\n");
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (String s : samples) {
            sb.append(name).append(s).append('\n');
        }
    }

    private static String sample(Map<String, String> labels, Number value) {
        StringBuilder sb = new StringBuilder();
        if (!labels.isEmpty()) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(e.getKey().replaceAll("[^A-Za-z0-9_]", "_")).append("=\"")
                        .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                        .append('"');
            }
            sb.append('}');
        }
        return sb.append(' ').append(value).toString();
    }
}
