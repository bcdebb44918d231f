package io.seedcast.ppspp.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinmapTest {

    @Test
    void mergesAdjacentAndOverlappingRuns() {
        Binmap m = new Binmap();
        m.add(new ChunkRange(10, 19));
        m.add(new ChunkRange(30, 39));
        m.add(new ChunkRange(20, 29));
        assertEquals(List.of(new ChunkRange(10, 39)), m.ranges());
        m.add(new ChunkRange(0, 5));
        m.add(new ChunkRange(3, 12));
        assertEquals(List.of(new ChunkRange(0, 39)), m.ranges());
        assertEquals(40, m.count());
    }

    @Test
    void behavesLikeABitSet() {
        SplittableRandom r = new SplittableRandom(42);
        Binmap m = new Binmap();
        BitSet b = new BitSet();
        for (int i = 0; i < 20_000; i++) {
            int s = r.nextInt(0, 5000);
            int e = s + r.nextInt(0, 40);
            if (r.nextInt(4) == 0) {
                m.remove(new ChunkRange(s, e));
                b.clear(s, e + 1);
            } else {
                m.add(new ChunkRange(s, e));
                b.set(s, e + 1);
            }
        }
        assertEquals(b.cardinality(), m.count());
        for (int c = 0; c < 5100; c++) {
            assertEquals(b.get(c), m.contains(c), "chunk " + c);
        }
        assertEquals(b.nextClearBit(100), m.firstMissingFrom(100));
        for (int c : new int[] {0, 100, 2500, 5099}) {
            assertEquals(b.nextSetBit(c) < 0 || b.nextSetBit(c) >= 5100 ? -1 : b.nextSetBit(c), m.firstHeldFrom(c), "first held from " + c);
        }
        long missing = m.missing(new ChunkRange(0, 5099)).stream().mapToLong(ChunkRange::count).sum();
        assertEquals(5100 - b.get(0, 5100).cardinality(), missing);
    }

    @Test
    void aLiveStreamBehindItsWindowStaysOneRun() {
        Binmap m = new Binmap();
        long window = 8192;
        for (long c = 0; c < 2_000_000; c++) {
            m.add(c);
            if (c % 1024 == 0) {
                m.forgetBefore(c - window + 1);
            }
        }
        assertEquals(1, m.runCount());
        assertTrue(m.count() <= window + 1024);
        assertEquals(1_999_999, m.last());
    }

    @Test
    void haveAnnouncesTheBiggestCompleteBin() {
        // RFC 7574 §4.3.1: HAVE carries the biggest complete interval that includes the chunk.
        Binmap m = new Binmap();
        m.add(new ChunkRange(0, 5));
        assertEquals(new Bin(3), m.biggestBinCovering(2));
        assertEquals(new Bin(9), m.biggestBinCovering(5));
        m.add(6);
        m.add(7);
        assertEquals(new Bin(7), m.biggestBinCovering(6));
        assertEquals(Bin.NONE, m.biggestBinCovering(8));
        assertFalse(m.containsAll(new Bin(11).parent().parent()));
    }

    @Test
    void missingListsTheGaps() {
        Binmap m = new Binmap();
        m.add(new ChunkRange(2, 4));
        m.add(new ChunkRange(8, 9));
        assertEquals(List.of(new ChunkRange(0, 1), new ChunkRange(5, 7), new ChunkRange(10, 12)), m.missing(new ChunkRange(0, 12)));
        assertEquals(List.of(), m.missing(new ChunkRange(3, 4)));
    }
}
