package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.wire.Ack;
import io.seedcast.ppspp.wire.Cancel;
import io.seedcast.ppspp.wire.Have;
import io.seedcast.ppspp.wire.Message;
import io.seedcast.ppspp.wire.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Messages as a swarm's chunk addressing can write them. The engine speaks in chunk ranges; under bins (RFC 7574 §4.1,
 * chunk addressing methods 0 and 3) a HAVE, REQUEST, CANCEL or ACK whose range is no single bin goes as one message per
 * bin, the fewest bins that cover the range. Other messages (DATA of one chunk, INTEGRITY and SIGNED_INTEGRITY of a
 * hash tree node) are single bins already.
 *
 * <p>Two things keep that from costing more messages than it must. An ACK grows to the smallest bin around its range
 * where we hold every chunk of that bin (what was ACKed before is ACKed again, which a sender ignores): merged ACKs of
 * two or three chunks would otherwise go as two or three. A HAVE leaves out the bins the peer already holds: the whole
 * run up to our newest chunk, which repairs a lost HAVE, would otherwise go as up to a dozen bins, most of them old.
 */
final class BinSplit {

    private BinSplit() {
    }

    /** {@code messages} as {@code addressing} writes them: the same list where nothing needs splitting. */
    static List<Message> fitted(List<Message> messages, ChunkAddressing addressing) {
        return fitted(messages, addressing, r -> false, r -> false);
    }

    /**
     * As {@link #fitted(List, ChunkAddressing)}, knowing which chunks we hold ({@code weHoldAll}), for ACKs, and which the
     * peer holds ({@code peerHoldsAll}), for HAVEs.
     */
    static List<Message> fitted(List<Message> messages, ChunkAddressing addressing, Predicate<ChunkRange> weHoldAll,
            Predicate<ChunkRange> peerHoldsAll) {
        if (!addressing.isBins() || messages.stream().noneMatch(BinSplit::needsSplit)) {
            return messages;
        }
        List<Message> out = new ArrayList<>(messages.size() + 4);
        for (Message m : messages) {
            if (!needsSplit(m)) {
                out.add(m);
                continue;
            }
            ChunkRange r = range(m);
            if (m instanceof Ack a) {
                Bin around = around(r);
                if (weHoldAll.test(around.chunks())) {
                    out.add(new Ack(around, a.oneWayDelayMicros()));
                    continue;
                }
            }
            for (Bin b : r.toBins()) {
                switch (m) {
                    case Have h -> {
                        if (!peerHoldsAll.test(b.chunks())) {
                            out.add(new Have(b));
                        }
                    }
                    case Request x -> out.add(new Request(b));
                    case Cancel x -> out.add(new Cancel(b));
                    case Ack a -> out.add(new Ack(b, a.oneWayDelayMicros()));
                    default -> throw new IllegalStateException("not a ranged message: " + m);
                }
            }
        }
        return out;
    }

    /** The smallest bin that covers {@code r}. */
    static Bin around(ChunkRange r) {
        int layer = 64 - Long.numberOfLeadingZeros(r.start() ^ r.end());
        return Bin.of(layer, r.start() >>> layer);
    }

    private static boolean needsSplit(Message m) {
        ChunkRange r = range(m);
        return r != null && !r.isBinAligned();
    }

    private static ChunkRange range(Message m) {
        Object spec = switch (m) {
            case Have h -> h.chunks();
            case Request r -> r.chunks();
            case Cancel c -> c.chunks();
            case Ack a -> a.chunks();
            default -> null;
        };
        return spec instanceof ChunkRange r ? r : null;
    }
}
