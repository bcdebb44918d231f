package io.seedcast.ppspp.engine;

/**
 * How long a viewer holds its first chunk back before its output starts: until the chunk's signature is
 * {@link #ROUND_TRIPS} round trips to the nearest seeder old, as an SRT receiver plays each packet a latency of about four
 * round trips after it was sent, so that a lost packet can be sent again in time (Haivision's SRT deployment guide: latency
 * = RTT multiplier x RTT, about 4 on a good network). A player's buffer is anchored on the first chunk it gets; a viewer
 * whose first chunk came straight from the source while the swarm was small anchored it half a second after publishing
 * 200 ms away, and once the swarm grew its chunks came through other viewers, a second after publishing at the median
 * and 1.45 s at the 99th percentile: every chunk a loss delayed further was late for that viewer alone. Behind a capped
 * source 200 ms away, the viewers that missed chunks after the first seconds were those anchored under 0.56 s; none
 * anchored over 0.69 s did.
 *
 * <p>Never more than {@link #MAX_NANOS}, and never longer than that hold after the chunk arrived, so that a viewer's clock
 * running behind the source's delays the start by at most the hold; a clock running ahead shortens the hold.
 */
final class StartHoldBack {

    /** The hold in round trips to the nearest seeder. */
    static final int ROUND_TRIPS = 4;

    /** The longest hold, whatever the round trip. */
    static final long MAX_NANOS = 1_000_000_000L;

    private StartHoldBack() {
    }

    /**
     * How much longer the first chunk waits, 0 when it may go now.
     *
     * @param ageNanos       how long ago the chunk's signature was made, by our clock against the signer's timestamp
     * @param heldNanos      how long the chunk has been here
     * @param roundTripNanos the shortest round trip to the nearest seeder, 0 or less while none is measured: then the
     *                       longest hold, until one is (a viewer whose handshake went twice has none from it, Karn, and
     *                       its first chunk may be one asked ahead, which gives none either; started at once, such a
     *                       viewer 200 ms from a capped source anchored its output 0.49 s after publishing and missed
     *                       chunks later that its neighbours, anchored at 0.86-1.30 s, had in time)
     */
    static long remaining(long ageNanos, long heldNanos, long roundTripNanos) {
        long hold = roundTripNanos <= 0 ? MAX_NANOS : Math.min(MAX_NANOS, ROUND_TRIPS * roundTripNanos);
        return Math.max(0, Math.min(hold - ageNanos, hold - heldNanos));
    }
}
