package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.chunk.Binmap;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.wire.Message;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.TreeSet;
import java.util.List;
import java.util.Map;

/**
 * One peer in one swarm: the two channel IDs, what the peer has, what it asked of us, the sending state (in flight,
 * RTT, LEDBAT), and the messages waiting for the next datagram. Lives on the engine's thread only.
 */
// RFC 7574 §3.11, §8.3
final class Channel implements LivePicker.Holder {

    enum State {
        /** We sent the first HANDSHAKE and wait for the reply. */
        HANDSHAKE_SENT,
        /** Both HANDSHAKEs passed and the third datagram proved the peer is where it says. */
        ESTABLISHED,
        CLOSED
    }

    final int localId;
    private int remoteId;
    final InetSocketAddress remote;
    final LiveSwarm swarm;
    final boolean initiator;
    private State state;

    private final Binmap peerHas = new Binmap();
    private long peerLatest = -1;
    /** The peer's live discard window, from its HANDSHAKE; -1 (keep all) if it sent none. */
    private long peerWindow = -1;
    private boolean peerChoking;
    /** One of the seeders the viewer joined through (not another viewer): asked only for what no viewer has. */
    private final boolean seeder;

    /**
     * Chunks the peer requested, lowest first: for live media the oldest chunk is the most urgent, and a chunk asked
     * again after a loss is older than what is queued behind it, so it goes out next instead of after the whole queue.
     */
    private final TreeSet<Long> sendQueue = new TreeSet<>();
    /** Chunks the peer asked for before we held them: queued for sending when we do. */
    private final TreeSet<Long> aheadQueue = new TreeSet<>();
    final SendState sending;
    final TokenBucket upload;
    /** Munro bin values whose signed hash we sent, with when. */
    private final Map<Long, Long> munrosSent = new HashMap<>();
    /** Messages for the next datagram (HAVE, ACK, REQUEST, CANCEL, PEX, INTEGRITY, DATA). */
    private final List<Message> outbox = new ArrayList<>();
    /** REQUESTs to send a second time, in a later datagram, and when (see {@link LivePicker.Orders#request}). */
    private final List<Message> echoes = new ArrayList<>(2);
    private long echoAt;
    /** What we hold that the peer has not been told of yet. */
    final PendingHaves haves = new PendingHaves();

    /** When the peer last asked us for chunks (REQUEST). */
    long lastRequestNanos = Long.MIN_VALUE / 2;
    private long lastReceivedNanos;
    private long lastSentNanos;
    private int handshakeAttempts;
    private long handshakeSentNanos;

    Channel(int localId, InetSocketAddress remote, LiveSwarm swarm, boolean initiator, EngineConfig config, long now) {
        this.localId = localId;
        this.remote = remote;
        this.swarm = swarm;
        this.initiator = initiator;
        this.state = initiator ? State.HANDSHAKE_SENT : State.ESTABLISHED;
        this.sending = new SendState(new Ledbat(config.maxDatagram(), config.ledbatTarget().toNanos() / 1000));
        this.upload = new TokenBucket(config.uploadBytesPerSecond(), now);
        this.lastReceivedNanos = now;
        this.lastSentNanos = now;
        this.seeder = swarm.isSeed(remote);
    }

    /** The peer's side of the handshake arrived: its channel ID and live discard window (RFC 7574 §8.2, §6.2). */
    void establish(int remoteId, Long window) {
        this.remoteId = remoteId;
        this.peerWindow = window == null ? -1 : window;
        this.state = State.ESTABLISHED;
    }

    void close() {
        state = State.CLOSED;
        outbox.clear();
    }

    boolean established() {
        return state == State.ESTABLISHED;
    }

    boolean awaitingHandshake() {
        return state == State.HANDSHAKE_SENT;
    }

    boolean closed() {
        return state == State.CLOSED;
    }

    int remoteId() {
        return remoteId;
    }

    /** The peer announced (HAVE) or acknowledged (ACK) chunks {@code start..end}. */
    void peerHas(long start, long end) {
        peerHas.add(new ChunkRange(start, end));
        if (end > peerLatest) {
            peerLatest = end;
            // RFC 7574 §6.2: apply the peer's discard window as a sliding filter over its HAVEs.
            if (peerWindow > 0) {
                peerHas.forgetBefore(peerLatest - peerWindow + 1);
            }
        }
    }

    boolean peerHasAll(ChunkRange r) {
        return peerHas.containsAll(r);
    }

    boolean peerHasAny(ChunkRange r) {
        return peerHas.containsAny(r);
    }

    Binmap peerHas() {
        return peerHas;
    }

