package io.seedcast.ppspp.engine;

import java.util.Arrays;

/**
 * The upload limit a source learns when nobody declared its uplink: when its channels say the uplink queues, the limit
 * becomes nine tenths of the most the peers acknowledged in a second over the last two seconds, what a standing queue
 * lets through (BBR's bottleneck-bandwidth estimate, draft-ietf-ccwg-bbr). The queue drains under it, and the engine then
 * works as with a declared limit: each chunk leaves about once, the viewers pass it on. Without a queueing signal the
 * limit grows by {@link #GROWTH_PER_SECOND}, so an uplink that got faster (or a signal that was another's queue) is found
 * again; far above anything delivered it is dropped.
 *
 * <p>Why not LEDBAT alone: each channel measures its own base delay, and a viewer that joins while the queue stands takes
 * the queue as its base (LEDBAT's latecomer problem). Ten viewers at 200 ms behind an uplink twice the stream got 38 % of
 * their chunks in order. Under a learned limit the queue is empty, so viewers joining later measure the path, not the
 * queue.
 */
final class LearnedUplink {

    /** The share of the delivered rate the limit takes. */
    static final double SHARE = 0.9;
    /** How fast the limit grows while nothing queues. */
    static final double GROWTH_PER_SECOND = 0.01;
    /** The limit is not lowered again within this time of the last lowering: the queue takes that long to show it drained. */
    static final long REACTION_NANOS = 1_000_000_000L;
    /** No signal for this long before the limit grows. */
    static final long QUIET_NANOS = 1_000_000_000L;
    /** Over this many times the delivered rate, the limit holds nothing back and is dropped. */
    static final int DROP_FACTOR = 4;
    /** At least one busy channel in this many at its delay target, for the uplink to count as queueing. */
    static final int QUEUEING_SHARE = 10;
    private static final long SLOT_NANOS = 500_000_000L;
    private static final int SLOTS = 4;

    private final RateMeter delivered = new RateMeter(1_000_000_000L);
    /** The highest delivered rate per half second, the last {@link #SLOTS}. */
    private final long[] slotMax = new long[SLOTS];
    private long slotStart = Long.MIN_VALUE;
    private int slot;
    private double limit;
    private long lastLowered = Long.MIN_VALUE / 2;
    private long lastSignal = Long.MIN_VALUE / 2;
    private long lastGrowth;

    /**
     * Whether the uplink queues, from its busy channels ({@code busy}: with chunks in flight), how many of them have LEDBAT
     * at its delay target ({@code atTarget}) and how many at half of it or more ({@code halfway}, those at the target
     * too). While a limit is in force: two at the target, and at least one in {@link #QUEUEING_SHARE}; one viewer whose
     * own downlink queues must not lower the limit again and again. Without one, two halfway to the target (and one in
     * {@link #QUEUEING_SHARE}): the viewers that join while the queue builds take it for their base delay (LEDBAT's
     * latecomer problem) and see only what it grows after, so the first channels see a quarter-second queue as 50-70 ms
     * for a few hundred milliseconds, while it drops chunks. Behind an uplink twice the stream, ten viewers at 200 ms:
     * the queue stood at 250 ms 1.7 s into the run (full: it drops what comes), three channels were halfway 1.8 s in,
     * the first reached its target at 2.0 s. Not one channel alone: one viewer on a slow downlink would set a limit that
     * then binds, and a viewer beside it stalled 2.6 s. The limit learned that early, from little delivered, is raised
     * as the queue drains ({@link #limit}).
     */
    boolean queueing(int busy, int atTarget, int halfway) {
        if (limit == 0) {
            return halfway >= 2 && halfway * QUEUEING_SHARE >= busy;
        }
        return atTarget >= 2 && atTarget * QUEUEING_SHARE >= busy;
    }

    /** Peers acknowledged {@code bytes} of chunk payload. */
    void onDelivered(long bytes, long now) {
        delivered.add(bytes, now);
        roll(now);
        slotMax[slot] = Math.max(slotMax[slot], delivered.perSecond(now));
    }

    /**
     * The uplink queues now; true if that set or lowered the limit. {@code floor}: the least the limit may be (the stream's
     * own rate with room for repairs): under it no viewer gets the stream at all, whatever the uplink.
     */
    boolean onQueueing(long floor, long now) {
        lastSignal = now;
        if (now - lastLowered < REACTION_NANOS) {
            return false;
        }
        long max = maxDelivered(now);
        double next = Math.max(floor, max * SHARE);
        if (max > 0 && (limit == 0 || next < limit)) {
            limit = next;
            lastLowered = now;
            lastGrowth = now;
            return true;
        }
        return false;
    }

    /**
     * Bytes of chunk payload per second the engine may send now, 0 for no limit learned. Never under nine tenths of the most
     * the peers acknowledged in a second over the last two: a limit learned while the viewers were still joining (little
     * delivered yet, so the stream's own rate) rises as the queue drains, since it drains at what the uplink carries. At
     * 200 ms with ten viewers a limit of 327 KB/s rose to 383 KB/s of a 500 KB/s uplink, half a second later.
     */
    long limit(long now) {
        if (limit == 0) {
            return 0;
        }
        limit = Math.max(limit, maxDelivered(now) * SHARE);
        if (now - lastSignal >= QUIET_NANOS && now > lastGrowth) {
            limit += limit * GROWTH_PER_SECOND * (now - lastGrowth) / 1e9;
            lastGrowth = now;
            if (limit > DROP_FACTOR * Math.max(maxDelivered(now), 1)) {
                limit = 0;
            }
        } else {
            lastGrowth = now;
        }
        return (long) limit;
    }

    /** The most the peers acknowledged in a second over the last two seconds. */
    private long maxDelivered(long now) {
        roll(now);
        long max = 0;
        for (long m : slotMax) {
            max = Math.max(max, m);
        }
        return max;
    }

    private void roll(long now) {
        if (slotStart == Long.MIN_VALUE) {
            slotStart = now;
        }
        while (now - slotStart >= SLOT_NANOS) {
            slotStart += SLOT_NANOS;
            slot = (slot + 1) % SLOTS;
            slotMax[slot] = 0;
            if (now - slotStart >= SLOTS * SLOT_NANOS) {
                slotStart = now;
                Arrays.fill(slotMax, 0);
            }
        }
    }
}
