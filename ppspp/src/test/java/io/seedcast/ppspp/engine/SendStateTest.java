package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RTT, RTO and what counts as lost, on plain numbers (RFC 6298). */
class SendStateTest {

    static final long MS = 1_000_000;

    static SendState state() {
        return new SendState(new Ledbat(1472, 100_000));
    }

    @Test
    void theRtoFollowsTheMeasuredRttNotAOneSecondFloor() {
        SendState s = state();
        assertEquals(SendState.INITIAL_RTO_NANOS, s.rtoNanos(), "1 s before any sample (RFC 6298 §2.1)");
        long t = 0;
        for (long chunk = 0; chunk < 20; chunk++) {
            s.onSent(chunk, 1024, t);
            s.onAcked(chunk, t + 100 * MS);
            t += 10 * MS;
        }
        assertEquals(100_000, s.srttMicros());
        assertTrue(s.rtoNanos() >= 100 * MS && s.rtoNanos() < 300 * MS, "RTO near the RTT: " + s.rtoNanos() / MS + " ms");
        // Jitter widens it through RTTVAR.
        for (long chunk = 20; chunk < 40; chunk++) {
            s.onSent(chunk, 1024, t);
            s.onAcked(chunk, t + (chunk % 2 == 0 ? 60 : 140) * MS);
            t += 10 * MS;
        }
        assertTrue(s.rtoNanos() > 200 * MS, "jitter widens the RTO: " + s.rtoNanos() / MS + " ms");
    }

    @Test
    void theStreamsFloorFollowsTheShortestRoundTripNotOneSwollenByTheQueue() {
        SendState s = state();
        s.onSent(0, 1024, 0);
        s.onAcked(0, 50 * MS);
        for (long chunk = 1; chunk < 40; chunk++) {
            s.onSent(chunk, 1024, chunk * MS);
            s.onAcked(chunk, chunk * MS + 400 * MS); // our own queue adds 350 ms
        }
        s.streamRate(250_000);
        // 250 KB/s x 50 ms x 5/4; with the smoothed RTT (about 400 ms) the floor would be eight times that, and keep the
        // queue that swelled it full.
        assertEquals(250_000 * 50 / 1000 * 5 / 4, s.ledbat.window());
    }

    @Test
    void aSeederKnowsTheStreamsWindowFromTheHandshakeBeforeAnyAck() {
        // 6 Mbit/s at 200 ms: without a sample the first chunks go under ten segments and a 1 s timeout; a viewer joining
        // that far away fell 1.8 s behind live in its first two seconds.
        SendState s = state();
        s.streamRate(750_000);
        assertEquals(10 * 1472, s.ledbat.window(), "no round trip known: ten segments");
        s.handshakeRtt(200 * MS);
        s.streamRate(750_000);
        assertEquals(750_000 / 5 * 5 / 4, s.ledbat.window(), "rate x RTT with a quarter of headroom");
        assertEquals(600 * MS, s.rtoNanos(), "SRTT + 4 x RTTVAR of one sample");
        s.handshakeRtt(900 * MS);
        assertEquals(600 * MS, s.rtoNanos(), "only before the first sample");
    }

    @Test
    void aChunkSentTwiceGivesNoSample() {
        SendState s = state();
        s.onSent(1, 1024, 0);
        s.onSent(1, 1024, 900 * MS);
        assertEquals(1024, s.inflightBytes(), "counted once in flight");
        assertEquals(1024, s.onAcked(1, 901 * MS));
        assertEquals(SendState.INITIAL_RTO_NANOS, s.rtoNanos(), "Karn: an ambiguous ACK is no sample");
    }

    @Test
    void onlyWhatOutlivesTheRtoIsLostAndTheWindowShrinks() {
        SendState s = state();
        s.onSent(0, 1024, 0);
        s.onAcked(0, 50 * MS);
        long before = s.ledbat.window();
        s.onSent(1, 1024, 100 * MS);
        s.onSent(2, 1024, 400 * MS);
        assertEquals(0, s.expire(250 * MS, 250_000));
        assertEquals(1, s.expire(350 * MS, 350_000), "chunk 1, older than the 200 ms floor");
        assertEquals(1024, s.inflightBytes());
        assertTrue(s.ledbat.window() < before);
        assertEquals(0, s.onAcked(1, 360 * MS), "a late ACK of a lost chunk takes nothing out of flight twice");
    }
}
