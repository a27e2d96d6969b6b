package dev.peregrine.forwarders.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.forwarders.ReplayedAlerts;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real Kafka broker: one in-process KRaft node (combined broker and controller) for the whole class. */
class KafkaTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaClusterTestKit cluster;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    private static AlertTarget target(Map<String, Object> options) {
        Map<String, Object> o = new HashMap<>(options);
        o.putIfAbsent("hostport", cluster.bootstrapServers());
        return new KafkaFactory().create(o).target();
    }

    private static List<ConsumerRecord<String, byte[]>> consume(String topic, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    @Test
    void deliver_replayedAlerts_producesJsonRecordsKeyedByHostnameInOrder() throws Exception {
        createTopic("falco", 3);
        List<FormattedAlert> alerts = ReplayedAlerts.json();
        try (AlertTarget target = target(Map.of("topic", "falco", "compression", "gzip", "clientid", "peregrine"))) {
            assertThat(target.maxBatch()).isEqualTo(KafkaFactory.DEFAULT_MAX_BATCH);
            target.deliver(alerts.subList(0, 5));
            target.deliver(alerts.subList(5, alerts.size()));
        }
        List<ConsumerRecord<String, byte[]>> records = consume("falco", alerts.size());
        assertThat(records).hasSize(alerts.size());
        assertThat(records).extracting(ConsumerRecord::key).containsOnly(ReplayedAlerts.HOSTNAME);
        assertThat(records).extracting(ConsumerRecord::partition).as("one host, one partition").hasSize(8)
                .containsOnly(records.getFirst().partition());
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode value = JSON.readTree(new String(records.get(i).value(), StandardCharsets.UTF_8));
            assertThat(value.get("output").asText()).isEqualTo(alerts.get(i).output());
            assertThat(value.get("rule").asText()).isEqualTo("open_from_cat");
            assertThat(value.get("priority").asText()).isEqualTo("Warning");
            assertThat(value.get("hostname").asText()).isEqualTo(ReplayedAlerts.HOSTNAME);
            assertThat(value.get("output_fields").get("proc.cmdline").asText()).isEqualTo("cat /dev/null");
        }
    }

    @Test
    void deliver_topicCreation_createsMissingTopic() throws Exception {
        try (AlertTarget target = target(Map.of("topic", "falco-created", "topiccreation", true,
                "requiredacks", "ONE"))) {
            target.deliver(ReplayedAlerts.text().subList(0, 2));
        }
        try (Admin admin = cluster.admin()) {
            assertThat(admin.listTopics().names().get()).contains("falco-created");
        }
        assertThat(consume("falco-created", 2)).hasSize(2);
    }

    @Test
    void deliver_missingTopicWithoutCreation_isRetryableTimeout() throws Exception {
        try (AlertTarget target = target(Map.of("topic", "no-such-topic", "timeout", "1500ms"))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageStartingWith("kafka: topic no-such-topic at " + cluster.bootstrapServers() + ": ")
                    .hasMessageContaining("not present in metadata")
                    .hasMessageEndingWith("; will retry");
        }
    }

    @Test
    void deliver_brokerUnreachable_isRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (AlertTarget target = target(Map.of("hostport", "127.0.0.1:" + port, "topic", "falco",
                "timeout", "1s"))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageStartingWith("kafka: topic falco at 127.0.0.1:" + port + ": ")
                    .hasMessageEndingWith("(are the brokers reachable and does the topic exist?); will retry");
        }
    }

    @Test
    void create_saslTlsAndProperties_reachTheProducerConfiguration() {
        KafkaTarget target = (KafkaTarget) new KafkaFactory().create(Map.ofEntries(
                Map.entry("hostport", "localhost,127.0.0.1:9093"), Map.entry("topic", "t"), Map.entry("sasl", "scram_sha512"),
                Map.entry("tls", true), Map.entry("username", "peregrine"), Map.entry("password", "pa\"ss"),
                Map.entry("requiredacks", "one"), Map.entry("compression", "ZSTD"), Map.entry("clientid", "node-7"),
                Map.entry("balancer", "round_robin"), Map.entry("properties", Map.of("linger.ms", "20",
                        "ssl.endpoint.identification.algorithm", ""))))
                .target();
        try {
            assertThat(target.producerConfig())
                    .containsEntry("bootstrap.servers", "localhost:9092,127.0.0.1:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule "
                            + "required username=\"peregrine\" password=\"pa\\\"ss\";")
                    .containsEntry("acks", "1")
                    .containsEntry("compression.type", "zstd")
                    .containsEntry("client.id", "node-7")
                    .containsEntry("partitioner.class", "org.apache.kafka.clients.producer.RoundRobinPartitioner")
                    .containsEntry("linger.ms", "20")
                    .containsEntry("delivery.timeout.ms", 30_020)
                    .containsEntry("ssl.endpoint.identification.algorithm", "");
        } finally {
            target.close();
        }
    }

    @Test
    void create_badOptions_nameTheOption() {
        KafkaFactory f = new KafkaFactory();
        assertThatThrownBy(() -> f.create(Map.of("hostport", "k:9092")))
                .hasMessage("forwarders.kafka.topic: missing");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "k:9092", "topic", "t", "sasl", "PLAIN")))
                .hasMessageStartingWith("forwarders.kafka.username: missing (sasl: PLAIN needs");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "k:9092", "topic", "t", "balancer", "crc32")))
                .hasMessage("forwarders.kafka.balancer: 'crc32' is not one of murmur2, round_robin");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "k:9092", "topic", "t", "async", true)))
                .hasMessageStartingWith("forwarders.kafka.async: 'true' is not supported");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "k:9092", "topic", "t",
                "properties", Map.of("acks", "sometimes"))))
                .hasMessageStartingWith("forwarders.kafka: the Kafka client rejects the configuration");
    }
}
