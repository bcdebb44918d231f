package io.seedcast.ppspp.sim;

import java.util.SplittableRandom;

/**
 * One direction of one path: decides, deterministically from its seed, when (and whether, and how often) each datagram
 * arrives. Transport-free: sizes and times in, delivery times out, so the in-process network and the UDP relay share it.
 */
public final class Link {

    private final LinkProfile profile;
    private final SplittableRandom random;
    private boolean inBurst;
    private long busyUntilNanos;
    private long dropped;
    private long delivered;

    public Link(LinkProfile profile, long seed) {
        this.profile = profile;
        this.random = new SplittableRandom(seed);
    }

    /**
     * When a datagram of {@code bytes} sent at {@code now} arrives: an empty array if it is lost, two times if it is
     * duplicated.
     */
    public long[] transit(int bytes, long now) {
        if (lostInBurst() || (profile.loss() > 0 && random.nextDouble() < profile.loss())) {
            dropped++;
            return new long[0];
        }
        long departs = now;
        if (profile.rateBytesPerSecond() > 0) {
            long start = Math.max(now, busyUntilNanos);
            long queued = (start - now) * profile.rateBytesPerSecond() / 1_000_000_000L;
            if (queued + bytes > profile.queueBytes()) {
                dropped++;
                return new long[0];
            }
            busyUntilNanos = start + bytes * 1_000_000_000L / profile.rateBytesPerSecond();
            departs = busyUntilNanos;
        }
        long at = departs + delay();
        if (profile.reorder() > 0 && random.nextDouble() < profile.reorder()) {
            at += 2 * profile.delay().toNanos() + 1_000_000;
        }
        delivered++;
        if (profile.duplicate() > 0 && random.nextDouble() < profile.duplicate()) {
            return new long[] {at, departs + delay()};
        }
        return new long[] {at};
    }

    private long delay() {
        long d = profile.delay().toNanos();
        long j = profile.jitter().toNanos();
        if (j > 0) {
            d += random.nextLong(-j, j + 1);
        }
        return Math.max(0, d);
    }

    /** Gilbert-Elliott: a two-state chain per datagram; everything sent in the bad state is lost. */
    private boolean lostInBurst() {
        if (profile.burstLoss() <= 0) {
            return false;
        }
        double leave = 1 / profile.burstLength();
        // Long-run fraction in the bad state = enter / (enter + leave) = burstLoss.
        double enter = profile.burstLoss() * leave / (1 - profile.burstLoss());
        inBurst = inBurst ? random.nextDouble() >= leave : random.nextDouble() < enter;
        return inBurst;
    }

    public long dropped() {
        return dropped;
    }

    public long delivered() {
        return delivered;
    }
}
