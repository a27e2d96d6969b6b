package dev.peregrine.forwarders.kafka;

import static java.util.Objects.requireNonNull;

import dev.peregrine.forwarders.FalcoPayload;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Apache Kafka, with the official {@code kafka-clients} producer: each alert is one record whose key is the alert's
 * hostname and whose value is the Falcosidekick payload as JSON (UTF-8). A batch is sent as a whole and
 * {@link #deliver} returns once the broker acknowledged every record (per {@code requiredacks}).
 *
 * <p>Failures the client classifies as retriable (timeouts, no leader, broker unreachable) are retryable
 * {@link DeliveryException}s; authentication and authorization failures, invalid topics and records too large are
 * not.
 */
public final class KafkaTarget implements AlertTarget {
    /*
     * Implementation notes:
     * - Keying by hostname sends one host's alerts to one partition (the default partitioner hashes the key), so
     *   a consumer sees each host's alerts in order.
     * - The producer keeps its own network thread and retries within delivery.timeout.ms; with acks=all it is
     *   idempotent, so its internal retries never duplicate a record. The wait below is bounded by the same timeout
     *   plus a margin, so deliver() never blocks forever.
     * - Topic creation (topiccreation: true) happens once, before the first batch, through an Admin client with the
     *   same connection settings; an existing topic is fine.
     */

    /** Extra time {@link #deliver} waits beyond the producer's own delivery timeout for its verdict. */
    static final Duration WAIT_MARGIN = Duration.ofSeconds(5);

    private final Producer<String, byte[]> producer;
    private final Map<String, Object> producerConfig;
    private final String servers;
    private final String topic;
    private final Duration timeout;
    private final String hostname;
    private final int maxBatch;
    private final Optional<Map<String, Object>> topicCreation;
    private boolean topicChecked;

    /**
     * @param producerConfig the complete producer configuration (bootstrap servers, acks, security ...)
     * @param timeout the producer's delivery timeout
     * @param topicCreation the admin configuration when the topic is to be created if missing
     * @throws IllegalArgumentException when the client rejects the configuration
     */
    public KafkaTarget(Map<String, Object> producerConfig, String topic, Duration timeout, String hostname,
            int maxBatch, Optional<Map<String, Object>> topicCreation) {
        this.topic = requireNonNull(topic, "topic is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.hostname = requireNonNull(hostname, "hostname is null");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive: " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.topicCreation = requireNonNull(topicCreation, "topicCreation is null");
        this.producerConfig = Map.copyOf(producerConfig);
        this.servers = String.valueOf(producerConfig.get("bootstrap.servers"));
        try {
            this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw new IllegalArgumentException("forwarders.kafka: the Kafka client rejects the configuration: "
                    + rootMessage(e), e);
        }
    }

    /** {@return the configuration the producer was created with} */
    Map<String, Object> producerConfig() {
        return producerConfig;
    }

    @Override
    public String name() {
        return KafkaFactory.KEY;
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        if (!topicChecked && topicCreation.isPresent()) {
            createTopic(topicCreation.get());
        }
        long deadline = System.nanoTime() + timeout.plus(WAIT_MARGIN).toNanos();
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        try {
            for (FormattedAlert alert : batch) {
                FalcoPayload p = FalcoPayload.of(alert, hostname);
                acks.add(producer.send(new ProducerRecord<>(topic, p.hostname(),
                        p.toJson().getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        } catch (KafkaException e) {
            throw classify(e);
        } catch (TimeoutException e) {
            throw new DeliveryException(name() + ": topic " + topic + " did not acknowledge within "
                    + timeout.plus(WAIT_MARGIN).toSeconds() + "s; will retry", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(name() + ": interrupted while sending to topic " + topic, true, e);
        }
    }

    private void createTopic(Map<String, Object> adminConfig) throws DeliveryException {
        try (Admin admin = Admin.create(adminConfig)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            topicChecked = true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                topicChecked = true;
                return;
            }
            throw classify(e.getCause());
        } catch (TimeoutException e) {
            throw new DeliveryException(name() + ": could not create topic " + topic + " within "
                    + timeout.toSeconds() + "s; will retry", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(name() + ": interrupted while creating topic " + topic, true, e);
        } catch (KafkaException e) {
            throw classify(e);
        }
    }

    private DeliveryException classify(Throwable cause) {
        String why = rootMessage(cause);
        return switch (cause) {
            case AuthenticationException a -> new DeliveryException(name() + ": authentication failed: " + why
                    + "; check sasl, username and password", false, cause);
            case AuthorizationException a -> new DeliveryException(name() + ": not authorized for topic " + topic
                    + ": " + why + "; grant WRITE (and DESCRIBE) on the topic", false, cause);
            case InvalidTopicException t -> new DeliveryException(name() + ": invalid topic " + topic + ": " + why,
                    false, cause);
            case RecordTooLargeException r -> new DeliveryException(name() + ": an alert is larger than the "
                    + "broker accepts: " + why + "; raise the topic's max.message.bytes", false, cause);
            case org.apache.kafka.common.errors.TimeoutException t -> new DeliveryException(name() + ": topic "
                    + topic + " at " + servers + ": " + why + " (are the brokers reachable and does the topic exist?)"
                    + "; will retry", true, cause);
            case RetriableException r -> new DeliveryException(name() + ": topic " + topic + ": " + why
                    + "; will retry", true, cause);
            case null -> new DeliveryException(name() + ": delivery failed; will retry", true, null);
            default -> new DeliveryException(name() + ": topic " + topic + ": " + why + "; will retry", true, cause);
        };
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = t == null ? null : t.getMessage();
        if (root != null && root != t && root.getMessage() != null) {
            m = (m == null ? "" : m + ": ") + root.getMessage();
        }
        return m == null ? (t == null ? "unknown error" : t.getClass().getSimpleName()) : m;
    }

    @Override
    public void close() {
        producer.close(WAIT_MARGIN);
    }
}
