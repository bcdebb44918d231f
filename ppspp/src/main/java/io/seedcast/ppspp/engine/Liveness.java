package io.seedcast.ppspp.engine;

/**
 * When a channel is given up, opened again, probed or kept alive, from its times alone (no socket, no clock): RFC 7574
 * §3.12 keepalives and peer timeouts, handshake retries, and what finds a peer that restarted and forgot us (a probe
 * long enough to earn a reset, §8.4; a quiet peer we wait on is handshaken again).
 */
final class Liveness {

    /** What to do with a channel now. */
    enum Action {
        NONE,
        /** Not established yet: send the handshake again. */
        HANDSHAKE_AGAIN,
        /** Give the peer up. */
        DROP,
        /** Drop the channel and handshake with the peer again at once (a viewer's peer that may have restarted). */
        REOPEN,
        /** Tell a silent peer what we have: a datagram long enough to earn a reset if it lost our channel. */
        PROBE,
        /** RFC 7574 §8.14: a keepalive. */
        KEEPALIVE
    }

    static final long HANDSHAKE_RETRY_NANOS = 250_000_000;
    static final int HANDSHAKE_ATTEMPTS = 8;
    static final long PROBE_NANOS = 1_000_000_000L;

    private final long peerTimeout;
    private final long quietPeer;
    private final long keepalive;

    Liveness(EngineConfig config) {
        this.peerTimeout = config.peerTimeout().toNanos();
        this.quietPeer = config.quietPeer().toNanos();
        this.keepalive = config.keepaliveInterval().toNanos();
    }

    /**
     * A channel whose handshake is unanswered, {@code idle} since we last sent: retries back off from 250 ms (a lost
     * first datagram costs a quarter second, not one) to 2 s, and give up after {@link #HANDSHAKE_ATTEMPTS}.
     */
    Action opening(long idle, int attempts) {
        if (idle <= Math.min(2_000_000_000L, HANDSHAKE_RETRY_NANOS << Math.min(4, attempts - 1))) {
            return Action.NONE;
        }
        return attempts >= HANDSHAKE_ATTEMPTS ? Action.DROP : Action.HANDSHAKE_AGAIN;
    }

    /**
     * An established channel, before anything is sent on it: {@code silent} since the peer last sent anything;
     * {@code waitingOn} chunks we asked of it and still wait for. At a live edge a peer we wait on is never quiet for
     * long: it restarted, or the path broke, and a new handshake finds out in a round trip.
     */
    Action established(long silent, boolean fetching, int waitingOn) {
        if (silent > peerTimeout) {
            return Action.DROP;
        }
        if (fetching && silent > quietPeer && waitingOn > 0) {
            return Action.REOPEN;
        }
        return Action.NONE;
    }

    /**
     * An established channel, after sending: {@code idle} since we last sent. A viewer holding chunks probes a peer
     * silent for a second; anyone keeps a channel alive that has been idle for the keepalive interval.
     */
    Action afterSending(long silent, long idle, boolean fetching, boolean holdsChunks) {
        if (fetching && holdsChunks && silent > PROBE_NANOS && idle > PROBE_NANOS) {
            return Action.PROBE;
        }
        return idle > keepalive ? Action.KEEPALIVE : Action.NONE;
    }
}
