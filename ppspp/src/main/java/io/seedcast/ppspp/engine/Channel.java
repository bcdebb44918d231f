package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.chunk.Binmap;
import io.seedcast.ppspp.wire.Message;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One peer in one swarm: the two channel IDs, what the peer has, what it asked of us and what we
 * sent it, the congestion controller, and the messages waiting for the next datagram. Lives on the
 * engine's thread only.
 */
// RFC 7574 §3.11, §8.3
final class Channel {

    enum State {
        /** We sent the first HANDSHAKE and wait for the reply. */
        HANDSHAKE_SENT,
        /** Both HANDSHAKEs passed and the third datagram proved the peer is where it says. */
        ESTABLISHED,
        CLOSED
    }

    final int localId;
    int remoteId;
    final InetSocketAddress remote;
    final LiveSwarm swarm;
    final boolean initiator;
    State state;

    final Binmap peerHas = new Binmap();
    long peerLatest = -1;
    /** The peer's live discard window, from its HANDSHAKE; KEEP_ALL if it sent none. */
    long peerWindow = -1;
    boolean peerChoking;

    /** Chunks the peer requested, in the order it asked. */
    final LinkedHashSet<Long> sendQueue = new LinkedHashSet<>();
    /** Chunks sent and not yet acknowledged: chunk → send time in nanos. */
    final Map<Long, Long> inflight = new HashMap<>();
    long inflightBytes;
    final Ledbat ledbat;
    final TokenBucket upload;
    long srttMicros = 100_000;

    /** Munro bin values whose signed hash we sent, with when. */
    final Map<Long, Long> munrosSent = new HashMap<>();
    /** The chunks we requested from this peer. */
    final Set<Long> outstanding = new HashSet<>();
    /** Control messages for the next datagram (HAVE, ACK, REQUEST, CANCEL, PEX). */
    final List<Message> control = new ArrayList<>();
    final ArrayDeque<Long> pendingRequests = new ArrayDeque<>();

    long lastReceivedNanos;
    long lastSentNanos;
    int handshakeAttempts;
    /** One of the seeders the viewer joined through (not another viewer): asked only for what no viewer has. */
    final boolean seeder;

    Channel(int localId, InetSocketAddress remote, LiveSwarm swarm, boolean initiator, EngineConfig config, long now) {
        this.localId = localId;
        this.remote = remote;
        this.swarm = swarm;
        this.initiator = initiator;
        this.state = initiator ? State.HANDSHAKE_SENT : State.ESTABLISHED;
        this.ledbat = new Ledbat(config.maxDatagram(), config.ledbatTarget().toNanos() / 1000);
        this.upload = new TokenBucket(config.uploadBytesPerSecond(), now);
        this.lastReceivedNanos = now;
        this.lastSentNanos = now;
        this.seeder = swarm.seeds.contains(remote);
    }

    boolean established() {
        return state == State.ESTABLISHED;
    }

    void peerHas(long start, long end) {
        peerHas.add(new io.seedcast.ppspp.chunk.ChunkRange(start, end));
        if (end > peerLatest) {
            peerLatest = end;
            // RFC 7574 §6.2: apply the peer's discard window as a sliding filter over its HAVEs.
            if (peerWindow > 0) {
                peerHas.forgetBefore(peerLatest - peerWindow + 1);
            }
        }
    }

    @Override
    public String toString() {
        return remote + "#" + Integer.toHexString(localId);
    }
}
