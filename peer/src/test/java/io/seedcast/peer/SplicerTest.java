package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Following successor swarms into one output, on a virtual clock, checked byte for byte against the broadcast. */
class SplicerTest {

    static final int CHUNK = 1024;
    final byte[] ts = KeyframeStartTest.stream(8, 200);
    final int chunks = (ts.length + CHUNK - 1) / CHUNK;
    final long[] now = {0};
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final KeyframeStart keyframes = new KeyframeStart(out);
    final Splicer splicer = new Splicer(keyframes, () -> now[0]);

    byte[] chunk(long broadcastIndex) {
        int off = (int) broadcastIndex * CHUNK;
        return Arrays.copyOfRange(ts, off, Math.min(ts.length, off + CHUNK));
    }

    /** Swarm {@code generation}'s chunk {@code local}, which is broadcast chunk {@code first + local}. */
    void deliver(int generation, long first, long local) {
        splicer.onChunk(generation, local, chunk(first + local));
    }

    @Test
    void aRotationSplicesTheSuccessorInChunkForChunk() {
        int a = splicer.add("b1", 100);
        for (long i = 0; i < 30; i++) {
            deliver(a, 100, i);
        }
        // The rotation: the successor starts at broadcast chunk 140 (a keyframe chunk, or any chunk for a revocation).
        int b = splicer.add("b1", 140);
        assertTrue(splicer.continuesExactly(b));
        for (long i = 0; i < 10; i++) {
            deliver(b, 140, i); // the successor's first chunks arrive before the predecessor's last: buffered
        }
        for (long i = 30; i < 40; i++) {
            deliver(a, 100, i);
        }
        assertEquals(b, splicer.activeGeneration(), "switched the moment the predecessor's last chunk was out, not after a quiet spell");
        for (long i = 10; 140 + i < chunks; i++) {
            deliver(b, 140, i);
        }
        byte[] expected = Arrays.copyOfRange(ts, 0, ts.length);
        assertEquals(0, keyframes.holes(), "one continuous stream");
        assertArrayEquals(Arrays.copyOfRange(expected, ts.length - out.size(), ts.length), out.toByteArray(),
                "byte for byte the broadcast from the first keyframe on: nothing lost, nothing repeated");
        assertEquals(1, splicer.splices()[0]);
    }

    @Test
    void aSuccessorLearnedOfAfterThePredecessorEndedTakesOverAtOnce() {
        int a = splicer.add("b1", 0);
        for (long i = 0; i < 50; i++) {
            deliver(a, 0, i);
        }
        now[0] += 1_500_000_000L; // the metadata poll finds the successor 1.5 s later
        int b = splicer.add("b1", 50);
        assertEquals(b, splicer.activeGeneration());
        for (long i = 0; 50 + i < chunks; i++) {
            deliver(b, 50, i);
        }
        assertEquals(0, keyframes.holes());
        assertArrayEquals(ts, out.toByteArray(), "the whole broadcast, byte for byte");
    }

    @Test
    void anotherBroadcastTakesOverAfterAQuietSpellAtItsNextKeyframeMarkedDiscontinuous() {
        int a = splicer.add("b1", 0);
        for (long i = 0; i < 50; i++) {
            deliver(a, 0, i);
        }
        int b = splicer.add("b2", 0);
        for (long i = 20; i < 60; i++) {
            splicer.onChunk(b, i, chunk(i)); // the new broadcast, joined near its live edge
        }
        now[0] += 1_000_000_000L;
        splicer.tick();
        assertEquals(a, splicer.activeGeneration(), "the predecessor may still be delivering");
        now[0] += 1_500_000_000L;
        splicer.tick();
        assertEquals(b, splicer.activeGeneration());
        assertEquals(1, keyframes.holes(), "a splice: resumed at a keyframe");
        assertEquals(1, splicer.splices()[1]);
    }

    @Test
    void aPredecessorWhoseLastChunksAreLostHandsOverAfterTheQuietSpell() {
        int a = splicer.add("b1", 0);
        for (long i = 0; i < 45; i++) {
            deliver(a, 0, i); // 45..49 never come
        }
        int b = splicer.add("b1", 50);
        for (long i = 0; 50 + i < chunks; i++) {
            deliver(b, 50, i);
        }
        assertEquals(a, splicer.activeGeneration());
        now[0] += 2_500_000_000L;
        splicer.tick();
        assertEquals(b, splicer.activeGeneration());
        assertEquals(1, keyframes.holes(), "the lost chunks are a hole: output resumes at the successor's next keyframe");
        assertTrue(out.size() > 45 * CHUNK, "the successor's chunks went out");
    }

    @Test
    void chunksPastThePredecessorsEndAndFromOlderSwarmsAreNotOutput() {
        int a = splicer.add("b1", 0);
        int b = splicer.add("b1", 10);
        for (long i = 0; i < 10; i++) {
            deliver(a, 0, i);
        }
        splicer.onChunk(a, 10, new byte[CHUNK]); // junk past the seam (a forged chunk would not verify; this one never gets that far)
        for (long i = 0; i < 5; i++) {
            deliver(b, 10, i);
        }
        assertEquals(15 * CHUNK / 188 * 188, out.size(), "15 chunks in whole TS packets");
        assertArrayEquals(Arrays.copyOfRange(ts, 0, out.size()), out.toByteArray(), "the broadcast's own bytes, nothing of the junk");
        assertEquals(b, splicer.activeGeneration());
    }

    @Test
    void aRevocationSwitchesAtOnceAndSkipsWhatWasAlreadyOutput() {
        int a = splicer.add("b1", 0);
        for (long i = 0; i < 30; i++) {
            deliver(a, 0, i);
        }
        // Revoked at chunk 31: the successor begins at the keyframe chunk 25, signed again; the old swarm is not served any more.
        int b = splicer.add("b1", 25, true);
        assertEquals(b, splicer.activeGeneration(), "no waiting for a predecessor nobody serves");
        for (long i = 0; 25 + i < chunks; i++) {
            deliver(b, 25, i);
        }
        assertEquals(0, keyframes.holes());
        assertArrayEquals(ts, out.toByteArray(), "the whole broadcast once, byte for byte: 25..29 not repeated");
        assertEquals(1, splicer.splices()[0]);
    }

    @Test
    void aViewerBehindTheRevocationsSuccessorResumesAtItsKeyframe() {
        int a = splicer.add("b1", 0);
        for (long i = 0; i < 20; i++) {
            deliver(a, 0, i);
        }
        int b = splicer.add("b1", 25, true);
        for (long i = 0; 25 + i < chunks; i++) {
            deliver(b, 25, i);
        }
        assertEquals(b, splicer.activeGeneration());
        assertEquals(1, keyframes.holes(), "chunks 20..24 were never had: a splice, marked, at the next keyframe");
        assertEquals(1, splicer.splices()[1]);
    }
}
