package io.seedcast.ppspp.engine;

import java.util.ArrayDeque;

/**
 * LEDBAT, the delay-based congestion controller PPSPP runs over UDP: it grows the congestion window
 * while the one-way queuing delay stays under a target and shrinks it as the delay rises, so that
 * peers yield to other traffic on the link. One instance per channel, on the sending side; delay
 * samples come from the receiver's ACKs (RFC 7574 §8.7, §8.15).
 */
// RFC 6817 §2.4.2
final class Ledbat {

    static final int BASE_HISTORY = 10;
    static final int CURRENT_FILTER = 4;
    static final double GAIN = 1.0;
    static final int ALLOWED_INCREASE = 1;
    static final int MIN_CWND = 2;
    /** RFC 6928: ten segments, as TCP starts today; a live viewer joining far away needs the first round trips. */
    static final int INIT_CWND = 10;
    static final long MINUTE_MICROS = 60_000_000L;

    private final int mss;
    private final long targetMicros;
    private double cwnd;
    /** The stream's own need (its rate x RTT, with headroom), under which a live sender's window never goes: 0 for none. */
    private long floor;
    /** Minimum delay per minute, newest last: the base delay is the minimum over them. */
    private final ArrayDeque<Long> baseDelays = new ArrayDeque<>();
    private long baseMinuteStart = Long.MIN_VALUE;
    private final ArrayDeque<Long> currentDelays = new ArrayDeque<>();
    private long lastLossReaction = Long.MIN_VALUE;
    /** Slow start: the window grows by what each ACK acknowledges until the first loss or the delay reaches half the target. */
    private boolean slowStart = true;

    Ledbat(int mss, long targetMicros) {
        this.mss = mss;
        this.targetMicros = targetMicros;
        this.cwnd = INIT_CWND * (double) mss;
    }

    /** The congestion window in bytes. */
    long window() {
        return floor > cwnd && !congested() ? floor : (long) cwnd;
    }

    /**
     * Whether the queue we build is at the target: then the floor gives way. The floor follows the measured RTT, which
     * grows with the queue; holding it there would keep a capped uplink full (a source capped at 500 KB/s sent three
     * times that into its queue), and every viewer's chunks would wait in it.
     */
    boolean congested() {
        return queuingDelay() >= targetMicros;
    }

    /**
     * A live source or seeder knows the rate its stream needs: below rate x RTT a viewer falls behind for good, so no
     * congestion signal takes the window under that (as SRT's live mode sends at the input rate). Slow start begins from
     * it instead of from ten segments: at 200 ms and 6 Mbit/s, ten segments take six round trips to grow to the rate.
     * LEDBAT still governs everything above it: catching up, and yielding what a viewer does not need.
     */
    void floor(long bytes) {
        floor = Math.max(0, bytes);
        if (cwnd < floor && !congested()) {
            cwnd = floor;
        }
    }

    /** Whether the queue we build is at half the target or more. */
    boolean halfwayToTarget() {
        return queuingDelay() >= targetMicros / 2;
    }

    /** Queuing delay now, in microseconds, or -1 before any sample. */
    long queuingDelay() {
        if (currentDelays.isEmpty()) {
            return -1;
        }
        return filteredCurrent() - baseDelay();
    }

    /** An ACK acknowledged {@code ackedBytes} with one-way delay sample {@code delayMicros}; {@code flightBytes} were in flight. */
    void onAck(long delayMicros, long ackedBytes, long flightBytes, long nowMicros) {
        updateBase(delayMicros, nowMicros);
        currentDelays.addLast(delayMicros);
        if (currentDelays.size() > CURRENT_FILTER) {
            currentDelays.removeFirst();
        }
        long queuing = filteredCurrent() - baseDelay();
        double before = cwnd;
        if (slowStart && queuing < targetMicros / 2) {
            cwnd += ackedBytes;
        } else {
            slowStart = false;
            double offTarget = (targetMicros - queuing) / (double) targetMicros;
            if (offTarget >= 0) {
                cwnd += GAIN * offTarget * ackedBytes * mss / cwnd;
            } else {
                // Over target: shrink in proportion to the window, at most by half per window's worth of ACKs (LEDBAT++'s
                // multiplicative decrease). RFC 6817's additive decrease takes hundreds of round trips to drain a large
                // window, the queue it built stays, and live media waits in it.
                cwnd -= Math.min(-GAIN * offTarget, 1) * ackedBytes / 2;
            }
        }
        // RFC 6817 caps cwnd at flight + ALLOWED_INCREASE * MSS. A live sender is application-limited between bursts of
        // requests; capping down there would throw the window away each time the queue drains (RFC 7661). So the cap
        // only stops growth the flight does not use; it never shrinks the window.
        double maxAllowed = flightBytes + (double) ALLOWED_INCREASE * mss;
        if (cwnd > before && cwnd > maxAllowed) {
            cwnd = Math.max(before, maxAllowed);
        }
        cwnd = Math.max(cwnd, MIN_CWND * (double) mss);
    }

    /**
     * A loss: halve the window, at most once per {@code rttMicros}, if the delay says a queue is building. A loss with
     * no queue behind it is the path's own (Wi-Fi, a lossy hop), not congestion: halving there would starve a live
     * stream (at 5 % loss a halving window carries a few dozen KB/s) without relieving anyone.
     * LEDBAT's own signal is delay (RFC 6817 §2.4.2); a queue that overflows shows that delay first.
     */
    void onLoss(long nowMicros, long rttMicros) {
        if (lastLossReaction != Long.MIN_VALUE && nowMicros - lastLossReaction < rttMicros) {
            return;
        }
        long queuing = queuingDelay();
        if (queuing >= 0 && queuing < targetMicros / 4) {
            return;
        }
        slowStart = false;
        lastLossReaction = nowMicros;
        cwnd = Math.max(cwnd / 2, MIN_CWND * (double) mss);
    }

    private void updateBase(long delay, long now) {
        if (baseDelays.isEmpty() || now - baseMinuteStart >= MINUTE_MICROS) {
            baseDelays.addLast(delay);
            baseMinuteStart = now;
            if (baseDelays.size() > BASE_HISTORY) {
                baseDelays.removeFirst();
            }
        } else if (delay < baseDelays.peekLast()) {
            baseDelays.removeLast();
            baseDelays.addLast(delay);
        }
    }

    private long baseDelay() {
        long min = Long.MAX_VALUE;
        for (long d : baseDelays) {
            min = Math.min(min, d);
        }
        return min;
    }

    private long filteredCurrent() {
        long min = Long.MAX_VALUE;
        for (long d : currentDelays) {
            min = Math.min(min, d);
        }
        return min;
    }
}
