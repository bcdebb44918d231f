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
    static final int INIT_CWND = 4;
    static final long MINUTE_MICROS = 60_000_000L;

    private final int mss;
    private final long targetMicros;
    private double cwnd;
    /** Minimum delay per minute, newest last: the base delay is the minimum over them. */
    private final ArrayDeque<Long> baseDelays = new ArrayDeque<>();
    private long baseMinuteStart = Long.MIN_VALUE;
    private final ArrayDeque<Long> currentDelays = new ArrayDeque<>();
    private long lastLossReaction = Long.MIN_VALUE;

    Ledbat(int mss, long targetMicros) {
        this.mss = mss;
        this.targetMicros = targetMicros;
        this.cwnd = INIT_CWND * (double) mss;
    }

    /** The congestion window in bytes. */
    long window() {
        return (long) cwnd;
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
        double offTarget = (targetMicros - queuing) / (double) targetMicros;
        cwnd += GAIN * offTarget * ackedBytes * mss / cwnd;
        double maxAllowed = flightBytes + (double) ALLOWED_INCREASE * mss;
        cwnd = Math.max(Math.min(cwnd, maxAllowed), MIN_CWND * (double) mss);
    }

    /** A loss: halve the window, at most once per {@code rttMicros}. */
    void onLoss(long nowMicros, long rttMicros) {
        if (lastLossReaction != Long.MIN_VALUE && nowMicros - lastLossReaction < rttMicros) {
            return;
        }
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
