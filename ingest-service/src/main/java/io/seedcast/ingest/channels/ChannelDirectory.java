package io.seedcast.ingest.channels;

import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.StreamKeys;
import io.seedcast.pipeline.MalformedRecordException;
import io.seedcast.pipeline.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The channels the injector publishes on {@code seedcast.channels} (compacted), read from the start
 * and followed, so that a stream key is checked against its SHA-256 hash without asking anyone:
 * ingest keeps working while the injector is down, and a key rotated in the injector stops working
 * here as soon as the record arrives.
 */
public final class ChannelDirectory implements AutoCloseable {

    private final Map<String, ChannelRecord> channels = new ConcurrentHashMap<>();
    private final Consumer<String> log;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile String failure;

    public ChannelDirectory(String bootstrapServers, Consumer<String> log) {
        this.log = log;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        reader = Thread.ofPlatform().name("seedcast-ingest-channels").daemon().start(() -> read(p));
    }

    /** The channel {@code streamKey} publishes to, if any. */
    public Optional<ChannelRecord> byKey(String streamKey) {
        for (ChannelRecord c : channels.values()) {
            if (StreamKeys.matches(c, streamKey)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public int size() {
        return channels.size();
    }

    /** Read up to the end the topic had when ingest started: keys can be checked. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    private void read(Properties props) {
        while (running) {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
                List<TopicPartition> parts = new ArrayList<>();
                consumer.partitionsFor(Topics.CHANNELS, Duration.ofSeconds(30))
                        .forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                if (parts.isEmpty()) {
                    throw new IllegalStateException("topic " + Topics.CHANNELS + " does not exist");
                }
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                Map<TopicPartition, Long> end = consumer.endOffsets(parts);
                failure = null;
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        apply(r);
                    }
                    if (!caughtUp && parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                        caughtUp = true;
                        log.accept("channels loaded: " + channels.size());
                    }
                }
            } catch (RuntimeException e) {
                if (running) {
                    failure = "cannot read " + Topics.CHANNELS + ": " + e.getMessage();
                    log.accept(failure + "; retrying in 2 s");
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            channels.remove(r.key());
            return;
        }
        try {
            ChannelRecord c = ChannelRecord.decode(r.value());
            channels.put(c.channelId(), c);
        } catch (MalformedRecordException e) {
            log.accept("ignoring an unreadable channel record at offset " + r.offset() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
