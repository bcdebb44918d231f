package io.seedcast.signer.signing;

import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.MalformedRecordException;
import io.seedcast.pipeline.SignedBatch;
import io.seedcast.pipeline.SwarmCommand;
import io.seedcast.pipeline.SwarmKeyRecord;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.Topics;
import io.seedcast.pipeline.TopicFollower;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveTree;
import io.seedcast.ppspp.live.NtpTimestamp;
import io.seedcast.ppspp.live.SignAll;
import io.seedcast.ppspp.live.SignedMunro;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.SignedIntegrity;
import io.seedcast.ppspp.wire.WireContext;
import io.seedcast.signer.keys.MasterKeyring;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The signer's consume-transform-produce loop, exactly once: each poll of {@code seedcast.chunks}
 * and {@code seedcast.swarm-commands} becomes one Kafka transaction holding the signed batches, any
 * new swarm and swarm-key records, dead letters, and the consumer offsets. A replica that dies
 * mid-transaction leaves nothing visible to read_committed readers; its replacement resumes from the
 * committed offsets.
 *
 * <p>UMT chunks wait in memory for their munro. The committed offset of a partition therefore
 * points at the batch holding the oldest waiting chunk, and the offset's metadata records, per
 * broadcast, the first chunk not yet published: a replacement re-reads the waiting chunks, skips the
 * signed ones, and never signs a chunk twice.
 */
public final class SignerLoop implements Runnable, AutoCloseable {

    private final SignerSettings settings;
    private final MasterKeyring keyring;
    private final Clock clock;
    private final SignerMetrics metrics;
    private final Consumer<String> log;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private volatile boolean ready;
    private boolean crashed;

    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> consumer;
    private TopicFollower channelFollower;

    private final Map<String, ChannelRecord> channels = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, BroadcastState> broadcasts = new HashMap<>();
    /** broadcast id → first unsigned chunk, from committed offset metadata, until the broadcast's next batch. */
    private final Map<String, Resume> resumes = new HashMap<>();
    /** Swarm key digest → master key id, for the swarms this replica signs. */
    private final Map<String, String> wrappedUnder = new HashMap<>();
    /** Test hook: die (without closing the producer) after this many records inside a transaction. */
    volatile int crashAfterRecords = -1;

