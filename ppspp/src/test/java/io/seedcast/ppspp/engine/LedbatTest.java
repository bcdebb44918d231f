package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** LEDBAT's behaviour as RFC 6817 §2.4.2 describes it, on delay samples we choose. */
class LedbatTest {

    static final int MSS = 1472;

    @Test
    void growsWhileQueuingDelayStaysUnderTarget() {
        Ledbat l = new Ledbat(MSS, 100_000);
        long start = l.window();
        long now = 0;
        for (int i = 0; i < 200; i++) {
            // A constant one-way delay: base and current are equal, no queue.
            l.onAck(5_000, MSS, l.window(), now += 1000);
        }
        assertTrue(l.window() > start * 4, "window " + l.window() + " from " + start);
        assertEquals(0, l.queuingDelay());
    }

    @Test
    void aQueueHalfwayToTheTargetIsHalfwayButNotAtIt() {
        Ledbat l = new Ledbat(MSS, 100_000);
        assertTrue(!l.halfwayToTarget() && !l.congested(), "no sample, no queue");
        long now = 0;
        for (int i = 0; i < 10; i++) {
            l.onAck(5_000, MSS, l.window(), now += 1000);
        }
        for (int i = 0; i < 10; i++) {
            l.onAck(5_000 + 60_000, MSS, l.window(), now += 1000);
        }
        assertTrue(l.halfwayToTarget() && !l.congested(), "60 ms of queue, 100 ms target: " + l.queuingDelay());
        for (int i = 0; i < 10; i++) {
            l.onAck(5_000 + 40_000, MSS, l.window(), now += 1000);
        }
        assertTrue(!l.halfwayToTarget(), "40 ms of queue: " + l.queuingDelay());
    }

    @Test
    void shrinksWhenTheQueueExceedsTheTarget() {
        Ledbat l = new Ledbat(MSS, 100_000);
        long now = 0;
        for (int i = 0; i < 200; i++) {
            l.onAck(5_000, MSS, l.window(), now += 1000);
        }
        long grown = l.window();
        for (int i = 0; i < 400; i++) {
            // 300 ms of queue on top of the 5 ms base, three times the target, for two windows' worth of ACKs.
            l.onAck(305_000, MSS, l.window(), now += 1000);
        }
        assertEquals(300_000, l.queuingDelay());
        assertTrue(l.window() < grown / 2, "window " + l.window() + " after growing to " + grown);
        assertTrue(l.window() >= Ledbat.MIN_CWND * MSS);
    }

    @Test
    void anApplicationLimitedSenderDoesNotInflateItsWindow() {
        Ledbat l = new Ledbat(MSS, 100_000);
        long now = 0;
        for (int i = 0; i < 1000; i++) {
            // Only one datagram ever in flight: the window may not run away (RFC 6817 §2.4.2, max_allowed_cwnd), nor is
            // it thrown away (RFC 7661): it stays where it started.
            l.onAck(5_000, MSS, MSS, now += 1000);
        }
        assertEquals(Ledbat.INIT_CWND * MSS, l.window(), "window " + l.window());
    }

    @Test
    void lossHalvesAtMostOncePerRoundTrip() {
        Ledbat l = new Ledbat(MSS, 100_000);
        long now = 0;
        for (int i = 0; i < 200; i++) {
            l.onAck(5_000, MSS, l.window(), now += 1000);
        }
        for (int i = 0; i < 4; i++) {
            // A queue of 30 ms builds (over a quarter of the target): a loss now is congestion.
            l.onAck(35_000, MSS, l.window(), now += 1000);
        }
        long before = l.window();
        l.onLoss(now, 50_000);
        l.onLoss(now + 10_000, 50_000);
        assertEquals(before / 2, l.window(), 1);
        l.onLoss(now + 60_000, 50_000);
        assertEquals(before / 4, l.window(), 2);
    }

    @Test
    void aLossWithNoQueueBehindItLeavesTheWindowAlone() {
        Ledbat l = new Ledbat(MSS, 100_000);
        long now = 0;
        for (int i = 0; i < 200; i++) {
            l.onAck(5_000, MSS, l.window(), now += 1000);
        }
        long before = l.window();
        // Random loss on a lossy hop (Wi-Fi): the delay shows no queue, so it is not congestion.
        l.onLoss(now, 50_000);
        assertEquals(before, l.window());
    }

    @Test
    void aLiveStreamsOwnRateIsAFloorThatGivesWayOnlyToItsOwnQueue() {
        Ledbat l = new Ledbat(MSS, 100_000);
        long need = 6_000_000 / 8 * 200 / 1000 * 5 / 4; // 6 Mbit/s x 200 ms, with a quarter of headroom
        l.floor(need);
        assertEquals(need, l.window(), "slow start begins at the stream's need, not at ten segments");
        long now = 0;
        for (int i = 0; i < 20; i++) {
            l.onAck(5_000, MSS, l.window(), now += 1000); // the path's base delay
        }
        assertTrue(l.window() > need, "it grows above the floor while there is no queue");
        for (int i = 0; i < 2000; i++) {
            l.onAck(5_000, MSS, l.window(), now += 1000);
            l.onLoss(now, 200_000); // loss with no queue behind it: the path's own (Wi-Fi), not congestion
        }
        assertTrue(l.window() >= need, "random loss never takes a live stream under its own rate");
        for (int i = 0; i < 2000; i++) {
            l.onAck(5_000 + 250_000, MSS, l.window(), now += 1000); // then a queue far over target: the uplink is full
            l.onLoss(now, 200_000);
        }
        assertTrue(l.window() < need / 10,
                "the floor gives way to our own queue, or a capped uplink stays full of what every viewer waits for: " + l.window());
        for (int i = 0; i < Ledbat.CURRENT_FILTER; i++) {
            l.onAck(5_000, MSS, l.window(), now += 1000);
        }
        assertEquals(need, l.window(), "the queue drained: the stream's rate is back at once, not a slow climb");
    }

    @Test
    void theRateMeterMeasuresOverItsSpan() {
        RateMeter m = new RateMeter(2_000_000_000L);
        long t = 0;
        for (int i = 0; i < 3000; i++) {
            m.add(1024, t += 1_000_000); // 1024 bytes a millisecond for 3 s
        }
        assertEquals(1_024_000, m.perSecond(t), 30_000);
        assertEquals(0, m.perSecond(t + 5_000_000_000L), "silence ages it out");
    }
}
