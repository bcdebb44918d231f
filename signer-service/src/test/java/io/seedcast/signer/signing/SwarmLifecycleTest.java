package io.seedcast.signer.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.SignedBatch;
import io.seedcast.pipeline.SwarmKeyRecord;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.signer.keys.MasterKeyring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The swarm lifecycle without Kafka: records out of a sink, asserted as a viewer or a successor signer would read them. */
class SwarmLifecycleTest {

    record Sent(String topic, String key, byte[] value) {
    }

    @TempDir
    Path keys;
    final List<Sent> sent = new ArrayList<>();
    MasterKeyring ring;
    SwarmLifecycle life;
    final SwarmParameters signAll = SwarmParameters.defaults(Profile.RFC7574).withAlgorithm(SignatureAlgorithm.ED25519)
            .withIntegrity(IntegrityMethod.SIGN_ALL);

    @BeforeEach
    void keyring() throws Exception {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        Files.writeString(keys.resolve("k1"), Base64.getEncoder().encodeToString(k));
        Files.writeString(keys.resolve("active"), "k1");
        ring = new MasterKeyring(keys);
        life = new SwarmLifecycle(ring, Clock.systemUTC(), new SignerMetrics(), (t, key, v) -> sent.add(new Sent(t, key, v)));
    }

    static ChunkBatch batch(long from, long to, long keyframeEvery, boolean end) {
        List<Chunk> chunks = new ArrayList<>();
        for (long i = from; i < to; i++) {
            chunks.add(new Chunk(i, i * 1000, i % keyframeEvery == 0, Bytes.of(("chunk " + i).getBytes())));
        }
        return new ChunkBatch("ch", "b1", chunks, end);
    }

    List<SwarmRecord> swarms() {
        return sent.stream().filter(s -> s.topic().equals(Topics.SWARMS)).map(s -> decode(s.value())).toList();
    }

    static SwarmRecord decode(byte[] v) {
        try {
            return SwarmRecord.decode(v);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Swarm id → the broadcast chunk indexes it published signed. */
    Map<Bytes, List<Long>> signedChunks() {
        Map<Bytes, List<Long>> out = new java.util.LinkedHashMap<>();
        Map<Bytes, Long> first = new java.util.HashMap<>();
        swarms().forEach(s -> first.putIfAbsent(s.swarmId(), s.firstBroadcastChunk()));
        for (Sent s : sent) {
            if (s.topic().equals(Topics.SIGNED)) {
                try {
                    SignedBatch b = SignedBatch.decode(s.value());
                    b.chunks().forEach(c -> out.computeIfAbsent(b.swarmId(), x -> new ArrayList<>()).add(first.get(b.swarmId()) + c.index()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    @Test
    void aRotationRollsOverAtTheNextKeyframeChunkWithNothingLostOrRepeated() {
        BroadcastState b = life.start("ch", "b1", 0, signAll, 0);
        life.accept(b, batch(0, 13, 10, false), 0);
        life.rotate(b);
        life.accept(b, batch(13, 25, 10, false), 1);
        List<SwarmRecord> swarms = swarms();
        assertEquals(3, swarms.size(), "first swarm, its successor, the first retired: " + swarms);
        assertEquals(20, swarms.get(1).firstBroadcastChunk(), "the successor starts on the keyframe chunk");
        assertEquals(SwarmRecord.State.ROLLED_OVER, swarms.get(2).state());
        assertEquals(swarms.get(1).swarmId(), swarms.get(2).successor());
        List<List<Long>> perSwarm = List.copyOf(signedChunks().values());
        assertEquals(java.util.stream.LongStream.range(0, 20).boxed().toList(), perSwarm.get(0));
        assertEquals(java.util.stream.LongStream.range(20, 25).boxed().toList(), perSwarm.get(1));
        assertTrue(sent.stream().anyMatch(s -> s.topic().equals(Topics.SWARM_KEYS) && s.key().equals(swarms.get(0).key()) && s.value() == null),
                "the old swarm's key is destroyed");
    }

    @Test
    void aRevocationStartsTheSuccessorAtOnceFromTheLatestKeyframeSignedAgain() {
        BroadcastState b = life.start("ch", "b1", 0, signAll, 0);
        life.accept(b, batch(0, 13, 10, false), 0);
        life.revoke(b);
        life.accept(b, batch(13, 16, 10, false), 1);
        List<SwarmRecord> swarms = swarms();
        assertEquals(10, swarms.get(1).firstBroadcastChunk(), "the successor begins at the keyframe chunk before the revocation point");
        assertEquals(SwarmRecord.State.REVOKED, swarms.get(2).state());
        assertEquals(java.util.stream.LongStream.range(0, 13).boxed().toList(), List.copyOf(signedChunks().values()).get(0),
                "the revoked swarm signed nothing after the revocation");
        assertEquals(java.util.stream.LongStream.range(10, 16).boxed().toList(), List.copyOf(signedChunks().values()).get(1),
                "chunks 10-12 signed again with the new key, then on");
    }

    @Test
    void aRevocationWithoutAKeyframeSeenStartsAtTheNextChunk() {
        BroadcastState b = life.start("ch", "b1", 0, signAll, 1);
        life.accept(b, batch(1, 6, 1000, false), 0); // mid-GOP: no keyframe yet
        life.revoke(b);
        assertEquals(6, swarms().get(1).firstBroadcastChunk());
    }

    @Test
    void aSuccessorSignerContinuesTheSwarmWithTheUnwrappedKey() throws Exception {
        BroadcastState b = life.start("ch", "b1", 0, signAll, 0);
        life.accept(b, batch(0, 5, 10, false), 0);
        SwarmKeyRecord wrapped = SwarmKeyRecord.decode(sent.stream().filter(s -> s.topic().equals(Topics.SWARM_KEYS)).findFirst().orElseThrow().value());
        SwarmLifecycle other = new SwarmLifecycle(ring, Clock.systemUTC(), new SignerMetrics(), (t, key, v) -> sent.add(new Sent(t, key, v)));
        BroadcastState resumed = other.resume("ch", 0, b.swarm, wrapped, new ResumePoints.Point(5, false));
        assertEquals(b.key.swarmId(), resumed.key.swarmId());
        byte[] msg = "x".getBytes();
        assertTrue(b.key.swarmId().verify(resumed.key.sign(msg), msg), "the unwrapped key signs for the same swarm");
        other.accept(resumed, batch(5, 8, 10, true), 1);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), List.copyOf(signedChunks().values()).getFirst());
        assertEquals(SwarmRecord.State.ENDED, swarms().getLast().state());
        assertNull(swarms().getLast().successor());
    }

    @Test
    void resumePointsRoundTripAndSkipJunk() {
        Map<String, ResumePoints.Point> points = new java.util.LinkedHashMap<>();
        points.put("b1", new ResumePoints.Point(17, false));
        points.put("b=2", new ResumePoints.Point(4, true));
        String meta = ResumePoints.encode(points);
        assertEquals("b1=17;b=2=4!R;", meta);
        assertEquals(points, ResumePoints.decode(meta));
        Map<String, ResumePoints.Point> junk = ResumePoints.decode("b1=17;=3;b2=x;b3;b4=!R;b5=9");
        assertEquals(Map.of("b1", new ResumePoints.Point(17, false), "b5", new ResumePoints.Point(9, false)), junk);
        assertTrue(ResumePoints.decode(null).isEmpty());
        assertFalse(ResumePoints.decode("").containsKey(""));
    }
}