    /** What a replica's death looks like to Kafka: an Error out of the loop, its transaction left open. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash", null, false, false);
        }
    }

    record Resume(int partition, long firstUnsigned, boolean rotate) {
    }

    public SignerLoop(SignerSettings settings, MasterKeyring keyring, Clock clock, SignerMetrics metrics, Consumer<String> log) {
        this.settings = settings;
        this.keyring = keyring;
        this.clock = clock;
        this.metrics = metrics;
        this.log = log;
    }

    public boolean isReady() {
        return ready;
    }

    /** Runs {@code task} on the loop's thread inside its next transaction. */
    public void submit(Runnable task) {
        tasks.add(task);
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
                if (records.isEmpty() && tasks.isEmpty()) {
                    continue;
                }
                process(records);
            }
        } catch (ProducerFencedException e) {
            log.accept("signer " + settings.transactionalId() + " was fenced by a newer instance; stopping");
        } catch (RuntimeException e) {
            if (running) {
                log.accept("signer loop failed: " + e);
                throw e;
            }
        } finally {
            ready = false;
            closeQuietly();
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
        producer = new KafkaProducer<>(p);
        producer.initTransactions();

        consumer = new KafkaConsumer<>(consumerProps(settings.groupId()));
        consumer.subscribe(List.of(Topics.CHUNKS, Topics.SWARM_COMMANDS), new Rebalance());

        channelFollower = new TopicFollower("seedcast-signer-channels", settings.bootstrapServers(), List.of(Topics.CHANNELS), List.of(),
                this::applyChannel, () -> log.accept("channels loaded: " + channels.size()));
        while (running && !channelFollower.caughtUp()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        ready = true;
    }

    private Properties consumerProps(String group) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            // Static membership: a signer that restarts (same transactional id) takes its partitions straight back instead
            // of waiting out its dead self's session (45 s by default, all that time nothing signed); one that does not
            // come back is replaced by another replica after the 10 s session.
            c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.transactionalId());
            c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        }
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return c;
    }

    /** Channel ids found unknown even after catching up, with when: their next batches go to the DLQ without waiting. */
    private final Map<String, Long> unknownChannels = new HashMap<>();

    /**
     * A channel created a moment ago may not have reached us yet: wait (once per id every 10 s, so a stream of batches
     * for a deleted channel cannot stall the signing of the others) until the channel reader has caught up.
     */
    private boolean recheckChannel(String channelId) {
        long now = System.nanoTime();
        Long last = unknownChannels.get(channelId);
        if (last != null && now - last < 10_000_000_000L) {
            return false;
        }
        if (unknownChannels.size() > 1000) {
            unknownChannels.values().removeIf(t -> now - t >= 10_000_000_000L);
        }
        unknownChannels.put(channelId, now);
        try {
            return channelFollower.awaitCurrent(java.time.Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A record of {@code seedcast.channels}, on the follower's thread. */
    private void applyChannel(ConsumerRecord<String, byte[]> r) {
        try {
            ChannelRecord.apply(channels, r.key(), r.value());
        } catch (MalformedRecordException e) {
            log.accept("ignoring an unreadable channel record " + r.key() + ": " + e.getMessage());
        }
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
                if (crashAfterRecords >= 0 && crashAfterRecords-- == 0) {
                    crashed = true;
                    throw new SimulatedCrash();
                }
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
            log.accept("aborting a signing transaction: " + e.getMessage());
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // The producer is unusable; the restart below rebuilds everything.
            }
            rewind();
        }
    }

    /** After an abort: forget in-memory state and go back to the committed offsets, as a replacement would. */
    private void rewind() {
        broadcasts.clear();
        resumes.clear();
        var assigned = consumer.assignment();
        restore(assigned);
    }

    private Map<TopicPartition, OffsetAndMetadata> offsets(Map<TopicPartition, Long> last) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : last.entrySet()) {
            TopicPartition tp = e.getKey();
            long next = e.getValue() + 1;
            if (!tp.topic().equals(Topics.CHUNKS)) {
                out.put(tp, new OffsetAndMetadata(next));
                continue;
            }
            StringBuilder meta = new StringBuilder();
            for (BroadcastState b : broadcasts.values()) {
                if (b.partition != tp.partition()) {
                    continue;
                }
                if (!b.pending.isEmpty()) {
                    next = Math.min(next, b.pendingFromOffset);
                }
                meta.append(b.broadcastId).append('=').append(b.firstUnsigned()).append(b.rotateRequested ? "!R" : "").append(';');
            }
            for (Map.Entry<String, Resume> r : resumes.entrySet()) {
                if (r.getValue().partition() != tp.partition()) {
                    continue;
                }
                // Broadcasts not seen since the restart keep their resume point.
                meta.append(r.getKey()).append('=').append(r.getValue().firstUnsigned()).append(r.getValue().rotate() ? "!R" : "").append(';');
            }
            out.put(tp, new OffsetAndMetadata(next, meta.toString()));
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

    /** Reads committed offsets' metadata for resume points, and seeks there. */
    private void restore(Collection<TopicPartition> partitions) {
        var committed = consumer.committed(new java.util.HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata om = committed.get(tp);
            if (om == null) {
                consumer.seekToBeginning(List.of(tp));
                continue;
            }
            consumer.seek(tp, om.offset());
            if (!tp.topic().equals(Topics.CHUNKS) || om.metadata() == null) {
                continue;
            }
            for (String entry : om.metadata().split(";")) {
                int eq = entry.lastIndexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String v = entry.substring(eq + 1);
                boolean rotate = v.endsWith("!R");
                try {
                    resumes.put(entry.substring(0, eq), new Resume(tp.partition(), Long.parseLong(rotate ? v.substring(0, v.length() - 2) : v), rotate));
                } catch (NumberFormatException e) {
                    log.accept("ignoring unreadable resume point '" + entry + "' of " + tp);
                }
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
        ChannelRecord channel = channels.get(batch.channelId());
        if (channel == null && recheckChannel(batch.channelId())) {
            channel = channels.get(batch.channelId());
        }
        if (channel == null) {
            deadLetter(r, "unknown channel '" + batch.channelId() + "': no record on " + Topics.CHANNELS);
            return;
        }
        if (batch.chunks().isEmpty() && !batch.endOfBroadcast()) {
            return;
        }
        BroadcastState b = broadcasts.get(batch.broadcastId());
        if (b == null) {
            b = resumeOrStart(batch, channel, r.partition());
            if (b == null) {
                deadLetter(r, "broadcast " + batch.broadcastId() + " has a live swarm whose key this signer cannot unwrap");
                return;
            }
        }
        List<SignedBatch.SignedChunk> signAll = new ArrayList<>();
        for (Chunk c : batch.chunks()) {
            if (c.index() < b.nextChunk) {
                continue;
            }
            if (c.index() > b.nextChunk) {
                log.accept("broadcast " + b.broadcastId + ": chunks " + b.nextChunk + ".." + (c.index() - 1) + " never arrived; rolling to a new swarm");
                emitSignAll(b, signAll);
                rollover(b, c.index(), SwarmRecord.State.ROLLED_OVER);
            } else if (b.rotateRequested && c.keyframe()) {
                emitSignAll(b, signAll);
                rollover(b, c.index(), SwarmRecord.State.ROLLED_OVER);
            }
            sign(b, c, r.offset(), signAll);
        }
        emitSignAll(b, signAll);
        if (batch.endOfBroadcast()) {
            endSwarm(b, SwarmRecord.State.ENDED, null);
            broadcasts.remove(b.broadcastId);
            metrics.activeSwarms.set(broadcasts.size());
        }
    }

    private BroadcastState resumeOrStart(ChunkBatch batch, ChannelRecord channel, int partition) {
        BroadcastState b = new BroadcastState(batch.channelId(), batch.broadcastId(), partition);
        Resume resume = resumes.remove(batch.broadcastId());
        long first = batch.chunks().isEmpty() ? 0 : batch.chunks().getFirst().index();
        SwarmRecord live = resume == null ? null : liveSwarmOf(batch.broadcastId());
        if (live != null) {
            SwarmKeyRecord wrapped = keyOf(live);
            if (wrapped == null) {
                return null;
            }
            byte[] pkcs8 = null;
            try {
                pkcs8 = keyring.unwrap(wrapped);
                b.key = SwarmKeyPair.fromPem(pem(pkcs8), live.parameters().algorithm());
            } catch (MasterKeyring.InvalidKeyringException e) {
                log.accept(e.getMessage());
                return null;
            } finally {
                if (pkcs8 != null) {
                    Arrays.fill(pkcs8, (byte) 0);
                }
            }
            b.swarm = live;
            b.nextChunk = resume.firstUnsigned();
            b.rotateRequested = resume.rotate();
            wrappedUnder.put(live.key(), wrapped.masterKeyId());
            if (live.parameters().integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE) {
                long swarmChunk = b.nextChunk - live.firstBroadcastChunk();
                b.tree = new LiveTree(live.parameters(), b.key, clock, swarmChunk);
            }
        } else {
            // Without a live swarm, start one; chunks a lost swarm already covered are not signed again.
            startSwarm(b, channel.parameters(), resume == null ? first : Math.max(first, resume.firstUnsigned()));
        }
        broadcasts.put(b.broadcastId, b);
        metrics.activeSwarms.set(broadcasts.size());
        return b;
    }

    private static String pem(byte[] pkcs8) {
        return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n";
    }

    /** A fresh swarm for {@code b} from broadcast chunk {@code first}: new key pair, wrapped key and swarm record, in this transaction. */
    private void startSwarm(BroadcastState b, SwarmParameters params, long first) {
        SwarmKeyPair key = SwarmKeyPair.generate(params.algorithm());
        byte[] pkcs8 = pkcs8Of(key);
        SwarmKeyRecord wrapped = keyring.wrap(key.swarmId().encoded(), pkcs8);
        SwarmRecord swarm = new SwarmRecord(key.swarmId().encoded(), b.channelId, b.broadcastId, params, SwarmRecord.State.LIVE, null, first,
                clock.millis());
        producer.send(new ProducerRecord<>(Topics.SWARM_KEYS, wrapped.key(), wrapped.encode()));
        producer.send(new ProducerRecord<>(Topics.SWARMS, swarm.key(), swarm.encode()));
        wrappedUnder.put(swarm.key(), wrapped.masterKeyId());
        b.key = key;
        b.swarm = swarm;
        b.nextChunk = first;
        b.pending.clear();
        b.pendingFromOffset = -1;
        b.rotateRequested = false;
        b.tree = params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE ? new LiveTree(params, key, clock) : null;
        metrics.swarmsCreated.incrementAndGet();
        log.accept("broadcast " + b.broadcastId + " of channel " + b.channelId + ": swarm " + key.swarmId() + " from chunk " + first
                + ", key wrapped under " + wrapped.masterKeyId());
    }

    private static byte[] pkcs8Of(SwarmKeyPair key) {
        String pem = key.toPem();
        String b64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        return java.util.Base64.getDecoder().decode(b64);
    }

    private void sign(BroadcastState b, Chunk c, long offset, List<SignedBatch.SignedChunk> signAll) {
        long t0 = System.nanoTime();
        long swarmChunk = c.index() - b.swarm.firstBroadcastChunk();
        if (b.tree == null) {
            WireContext ctx = b.params().wireContext(b.key.swarmId());
            SignedIntegrity s = SignAll.sign(b.key, ctx, ChunkRange.single(swarmChunk), NtpTimestamp.of(clock.instant()), c.data().unsafeArray());
            signAll.add(new SignedBatch.SignedChunk(swarmChunk, c.ingestMicros(), c.keyframe(), c.data(), s.timestamp(), s.signature()));
        } else {
            if (b.pending.isEmpty()) {
                b.pendingFromOffset = offset;
            }
            b.pending.add(c);
            b.tree.append(c.data().unsafeArray()).ifPresent(m -> emitMunro(b, m, false));
        }
        b.nextChunk = c.index() + 1;
        metrics.chunksSigned.incrementAndGet();
        metrics.signNanos.addAndGet(System.nanoTime() - t0);
    }

    private void emitMunro(BroadcastState b, SignedMunro m, boolean last) {
        List<SignedBatch.SignedChunk> chunks = new ArrayList<>(b.pending.size());
        for (Chunk c : b.pending) {
            chunks.add(new SignedBatch.SignedChunk(c.index() - b.swarm.firstBroadcastChunk(), c.ingestMicros(), c.keyframe(), c.data(), 0, null));
        }
        SignedBatch out = new SignedBatch(b.swarm.swarmId(), b.broadcastId, chunks, List.of(m), last);
        producer.send(new ProducerRecord<>(Topics.SIGNED, out.key(), out.encode()));
        b.pending.clear();
        b.pendingFromOffset = -1;
        metrics.munrosSigned.incrementAndGet();
    }

    private void emitSignAll(BroadcastState b, List<SignedBatch.SignedChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        SignedBatch out = new SignedBatch(b.swarm.swarmId(), b.broadcastId, chunks, List.of(), false);
        producer.send(new ProducerRecord<>(Topics.SIGNED, out.key(), out.encode()));
        chunks.clear();
    }

    /** Closes the current swarm (signing its partial munro) and starts its successor at broadcast chunk {@code at}. */
    private void rollover(BroadcastState b, long at, SwarmRecord.State oldState) {
        SwarmRecord old = b.swarm;
        closeTree(b);
        startSwarm(b, old.parameters(), at);
        retire(old, oldState, b.swarm.swarmId());
    }

    private void endSwarm(BroadcastState b, SwarmRecord.State state, Bytes successor) {
        closeTree(b);
        retire(b.swarm, state, successor);
    }

    /** Publishes the swarm's last chunks: the partial munro signed as it stands (RFC 7574 §6.1.2, see LiveTree), marked end of swarm. */
    private void closeTree(BroadcastState b) {
        if (b.tree != null) {
            b.tree.finish().ifPresentOrElse(m -> emitMunro(b, m, true), () -> emitEnd(b.swarm, b.broadcastId));
        } else {
            emitEnd(b.swarm, b.broadcastId);
        }
    }

    private void retire(SwarmRecord swarm, SwarmRecord.State state, Bytes successor) {
        SwarmRecord ended = swarm.with(state, successor);
        producer.send(new ProducerRecord<>(Topics.SWARMS, ended.key(), ended.encode()));
        // The key of a finished swarm is destroyed: a tombstone, so that its master key version can retire.
        producer.send(new ProducerRecord<>(Topics.SWARM_KEYS, ended.key(), null));
        wrappedUnder.remove(ended.key());
    }

    private void emitEnd(SwarmRecord swarm, String broadcastId) {
        SignedBatch out = new SignedBatch(swarm.swarmId(), broadcastId, List.of(), List.of(), true);
        producer.send(new ProducerRecord<>(Topics.SIGNED, out.key(), out.encode()));
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
        ProducerRecord<String, byte[]> dlq = new ProducerRecord<>(Topics.CHUNKS_DLQ, r.key(), r.value());
        dlq.headers().add(Topics.DLQ_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dlq.headers().add("seedcast-dlq-source", (r.topic() + "/" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
        producer.send(dlq);
        metrics.deadLettered.incrementAndGet();
        log.accept("dead-lettered " + r.topic() + "/" + r.partition() + "@" + r.offset() + ": " + reason);
    }

    // Commands.

    private void onCommand(ConsumerRecord<String, byte[]> r) {
        SwarmCommand cmd;
        try {
            cmd = SwarmCommand.decode(r.value());
        } catch (MalformedRecordException e) {
            log.accept("ignoring an unreadable swarm command " + r.key() + ": " + e.getMessage());
            return;
        }
        for (BroadcastState b : broadcasts.values()) {
            if (!b.channelId.equals(cmd.channelId())) {
                continue;
            }
            switch (cmd.action()) {
                case ROTATE -> {
                    b.rotateRequested = true;
                    log.accept("channel " + cmd.channelId() + ": rolling swarm " + b.swarm.key() + " over at the next keyframe");
                }
                case REVOKE -> {
                    if (cmd.swarmId() == null || cmd.swarmId().equals(b.swarm.swarmId())) {
                        // A revoked key signs nothing more: the successor starts at the very next chunk.
                        rollover(b, b.nextChunk, SwarmRecord.State.REVOKED);
                        log.accept("channel " + cmd.channelId() + ": swarm revoked, successor " + b.swarm.key());
                    }
                }
            }
        }
    }

    // Swarm and key records on their compacted topics.

    private SwarmRecord liveSwarmOf(String broadcastId) {
        SwarmRecord found = null;
        for (byte[] v : readCompacted(Topics.SWARMS).values()) {
            try {
                SwarmRecord s = SwarmRecord.decode(v);
                if (s.broadcastId().equals(broadcastId) && s.state() == SwarmRecord.State.LIVE
                        && (found == null || s.firstBroadcastChunk() > found.firstBroadcastChunk())) {
                    found = s;
                }
            } catch (MalformedRecordException e) {
                log.accept("ignoring an unreadable swarm record: " + e.getMessage());
            }
        }
        return found;
    }

    private SwarmKeyRecord keyOf(SwarmRecord swarm) {
        byte[] v = readCompacted(Topics.SWARM_KEYS).get(swarm.key());
        try {
            return v == null ? null : SwarmKeyRecord.decode(v);
        } catch (MalformedRecordException e) {
            log.accept("unreadable swarm key record " + swarm.key() + ": " + e.getMessage());
            return null;
        }
    }

    /** The latest committed value per key of a compacted topic (tombstones removed). */
    public Map<String, byte[]> readCompacted(String topic) {
        Map<String, byte[]> out = new HashMap<>();
        Properties props = consumerProps(null);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "seedcast-signer-reader-" + UUID.randomUUID());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(java.time.Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        out.remove(r.key());
                    } else {
                        out.put(r.key(), r.value());
                    }
                }
            }
        }
        return out;
    }

    // Key rotation, run as tasks inside the loop's transaction.

    /** Re-wraps the keys of the live swarms this replica signs under the active master key. */
    public void rewrapAll(java.util.concurrent.CompletableFuture<Integer> done) {
        submit(() -> {
            int n = 0;
            for (BroadcastState b : broadcasts.values()) {
                String under = wrappedUnder.get(b.swarm.key());
                if (keyring.activeKeyId().equals(under)) {
                    continue;
                }
                SwarmKeyRecord wrapped = keyring.wrap(b.swarm.swarmId(), pkcs8Of(b.key));
                producer.send(new ProducerRecord<>(Topics.SWARM_KEYS, wrapped.key(), wrapped.encode()));
                wrappedUnder.put(b.swarm.key(), wrapped.masterKeyId());
                n++;
            }
            done.complete(n);
        });
    }

    private void closeQuietly() {
        // A crashed replica's producer is left as it is, its transaction open, as a dead process would leave it.
        for (AutoCloseable c : crashed ? new AutoCloseable[] {consumer, channelFollower} : new AutoCloseable[] {consumer, channelFollower, producer}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // Shutting down.
            }
        }
    }
}
