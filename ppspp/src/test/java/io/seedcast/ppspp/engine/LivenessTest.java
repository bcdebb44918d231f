package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seedcast.ppspp.engine.Liveness.Action;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Channel liveness from times alone: the decisions a restarted or vanished peer meets, no socket, no sleep. */
class LivenessTest {

    static final long MS = 1_000_000;
    final Liveness l = new Liveness(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)).withQuietPeer(Duration.ofMillis(2500)));

    @Test
    void handshakeRetriesBackOffFromAQuarterSecondAndGiveUp() {
        assertEquals(Action.NONE, l.opening(200 * MS, 1));
        assertEquals(Action.HANDSHAKE_AGAIN, l.opening(260 * MS, 1), "a lost first datagram costs 250 ms");
        assertEquals(Action.NONE, l.opening(900 * MS, 3), "the third waits 1 s");
        assertEquals(Action.HANDSHAKE_AGAIN, l.opening(2100 * MS, 6), "never more than 2 s");
        assertEquals(Action.DROP, l.opening(2100 * MS, Liveness.HANDSHAKE_ATTEMPTS));
    }

    @Test
    void aQuietPeerWeWaitOnIsHandshakenAgainLongBeforeItTimesOut() {
        assertEquals(Action.NONE, l.established(2000 * MS, true, 5));
        assertEquals(Action.REOPEN, l.established(2600 * MS, true, 5), "a viewer waiting on chunks: it may have restarted");
        assertEquals(Action.NONE, l.established(2600 * MS, true, 0), "nothing asked of it: quiet is fine");
        assertEquals(Action.NONE, l.established(2600 * MS, false, 0), "a seeder does not chase its viewers");
        assertEquals(Action.DROP, l.established(31_000 * MS, false, 0), "the peer timeout");
    }

    @Test
    void aSilentPeerIsProbedWithWhatWeHaveAndAnIdleChannelKeptAlive() {
        assertEquals(Action.PROBE, l.afterSending(1100 * MS, 1100 * MS, true, true), "long enough to earn a reset");
        assertEquals(Action.NONE, l.afterSending(1100 * MS, 1100 * MS, true, false), "nothing to tell yet");
        assertEquals(Action.NONE, l.afterSending(1100 * MS, 500 * MS, true, true), "we spoke within the second");
        assertEquals(Action.KEEPALIVE, l.afterSending(100 * MS, 5100 * MS, false, false), "RFC 7574 §3.12");
    }
}
