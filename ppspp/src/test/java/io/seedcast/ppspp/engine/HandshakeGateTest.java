package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Unconfirmed handshakes, without a socket: what a flood of first datagrams can cost. */
class HandshakeGateTest {

    static final long S = 1_000_000_000L;

    static InetSocketAddress addr(int port) {
        return new InetSocketAddress("192.0.2.1", port);
    }

    static HandshakeGate.Pending pending(int localId, InetSocketAddress peer, long now) {
        return new HandshakeGate.Pending(localId, localId + 1000, peer, null, now, null, new byte[] {(byte) localId});
    }

    @Test
    void oneAddressHoldsAtMostEightUnconfirmedHandshakes() {
        HandshakeGate g = new HandshakeGate(100, 1000, 3 * S, 0);
        InetSocketAddress a = addr(1);
        for (int i = 1; i <= HandshakeGate.MAX_PER_ADDRESS; i++) {
            assertNull(g.admit(a, 0));
            g.remember(pending(i, a, 0));
        }
        assertTrue(g.admit(a, 0).startsWith("too many unconfirmed"));
        assertNull(g.admit(addr(2), 0), "another address is not crowded out");
    }

    @Test
    void firstDatagramsBeyondTheRateAreRefusedUntilTokensRefill() {
        HandshakeGate g = new HandshakeGate(100, 5, 3 * S, 0);
        for (int i = 0; i < 5; i++) {
            assertNull(g.admit(addr(i), 0));
        }
        assertEquals("handshake rate limit", g.admit(addr(9), 0));
        assertNull(g.admit(addr(9), S / 5 + 1), "one token back after 1/5 s");
    }

    @Test
    void aRetransmittedFirstHandshakeGetsTheSameReplyAndOnlyTheSameAddressConfirms() {
        HandshakeGate g = new HandshakeGate(100, 1000, 3 * S, 0);
        InetSocketAddress a = addr(1);
        g.remember(pending(7, a, 0));
        assertArrayEquals(new byte[] {7}, g.replyTo(a, 1007));
        assertNull(g.replyTo(addr(2), 1007));
        assertNull(g.confirm(7, addr(2)), "a third datagram from elsewhere confirms nothing");
        assertNotNull(g.confirm(7, a));
        assertEquals(0, g.size());
        assertNull(g.confirm(7, a), "confirmed once");
    }

    @Test
    void theThirdDatagramTimesTheRoundTripUnlessTheReplyWentTwice() {
        HandshakeGate g = new HandshakeGate(100, 1000, 3 * S, 0);
        InetSocketAddress a = addr(1);
        g.remember(pending(7, a, S));
        assertEquals(S / 5, g.confirm(7, a).rttNanos(S + S / 5), "reply at 1 s, third datagram 200 ms later");
        g.remember(pending(8, a, S));
        g.replyTo(a, 1008);
        assertEquals(-1, g.confirm(8, a).rttNanos(2 * S), "the third datagram may answer either reply (Karn)");
    }

    @Test
    void theOldestAreForgottenWhenFullAndAllAfterTheTimeout() {
        HandshakeGate g = new HandshakeGate(3, 1000, 3 * S, 0);
        for (int i = 1; i <= 4; i++) {
            g.remember(pending(i, addr(i), i));
        }
        assertEquals(3, g.size());
        assertTrue(!g.holds(1) && g.holds(2) && g.holds(4), "the oldest went first");
        g.expire(3 * S + 2);
        assertTrue(!g.holds(2) && g.holds(3));
        g.expire(10 * S);
        assertEquals(0, g.size());
        assertNull(g.admit(addr(1), 10 * S), "an address's count is released with its handshakes");
    }
}
