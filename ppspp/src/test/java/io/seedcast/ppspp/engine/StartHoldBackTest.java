package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StartHoldBackTest {

    private static final long MS = 1_000_000L;

    @Test
    void aFirstChunkSignedHalfASecondAgoTwoHundredMillisecondsFromTheSeederWaitsUntilItIsFourRoundTripsOld() {
        assertEquals(300 * MS, StartHoldBack.remaining(500 * MS, 0, 200 * MS));
        assertEquals(0, StartHoldBack.remaining(800 * MS, 0, 200 * MS), "four round trips old: it goes");
        assertEquals(0, StartHoldBack.remaining(2_000 * MS, 0, 200 * MS), "an old chunk (a relayed start) is not held");
    }

    @Test
    void onANearPathTheHoldIsAFewMillisecondsAndOnLoopbackNothing() {
        assertEquals(40 * MS, StartHoldBack.remaining(40 * MS, 0, 20 * MS));
        assertEquals(0, StartHoldBack.remaining(1 * MS, 0, 100_000));
    }

    @Test
    void aClockRunningBehindTheSignersHoldsNoLongerThanTheHoldAfterTheChunkCame() {
        // Our clock 10 s behind the signer's: the signature looks 10 s in the future.
        assertEquals(800 * MS, StartHoldBack.remaining(-10_000 * MS, 0, 200 * MS));
        assertEquals(300 * MS, StartHoldBack.remaining(-10_000 * MS, 500 * MS, 200 * MS));
        assertEquals(0, StartHoldBack.remaining(-10_000 * MS, 800 * MS, 200 * MS));
    }

    @Test
    void noRoundTripMeasuredTheLongestHoldUntilOneIsAndNeverOverASecond() {
        assertEquals(1_000 * MS, StartHoldBack.remaining(0, 0, -1), "a path not measured yet may be a far one");
        assertEquals(600 * MS, StartHoldBack.remaining(100 * MS, 400 * MS, -1));
        assertEquals(0, StartHoldBack.remaining(1_500 * MS, 0, -1), "an old chunk (a relayed start) is not held");
        assertEquals(1_000 * MS, StartHoldBack.remaining(0, 0, 600 * MS), "a 600 ms path: held a second, not 2.4 s");
    }
}
