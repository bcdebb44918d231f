package io.seedcast.ppspp.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import io.seedcast.ppspp.chunk.ChunkRange;

/**
 * The sending side of one channel: the chunks sent and not yet acknowledged, the round-trip time and retransmission
 * timeout estimated from their ACKs (RFC 6298), and the LEDBAT window that bounds what may be in flight (RFC 6817). A
 * chunk unacknowledged after the RTO counts as lost: it leaves the flight and LEDBAT halves its window.
 */
// RFC 7574 §8.7, §8.15; RFC 6298 §2, §3; RFC 6817 §2.4.2
final class SendState {

    /** RFC 6298 §2.1: the RTO before any sample. */
    static final long INITIAL_RTO_NANOS = 1_000_000_000L;
    /**
     * RFC 6298 §2.4 asks for at least 1 s; for live media that is a whole second of a viewer's buffer, so we floor at
     * 200 ms as Linux TCP does. A late ACK after that costs one halving of the window, not a stall.
     */
    static final long MIN_RTO_NANOS = 200_000_000L;
    static final long MAX_RTO_NANOS = 3_000_000_000L;

    /** {@code resent}: a second copy (asked again, or sent again by {@link #lostRepeats}); its ACK gives no RTT sample. */
    private record Sent(long atNanos, int bytes, boolean resent) {
    }

    private final LinkedHashMap<Long, Sent> inflight = new LinkedHashMap<>();
    /** The same chunks by index, to ask whether any lies under a hash tree node. */
    private final NavigableSet<Long> inflightChunks = new TreeSet<>();
    private long inflightBytes;
    private final RttEstimator rtt = new RttEstimator();
    /** The shortest ACK round trip seen: the path without our own queue in it. */
    private long minRttNanos = Long.MAX_VALUE;
    private long latestRttNanos;
    private long rtoNanos = INITIAL_RTO_NANOS;
    /** When the last-sent chunk the peer acknowledged was sent: what was sent before it and is not acknowledged may be lost. */
    private long ackedSentAt = Long.MIN_VALUE;
    /** Chunks {@link #lostRepeats} took out of flight, until they go out again. */
    private final Set<Long> repeating = new HashSet<>();
    /** Chunks that left the flight unacknowledged (lost, or asked again), the newest {@link #GONE_KEPT}: a copy that goes now is a second one. */
    private final LinkedHashSet<Long> gone = new LinkedHashSet<>();
    private static final int GONE_KEPT = 4096;
    final Ledbat ledbat;

    SendState(Ledbat ledbat) {
        this.ledbat = ledbat;
    }

    /** Whether the window leaves room for another datagram of {@code mss} bytes (one is always allowed in flight). */
    boolean windowOpen(int mss) {
        return inflightBytes < Math.max(ledbat.window(), mss);
    }

    void onSent(long chunk, int bytes, long now) {
        Sent before = inflight.remove(chunk);
        if (before != null) {
            inflightBytes -= before.bytes();
        }
        boolean repeated = repeating.remove(chunk);
        boolean again = gone.remove(chunk);
        inflight.put(chunk, new Sent(now, bytes, before != null || again || repeated));
        inflightChunks.add(chunk);
        inflightBytes += bytes;
    }

    /** An ACK for {@code chunk}: the bytes it takes out of flight (0 if it was not in flight). */
    long onAcked(long chunk, long now) {
        Sent s = inflight.remove(chunk);
        if (s == null) {
            return 0;
        }
        inflightChunks.remove(chunk);
        inflightBytes -= s.bytes();
        ackedSentAt = Math.max(ackedSentAt, s.atNanos());
        if (!s.resent()) {
            // Karn's rule (RFC 6298 §3): no sample from a chunk sent twice, its ACK is ambiguous.
            sample(now - s.atNanos());
        }
        return s.bytes();
    }

    /** Feeds LEDBAT an ACK's one-way delay for {@code ackedBytes} (RFC 7574 §8.7). */
    void onDelaySample(long oneWayDelayMicros, long ackedBytes, long nowMicros) {
        if (ackedBytes > 0) {
            ledbat.onAck(oneWayDelayMicros, ackedBytes, inflightBytes + ackedBytes, nowMicros);
        }
    }

    /** Takes what has been in flight longer than the RTO out of flight as lost; returns how many. */
    int expire(long now, long nowMicros) {
        int n = 0;
        for (Iterator<Map.Entry<Long, Sent>> it = inflight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Sent> e = it.next();
            Sent s = e.getValue();
            if (now - s.atNanos() <= rtoNanos) {
                break; // sent in order: the rest are younger
            }
            if (s.resent() && now - s.atNanos() < repeatThresholdNanos()) {
                continue; // an answer to a repeated request: lostRepeats sends it again if it is lost
            }
            it.remove();
            inflightChunks.remove(e.getKey());
            inflightBytes -= s.bytes();
            wentUnacknowledged(e.getKey());
            n++;
        }
        if (n > 0) {
            ledbat.onLoss(nowMicros, srttMicros());
        }
        return n;
    }

    /**
     * The stream this channel carries needs {@code bytesPerSecond}: once the RTT is measured, the window stays at least
     * that rate x RTT, with a quarter of headroom for repairs (see {@link Ledbat#floor}). The RTT is the shortest seen:
     * the smoothed one grows with the queue the floor itself builds, and would raise the floor after it.
     */
    void streamRate(long bytesPerSecond) {
        if (rtt.hasSample() && bytesPerSecond > 0) {
            ledbat.floor(bytesPerSecond * (minRttNanos / 1000) / 1_000_000 * 5 / 4);
        }
    }

