package io.seedcast.ppspp.engine;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Unconfirmed handshakes: all the state a first datagram may cost us. Bounded in total (oldest forgotten first) and per
 * address (one address cannot crowd out the others), admitted at a token-bucket rate, forgotten after a timeout. A
 * retransmitted first HANDSHAKE gets the same reply and no new state.
 */
// RFC 7574 §3.1.1, §8.2, §12.1
final class HandshakeGate {

    static final int MAX_PER_ADDRESS = 8;

    /** What we remember of a first HANDSHAKE until the peer's third datagram proves its address. */
    record Pending(int localId, int remoteId, InetSocketAddress peer, LiveSwarm swarm, long createdNanos, Long peerWindow,
            byte[] reply, boolean repeated) {

        Pending(int localId, int remoteId, InetSocketAddress peer, LiveSwarm swarm, long createdNanos, Long peerWindow,
                byte[] reply) {
            this(localId, remoteId, peer, swarm, createdNanos, peerWindow, reply, false);
        }

        /**
         * The round trip from our reply to the third datagram: the channel's first RTT sample, so the first chunks go out
         * under a window sized for the path instead of ten segments and a 1 s timeout. None if the reply was sent again:
         * the third datagram may answer either copy (Karn, RFC 6298 §3).
         */
        long rttNanos(long now) {
            return repeated ? -1 : now - createdNanos;
        }
    }

    private record Key(InetSocketAddress peer, int remoteId) {
    }

    private final LinkedHashMap<Integer, Pending> byLocalId = new LinkedHashMap<>();
    private final Map<Key, Pending> byPeer = new HashMap<>();
    private final Map<InetSocketAddress, Integer> perAddress = new HashMap<>();
    private final TokenBucket rate;
    private final int capacity;
    private final long ttlNanos;

    HandshakeGate(int capacity, int perSecond, long ttlNanos, long now) {
        this.capacity = capacity;
        this.ttlNanos = ttlNanos;
        this.rate = new TokenBucket(perSecond, now);
    }

    /** The reply already sent to this first HANDSHAKE, if it is a retransmission. */
    byte[] replyTo(InetSocketAddress from, int remoteId) {
        Pending p = byPeer.get(new Key(from, remoteId));
        if (p == null) {
            return null;
        }
        if (!p.repeated()) {
            Pending again = new Pending(p.localId(), p.remoteId(), p.peer(), p.swarm(), p.createdNanos(), p.peerWindow(),
                    p.reply(), true);
            byLocalId.put(p.localId(), again);
            byPeer.put(new Key(from, remoteId), again);
        }
        return p.reply();
    }

    /** Why a new handshake from {@code from} is refused now, or null if admitted (then a token is spent). */
    String admit(InetSocketAddress from, long now) {
        if (perAddress.getOrDefault(from, 0) >= MAX_PER_ADDRESS) {
            return "too many unconfirmed handshakes from " + from;
        }
        if (!rate.tryTake(1, now)) {
            return "handshake rate limit";
        }
        return null;
    }

    void remember(Pending p) {
        byLocalId.put(p.localId(), p);
        byPeer.put(new Key(p.peer(), p.remoteId()), p);
        perAddress.merge(p.peer(), 1, Integer::sum);
        while (byLocalId.size() > capacity) {
            forget(byLocalId.values().iterator().next());
        }
    }

    /** The handshake the third datagram to {@code localId} confirms, if it came from where the first did; it is forgotten. */
    Pending confirm(int localId, InetSocketAddress from) {
        Pending p = byLocalId.get(localId);
        if (p == null || !p.peer().equals(from)) {
            return null;
        }
        forget(p);
        return p;
    }

    boolean holds(int localId) {
        return byLocalId.containsKey(localId);
    }

    void expire(long now) {
        Iterator<Pending> it = byLocalId.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (now - p.createdNanos() < ttlNanos) {
                break;
            }
            it.remove();
            unindex(p);
        }
    }

    int size() {
        return byLocalId.size();
    }

    private void forget(Pending p) {
        byLocalId.remove(p.localId());
        unindex(p);
    }

    private void unindex(Pending p) {
        byPeer.remove(new Key(p.peer(), p.remoteId()));
        perAddress.computeIfPresent(p.peer(), (k, n) -> n <= 1 ? null : n - 1);
    }
}
