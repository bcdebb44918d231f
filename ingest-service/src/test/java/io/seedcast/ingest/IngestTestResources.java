package io.seedcast.ingest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.seedcast.ingest.channels.ChannelDirectory;
import io.seedcast.kafka.EmbeddedKafka;
import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * For @QuarkusTest: an embedded Kafka broker with channels a..g (stream key "key-<id>"; channel c
 * needs an SRT passphrase), and a reader that keeps every chunk batch ingest writes.
 */
public class IngestTestResources implements QuarkusTestResourceLifecycleManager {

    public static final String PASSPHRASE_C = "correct horse battery staple";
    static EmbeddedKafka kafka;
    static final Map<String, List<ChunkBatch>> batches = new ConcurrentHashMap<>();
    static volatile boolean reading = true;

    public static String key(String channel) {
        return "key-" + channel;
    }

    /** The batches of {@code broadcastId} so far, in order. */
    public static List<ChunkBatch> batches(String broadcastId) {
        return List.copyOf(batches.getOrDefault(broadcastId, List.of()));
    }

    /** Every broadcast id seen for {@code channel}. */
    public static List<String> broadcastsOf(String channel) {
        return batches.entrySet().stream().filter(e -> e.getValue().getFirst().channelId().equals(channel)).map(Map.Entry::getKey).toList();
    }

    @Override
    public Map<String, String> start() {
        try {
            kafka = new EmbeddedKafka();
            try (KafkaProducer<String, byte[]> p = kafka.producer()) {
                for (String id : List.of("a", "b", "c", "d", "e", "f", "g")) {
                    ChannelRecord c = new ChannelRecord(id, "Channel " + id, List.of((io.seedcast.pipeline.StreamKeys.hash(key(id)))), SwarmParameters.defaults(Profile.RFC7574));
                    p.send(new ProducerRecord<>(Topics.CHANNELS, id, c.encode())).get();
                }
            }
            Properties props = kafka.props();
            props.put("group.id", "ingest-test-reader");
            props.put("auto.offset.reset", "earliest");
            props.put("key.deserializer", StringDeserializer.class.getName());
            props.put("value.deserializer", ByteArrayDeserializer.class.getName());
            Thread.ofPlatform().daemon().name("test-chunk-reader").start(() -> {
                try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
                    c.subscribe(List.of(Topics.CHUNKS));
                    while (reading) {
                        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                            try {
                                ChunkBatch b = ChunkBatch.decode(r.value());
                                batches.computeIfAbsent(b.broadcastId(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(b);
                            } catch (Exception e) {
                                throw new IllegalStateException("ingest wrote an unreadable batch", e);
                            }
                        }
                    }
                }
            });
            return Map.of("kafka.bootstrap.servers", kafka.bootstrap(),
                    "seedcast.ingest.rtmp.port", "0",
                    "seedcast.ingest.rtmp.host", "127.0.0.1",
                    "seedcast.ingest.srt.port", "0",
                    "seedcast.ingest.srt.host", "127.0.0.1",
                    "seedcast.ingest.reconnect-grace", "3s",
                    "seedcast.ingest.rtmp.idle-timeout", "2s",
                    "seedcast.ingest.srt.passphrases.c", PASSPHRASE_C);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        reading = false;
        try {
            kafka.close();
        } catch (Exception ignored) {
            // The JVM is going away with it.
        }
    }
}
