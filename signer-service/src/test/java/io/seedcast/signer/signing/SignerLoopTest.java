package io.seedcast.signer.signing;

import io.seedcast.kafka.EmbeddedKafka;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.SignedBatch;
import io.seedcast.pipeline.SwarmCommand;
import io.seedcast.pipeline.SwarmKeyRecord;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleTree;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.live.LiveVerifier;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SignedMunro;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.Integrity;
import io.seedcast.ppspp.wire.SignedIntegrity;
import io.seedcast.signer.keys.MasterKeyring;
import io.seedcast.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signer against a real Kafka broker (KRaft, in-process), verified with ppspp's own verifiers. */
class SignerLoopTest {

    @TempDir
    Path keys;
    EmbeddedKafka kafka;
    KafkaProducer<String, byte[]> producer;
    final List<SignerLoop> loops = new ArrayList<>();
    LogCapture logs;

    @BeforeEach
    void start() throws Exception {
        logs = new LogCapture();
        kafka = new EmbeddedKafka();
        producer = kafka.producer();
        writeMasterKey("k1");
        Files.writeString(keys.resolve("active"), "k1");
    }

    @AfterEach
    void stop() throws Exception {
        loops.forEach(SignerLoop::close);
        Thread.sleep(300);
        producer.close();
        kafka.close();
        logs.close();
    }

    void writeMasterKey(String id) throws Exception {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        Files.writeString(keys.resolve(id), Base64.getEncoder().encodeToString(k));
    }

    SignerLoop startLoop(String transactionalId) throws Exception {
        return startLoop(transactionalId, null);
    }

