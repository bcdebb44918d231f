package io.seedcast.ppspp.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableSet;
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

    private record Sent(long atNanos, int bytes, boolean resent) {
    }

    private final LinkedHashMap<Long, Sent> inflight = new LinkedHashMap<>();
    /** The same chunks by index, to ask whether any lies under a hash tree node. */
    private final NavigableSet<Long> inflightChunks = new TreeSet<>();
    private long inflightBytes;
    private final RttEstimator rtt = new RttEstimator();
    /** The shortest ACK round trip seen: the path without our own queue in it. */
    private long minRttNanos = Long.MAX_VALUE;
    private long rtoNanos = INITIAL_RTO_NANOS;
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
        inflight.put(chunk, new Sent(now, bytes, before != null));
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
            it.remove();
            inflightChunks.remove(e.getKey());
            inflightBytes -= s.bytes();
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

    /** The peer asks again for a chunk we sent: that copy is gone; it leaves the flight (no loss reaction, the peer told us). */
    void forget(long chunk) {
        Sent s = inflight.remove(chunk);
        if (s != null) {
            inflightChunks.remove(chunk);
            inflightBytes -= s.bytes();
        }
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
        minRttNanos = Math.min(minRttNanos, Math.max(sample, 1));
        rtoNanos = Math.min(MAX_RTO_NANOS, Math.max(MIN_RTO_NANOS, rtt.srtt() + 4 * rtt.rttvar()));
    }

    /** The smoothed RTT in microseconds, 100 ms before the first sample. */
    long srttMicros() {
        return rtt.hasSample() ? rtt.srtt() / 1000 : 100_000;
    }

    long rtoNanos() {
        return rtoNanos;
    }

    long inflightBytes() {
        return inflightBytes;
    }
}
