package io.seedcast.signer.signing;

import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.MalformedRecordException;
import io.seedcast.pipeline.SwarmCommand;
import io.seedcast.pipeline.SwarmKeyRecord;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.TopicFollower;
import io.seedcast.pipeline.Topics;
import io.seedcast.signer.keys.MasterKeyring;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * The signer's consume-transform-produce loop, exactly once: each poll of {@code seedcast.chunks} and
 * {@code seedcast.swarm-commands} becomes one Kafka transaction holding the signed batches, any new swarm and swarm-key
 * records, dead letters, and the consumer offsets. A replica that dies mid-transaction leaves nothing visible to
 * read_committed readers; its replacement resumes from the committed offsets and their {@link ResumePoints}.
 *
 * <p>The loop owns the Kafka clients and the transaction; what happens to each broadcast's swarms is
 * {@link SwarmLifecycle}'s, and what the compacted topics say is {@link SignerDirectory}'s.
 */
public final class SignerLoop implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SignerLoop.class);

    /** Makes the loop's Kafka clients (as Kafka Streams' KafkaClientSupplier): tests hand it clients that die. */
    interface Clients {
        Producer<String, byte[]> producer(Properties p);

        Consumer<String, byte[]> consumer(Properties p);
    }

    private static final Clients KAFKA = new Clients() {
        @Override
        public Producer<String, byte[]> producer(Properties p) {
            return new KafkaProducer<>(p);
        }

        @Override
        public Consumer<String, byte[]> consumer(Properties p) {
            return new KafkaConsumer<>(p);
        }
    };

    private final SignerSettings settings;
    private final MasterKeyring keyring;
    private final Clients clients;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final SignerDirectory directory = new SignerDirectory();
    private final SwarmLifecycle swarms;
    private final SignerMetrics metrics;
    private volatile boolean running = true;
    private volatile boolean ready;

    private Producer<String, byte[]> producer;
    private Consumer<String, byte[]> consumer;
    private TopicFollower follower;

    private final Map<String, BroadcastState> broadcasts = new HashMap<>();
    /** Broadcast id → resume point (with its partition), from committed offset metadata, until the broadcast's next batch. */
    private final Map<String, Map.Entry<Integer, ResumePoints.Point>> resumes = new HashMap<>();
    /** Channel ids found unknown even after catching up, with when: their next batches go to the DLQ without waiting. */
    private final Map<String, Long> unknownChannels = new HashMap<>();

    public SignerLoop(SignerSettings settings, MasterKeyring keyring, Clock clock, SignerMetrics metrics) {
        this(settings, keyring, clock, metrics, KAFKA);
    }

    SignerLoop(SignerSettings settings, MasterKeyring keyring, Clock clock, SignerMetrics metrics, Clients clients) {
        this.settings = settings;
        this.keyring = keyring;
        this.metrics = metrics;
        this.clients = clients;
        this.swarms = new SwarmLifecycle(keyring, clock, metrics, (topic, key, value) -> producer.send(new ProducerRecord<>(topic, key, value)));
    }

    public boolean isReady() {
        return ready;
    }

    /** Runs {@code task} on the loop's thread inside its next transaction. */
    public void submit(Runnable task) {
        tasks.add(task);
    }

    /** Re-wraps the keys of the live swarms this replica signs under the active master key, in the next transaction. */
    public void rewrapAll(CompletableFuture<Integer> done) {
        submit(() -> done.complete(swarms.rewrap(broadcasts.values())));
    }

    /**
     * Master key id → how many live swarms' keys, cluster-wide, are wrapped under it, as of now (what was committed
     * before the call is counted): a version with none can leave the Secret.
     */
    public Map<String, Long> keyUsage() {
        awaitDirectory();
        return directory.keyUsage();
    }

    @Override
    public void close() {
        running = false;
    }

    @Override
    public void run() {
        try {
            open();
            while (running) {
                keyring.reloadIfChanged();
                ConsumerRecords<String, byte[]> records = consumer.poll(settings.pollTimeout());
                if (!records.isEmpty() || !tasks.isEmpty()) {
                    process(records);
                }
            }
        } catch (ProducerFencedException e) {
            LOG.warnf("signer %s was fenced by a newer instance; stopping", settings.transactionalId());
        } catch (RuntimeException e) {
            if (running) {
                LOG.errorf("signer loop failed: %s", e);
                throw e;
            }
        } finally {
            ready = false;
            for (AutoCloseable c : new AutoCloseable[] {consumer, follower, producer}) {
                closeQuietly(c);
            }
        }
    }

    private void open() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        // A replica that vanishes for good holds back read_committed readers until its transaction times out.
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(settings.transactionTimeout().toMillis()));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = clients.producer(p);
        producer.initTransactions();

        consumer = clients.consumer(consumerProps());
        consumer.subscribe(List.of(Topics.CHUNKS, Topics.SWARM_COMMANDS), new Rebalance());

        follower = new TopicFollower("seedcast-signer-state", settings.bootstrapServers(), List.of(Topics.CHANNELS, Topics.SWARMS, Topics.SWARM_KEYS),
                List.of(), directory::apply, () -> LOG.infof("channels loaded: %d", directory.channelCount()));
        while (running && !follower.caughtUp()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        ready = true;
    }

    private Properties consumerProps() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        // Static membership: a signer that restarts (same transactional id) takes its partitions straight back instead of
        // waiting out its dead self's session (45 s by default, all that time nothing signed); one that does not come
        // back is replaced by another replica after the 10 s session.
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.transactionalId());
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return c;
    }

    // One transaction per poll.

    private void process(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, Long> lastOffsets = new HashMap<>();
        producer.beginTransaction();
        try {
            Runnable t;
            while ((t = tasks.poll()) != null) {
                t.run();
            }
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.topic().equals(Topics.CHUNKS)) {
                    onChunks(r);
                } else {
                    onCommand(r);
                }
                lastOffsets.put(new TopicPartition(r.topic(), r.partition()), r.offset());
            }
            producer.sendOffsetsToTransaction(offsets(lastOffsets), consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw e;
        } catch (KafkaException | IllegalStateException e) {
            metrics.transactionsAborted.incrementAndGet();
            LOG.warnf("aborting a signing transaction: %s", e.getMessage());
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // The producer is unusable; the restart below rebuilds everything.
            }
            // Forget in-memory state and go back to the committed offsets, as a replacement would.
            broadcasts.clear();
            resumes.clear();
            restore(consumer.assignment());
        }
    }

    /** The next offsets, held back on a chunks partition to the batch of its oldest chunk awaiting a munro. */
    private Map<TopicPartition, OffsetAndMetadata> offsets(Map<TopicPartition, Long> last) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : last.entrySet()) {
            TopicPartition tp = e.getKey();
            long next = e.getValue() + 1;
            if (!tp.topic().equals(Topics.CHUNKS)) {
                out.put(tp, new OffsetAndMetadata(next));
                continue;
            }
            Map<String, ResumePoints.Point> points = new LinkedHashMap<>();
            for (BroadcastState b : broadcasts.values()) {
                if (b.partition == tp.partition()) {
                    if (!b.pending.isEmpty()) {
                        next = Math.min(next, b.pendingFromOffset);
                    }
                    points.put(b.broadcastId, new ResumePoints.Point(b.firstUnsigned(), b.rotateRequested));
                }
            }
            // Broadcasts not seen since the restart keep their resume point.
            resumes.forEach((id, r) -> {
                if (r.getKey() == tp.partition()) {
                    points.put(id, r.getValue());
                }
            });
            out.put(tp, new OffsetAndMetadata(next, ResumePoints.encode(points)));
        }
        return out;
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                broadcasts.values().removeIf(b -> tp.topic().equals(Topics.CHUNKS) && b.partition == tp.partition());
            }
            metrics.activeSwarms.set(broadcasts.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            restore(partitions);
        }
    }

    /** Seeks to the committed offsets and reads their resume points. */
    private void restore(Collection<TopicPartition> partitions) {
        var committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata om = committed.get(tp);
            if (om == null) {
                consumer.seekToBeginning(List.of(tp));
                continue;
            }
            consumer.seek(tp, om.offset());
            if (tp.topic().equals(Topics.CHUNKS)) {
                ResumePoints.decode(om.metadata()).forEach((id, point) -> resumes.put(id, Map.entry(tp.partition(), point)));
            }
        }
    }

    // Chunks.

    private void onChunks(ConsumerRecord<String, byte[]> r) {
        ChunkBatch batch;
        try {
            batch = ChunkBatch.decode(r.value());
        } catch (MalformedRecordException e) {
            deadLetter(r, e.getMessage());
            return;
        }
        Optional<ChannelRecord> channel = directory.channel(batch.channelId());
        if (channel.isEmpty() && recheck(batch.channelId())) {
            channel = directory.channel(batch.channelId());
        }
        if (channel.isEmpty()) {
            deadLetter(r, "unknown channel '" + batch.channelId() + "': no record on " + Topics.CHANNELS);
            return;
        }
        if (batch.chunks().isEmpty() && !batch.endOfBroadcast()) {
            return;
        }
        BroadcastState b = broadcasts.get(batch.broadcastId());
        if (b == null) {
            b = resumeOrStart(batch, channel.get(), r.partition());
            if (b == null) {
                deadLetter(r, "broadcast " + batch.broadcastId() + " has a live swarm whose key this signer cannot unwrap");
                return;
            }
            broadcasts.put(b.broadcastId, b);
        }
        swarms.accept(b, batch, r.offset());
        if (batch.endOfBroadcast()) {
            broadcasts.remove(b.broadcastId);
        }
        metrics.activeSwarms.set(broadcasts.size());
    }

    /**
     * A broadcast this replica has not signed since it started: continue its live swarm where the committed resume
     * point says, or start one (chunks a lost swarm already covered are not signed again). Null when the live swarm's
     * key cannot be had.
     */
    private BroadcastState resumeOrStart(ChunkBatch batch, ChannelRecord channel, int partition) {
        var resume = resumes.remove(batch.broadcastId());
        long first = batch.chunks().isEmpty() ? 0 : batch.chunks().getFirst().index();
        if (resume == null) {
            return swarms.start(batch.channelId(), batch.broadcastId(), partition, channel.parameters(), first);
        }
        // The replica before us committed its swarm and key with the offsets we resume from: make sure we have read them.
        awaitDirectory();
        Optional<SwarmRecord> live = directory.liveSwarmOf(batch.broadcastId());
        if (live.isEmpty()) {
            return swarms.start(batch.channelId(), batch.broadcastId(), partition, channel.parameters(),
                    Math.max(first, resume.getValue().firstUnsigned()));
        }
        Optional<SwarmKeyRecord> wrapped = directory.keyOf(live.get());
        if (wrapped.isEmpty()) {
            LOG.errorf("broadcast %s: live swarm %s has no key record", batch.broadcastId(), live.get().key());
            return null;
        }
        try {
            return swarms.resume(batch.channelId(), partition, live.get(), wrapped.get(), resume.getValue());
        } catch (MasterKeyring.InvalidKeyringException e) {
            LOG.error(e.getMessage());
            return null;
        }
    }

    /**
     * A channel created a moment ago may not have reached us yet: wait (once per id every 10 s, so a stream of batches
     * for a deleted channel cannot stall the signing of the others) until the state reader has caught up.
     */
    private boolean recheck(String channelId) {
        long now = System.nanoTime();
        Long last = unknownChannels.get(channelId);
        if (last != null && now - last < 10_000_000_000L) {
            return false;
        }
        if (unknownChannels.size() > 1000) {
            unknownChannels.values().removeIf(t -> now - t >= 10_000_000_000L);
        }
        unknownChannels.put(channelId, now);
        return awaitDirectory();
    }

    private boolean awaitDirectory() {
        try {
            return follower.awaitCurrent(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
        ProducerRecord<String, byte[]> dlq = new ProducerRecord<>(Topics.CHUNKS_DLQ, r.key(), r.value());
        dlq.headers().add(Topics.DLQ_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dlq.headers().add("seedcast-dlq-source", (r.topic() + "/" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
        producer.send(dlq);
        metrics.deadLettered.incrementAndGet();
        LOG.warnf("dead-lettered %s/%d@%d: %s", r.topic(), r.partition(), r.offset(), reason);
    }

    // Commands.

    private void onCommand(ConsumerRecord<String, byte[]> r) {
        SwarmCommand cmd;
        try {
            cmd = SwarmCommand.decode(r.value());
        } catch (MalformedRecordException e) {
            LOG.warnf("ignoring an unreadable swarm command %s: %s", r.key(), e.getMessage());
            return;
        }
        for (BroadcastState b : broadcasts.values()) {
            if (!b.channelId.equals(cmd.channelId())) {
                continue;
            }
            switch (cmd.action()) {
                case ROTATE -> swarms.rotate(b);
                case REVOKE -> {
                    if (cmd.swarmId() == null || cmd.swarmId().equals(b.swarm.swarmId())) {
                        swarms.revoke(b);
                    }
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // Shutting down.
        }
    }
}
