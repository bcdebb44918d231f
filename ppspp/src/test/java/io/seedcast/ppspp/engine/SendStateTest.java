package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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

    @Test
    void anAnswerToARepeatedRequestLostAgainIsSentAgainWhenWhatWentAfterItIsAcknowledged() {
        // 200 ms away: the peer saw chunk 5 missing and asked again; our second copy is lost too. The peer cannot see that
        // (the chunks after it came long ago) until its own timeout; we see the ACK of chunk 6, sent just after it.
        SendState s = state();
        long t = steady(s, 200);
        s.onSent(4, 1024, t);
        s.onSent(5, 1024, t);
        s.forget(5); // asked again
        s.onSent(5, 1024, t + 210 * MS);
        s.onSent(6, 1024, t + 214 * MS);
        s.onAcked(6, t + 414 * MS);
        assertEquals(List.of(), s.lostRepeats(t + 420 * MS), "not before 9/8 of the round trip");
        assertEquals(List.of(5L), s.lostRepeats(t + 436 * MS), "not chunk 4, a first copy: the peer sees that loss itself");
        assertEquals(1024, s.inflightBytes(), "chunk 4 is left to the RTO");
        assertTrue(s.sentBefore(5), "the copy that goes now is another one");
        s.onSent(5, 1024, t + 436 * MS);
        assertTrue(s.crossed(5, t + 466 * MS, 40 * MS), "a request's second copy, 30 ms after the first we answered");
        assertTrue(!s.crossed(5, t + 500 * MS, 40 * MS), "a request 64 ms after the answer: the peer's timeout, answered");
        assertTrue(!s.crossed(5, t + 466 * MS, 20 * MS));
        assertTrue(!s.crossed(6, t + 420 * MS, 40 * MS), "an acknowledged chunk asked again is sent again");
    }

    /** Forty chunks, 4 ms apart, each acknowledged {@code rttMs} later; returns when the last was acknowledged. */
    static long steady(SendState s, long rttMs) {
        return sendForty(s, chunk -> rttMs) + rttMs * MS;
    }

    /** Forty chunks from 1000 on, 4 ms apart, each acknowledged {@code rttMsOf(chunk)} later; returns when the next would go. */
    static long sendForty(SendState s, java.util.function.LongUnaryOperator rttMsOf) {
        long t = 0;
        for (long chunk = 1000; chunk < 1040; chunk++) {
            s.onSent(chunk, 1024, t);
            s.onAcked(chunk, t + rttMsOf.applyAsLong(chunk) * MS);
            t += 4 * MS;
        }
        return t;
    }

    @Test
    void whereTheJitterIsLargeAgainstTheRoundTripARepeatWaitsForTheRto() {
        // 20 ms ± 10 ms each way: ACKs overtake each other, and 9/8 of the RTT alone sent copies that were on their way.
        SendState s = state();
        long t = sendForty(s, chunk -> chunk % 2 == 0 ? 5 : 35) + 40 * MS;
        s.onSent(5, 1024, t);
        s.forget(5);
        s.onSent(5, 1024, t + 1);
        s.onSent(6, 1024, t + 2 * MS);
        s.onAcked(6, t + 7 * MS);
        assertEquals(List.of(), s.lostRepeats(t + 30 * MS), "within SRTT + 4 RTTVAR");
        assertEquals(List.of(5L), s.lostRepeats(t + 100 * MS));
    }

    @Test
    void anAnswerToARepeatedRequestOutlivesTheRtoUntilTheAcksAfterItCouldHaveCome() {
        // A steady path makes RTTVAR tiny and the RTO hardly above the RTT: the ACKs of the chunks sent just after come
        // about then. Taking the second copy as lost at the RTO, without a sign, would leave it to the peer's timeout.
        SendState s = state();
        long t = sendForty(s, chunk -> 200);
        assertTrue(s.rtoNanos() < 210 * MS, "RTO " + s.rtoNanos() / MS + " ms");
        s.onSent(50, 1024, t);
        s.forget(50);
        s.onSent(50, 1024, t + 1);
        assertEquals(0, s.expire(t + 215 * MS, 0), "kept past the RTO");
        s.onSent(51, 1024, t + 4 * MS);
        s.onAcked(51, t + 215 * MS);
        assertEquals(List.of(), s.lostRepeats(t + 226 * MS), "9/8 of the latest round trip (211 ms)");
        assertEquals(List.of(50L), s.lostRepeats(t + 240 * MS));
    }
}
