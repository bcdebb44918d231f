package io.seedcast.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SignedMunro;
import io.seedcast.ppspp.live.SwarmParameters;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    static final SwarmParameters PARAMS = SwarmParameters.defaults(Profile.RFC7574).withAlgorithm(SignatureAlgorithm.ED25519);
    static final Bytes SWARM = Bytes.fromHex("0f" + "11".repeat(32));

    static Bytes bytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return Bytes.of(b);
    }

    static ChunkBatch batch() {
        return new ChunkBatch("ch-1", "bc-1", List.of(new Chunk(41, 1_700_000_000_000_000L, false, bytes(1024, 1)),
                new Chunk(42, 1_700_000_000_001_000L, true, bytes(1024, 2)), new Chunk(43, 1_700_000_000_002_000L, false, bytes(300, 3))), false);
    }

    @Test
    void everyRecordRoundTrips() throws Exception {
        ChunkBatch b = batch();
        assertEquals(b, ChunkBatch.decode(b.encode()));
        SwarmRecord s = new SwarmRecord(SWARM, "ch-1", "bc-1", PARAMS, SwarmRecord.State.LIVE, null, 0, 1_700_000_000_000L);
        assertEquals(s, SwarmRecord.decode(s.encode()));
        SwarmRecord rolled = s.with(SwarmRecord.State.ROLLED_OVER, Bytes.fromHex("0f" + "22".repeat(32)));
        assertEquals(rolled, SwarmRecord.decode(rolled.encode()));
        SwarmKeyRecord k = new SwarmKeyRecord(SWARM, "2026-11", bytes(12, 4), bytes(64, 5));
        assertEquals(k, SwarmKeyRecord.decode(k.encode()));
        SignedBatch sb = new SignedBatch(SWARM, "bc-1",
                List.of(new SignedBatch.SignedChunk(0, 1, true, bytes(1024, 6), 0, null),
                        new SignedBatch.SignedChunk(1, 2, false, bytes(1024, 7), 99, bytes(64, 8))),
                List.of(new SignedMunro(Bin.of(5, 0), bytes(32, 9), 12345, bytes(64, 10))), true);
        assertEquals(sb, SignedBatch.decode(sb.encode()));
        ChannelRecord c = new ChannelRecord("ch-1", "Main stage", List.of(bytes(32, 11)), PARAMS.withIntegrity(IntegrityMethod.SIGN_ALL));
        assertEquals(c, ChannelRecord.decode(c.encode()));
        SwarmCommand cmd = new SwarmCommand("cmd-1", "ch-1", SwarmCommand.Action.ROTATE, null, 5);
        assertEquals(cmd, SwarmCommand.decode(cmd.encode()));
    }

    @Test
    void badRecordsSayWhatIsWrong() {
        byte[] good = batch().encode();
        byte[] wrongVersion = good.clone();
        wrongVersion[0] = 9;
        assertTrue(assertThrows(MalformedRecordException.class, () -> ChunkBatch.decode(wrongVersion)).getMessage().contains("version byte 9"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 10);
        assertTrue(assertThrows(MalformedRecordException.class, () -> ChunkBatch.decode(truncated)).getMessage().contains("truncated"));
        assertTrue(assertThrows(MalformedRecordException.class, () -> SwarmRecord.decode(good)).getMessage().contains("record type"));
        assertThrows(MalformedRecordException.class, () -> ChunkBatch.decode(null));
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertTrue(assertThrows(MalformedRecordException.class, () -> ChunkBatch.decode(trailing)).getMessage().contains("unexpected bytes"));
    }

    @Test
    void garbageNeverThrowsAnythingElse() {
        SplittableRandom r = new SplittableRandom(5);
        byte[] good = batch().encode();
        for (int i = 0; i < 50_000; i++) {
            byte[] b = r.nextBoolean() ? bytes(r.nextInt(0, 200), i).toArray() : good.clone();
            if (b.length > 2) {
                b[0] = 1;
                b[1] = (byte) r.nextInt(1, 7);
                b[r.nextInt(b.length)] ^= (byte) r.nextInt(256);
            }
            try {
                switch (r.nextInt(6)) {
                    case 0 -> ChunkBatch.decode(b);
                    case 1 -> SwarmRecord.decode(b);
                    case 2 -> SwarmKeyRecord.decode(b);
                    case 3 -> SignedBatch.decode(b);
                    case 4 -> ChannelRecord.decode(b);
                    default -> SwarmCommand.decode(b);
                }
            } catch (MalformedRecordException expected) {
                // The only outcome besides a record.
            }
        }
    }
}