    /** A signer replica; with {@code dying}, one whose process dies when its producer says so. */
    SignerLoop startLoop(String transactionalId, DyingProducer dying) throws Exception {
        MasterKeyring ring = new MasterKeyring(keys);
        SignerSettings settings = new SignerSettings(kafka.bootstrap(), "seedcast-signer", transactionalId, Duration.ofMillis(50), Duration.ofSeconds(10));
        SignerLoop loop = dying == null ? new SignerLoop(settings, ring, Clock.systemUTC(), new SignerMetrics())
                : new SignerLoop(settings, ring, Clock.systemUTC(), new SignerMetrics(), new SignerLoop.Clients() {
                    @Override
                    public org.apache.kafka.clients.producer.Producer<String, byte[]> producer(Properties p) {
                        return dying.open(p);
                    }

                    @Override
                    public org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer(Properties p) {
                        return new KafkaConsumer<>(p);
                    }
                });
        loops.add(loop);
        Thread t = new Thread(loop, "signer-" + transactionalId);
        t.setDaemon(true);
        t.start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!loop.isReady()) {
            assertTrue(System.currentTimeMillis() < deadline, "signer did not start: " + logs);
            Thread.sleep(20);
        }
        return loop;
    }

    void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    void channel(String id, SwarmParameters params) throws Exception {
        send(Topics.CHANNELS, id, new ChannelRecord(id, "Channel " + id, List.of(Bytes.of(new byte[32])), params).encode());
    }

    static byte[] chunkData(String broadcast, long index) {
        byte[] b = new byte[1024];
        new SplittableRandom(broadcast.hashCode() * 31L + index).nextBytes(b);
        return b;
    }

    /** Publishes chunks [from, to) of a broadcast in batches of 10; a keyframe every 25 chunks. */
    void publish(String channel, String broadcast, long from, long to, boolean end) throws Exception {
        if (from == to && end) {
            send(Topics.CHUNKS, broadcast, new ChunkBatch(channel, broadcast, List.of(), true).encode());
            return;
        }
        for (long i = from; i < to; i += 10) {
            List<Chunk> chunks = new ArrayList<>();
            for (long c = i; c < Math.min(to, i + 10); c++) {
                chunks.add(new Chunk(c, System.currentTimeMillis() * 1000, c % 25 == 0, Bytes.of(chunkData(broadcast, c))));
            }
            send(Topics.CHUNKS, broadcast, new ChunkBatch(channel, broadcast, chunks, end && i + 10 >= to).encode());
        }
    }

    List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration quiet) {
        return kafka.readAll(topic, quiet);
    }

    /** Waits until the signed topic holds an end-of-swarm batch for as many swarms as {@code swarmsEnded}. */
    List<SignedBatch> awaitSigned(int swarmsEnded, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (true) {
            List<SignedBatch> batches = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : readAll(Topics.SIGNED, Duration.ofMillis(600))) {
                batches.add(SignedBatch.decode(r.value()));
            }
            if (batches.stream().filter(SignedBatch::endOfSwarm).count() >= swarmsEnded || System.currentTimeMillis() > deadline) {
                return batches;
            }
        }
    }

    Map<Bytes, SwarmRecord> swarms() throws Exception {
        Map<Bytes, SwarmRecord> out = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : readAll(Topics.SWARMS, Duration.ofMillis(500))) {
            SwarmRecord s = SwarmRecord.decode(r.value());
            out.put(s.swarmId(), s);
        }
        return out;
    }

    /**
     * Verifies every chunk of every swarm with ppspp's LiveVerifier and returns broadcast chunk → data, failing on a
     * chunk published twice.
     */
    TreeMap<Long, byte[]> verifyAll(List<SignedBatch> batches, Map<Bytes, SwarmRecord> swarms) {
        TreeMap<Long, byte[]> out = new TreeMap<>();
        Map<Bytes, LiveVerifier> verifiers = new HashMap<>();
        for (SignedBatch b : batches) {
            SwarmRecord s = swarms.get(b.swarmId());
            SwarmParameters params = s.parameters();
            LiveVerifier v = verifiers.computeIfAbsent(b.swarmId(), id -> new LiveVerifier(SwarmId.decode(id), params, Clock.systemUTC()));
            if (params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE && !b.chunks().isEmpty()) {
                assertEquals(1, b.munros().size());
                SignedMunro m = b.munros().getFirst();
                assertEquals(LiveVerifier.Verdict.VERIFIED, v.acceptMunro(m.integrity(), m.signedIntegrity()));
                List<Bytes> leaves = b.chunks().stream().map(c -> params.hash().hash(c.data())).toList();
                MerkleTree tree = MerkleTree.ofLeaves(params.hash(), m.munro(), leaves);
                for (SignedBatch.SignedChunk c : b.chunks()) {
                    List<Integrity> uncles = tree.uncles(Bin.chunk(c.index())).stream().map(n -> new Integrity(n.bin(), n.hash())).toList();
                    assertEquals(LiveVerifier.Verdict.VERIFIED, v.verifyChunk(c.index(), c.data().toArray(), 0, c.data().length(), uncles),
                            "chunk " + c.index() + " of " + s.key());
                }
            }
            for (SignedBatch.SignedChunk c : b.chunks()) {
                if (params.integrity() == IntegrityMethod.SIGN_ALL) {
                    assertEquals(LiveVerifier.Verdict.VERIFIED, v.verifySignAll(c.index(), c.data().toArray(),
                            new SignedIntegrity(ChunkRange.single(c.index()), c.timestamp(), c.signature())));
                }
                long broadcastChunk = c.index() + s.firstBroadcastChunk();
                byte[] previous = out.put(broadcastChunk, c.data().toArray());
                assertEquals(null, previous, "broadcast chunk " + broadcastChunk + " published twice");
            }
        }
        return out;
    }

    static void assertWholeBroadcast(String broadcast, TreeMap<Long, byte[]> chunks, long n) {
        assertEquals(n, chunks.size(), "chunks published");
        assertEquals(0L, chunks.firstKey());
        assertEquals(n - 1, chunks.lastKey());
        chunks.forEach((i, d) -> assertArrayEquals(chunkData(broadcast, i), d, "chunk " + i));
    }

    @Test
    void everyAlgorithmSignsVerifiably() throws Exception {
        startLoop("signer-0");
        int k = 0;
        for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
            SwarmParameters base = SwarmParameters.defaults(Profile.RFC7574).withAlgorithm(a);
            channel("umt-" + a, base);
            channel("sa-" + a, base.withIntegrity(IntegrityMethod.SIGN_ALL));
            publish("umt-" + a, "b-umt-" + a, 0, 45, true);
            publish("sa-" + a, "b-sa-" + a, 0, 20, true);
            k += 2;
        }
        List<SignedBatch> batches = awaitSigned(k, Duration.ofSeconds(60));
        Map<Bytes, SwarmRecord> swarms = swarms();
        assertEquals(k, swarms.size());
        for (SwarmRecord s : swarms.values()) {
            assertEquals(SwarmRecord.State.ENDED, s.state());
            List<SignedBatch> own = batches.stream().filter(b -> b.swarmId().equals(s.swarmId())).toList();
            assertWholeBroadcast(s.broadcastId(), verifyAll(own, swarms), s.broadcastId().startsWith("b-umt") ? 45 : 20);
        }
    }

    @Test
    void aSignerKilledMidBroadcastIsReplacedWithoutGapOrSecondSignature() throws Exception {
        channel("live", SwarmParameters.defaults(Profile.RFC7574));
        DyingProducer dying = new DyingProducer();
        startLoop("signer-0", dying);
        publish("live", "b1", 0, 200, false);
        Thread.sleep(1500);
        // It dies inside its next transaction, after having produced part of it, its transaction left open.
        dying.dieAfterSends(2);
        publish("live", "b1", 200, 300, false);
        Thread.sleep(1000);
        startLoop("signer-0"); // the same replica, restarted: its transactional id fences the dead one
        publish("live", "b1", 300, 410, true);
        List<SignedBatch> batches = awaitSigned(1, Duration.ofSeconds(60));
        Map<Bytes, SwarmRecord> swarms = swarms();
        assertEquals(1, swarms.size(), "the replacement continued the same swarm");
        assertWholeBroadcast("b1", verifyAll(batches, swarms), 410);
        long munros = batches.stream().mapToLong(b -> b.munros().size()).sum();
        assertEquals(13, munros, "410 chunks in munros of 32: 12 full and the partial last");
    }

    @Test
    void masterKeyRotationDuringABroadcast() throws Exception {
        channel("live", SwarmParameters.defaults(Profile.RFC7574));
        SignerLoop loop = startLoop("signer-0");
        publish("live", "b1", 0, 100, false);
        Thread.sleep(1500);
        writeMasterKey("k2");
        Files.writeString(keys.resolve("active"), "k2");
        // The signer notices a new keyring within one poll: the operator's `helm upgrade`, no restart.
        assertTrue(logs.await("active k2", 5000), logs.toString());
        publish("live", "b2", 0, 64, false);
        Thread.sleep(1500);
        Map<String, String> under = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : readAll(Topics.SWARM_KEYS, Duration.ofMillis(500))) {
            if (r.value() != null) {
                SwarmKeyRecord k = SwarmKeyRecord.decode(r.value());
                under.put(k.key(), k.masterKeyId());
            }
        }
        assertEquals(2, under.size());
        assertTrue(under.containsValue("k1") && under.containsValue("k2"), "new swarm under the new key, running one untouched: " + under);
        var done = new java.util.concurrent.CompletableFuture<Integer>();
        loop.rewrapAll(done);
        publish("live", "b1", 100, 110, false); // the loop runs tasks with its next transaction
        assertEquals(1, done.get(20, java.util.concurrent.TimeUnit.SECONDS));
        Thread.sleep(1000);
        Map<String, String> after = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : readAll(Topics.SWARM_KEYS, Duration.ofMillis(500))) {
            if (r.value() != null) {
                SwarmKeyRecord k = SwarmKeyRecord.decode(r.value());
                after.put(k.key(), k.masterKeyId());
            }
        }
        assertEquals(Map.of("k2", 2L), after.values().stream().collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting())));
        // The running swarm keeps signing after the re-wrap.
        publish("live", "b1", 110, 128, true);
        publish("live", "b2", 64, 64, true);
        List<SignedBatch> batches = awaitSigned(2, Duration.ofSeconds(60));
        Map<Bytes, SwarmRecord> swarms = swarms();
        TreeMap<Long, byte[]> b1 = verifyAll(batches.stream().filter(b -> b.broadcastId().equals("b1")).toList(), swarms);
        assertWholeBroadcast("b1", b1, 128);
    }

    @Test
    void rotateCommandRollsOverAtTheNextKeyframe() throws Exception {
        channel("live", SwarmParameters.defaults(Profile.RFC7574).withChunksPerSignature(8));
        startLoop("signer-0");
        publish("live", "b1", 0, 60, false);
        Thread.sleep(1500);
        send(Topics.SWARM_COMMANDS, "live", new SwarmCommand("cmd-1", "live", SwarmCommand.Action.ROTATE, null, System.currentTimeMillis()).encode());
        Thread.sleep(1000);
        publish("live", "b1", 60, 120, true);
        List<SignedBatch> batches = awaitSigned(2, Duration.ofSeconds(60));
        Map<Bytes, SwarmRecord> swarms = swarms();
        assertEquals(2, swarms.size());
        List<SwarmRecord> list = new ArrayList<>(swarms.values());
        list.sort(java.util.Comparator.comparingLong(SwarmRecord::firstBroadcastChunk));
        SwarmRecord old = list.get(0);
        SwarmRecord successor = list.get(1);
        assertEquals(SwarmRecord.State.ROLLED_OVER, old.state());
        assertEquals(successor.swarmId(), old.successor());
        assertEquals(75, successor.firstBroadcastChunk(), "the first keyframe after chunk 60 (keyframes every 25)");
        assertNotEquals(old.swarmId(), successor.swarmId());
        assertWholeBroadcast("b1", verifyAll(batches, swarms), 120);
        SignedBatch firstOfSuccessor = batches.stream().filter(b -> b.swarmId().equals(successor.swarmId())).findFirst().orElseThrow();
        assertEquals(0, firstOfSuccessor.chunks().getFirst().index(), "numbering starts at 0 in the new swarm");
        assertTrue(firstOfSuccessor.chunks().getFirst().keyframe());
    }

    @Test
    void poisonRecordsLandInTheDeadLetterTopicAndSigningGoesOn() throws Exception {
        channel("live", SwarmParameters.defaults(Profile.RFC7574).withIntegrity(IntegrityMethod.SIGN_ALL));
        startLoop("signer-0");
        byte[] good = new ChunkBatch("live", "b1", List.of(new Chunk(0, 0, true, Bytes.of(chunkData("b1", 0)))), false).encode();
        byte[] badVersion = good.clone();
        badVersion[0] = 7;
        send(Topics.CHUNKS, "b1", badVersion);
        send(Topics.CHUNKS, "b1", java.util.Arrays.copyOf(good, good.length - 5));
        send(Topics.CHUNKS, "bx", new ChunkBatch("nobody", "bx", List.of(new Chunk(0, 0, true, Bytes.of(new byte[10]))), false).encode());
        publish("live", "b1", 0, 30, true);
        List<SignedBatch> batches = awaitSigned(1, Duration.ofSeconds(60));
        assertWholeBroadcast("b1", verifyAll(batches, swarms()), 30);
        List<String> reasons = readAll(Topics.CHUNKS_DLQ, Duration.ofMillis(500)).stream()
                .map(r -> new String(r.headers().lastHeader(Topics.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8)).toList();
        assertEquals(3, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("version byte 7"), reasons.get(0));
        assertTrue(reasons.get(1).contains("truncated"), reasons.get(1));
        assertTrue(reasons.get(2).contains("unknown channel 'nobody'"), reasons.get(2));
    }

    /**
     * A signer process's death as Kafka sees it: after a given number of further sends the loop's thread dies with an
     * Error, and the producer is left as a killed process leaves it, its transaction open (close does nothing).
     */
    static final class DyingProducer {
        private volatile int sendsLeft = -1;
        private volatile boolean dead;

        void dieAfterSends(int n) {
            sendsLeft = n;
        }

        KafkaProducer<String, byte[]> open(Properties p) {
            return new KafkaProducer<>(p) {
                @Override
                public java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(ProducerRecord<String, byte[]> r,
                        org.apache.kafka.clients.producer.Callback callback) {
                    if (sendsLeft >= 0 && sendsLeft-- == 0) {
                        dead = true;
                        throw new ProcessDeath();
                    }
                    return super.send(r, callback);
                }

                @Override
                public void close() {
                    if (!dead) {
                        super.close();
                    }
                }
            };
        }
    }

    static final class ProcessDeath extends Error {
        ProcessDeath() {
            super("simulated process death", null, false, false);
        }
    }
}
