package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.wire.Have;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The chunks one peer has not been told of yet (RFC 7574 §8.4 HAVE). They go out with the next datagram we send that
 * peer anyway (an ACK, a REQUEST, a DATA), or on their own once {@code interval} has passed since the last HAVE: one
 * datagram per peer per chunk was the largest overhead of a swarm (ten viewers at 2 Mbit/s and 50 ms sent 6.9 datagrams
 * per chunk delivered, most of them HAVE alone, and HAVEs were 8 % of all bytes; now 4.0), and a peer learns of a chunk
 * at most an interval later.
 */
final class PendingHaves {

    private final List<ChunkRange> ranges = new ArrayList<>();
    private long lastSentNanos = Long.MIN_VALUE / 2;

    void add(List<ChunkRange> announced) {
        ranges.addAll(announced);
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether they should go on their own now: none went for {@code intervalNanos}. */
    boolean due(long now, long intervalNanos) {
        return !ranges.isEmpty() && now - lastSentNanos >= intervalNanos;
    }

    /**
     * The HAVEs to send, and forgets them. The whole run up to our newest chunk ({@code run}, may be null) rides along:
     * a HAVE lost on the way is repaired by the next one instead of leaving the peer blind to those chunks for good (one
     * message, whatever its length). What the peer has already ({@code peerHasAll}) is left out.
     */
    List<Have> take(ChunkRange run, Predicate<ChunkRange> peerHasAll, long now) {
        if (ranges.isEmpty()) {
            return List.of();
        }
        List<Have> out = new ArrayList<>(2);
        if (run != null && !peerHasAll.test(run)) {
            out.add(new Have(run));
        }
        for (ChunkRange r : ChunkRange.merge(ranges)) {
            if ((run == null || !run.contains(r)) && !peerHasAll.test(r)) {
                out.add(new Have(r));
            }
        }
        ranges.clear();
        if (!out.isEmpty()) {
            lastSentNanos = now;
        }
        return out;
    }
}
