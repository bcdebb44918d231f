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

    private final LearnedUplink u = new LearnedUplink();
    private long now;

    /** The uplink carried {@code perSecond} for {@code millis}, then queued: the limit it learned. */
    private long queuedAfter(long perSecond, long millis, long floor) {
        now = deliver(u, perSecond, now, millis);
        u.onQueueing(floor, now);
        return u.limit(now);
    }

    @Test
    void learnsNothingWhileNothingQueues() {
        now = deliver(u, 2_000_000, 0, 5_000);
        assertEquals(0, u.limit(now), "a source that never queued sends as fast as LEDBAT lets it");
    }

    @Test
    void aQueueingUplinkIsLimitedToNineTenthsOfWhatItDelivered() {
        // A 500 KB/s uplink full: that is what the peers acknowledge.
        long limit = queuedAfter(500_000, 3_000, 100_000);
        assertTrue(limit > 430_000 && limit < 470_000, "limit " + limit);
    }

    @Test
    void neverUnderTheStreamsOwnNeed() {
        // Only one viewer yet: 150 KB/s acknowledged when the signal comes, for a stream that needs 250 KB/s with repairs.
        assertEquals(250_000, queuedAfter(150_000, 2_000, 250_000));
    }

    @Test
    void aSignalThatGoesOnIsOneLoweringNotOnePerTick() {
        long first = queuedAfter(500_000, 3_000, 100_000);
        // The queue drains under the limit at the rate it sends: the signal lasts a while, and the delivered rate with it.
        for (int i = 0; i < 100; i++) {
            now = deliver(u, first, now, 5);
            u.onQueueing(100_000, now);
        }
        assertTrue(u.limit(now) >= first * 9 / 10, "limit " + u.limit(now) + " after " + first + ": lowered again within a second");
    }

    @Test
    void growsSlowlyWhileNothingQueuesAndLowersToWhatTheUplinkCarriesWhenItQueuesAgain() {
        long learned = queuedAfter(500_000, 3_000, 100_000);
        // Twenty quiet seconds: about 1 % a second.
        for (int s = 0; s < 20; s++) {
            now = deliver(u, 450_000, now, 1_000);
            u.limit(now);
        }
        long grown = u.limit(now);
        assertTrue(grown > learned * 115 / 100 && grown < learned * 125 / 100, "grew " + learned + " -> " + grown);
        // The uplink carried 480 KB/s when it queued again (it got slower meanwhile).
        long relearned = queuedAfter(480_000, 2_000, 100_000);
        assertTrue(relearned > 420_000 && relearned < 445_000, "relearned " + relearned);
    }

    @Test
    void dropsALimitFarAboveAnythingDelivered() {
        queuedAfter(500_000, 3_000, 100_000);
        // The viewers left: a trickle is acknowledged, and the limit means nothing any more.
        now = deliver(u, 50_000, now, 3_000);
        assertEquals(0, u.limit(now));
    }

    @Test
    void aLimitLearnedWhileTheViewersJoinRisesToWhatTheUplinkCarriesAsTheQueueDrains() {
        // The signal came while the viewers were still joining: 150 KB/s acknowledged so far, so the limit is the floor.
        assertEquals(312_000, queuedAfter(150_000, 1_000, 312_000));
        // The queue drains at what the uplink carries (here 450 KB/s) while the source holds back.
        now = deliver(u, 450_000, now, 1_000);
        long risen = u.limit(now);
        assertTrue(risen > 395_000 && risen < 430_000, "limit " + risen + ": about nine tenths of what the drain showed");
        // Sending under it, nothing queues: it stays there (growing by 1 % a second), not back at the floor.
        now = deliver(u, risen, now, 3_000);
        long later = u.limit(now);
        assertTrue(later >= risen && later < risen * 105 / 100, "limit " + risen + " -> " + later);
    }

    @Test
    void withoutALimitTwoChannelsHalfwayToTheirTargetSayTheUplinkQueuesWhileOneIsInForceItTakesTwoAtTheTarget() {
        // Ten viewers joined while the queue built; those that came later took it for their base delay, so the first
        // ones see a quarter-second queue as 50-70 ms.
        assertTrue(u.queueing(10, 0, 2), "before any limit, two channels of ten halfway to their target");
        assertTrue(!u.queueing(10, 1, 1), "one channel alone at its target is one viewer's own slow downlink");
        assertTrue(!u.queueing(21, 0, 2), "two of twenty-one is under one in ten");
        assertTrue(!u.queueing(10, 0, 1));
        queuedAfter(500_000, 3_000, 100_000);
        // A limit is in force: now it takes two at the target.
        assertTrue(!u.queueing(10, 1, 5), "while a limit is in force, one channel at its target does not lower it");
        assertTrue(!u.queueing(10, 0, 10), "nor channels only halfway there");
        assertTrue(u.queueing(10, 2, 2));
        assertTrue(!u.queueing(30, 2, 2), "two of thirty is under one in ten");
        // The viewers left and the limit was dropped: the next audience's channels set it again as the first did.
        now = deliver(u, 50_000, now, 3_000);
        assertEquals(0, u.limit(now));
        assertTrue(u.queueing(10, 0, 2));
    }
}
