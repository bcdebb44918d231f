package io.seedcast.injector.channels;

import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.MalformedRecordException;
import io.seedcast.pipeline.SignedBatch;
import io.seedcast.pipeline.SwarmCommand;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.Topics;
import io.seedcast.pipeline.TopicFollower;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * The injector's view of the cluster, kept in Kafka's compacted topics so that replicas are
 * stateless: channels ({@code seedcast.channels}) and swarms ({@code seedcast.swarms}) are read into
 * memory continuously; writes go to Kafka and are applied when they come back, so every replica
 * sees the same thing.
 */
public final class ClusterState implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final TopicFollower follower;
    private static final Logger LOG = Logger.getLogger(ClusterState.class);
    private final Map<String, ChannelRecord> channels = new ConcurrentHashMap<>();
    private final Map<String, SwarmRecord> swarms = new ConcurrentHashMap<>();
    /** swarm digest → signed chunks seen lately, for bitrate and chunks/s. */
    private final Map<String, Rate> rates = new ConcurrentHashMap<>();

    /** Chunks and bytes signed over the last few seconds. */
    static final class Rate {
        static final long WINDOW_MS = 5000;
        private final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();

        synchronized void add(long now, long chunks, long bytes) {
            samples.addLast(new long[] {now, chunks, bytes});
            while (!samples.isEmpty() && samples.peekFirst()[0] < now - WINDOW_MS) {
                samples.removeFirst();
            }
        }

        /** {chunks per second, bits per second} over the window. */
        synchronized double[] perSecond(long now) {
            long chunks = 0;
            long bytes = 0;
            for (long[] s : samples) {
                if (s[0] >= now - WINDOW_MS) {
                    chunks += s[1];
                    bytes += s[2];
                }
            }
            return new double[] {chunks * 1000.0 / WINDOW_MS, bytes * 8000.0 / WINDOW_MS};
        }
    }

    /** {chunks/s, bit/s} a swarm's signer produced over the last 5 s. */
    public double[] rate(SwarmRecord swarm) {
        Rate r = rates.get(swarm.key());
        return r == null ? new double[] {0, 0} : r.perSecond(System.currentTimeMillis());
    }

    public ClusterState(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        // Channels and swarms whole (compacted), signed chunks from now on (only for the live rates).
        follower = new TopicFollower("seedcast-injector-state", bootstrap, List.of(Topics.CHANNELS, Topics.SWARMS),
                List.of(Topics.SIGNED), this::apply, () -> LOG.info("cluster state loaded: " + channels.size() + " channels, "
                        + swarms.size() + " swarms"));
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(Topics.SIGNED)) {
                SignedBatch b = SignedBatch.decode(r.value());
                long bytes = b.chunks().stream().mapToLong(c -> c.data().length()).sum();
                rates.computeIfAbsent(b.key(), k -> new Rate()).add(System.currentTimeMillis(), b.chunks().size(), bytes);
                return;
            }
            if (r.topic().equals(Topics.CHANNELS)) {
                ChannelRecord.apply(channels, r.key(), r.value());
            } else if (r.value() != null) {
                SwarmRecord s = SwarmRecord.decode(r.value());
                swarms.put(s.key(), s);
            }
        } catch (MalformedRecordException e) {
            LOG.warn("ignoring an unreadable record on " + r.topic() + ": " + e.getMessage());
        }
    }

    public boolean ready() {
        return follower.caughtUp() && follower.failure().isEmpty();
    }

    /** Why the state is not being read right now, if it is not. */
    public Optional<String> failure() {
        return follower.failure();
    }

    public Optional<ChannelRecord> channel(String id) {
        return Optional.ofNullable(channels.get(id));
    }

    public List<ChannelRecord> channels() {
        return channels.values().stream().sorted((a, b) -> a.name().compareToIgnoreCase(b.name())).toList();
    }

    public List<SwarmRecord> swarms() {
        return List.copyOf(swarms.values());
    }

    /** The channel's current swarm: its newest live one (or, after the broadcast, its newest). */
    public Optional<SwarmRecord> currentSwarm(String channelId) {
        return swarms.values().stream().filter(s -> s.channelId().equals(channelId))
                .max((a, b) -> {
                    int live = Boolean.compare(a.state() == SwarmRecord.State.LIVE, b.state() == SwarmRecord.State.LIVE);
                    return live != 0 ? live : Long.compare(a.createdAtMillis(), b.createdAtMillis());
                });
    }

    public Optional<SwarmRecord> swarmByHex(String hex) {
        return swarms.values().stream().filter(s -> s.swarmId().hex().equalsIgnoreCase(hex)).findFirst();
    }

    /** Writes a channel and waits until this replica has read it back. */
    public void put(ChannelRecord c) throws Exception {
        producer.send(new ProducerRecord<>(Topics.CHANNELS, c.channelId(), c.encode())).get(10, TimeUnit.SECONDS);
        awaitApplied(() -> c.equals(channels.get(c.channelId())));
    }

    public void delete(String channelId) throws Exception {
        producer.send(new ProducerRecord<>(Topics.CHANNELS, channelId, null)).get(10, TimeUnit.SECONDS);
        awaitApplied(() -> !channels.containsKey(channelId));
    }

    public void command(SwarmCommand c) throws Exception {
        producer.send(new ProducerRecord<>(Topics.SWARM_COMMANDS, c.channelId(), c.encode())).get(10, TimeUnit.SECONDS);
    }

    private static void awaitApplied(java.util.function.BooleanSupplier applied) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!applied.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        follower.close();
        producer.close();
    }
}
