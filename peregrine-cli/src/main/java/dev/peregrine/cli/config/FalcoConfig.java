package dev.peregrine.cli.config;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.format.AppendOutput;
import dev.peregrine.rules.load.Priority;
import dev.peregrine.rules.load.RuleMatching;
import dev.peregrine.rules.load.RuleSelector;
import java.util.List;
import java.util.Set;

/**
 * The settings of {@code falco.yaml} (plus {@code config_files} and {@code -o} overrides) that Peregrine uses, typed
 * and checked. Keys Peregrine does not implement are listed in {@link #unimplementedKeys} so the command line can
 * warn about them once.
 *
 * @param files the configuration files read, main file first
 * @param rules what to load and how to select rules
 * @param outputs how alerts are rendered and where they go
 * @param engine the event source ({@code engine.kind}) and its settings
 * @param logging Falco's own log lines
 * @param delivery syslog and HTTP outputs, forwarders, queues, spool and retries
 * @param unimplementedKeys top-level keys that are set to something effective but that Peregrine ignores
 */
public record FalcoConfig(List<String> files, Rules rules, Outputs outputs, Engine engine, Logging logging,
        BaseSyscalls baseSyscalls, SyscallEventDrops syscallEventDrops, Metrics metrics, Webserver webserver,
        DeliveryConfig delivery, List<String> unimplementedKeys) {
    public FalcoConfig {
        files = List.copyOf(files);
        requireNonNull(rules, "rules is null");
        requireNonNull(outputs, "outputs is null");
        requireNonNull(engine, "engine is null");
        requireNonNull(logging, "logging is null");
        requireNonNull(baseSyscalls, "baseSyscalls is null");
        requireNonNull(syscallEventDrops, "syscallEventDrops is null");
        requireNonNull(metrics, "metrics is null");
        requireNonNull(webserver, "webserver is null");
        requireNonNull(delivery, "delivery is null");
        unimplementedKeys = List.copyOf(unimplementedKeys);
    }

    /**
     * Rules settings.
     *
     * @param files {@code rules_files} (or the legacy {@code rules_file}) entries that exist, as configured
     * @param selectors {@code rules:} enable/disable entries, in order (a rule entry before a tag entry)
     * @param minPriority {@code priority}
     * @param ruleMatching {@code rule_matching}
     */
    public record Rules(List<String> files, List<RuleSelector> selectors, Priority minPriority,
            RuleMatching ruleMatching) {
        public Rules {
            files = List.copyOf(files);
            selectors = List.copyOf(selectors);
            requireNonNull(minPriority, "minPriority is null");
            requireNonNull(ruleMatching, "ruleMatching is null");
        }
    }

    /**
     * Alert rendering and channels.
     *
     * @param buffered {@code buffered_outputs}
     * @param stdout {@code stdout_output.enabled}
     */
    public record Outputs(boolean json, boolean jsonIncludeOutput, boolean jsonIncludeTags,
            boolean jsonIncludeMessage, boolean jsonIncludeOutputFields, boolean timeIso8601,
            List<AppendOutput> appendOutputs, boolean buffered, boolean stdout, FileOutput file,
            ProgramOutput program) {
        public Outputs {
            appendOutputs = List.copyOf(appendOutputs);
            requireNonNull(file, "file is null");
            requireNonNull(program, "program is null");
        }

        /** {@return whether at least one output channel is enabled} */
        public boolean anyEnabled() {
            return stdout || file.enabled() || program.enabled();
        }

        /** {@return whether at least one output channel or forwarder is enabled, counting {@code delivery}'s} */
        public boolean anyEnabled(DeliveryConfig delivery) {
            return anyEnabled() || delivery.syslog().enabled() || delivery.http().enabled()
                    || !delivery.forwarders().isEmpty();
        }
    }

    /** {@code file_output}: append each alert to {@code filename}; reopen per alert unless {@code keepAlive}. */
    public record FileOutput(boolean enabled, String filename, boolean keepAlive) {
        public FileOutput {
            requireNonNull(filename, "filename is null");
        }
    }

    /** {@code program_output}: pipe each alert to {@code program} (run by the shell). */
    public record ProgramOutput(boolean enabled, String program, boolean keepAlive) {
        public ProgramOutput {
            requireNonNull(program, "program is null");
        }
    }

    /**
     * {@code engine}: the kind ({@code kmod}, {@code ebpf}, {@code modern_ebpf}, {@code replay}, {@code gvisor},
     * {@code nodriver}), for {@code replay} the capture file, for the live kinds {@code engine.<kind>.buf_size_preset}
     * (Falco's default 4, i.e. 8 MiB per CPU; -1 for kinds without it), as written (Falco checks its range when it
     * opens the driver).
     */
    public record Engine(String kind, String replayCaptureFile, long bufSizePreset) {
        /** The kinds Falco accepts. */
        public static final Set<String> KINDS = Set.of("kmod", "ebpf", "modern_ebpf", "replay", "gvisor", "nodriver");
        /** Falco's default {@code buf_size_preset}. */
        public static final int DEFAULT_BUF_SIZE_PRESET = 4;

        public Engine {
            requireNonNull(kind, "kind is null");
            requireNonNull(replayCaptureFile, "replayCaptureFile is null");
        }

        /** An engine without a buffer preset ({@code -1}). */
        public Engine(String kind, String replayCaptureFile) {
            this(kind, replayCaptureFile, -1);
        }

        public boolean isReplay() {
            return kind.equals("replay");
        }
    }

    /** {@code log_level}, {@code log_stderr}, {@code log_syslog}. */
    public record Logging(LogLevel level, boolean stderr, boolean syslog) {
        public Logging {
            requireNonNull(level, "level is null");
        }
    }

    /** {@code base_syscalls}: the custom set, {@code repair} and {@code all}. */
    public record BaseSyscalls(Set<String> customSet, boolean repair, boolean all) {
        public BaseSyscalls {
            customSet = Set.copyOf(customSet);
        }
    }

    /**
     * {@code syscall_event_drops}.
     *
     * @param actions some of {@code ignore}, {@code log}, {@code alert}, {@code exit}; {@code ignore} when none
     * @param threshold in [0, 1]
     */
    public record SyscallEventDrops(Set<String> actions, double threshold, double rate, double maxBurst,
            boolean simulateDrops) {
        public SyscallEventDrops {
            actions = Set.copyOf(actions);
        }
    }

    /** {@code metrics}: enabled, interval text ({@code 1m}, {@code 5000}), {@code output_rule}, {@code output_file}. */
    public record Metrics(boolean enabled, String interval, boolean outputRule, String outputFile) {
        public Metrics {
            requireNonNull(interval, "interval is null");
            requireNonNull(outputFile, "outputFile is null");
        }

        /** {@return the interval: a number of milliseconds, or Prometheus units ({@code 1h30m}, {@code 15s})} */
        public java.time.Duration intervalDuration() {
            return DurationText.parse(interval).orElseThrow(() -> new ConfigException(
                    "Config error at key \"metrics.interval\": '" + interval + "' is not a duration"));
        }
    }

    /** {@code webserver}. */
    public record Webserver(boolean enabled, String listenAddress, int listenPort, String k8sHealthzEndpoint,
            boolean sslEnabled, boolean prometheusMetricsEnabled) {
        public Webserver {
            requireNonNull(listenAddress, "listenAddress is null");
            requireNonNull(k8sHealthzEndpoint, "k8sHealthzEndpoint is null");
        }
    }

    /** Falco's log levels, most severe first. */
    public enum LogLevel {
        EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFO, DEBUG;

        /** {@return whether a message of this level is printed when the configured level is {@code configured}} */
        public boolean enabledAt(LogLevel configured) {
            return ordinal() <= configured.ordinal();
        }
    }
}
