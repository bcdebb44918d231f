package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.chunk.Binmap;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.wire.Have;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a peer is told of our chunks, and when (RFC 7574 §8.4). */
class PendingHavesTest {

    static final long MS = 1_000_000;

    static ChunkRange r(long a, long b) {
        return new ChunkRange(a, b);
    }

    @Test
    void newChunksWaitForTheIntervalThenGoAsFewRangesAsTheyMake() {
        PendingHaves p = new PendingHaves();
        assertFalse(p.due(0, 20 * MS), "nothing to tell");
        p.add(List.of(r(10, 10)));
        assertTrue(p.due(0, 20 * MS), "the first goes at once");
        Binmap peer = new Binmap();
        assertEquals(List.of(new Have(r(0, 10))), p.take(r(0, 10), peer::containsAll, 0), "the whole run up to the newest");
        // Three more chunks within the interval wait, then go as one run.
        p.add(List.of(r(11, 11)));
        p.add(List.of(r(12, 12)));
        assertFalse(p.due(10 * MS, 20 * MS));
        p.add(List.of(r(13, 13)));
        assertTrue(p.due(20 * MS, 20 * MS));
        assertEquals(List.of(new Have(r(0, 13))), p.take(r(0, 13), peer::containsAll, 20 * MS));
        assertTrue(p.isEmpty());
    }

    @Test
    void chunksAheadOfAHoleGoAsTheirOwnRangesAndWhatThePeerHasIsLeftOut() {
        PendingHaves p = new PendingHaves();
        Binmap peer = new Binmap();
        peer.add(r(0, 9));
        // We have 0..9 and 12, 14, 15 (13 and 10..11 missing); the peer has 0..9 already.
        p.add(List.of(r(12, 12)));
        p.add(List.of(r(15, 15), r(14, 14)));
        assertEquals(List.of(new Have(r(14, 15)), new Have(r(12, 12))), p.take(r(14, 15), peer::containsAll, 0));
        // Nothing left that the peer lacks: nothing to send, and the interval does not restart.
        p.add(List.of(r(5, 5)));
        assertEquals(List.of(), p.take(r(0, 9), peer::containsAll, MS));
        p.add(List.of(r(16, 16)));
        assertFalse(p.due(19 * MS, 20 * MS));
        assertTrue(p.due(20 * MS, 20 * MS), "20 ms after the last HAVE that went, at 0: the empty take at 1 ms sent none");
    }
}
