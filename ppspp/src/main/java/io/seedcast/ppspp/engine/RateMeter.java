package io.seedcast.ppspp.engine;

/** Bytes per second over a sliding span, in two halves (the older half ages out as a whole): cheap, and enough for a rate. */
final class RateMeter {

    private final long half;
    private long currentStart = Long.MIN_VALUE;
    private long current;
    private long previous;

    RateMeter(long spanNanos) {
        this.half = spanNanos / 2;
    }

    void add(long bytes, long now) {
        roll(now);
        current += bytes;
    }

    /** Bytes per second over the last full span (less at the very start, before a span has passed). */
    long perSecond(long now) {
        roll(now);
        long elapsed = Math.max(now - currentStart, 1) + (previous > 0 ? half : 0);
        return (current + previous) * 1_000_000_000L / Math.max(elapsed, half);
    }

    private void roll(long now) {
        if (currentStart == Long.MIN_VALUE) {
            currentStart = now;
        }
        while (now - currentStart >= half) {
            previous = current;
            current = 0;
            currentStart += half;
            if (now - currentStart >= 2 * half) {
                previous = 0;
                currentStart = now;
            }
        }
    }
}
