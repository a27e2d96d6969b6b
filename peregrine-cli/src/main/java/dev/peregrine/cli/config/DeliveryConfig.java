package dev.peregrine.cli.config;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.channel.HttpTarget;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where alerts go besides stdout/file/program and how they are delivered: Falco's {@code syslog_output},
 * {@code http_output}, {@code outputs_queue} and {@code output_timeout}, Peregrine's {@code delivery} (spool, retries,
 * throttling) and {@code forwarders} (Falcosidekick-style outputs built by their {@code TargetFactory}).
 *
 * @param outputsQueueCapacity {@code outputs_queue.capacity}: each target's queue; 0 is unbounded
 * @param outputTimeout {@code output_timeout}: the HTTP output's response timeout
 * @param forwarders {@code forwarders}: each entry's options by key, in file order (the keys were checked against
 *     the installed factories)
 */
public record DeliveryConfig(SyslogOutput syslog, HttpOutput http, int outputsQueueCapacity, Duration outputTimeout,
        Spool spool, Duration retryInitial, Duration retryMax, Duration shutdownTimeout, Throttle throttle,
        Map<String, Map<String, Object>> forwarders) {
    public DeliveryConfig {
        requireNonNull(syslog, "syslog is null");
        requireNonNull(http, "http is null");
        requireNonNull(outputTimeout, "outputTimeout is null");
        requireNonNull(spool, "spool is null");
        requireNonNull(retryInitial, "retryInitial is null");
        requireNonNull(retryMax, "retryMax is null");
        requireNonNull(shutdownTimeout, "shutdownTimeout is null");
        requireNonNull(throttle, "throttle is null");
        forwarders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(forwarders));
    }

    /**
     * {@code syslog_output}: enabled, plus Peregrine's {@code socket} (default {@code /dev/log}) and {@code ident}
     * (default {@code falco}, the tag Falco's messages carry).
     */
    public record SyslogOutput(boolean enabled, String socket, String ident) {
        public SyslogOutput {
            requireNonNull(socket, "socket is null");
            requireNonNull(ident, "ident is null");
        }
    }

    /** {@code http_output}, with Falco's option names (the TLS ones in {@code tls}). */
    public record HttpOutput(boolean enabled, String url, String userAgent, HttpTarget.Tls tls, boolean echo,
            boolean compressUploads, boolean keepAlive, int maxConsecutiveTimeouts) {
        public HttpOutput {
            requireNonNull(url, "url is null");
            requireNonNull(userAgent, "userAgent is null");
            requireNonNull(tls, "tls is null");
        }
    }

    /** {@code delivery.spool_dir} ("" for none), {@code delivery.spool_max_bytes}, {@code delivery.memory_backlog}. */
    public record Spool(String dir, long maxBytes, int memoryBacklog) {
        public Spool {
            requireNonNull(dir, "dir is null");
        }
    }

    /** {@code delivery.throttle}: {@code max_alerts} per rule per {@code interval}; 0 alerts is off. */
    public record Throttle(int maxAlerts, Duration interval) {
        public Throttle {
            requireNonNull(interval, "interval is null");
        }

        public boolean enabled() {
            return maxAlerts > 0;
        }
    }
}
