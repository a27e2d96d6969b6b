package dev.peregrine.forwarders.kafka;

import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.ForwarderFactory;
import dev.peregrine.outputs.delivery.AlertTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * {@code forwarders.kafka}: Falcosidekick's {@code kafka} options {@code hostport} (required; comma-separated
 * bootstrap servers, port 9092 when omitted), {@code topic} (required), {@code topiccreation}, {@code sasl}
 * ({@code PLAIN}, {@code SCRAM_SHA256}, {@code SCRAM_SHA512}), {@code tls}, {@code username}, {@code password},
 * {@code requiredacks} ({@code NONE}, {@code ONE}, {@code ALL}; Peregrine's default is ALL), {@code compression}
 * ({@code NONE}, {@code GZIP}, {@code SNAPPY}, {@code LZ4}, {@code ZSTD}), {@code balancer} ({@code murmur2}, the
 * default: by hostname; or {@code round_robin}), {@code clientid}, {@code async} (false only),
 * {@code minimumpriority}; Peregrine adds {@code maxbatch} (records per batch, default 500), {@code timeout}
 * (delivery timeout, default 30s) and {@code properties}, a map of producer settings passed to the client as is
 * (e.g. {@code ssl.truststore.location}), applied last.
 */
public final class KafkaFactory extends ForwarderFactory {
    /*
     * Implementation notes: Falcosidekick defaults requiredacks to NONE, which acknowledges nothing: the delivery
     * layer could neither retry nor count a lost alert, so Peregrine defaults to ALL (and an idempotent producer).
     * Its default balancer is round_robin; Peregrine keys records by hostname and keeps them in the hashed
     * partition so each host's alerts stay in order.
     */

    /** The key under {@code forwarders:}. */
    public static final String KEY = "kafka";
    /** Records per batch when {@code maxbatch} is absent. */
    public static final int DEFAULT_MAX_BATCH = 500;
    /** The delivery timeout when {@code timeout} is absent. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Kafka's default port, used for hostport entries without one (as Falcosidekick does). */
    static final int DEFAULT_PORT = 9092;
    /** The producer's linger: how long it waits to fill a request with more records. */
    static final int LINGER_MILLIS = 5;
    static final int MAX_BATCH_LIMIT = 100_000;

    public KafkaFactory() {
        super(KEY);
    }

    @Override
    protected Supplier<AlertTarget> configure(ForwarderOptions o) {
        List<String> servers = new ArrayList<>();
        for (String host : o.list("hostport")) {
            servers.add(host.matches(".*:\\d+") ? host : host + ":" + DEFAULT_PORT);
        }
        if (servers.isEmpty()) {
            throw o.error("hostport", "missing");
        }
        String topic = o.required("topic");
        boolean topicCreation = o.bool("topiccreation", false);
        Optional<String> sasl = o.string("sasl").map(s -> o.choice("sasl", null,
                List.of("PLAIN", "SCRAM_SHA256", "SCRAM_SHA512")));
        boolean tls = o.bool("tls", false);
        Optional<String> user = o.string("username");
        Optional<String> password = o.string("password");
        String acks = o.choice("requiredacks", "ALL", List.of("NONE", "ONE", "ALL"));
        String compression = o.choice("compression", "NONE", List.of("NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"));
        String balancer = o.choice("balancer", "murmur2", List.of("murmur2", "round_robin"));
        Optional<String> clientId = o.string("clientid");
        o.onlyValue("async", "false", "the delivery layer already sends in the background; async would report "
                + "alerts delivered before Kafka has them");
        int maxBatch = o.integer("maxbatch", DEFAULT_MAX_BATCH, 1, MAX_BATCH_LIMIT);
        Duration timeout = o.duration("timeout", DEFAULT_TIMEOUT);
        Map<String, String> properties = o.stringMap("properties");

        Map<String, Object> common = new LinkedHashMap<>();
        common.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", servers));
        clientId.ifPresent(id -> common.put(CommonClientConfigs.CLIENT_ID_CONFIG, id));
        if (sasl.isPresent()) {
            if (user.isEmpty() || password.isEmpty()) {
                throw o.error(user.isEmpty() ? "username" : "password", "missing (sasl: " + sasl.get()
                        + " needs username and password)");
            }
            common.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, tls ? "SASL_SSL" : "SASL_PLAINTEXT");
            String module = sasl.get().equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            common.put(SaslConfigs.SASL_MECHANISM, switch (sasl.get()) {
                case "PLAIN" -> "PLAIN";
                case "SCRAM_SHA256" -> "SCRAM-SHA-256";
                default -> "SCRAM-SHA-512";
            });
            common.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaasEscape(user.get())
                    + "\" password=\"" + jaasEscape(password.get()) + "\";");
        } else {
            common.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, tls ? "SSL" : "PLAINTEXT");
        }
        Map<String, Object> producer = new LinkedHashMap<>(common);
        producer.put(ProducerConfig.ACKS_CONFIG, switch (acks) {
            case "NONE" -> "0";
            case "ONE" -> "1";
            default -> "all";
        });
        producer.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.toLowerCase(java.util.Locale.ROOT));
        if (balancer.equals("round_robin")) {
            producer.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, RoundRobinPartitioner.class.getName());
        }
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE - LINGER_MILLIS, timeout.toMillis());
        producer.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MILLIS);
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) timeoutMillis);
        Set<String> adminKeys = Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        for (Map.Entry<String, String> p : properties.entrySet()) {
            producer.put(p.getKey(), p.getValue());
            if (p.getKey().startsWith("ssl.") || p.getKey().startsWith("sasl.")
                    || adminKeys.contains(p.getKey()) || p.getKey().equals("security.protocol")) {
                common.put(p.getKey(), p.getValue());
            }
        }
        if (!properties.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
            // The client requires delivery.timeout.ms >= linger.ms + request.timeout.ms, also when properties
            // change either of them.
            long linger = millis(o, producer.get(ProducerConfig.LINGER_MS_CONFIG));
            long request = millis(o, producer.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
            producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                    Math.max(timeoutMillis, linger + request)));
        }
        Optional<Map<String, Object>> admin = topicCreation ? Optional.of(common) : Optional.empty();
        return () -> new KafkaTarget(producer, topic, timeout, hostname(), maxBatch, admin);
    }

    private static long millis(ForwarderOptions o, Object value) {
        try {
            return Long.parseLong(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            throw o.error("properties", "'" + value + "' is not a number of milliseconds");
        }
    }

    private static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
