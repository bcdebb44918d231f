package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.Binmap;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.wire.Ack;
import io.seedcast.ppspp.wire.Cancel;
import io.seedcast.ppspp.wire.Datagram;
import io.seedcast.ppspp.wire.DatagramCodec;
import io.seedcast.ppspp.wire.DecodeResult;
import io.seedcast.ppspp.wire.Have;
import io.seedcast.ppspp.wire.Integrity;
import io.seedcast.ppspp.wire.Message;
import io.seedcast.ppspp.wire.Request;
import io.seedcast.ppspp.wire.WireContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's chunk ranges written under 32-bit bins (RFC 7574 §4.1): what a peer that speaks bins receives. */
class BinSplitTest {

    static ChunkRange r(long a, long b) {
        return new ChunkRange(a, b);
    }

    @Test
    void aRangeThatIsNoSingleBinGoesAsTheFewestBinsThatCoverItAndNothingElseChanges() {
        Integrity uncle = new Integrity(r(6, 7), Bytes.of(new byte[32]));
        List<Message> out = BinSplit.fitted(List.of(new Have(r(5, 12)), uncle, new Ack(r(3, 4), 250), new Request(r(8, 15)),
                new Cancel(r(1, 2))), ChunkAddressing.BINS_32);
        assertEquals(List.of(
                new Have(Bin.chunk(5)), new Have(Bin.of(1, 3)), new Have(Bin.of(2, 2)), new Have(Bin.chunk(12)),
                uncle,
                new Ack(Bin.chunk(3), 250), new Ack(Bin.chunk(4), 250),
                new Request(r(8, 15)),
                new Cancel(Bin.chunk(1)), new Cancel(Bin.chunk(2))), out);
        // What the peer decodes covers the same chunks, each once.
        WireContext bins = WireContext.DEFAULT.withAddressing(ChunkAddressing.BINS_32);
        DecodeResult d = DatagramCodec.decode(DatagramCodec.encode(new Datagram(7, out), bins), bins);
        List<ChunkRange> haves = new ArrayList<>();
        for (Message m : ((DecodeResult.Decoded) d).datagram().messages()) {
            if (m instanceof Have h) {
                haves.add(((Bin) h.chunks()).chunks());
            }
        }
        assertEquals(List.of(r(5, 12)), ChunkRange.merge(haves));
    }

    @Test
    void anAckGrowsToTheBinAroundItWhereWeHoldItAllAndAHaveLeavesOutWhatThePeerHolds() {
        // We hold chunks 0..12; the peer holds 0..7. An ACK of 5..7 goes as one ACK of 4..7 (4 was ACKed before); one of
        // 11..12 as 11 and 12, as the bin around them, 8..15, has chunks we lack. The HAVE of 0..12 leaves out 0..7.
        Binmap ours = new Binmap();
        ours.add(r(0, 12));
        Binmap peers = new Binmap();
        peers.add(r(0, 7));
        List<Message> out = BinSplit.fitted(List.of(new Ack(r(5, 7), 90), new Ack(r(11, 12), 80), new Have(r(0, 12))),
                ChunkAddressing.BINS_32, ours::containsAll, peers::containsAll);
        assertEquals(List.of(new Ack(Bin.of(2, 1), 90), new Ack(Bin.chunk(11), 80), new Ack(Bin.chunk(12), 80),
                new Have(Bin.of(2, 2)), new Have(Bin.chunk(12))), out);
        assertEquals(Bin.of(3, 0), BinSplit.around(r(3, 4)));
        assertEquals(Bin.chunk(9), BinSplit.around(r(9, 9)));
    }

    @Test
    void underChunkRangesOrWhereEveryRangeIsABinTheListIsLeftAsItIs() {
        List<Message> ranges = List.of(new Have(r(5, 12)), new Ack(r(3, 4), 1));
        assertSame(ranges, BinSplit.fitted(ranges, ChunkAddressing.CHUNK_RANGES_32));
        List<Message> aligned = List.of(new Have(r(0, 31)), new Request(r(32, 63)), new Ack(r(9, 9), 1));
        assertSame(aligned, BinSplit.fitted(aligned, ChunkAddressing.BINS_32));
        assertTrue(BinSplit.fitted(List.of(), ChunkAddressing.BINS_32).isEmpty());
    }
}
