package io.seedcast.kafka;

import io.seedcast.pipeline.Topics;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in KRaft mode, in this JVM, from Kafka's own test kit, with Seedcast's topics:
 * for the services' tests, and for {@code ./seedcast up}, which has no other broker to talk to.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    public EmbeddedKafka() throws Exception {
        this(null);
    }

    /**
     * A broker whose data lives in {@code dataDir} and survives restarts (null: a temporary directory,
     * deleted on close). The first start formats it; later ones find their topics and records there.
     */
    public EmbeddedKafka(Path dataDir) throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
        boolean formatted = false;
        if (dataDir != null) {
            Files.createDirectories(dataDir);
            nodes.setBaseDirectory(dataDir).setClusterId(LOCAL_CLUSTER_ID);
            try (var files = Files.walk(dataDir)) {
                formatted = files.anyMatch(f -> f.getFileName().toString().equals("meta.properties"));
            }
        }
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("group.min.session.timeout.ms", "1000");
        if (dataDir != null) {
            builder.setDeleteOnClose(false);
        }
        cluster = builder.build();
        if (!formatted) {
            cluster.format();
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            Map<String, String> compacted = Map.of("cleanup.policy", "compact");
            List<NewTopic> topics = List.of(
                    new NewTopic(Topics.CHANNELS, 1, (short) 1).configs(compacted),
                    new NewTopic(Topics.CHUNKS, 3, (short) 1),
                    new NewTopic(Topics.CHUNKS_DLQ, 1, (short) 1),
                    new NewTopic(Topics.SWARMS, 1, (short) 1).configs(compacted),
                    new NewTopic(Topics.SWARM_KEYS, 1, (short) 1).configs(compacted),
                    new NewTopic(Topics.SIGNED, 3, (short) 1),
                    new NewTopic(Topics.SWARM_COMMANDS, 1, (short) 1));
            var existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }

    /** The fixed cluster id of a persistent local broker (a base64 UUID, as KRaft wants). */
    static final String LOCAL_CLUSTER_ID = "c2VlZGNhc3QtbG9jYWwAAA";

    public String bootstrap() {
        return cluster.bootstrapServers();
    }

    public Properties props() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        return p;
    }

    /** A producer of string keys and byte-array values (Seedcast's records), acks=all. */
    public KafkaProducer<String, byte[]> producer() {
        Properties p = props();
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("acks", "all");
        return new KafkaProducer<>(p);
    }

    /**
     * Everything committed on {@code topic}, read from the beginning (read_committed) until no record has
     * come for {@code quiet}.
     */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration quiet) {
        Properties p = props();
        p.put("group.id", "reader-" + UUID.randomUUID());
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            long lastNew = System.currentTimeMillis();
            while (System.currentTimeMillis() - lastNew < quiet.toMillis()) {
                var records = c.poll(Duration.ofMillis(100));
                records.forEach(out::add);
                if (!records.isEmpty()) {
                    lastNew = System.currentTimeMillis();
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
