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

/**
 * Messages as a swarm's chunk addressing can write them. The engine speaks in chunk ranges; under bins (RFC 7574 §4.1,
 * chunk addressing methods 0 and 3) a HAVE, REQUEST, CANCEL or ACK whose range is no single bin goes as one message per
 * bin, the fewest bins that cover the range. Other messages (DATA of one chunk, INTEGRITY and SIGNED_INTEGRITY of a
 * hash tree node) are single bins already.
 */
final class BinSplit {

    private BinSplit() {
    }

    /** {@code messages} as {@code addressing} writes them: the same list where nothing needs splitting. */
    static List<Message> fitted(List<Message> messages, ChunkAddressing addressing) {
        if (!addressing.isBins() || messages.stream().noneMatch(BinSplit::needsSplit)) {
            return messages;
        }
        List<Message> out = new ArrayList<>(messages.size() + 4);
        for (Message m : messages) {
            if (!needsSplit(m)) {
                out.add(m);
                continue;
            }
            for (Bin b : range(m).toBins()) {
                out.add(switch (m) {
                    case Have h -> new Have(b);
                    case Request r -> new Request(b);
                    case Cancel c -> new Cancel(b);
                    case Ack a -> new Ack(b, a.oneWayDelayMicros());
                    default -> throw new IllegalStateException("not a ranged message: " + m);
                });
            }
        }
        return out;
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