    /**
     * Chunks we sent again because the peer asked again, and that are lost again: a chunk sent after one was acknowledged,
     * and 9/8 of the round trip has passed (RFC 9002 §6.1.2, QUIC's time threshold). They leave
     * the flight, without a LEDBAT reaction (as when the peer asks again), to be sent again at once.
     *
     * <p>The first loss of a chunk the peer sees itself, when later chunks arrive, and asks again, perhaps of another
     * holder. The loss of that answer it cannot see: the later chunks are there already, and only its timeout tells it,
     * one RTO after asking, and the new request takes another half round trip to reach us. We see the ACKs of what we sent
     * after it, and send it again a round trip after it left. At 200 ms and 5 % loss, one chunk in ten thousand failed
     * four times in a row, at about 325 ms a try: a stall of over a second behind a 1 s playout buffer.
     */
    List<Long> lostRepeats(long now) {
        if (!rtt.hasSample() || ackedSentAt == Long.MIN_VALUE) {
            return List.of();
        }
        long threshold = repeatThresholdNanos();
        List<Long> lost = null;
        for (Iterator<Map.Entry<Long, Sent>> it = inflight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Sent> e = it.next();
            Sent s = e.getValue();
            if (s.atNanos() >= ackedSentAt || now - s.atNanos() < threshold) {
                break; // sent in order: the rest were sent later
            }
            if (!s.resent()) {
                continue; // the peer sees this loss itself (see above)
            }
            it.remove();
            inflightChunks.remove(e.getKey());
            inflightBytes -= s.bytes();
            repeating.add(e.getKey());
            if (lost == null) {
                lost = new ArrayList<>(2);
            }
            lost.add(e.getKey());
        }
        if (repeating.size() > 4096) {
            repeating.clear(); // chunks that never went out again (gone from the window): forget them
        }
        return lost == null ? List.of() : lost;
    }

    /**
     * How long an answer to a repeated request stays in flight before it counts as lost, when something sent after it was
     * acknowledged: 9/8 of the round trip, and no less than SRTT + 4 RTTVAR. Past the RTO, which with a steady path is
     * hardly above the RTT (many chunks an RTT each bring a sample, and RTTVAR shrinks to the jitter between them): the ACKs
     * of the chunks sent just after it come about then. Not less than the unfloored RTO: where the jitter is large against
     * the RTT (20 ms ± 10 ms), ACKs overtake each other, and 9/8 alone sent copies that were on their way.
     */
    private long repeatThresholdNanos() {
        return Math.max(Math.max(rtt.srtt(), latestRttNanos) * 9 / 8, rtt.srtt() + 4 * rtt.rttvar());
    }

    /**
     * Whether a request for {@code chunk} arriving now is the second copy of one we answered: the copy we sent left less
     * than {@code windowNanos} ago (the spacing of the two copies and the jitter between them, see
     * {@code LivePicker.Orders#request}), and less than the shortest round trip, so the peer asked before it could have seen
     * it. Answering would send the chunk twice: ten viewers 200 ms away sent 1.35 bytes per byte delivered instead of 1.24.
     * Not for a longer time: a request that crossed an older copy comes from the peer's timeout, and if that copy is lost
     * too, ignoring it cost the peer another retry (ten viewers at 6 Mbit/s fell from 99.93 to 99.82 % in order).
     */
    boolean crossed(long chunk, long now, long windowNanos) {
        Sent s = inflight.get(chunk);
        return s != null && rtt.hasSample() && now - s.atNanos() < Math.min(windowNanos, minRttNanos);
    }

    /** The peer asks again for a chunk we sent: that copy is gone; it leaves the flight (no loss reaction, the peer told us). */
    void forget(long chunk) {
        Sent s = inflight.remove(chunk);
        if (s != null) {
            inflightChunks.remove(chunk);
            inflightBytes -= s.bytes();
            wentUnacknowledged(chunk);
        }
    }

    private void wentUnacknowledged(long chunk) {
        gone.add(chunk);
        if (gone.size() > GONE_KEPT) {
            gone.removeFirst();
        }
    }

    /** Whether {@code chunk} went to the peer before and was not acknowledged: a copy sent now is a second one. */
    boolean sentBefore(long chunk) {
        return inflight.containsKey(chunk) || gone.contains(chunk) || repeating.contains(chunk);
    }

    /** Whether a chunk of {@code r} is on its way to the peer. */
    boolean anyInFlight(ChunkRange r) {
        Long c = inflightChunks.ceiling(r.start());
        return c != null && c <= r.end();
    }

    /** The handshake's round trip, before any ACK: the first RTT sample (RFC 6298 §2.2), as QUIC takes its Initials'. */
    void handshakeRtt(long nanos) {
        if (nanos > 0 && !rtt.hasSample()) {
            sample(nanos);
        }
    }

    private void sample(long sample) {
        rtt.sample(sample);
        latestRttNanos = sample;
        minRttNanos = Math.min(minRttNanos, Math.max(sample, 1));
        rtoNanos = Math.min(MAX_RTO_NANOS, Math.max(MIN_RTO_NANOS, rtt.srtt() + 4 * rtt.rttvar()));
    }

    /** The smoothed RTT in microseconds, 100 ms before the first sample. */
    long srttMicros() {
        return rtt.hasSample() ? rtt.srtt() / 1000 : 100_000;
    }

    /** The shortest round trip seen (the handshake's or an ACK's), -1 before any. */
    long minRttNanos() {
        return minRttNanos == Long.MAX_VALUE ? -1 : minRttNanos;
    }

    long rtoNanos() {
        return rtoNanos;
    }

    long inflightBytes() {
        return inflightBytes;
    }
}