    void choked(boolean choking) {
        peerChoking = choking;
    }

    // LivePicker.Holder

    @Override
    public boolean holds(long chunk) {
        return peerHas.contains(chunk);
    }

    @Override
    public long latest() {
        return peerLatest;
    }

    @Override
    public long oldest() {
        return peerHas.isEmpty() ? Long.MAX_VALUE : peerHas.first();
    }

    @Override
    public boolean seeder() {
        return seeder;
    }

    @Override
    public boolean ready() {
        return established() && !peerChoking;
    }

    // What the peer asked of us.

    /**
     * Queues requested chunks we hold, and keeps those past our newest chunk (asked ahead, see {@link LivePicker}) until
     * we hold them; bounded so that a peer cannot make us keep more than {@code max} of either, nor ask further than
     * {@code max} past our newest (RFC 7574 §12.6.6). A chunk we lack below our newest is not coming: ignored, as before.
     */
    void queueRequested(ChunkRange r, int max, boolean keepAhead, long now) {
        long limit = Math.min(r.end(), r.start() + max);
        long edge = swarm.liveEdge();
        for (long i = r.start(); i <= limit; i++) {
            if (swarm.holds(i)) {
                if (sendQueue.size() < max && !sending.crossed(i, now, PeerCore.ECHO_CROSS_NANOS)) {
                    sendQueue.add(i);
                    sending.forget(i);
                }
            } else if (keepAhead && i > edge && i <= edge + max && aheadQueue.size() < max) {
                aheadQueue.add(i);
            }
        }
    }

    /** What we sent again on request and was lost again goes out again, unless the peer has it meanwhile (see {@link SendState#lostRepeats}). */
    void repeatLost(long now) {
        for (long i : sending.lostRepeats(now)) {
            if (swarm.holds(i) && !peerHas.contains(i)) {
                sendQueue.add(i);
            }
        }
    }

    /** The chunks asked ahead that we hold now go to the send queue. */
    void promoteAhead() {
        for (var it = aheadQueue.iterator(); it.hasNext(); ) {
            long i = it.next();
            if (i > swarm.liveEdge()) {
                break;
            }
            it.remove();
            if (swarm.holds(i)) {
                sendQueue.add(i);
            }
        }
    }

    void cancelRequested(ChunkRange r) {
        for (long i = r.start(); i <= r.end() && i - r.start() < 65_536; i++) {
            sendQueue.remove(i);
            aheadQueue.remove(i);
        }
    }

    Iterator<Long> sendQueue() {
        return sendQueue.iterator();
    }

    /** Whether the signed munro {@code munroValue} may be sent (again) now. */
    boolean munroDue(long munroValue, long now) {
        Long sent = munrosSent.get(munroValue);
        // Again once a round trip has passed without the peer acknowledging a chunk of it: the first copy was lost.
        if (sent != null && now - sent < Math.max(20_000_000L, sending.srttMicros() * 1500)) {
            return false;
        }
        if (munrosSent.size() > 64) {
            munrosSent.values().removeIf(t -> now - t > 10_000_000_000L);
        }
        munrosSent.put(munroValue, now);
        return true;
    }

    // The outbox.

    void queue(Message m) {
        outbox.add(m);
    }

    void echo(Message m, long at) {
        if (echoes.isEmpty()) {
            echoAt = at;
        }
        echoes.add(m);
    }

    /** The second copies that are due go with the next datagram. */
    void queueEchoes(long now) {
        if (!echoes.isEmpty() && now >= echoAt) {
            outbox.addAll(echoes);
            echoes.clear();
        }
    }

    List<Message> outbox() {
        return outbox;
    }

    // Liveness.

    void received(long now) {
        lastReceivedNanos = now;
    }

    void sent(long now) {
        lastSentNanos = now;
    }

    long silentFor(long now) {
        return now - lastReceivedNanos;
    }

    long idleFor(long now) {
        return now - lastSentNanos;
    }

    int handshakeSent(long now) {
        handshakeSentNanos = now;
        return ++handshakeAttempts;
    }

    /**
     * The round trip of our handshake and its answer, -1 before we sent one. After a retry the answer may be to an earlier
     * copy (Karn), so this is measured from the last one sent: a lower bound, better than no estimate, which would leave
     * the first requests of a lossy path on the configured timeout.
     */
    long handshakeRtt(long now) {
        return handshakeAttempts > 0 ? now - handshakeSentNanos : -1;
    }

    int handshakeAttempts() {
        return handshakeAttempts;
    }

    @Override
    public String toString() {
        return remote + "#" + Integer.toHexString(localId);
    }
}
