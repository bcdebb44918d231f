package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The upload limit a source learns from its uplink queueing, on deliveries and signals we choose. */
class LearnedUplinkTest {

    static final long MS = 1_000_000L;

    /** Peers acknowledge {@code perSecond} bytes a second, in 10 ms steps, from {@code from} for {@code millis}; returns the end. */
    static long deliver(LearnedUplink u, long perSecond, long from, long millis) {
        long now = from;
        for (long t = 0; t < millis; t += 10) {
            now += 10 * MS;
            u.onDelivered(perSecond / 100, now);
        }
        return now;
    }

    @Test
    void learnsNothingWhileNothingQueues() {
        LearnedUplink u = new LearnedUplink();
        long now = deliver(u, 2_000_000, 0, 5_000);
        assertEquals(0, u.limit(now), "a source that never queued sends as fast as LEDBAT lets it");
    }

    @Test
    void aQueueingUplinkIsLimitedToNineTenthsOfWhatItDelivered() {
        LearnedUplink u = new LearnedUplink();
        // A 500 KB/s uplink full: that is what the peers acknowledge.
        long now = deliver(u, 500_000, 0, 3_000);
        u.onQueueing(100_000, now);
        long limit = u.limit(now);
        assertTrue(limit > 430_000 && limit < 470_000, "limit " + limit);
    }

    @Test
    void neverUnderTheStreamsOwnNeed() {
        LearnedUplink u = new LearnedUplink();
        // Only one viewer yet: 150 KB/s acknowledged when the signal comes, for a stream that needs 250 KB/s with repairs.
        long now = deliver(u, 150_000, 0, 2_000);
        u.onQueueing(250_000, now);
        assertEquals(250_000, u.limit(now));
    }

    @Test
    void aSignalThatGoesOnIsOneLoweringNotOnePerTick() {
        LearnedUplink u = new LearnedUplink();
        long now = deliver(u, 500_000, 0, 3_000);
        u.onQueueing(100_000, now);
        long first = u.limit(now);
        // The queue drains under the limit at the rate it sends: the signal lasts a while, and the delivered rate with it.
        for (int i = 0; i < 100; i++) {
            now = deliver(u, first, now, 5);
            u.onQueueing(100_000, now);
        }
        assertTrue(u.limit(now) >= first * 9 / 10, "limit " + u.limit(now) + " after " + first + ": lowered again within a second");
    }

    @Test
    void growsSlowlyWhileNothingQueuesAndLowersToWhatTheUplinkCarriesWhenItQueuesAgain() {
        LearnedUplink u = new LearnedUplink();
        long now = deliver(u, 500_000, 0, 3_000);
        u.onQueueing(100_000, now);
        long learned = u.limit(now);
        // Twenty quiet seconds: about 1 % a second.
        for (int s = 0; s < 20; s++) {
            now = deliver(u, 450_000, now, 1_000);
            u.limit(now);
        }
        long grown = u.limit(now);
        assertTrue(grown > learned * 115 / 100 && grown < learned * 125 / 100, "grew " + learned + " -> " + grown);
        // The uplink carried 480 KB/s when it queued again (it got slower meanwhile).
        now = deliver(u, 480_000, now, 2_000);
        u.onQueueing(100_000, now);
        long relearned = u.limit(now);
        assertTrue(relearned > 420_000 && relearned < 445_000, "relearned " + relearned);
    }

    @Test
    void dropsALimitFarAboveAnythingDelivered() {
        LearnedUplink u = new LearnedUplink();
        long now = deliver(u, 500_000, 0, 3_000);
        u.onQueueing(100_000, now);
        // The viewers left: a trickle is acknowledged, and the limit means nothing any more.
        now = deliver(u, 50_000, now, 3_000);
        assertEquals(0, u.limit(now));
    }
}
