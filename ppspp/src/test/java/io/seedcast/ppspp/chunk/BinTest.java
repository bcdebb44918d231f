package io.seedcast.ppspp.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinTest {

    @Test
    void theTreeOfFigure2() {
        // RFC 7574 §4.2, Figure 2: the bin tree of width 8.
        Bin root = new Bin(7);
        assertEquals(3, root.layer());
        assertEquals(new ChunkRange(0, 7), root.chunks());
        assertEquals(new Bin(3), root.left());
        assertEquals(new Bin(11), root.right());
        assertEquals(new Bin(1), new Bin(3).left());
        assertEquals(new Bin(5), new Bin(3).right());
        assertEquals(new ChunkRange(0, 3), new Bin(3).chunks());
        assertEquals(new ChunkRange(0, 1), new Bin(1).chunks());
        assertEquals(new ChunkRange(1, 1), new Bin(2).chunks());
        for (int c = 0; c < 8; c++) {
            assertEquals(new Bin(2L * c), Bin.chunk(c));
        }
        assertEquals(new Bin(13), new Bin(12).parent());
        assertEquals(new Bin(13), new Bin(14).parent());
        assertEquals(new Bin(11), new Bin(9).parent());
        assertEquals(new Bin(7), new Bin(11).parent());
        assertEquals(new Bin(10), new Bin(8).sibling());
        assertEquals(new Bin(13), new Bin(9).sibling());
        assertEquals(new Bin(3), new Bin(11).sibling());
    }

    @Test
    void parentChildAndSiblingAgreeEverywhere() {
        SplittableRandom r = new SplittableRandom(7574);
        for (int i = 0; i < 100_000; i++) {
            int layer = r.nextInt(0, 40);
            long offset = r.nextLong(0, 1L << 20);
            Bin b = Bin.of(layer, offset);
            assertEquals(layer, b.layer());
            assertEquals(offset, b.layerOffset());
            assertEquals(offset << layer, b.baseOffset());
            assertEquals(1L << layer, b.width());
            Bin p = b.parent();
            assertTrue(p.covers(b));
            assertTrue(p.left().equals(b) || p.right().equals(b));
            assertEquals(p, b.sibling().parent());
            assertFalse(b.covers(b.sibling()));
            assertEquals(b.isLeft(), p.left().equals(b));
            assertEquals(p.value(), (p.left().value() + p.right().value()) / 2);
        }
    }

    @Test
    void specialValues() {
        assertTrue(Bin.NONE.isNone());
        assertFalse(Bin.NONE.covers(Bin.chunk(0)));
        assertEquals(63, Bin.ALL.layer());
        assertTrue(Bin.ALL.covers(Bin.chunk(123_456_789_012L)));
        assertTrue(new Bin(0x7FFF_FFFEL).fits32());
        assertFalse(new Bin(0x1_0000_0000L).fits32());
    }

    @Test
    void leavesHaveNoChildren() {
        assertThrows(IllegalStateException.class, () -> Bin.chunk(4).left());
    }

    @Test
    void rangesDecomposeIntoTheFewestBins() {
        assertEquals(List.of(new Bin(3), new Bin(9), new Bin(12)), new ChunkRange(0, 6).toBins());
        assertEquals(List.of(Bin.chunk(5)), new ChunkRange(5, 5).toBins());
        assertEquals(List.of(Bin.chunk(1), new Bin(5), new Bin(11), Bin.chunk(8)), new ChunkRange(1, 8).toBins());
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            long s = r.nextLong(0, 1_000_000);
            long e = s + r.nextLong(0, 100_000);
            List<Bin> bins = new ChunkRange(s, e).toBins();
            long next = s;
            for (Bin b : bins) {
                assertEquals(next, b.baseOffset());
                next = b.lastChunk() + 1;
            }
            assertEquals(e + 1, next);
            assertTrue(bins.size() <= 2 * 64);
        }
    }

    @Test
    void alignedRangesAreBins() {
        assertEquals(new Bin(11), new ChunkRange(4, 7).toBin());
        assertThrows(IllegalArgumentException.class, () -> new ChunkRange(3, 6).toBin());
        assertEquals(new ChunkRange(192, 223), Bin.of(5, 6).chunks());
    }
}
