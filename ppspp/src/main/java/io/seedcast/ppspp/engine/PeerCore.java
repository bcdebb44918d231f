package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ByteRange;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.chunk.ChunkSpec;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveVerifier;
import io.seedcast.ppspp.live.SignedMunro;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.Ack;
import io.seedcast.ppspp.wire.Cancel;
import io.seedcast.ppspp.wire.Choke;
import io.seedcast.ppspp.wire.Data;
import io.seedcast.ppspp.wire.Datagram;
import io.seedcast.ppspp.wire.DatagramCodec;
import io.seedcast.ppspp.wire.DecodeResult;
import io.seedcast.ppspp.wire.Handshake;
import io.seedcast.ppspp.wire.Have;
import io.seedcast.ppspp.wire.Integrity;
import io.seedcast.ppspp.wire.Message;
import io.seedcast.ppspp.wire.PexReq;
import io.seedcast.ppspp.wire.PexResCert;
import io.seedcast.ppspp.wire.PexResV4;
import io.seedcast.ppspp.wire.PexResV6;
import io.seedcast.ppspp.wire.ProtocolOptions;
import io.seedcast.ppspp.wire.Request;
import io.seedcast.ppspp.wire.SignedIntegrity;
import io.seedcast.ppspp.wire.Unchoke;
import io.seedcast.ppspp.wire.WireContext;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The PPSPP peer as a state machine with no socket, no thread and no clock of its own: datagrams come in through
 * {@link #onDatagram} with the time, timers through {@link #onTick}, and datagrams go out through a {@link Transport}.
 * Many swarms and channels are multiplexed on it. It runs the handshake with return routability, HAVE/REQUEST/DATA/ACK
 * with INTEGRITY and SIGNED_INTEGRITY packed as the RFC orders them, live chunk picking ({@link LivePicker}), LEDBAT
 * and RTT per channel ({@link SendState}), PEX, keepalives and dead-peer detection. Viewers verify every chunk before
 * keeping, playing or forwarding it, and drop a peer that sends a bad chunk, hash or signature.
 *
 * <p>{@link PeerEngine} runs it on a UDP socket; a simulated network runs many of them on a virtual clock.
 */
// RFC 7574 §3, §8, §12
public final class PeerCore {

    private static final System.Logger LOG = System.getLogger(PeerCore.class.getName());

    /** How often {@link #onTick} wants to be called. */
    public static final long TICK_NANOS = 5_000_000;
    /**
     * How long after a REQUEST for a chunk asked after a loss its second copy goes: two ticks, in another datagram, so that
     * a burst that took the first seldom takes both (see {@link LivePicker.Orders#request}).
     */
    static final long ECHO_NANOS = 2 * TICK_NANOS;
    /** How soon after our answer a request for the same chunk is taken as the second copy of the one answered. */
    static final long ECHO_CROSS_NANOS = ECHO_NANOS + 30_000_000L;
    /** How long new chunks may wait to be announced to a peer when nothing else goes its way (see {@link PendingHaves}). */
    static final long HAVE_INTERVAL_NANOS = 20_000_000L;
    static final long BAN_NANOS = 300_000_000_000L;

    /** Sends one datagram. */
    @FunctionalInterface
    public interface Transport {
        void send(ByteBuffer datagram, InetSocketAddress to);
    }

    /** The thread (or simulation) the core runs on: public methods of {@link LiveSwarm} hand their work to it. */
    public interface Loop {
        /** Runs {@code task} on the core's thread, later. */
        void execute(Runnable task);

        /** Runs {@code task} on the core's thread and returns its result. */
        <T> T call(Supplier<T> task);

        /** The core's monotonic time in nanos, as passed to {@link #onTick}. */
        long nanoTime();
    }

    final EngineConfig config;
    final Clock clock;
    final Loop loop;
    private final Transport transport;
    private final InetSocketAddress localAddress;
    private final RandomGenerator random;
    private final ByteBuffer sendBuffer = ByteBuffer.allocate(65_536);

    private final Map<Bytes, LiveSwarm> swarms = new HashMap<>();
    private final Map<Integer, Channel> channels = new HashMap<>();
    private final HandshakeGate gate;
    private final Liveness liveness;
    /** Resets sent for unknown channels: at most this many a second, whatever arrives. */
    private final TokenBucket resets;
    /** The engine's upload limit across all channels (a 50 ms burst: a path's queue is not flooded at once). */
    private final TokenBucket totalUpload;
    /** A source's upload limit learned from its uplink queueing when none is declared (or the declared one is too high). */
    private final LearnedUplink learnedUplink = new LearnedUplink();
    private final TokenBucket learnedUpload;
    /** Which channel of a swarm is served first this tick: turns round, so a full uplink is shared, not given to the first. */
    private int firstServed;
    /** When the engine's upload limit last held a chunk back. */
    private long uplinkFullAt = Long.MIN_VALUE / 2;
    private volatile UnaryOperator<Datagram> outboundFilter = UnaryOperator.identity();

    public final AtomicLong malformedDatagrams = new AtomicLong();
    public final AtomicLong handshakesAccepted = new AtomicLong();
    public final AtomicLong handshakesRefused = new AtomicLong();
    public final AtomicLong datagramsSent = new AtomicLong();
    public final AtomicLong bytesSent = new AtomicLong();
    /** Times a peer's upload limit held back a chunk it asked for. */
    public final AtomicLong uploadLimitHits = new AtomicLong();

    /**
     * @param clock   wall time, for signatures' timestamps and ACK delay samples
     * @param local   our own address (we never connect to it)
     * @param random  channel IDs and picking salts: a {@link java.security.SecureRandom} on a network, a seeded one in a simulation
     */
    public PeerCore(EngineConfig config, Clock clock, InetSocketAddress local, Transport transport, Loop loop,
            RandomGenerator random, long now) {
        this.config = config;
        this.clock = clock;
        this.localAddress = local;
        this.transport = transport;
        this.loop = loop;
        this.random = random;
        this.gate = new HandshakeGate(config.maxPendingHandshakes(), config.handshakesPerSecond(),
                config.handshakeTimeout().toNanos(), now);
        this.resets = new TokenBucket(100, now);
        long total = config.totalUploadBytesPerSecond();
        this.totalUpload = new TokenBucket(total, uplinkBurst(total), now);
        this.learnedUpload = new TokenBucket(0, now);
        this.liveness = new Liveness(config);
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Starts serving a live swarm as its source. */
    public LiveSwarm addSource(SwarmParameters params, SwarmKeyPair key) {
        LiveSwarm s = new LiveSwarm(this, params, key, loop.nanoTime());
        loop.call(() -> swarms.put(s.id.encoded(), s));
        return s;
    }

    /** Serves a live swarm signed elsewhere, as a seeder does: chunks come in through {@link LiveSwarm#offerMunro} or {@link LiveSwarm#offerSigned}. */
    public LiveSwarm addRelay(SwarmId id, SwarmParameters params) {
        LiveSwarm s = new LiveSwarm(this, id, params, loop.nanoTime());
        loop.call(() -> swarms.put(s.id.encoded(), s));
        return s;
    }

    /** Joins a live swarm as a viewer through the given peers; verified chunks reach {@code sink} in order, from the tune-in point. */
    public LiveSwarm join(SwarmId id, SwarmParameters params, List<InetSocketAddress> peers, ChunkSink sink) {
        return join(id, params, peers, sink, -1);
    }

    /**
     * Joins a live swarm as a viewer through the given peers; verified chunks reach {@code sink} in order, from chunk
     * {@code startAt} (-1: from the tune-in point the picker finds near the live edge).
     */
    public LiveSwarm join(SwarmId id, SwarmParameters params, List<InetSocketAddress> peers, ChunkSink sink, long startAt) {
        LiveSwarm s = new LiveSwarm(this, id, params, peers, sink, loop.nanoTime());
        loop.call(() -> {
            if (startAt >= 0) {
                s.tuneIn(startAt);
            }
            swarms.put(id.encoded(), s);
            long now = loop.nanoTime();
            for (InetSocketAddress p : peers) {
                connect(s, p, now);
            }
            return null;
        });
        return s;
    }

    /** Unconfirmed handshakes right now (for tests and metrics). */
    public int pendingHandshakes() {
        return loop.call(gate::size);
    }

    /**
     * Fault injection for tests and the simulator (a peer that misbehaves): every datagram we send on a channel passes
     * through {@code filter} first; null drops it.
     */
    public void setOutboundFilter(UnaryOperator<Datagram> filter) {
        outboundFilter = filter;
    }

    /** Leaves every swarm, closing its channels politely. On the core's thread. */
    public void closeAll() {
        for (LiveSwarm s : new ArrayList<>(swarms.values())) {
            removeSwarm(s);
        }
    }

    void removeSwarm(LiveSwarm s) {
        for (Channel c : new ArrayList<>(s.channels)) {
            drop(c, PeerDropReason.SHUTDOWN);
        }
        swarms.remove(s.id.encoded());
    }

    RandomGenerator newRandom() {
        return new SplittableRandom(random.nextLong());
    }

    // Datagrams in.

    /** One datagram from {@code from}, received at {@code now}. Never throws for what the bytes say. */
    public void onDatagram(ByteBuffer buf, InetSocketAddress from, long now) {
        if (buf.remaining() < 4) {
            malformedDatagrams.incrementAndGet();
            return;
        }
        int channelId = buf.getInt(buf.position());
        if (channelId == 0) {
            onFirstDatagram(buf, from, now);
            return;
        }
        Channel c = channels.get(channelId);
        if (c == null) {
            HandshakeGate.Pending p = gate.confirm(channelId, from);
            if (p == null) {
                onUnknownChannel(buf, channelId, from, now);
                return;
            }
            if (!swarms.containsValue(p.swarm())) {
                return;
            }
            // The third datagram: the peer is where it said it was (RFC 7574 §3.1.1, §12.1).
            c = new Channel(p.localId(), from, p.swarm(), false, config, now);
            c.establish(p.remoteId(), p.peerWindow());
            c.sending.handshakeRtt(p.rttNanos(now));
            if (p.swarm().role.fetches() && p.rttNanos(now) > 0) {
                // A viewer that joined after us: how far it is decides whether it could pass chunks on in time.
                p.swarm().picker.onTheirHandshakeRtt(c, p.rttNanos(now));
            }
            channels.put(c.localId, c);
            p.swarm().channels.add(c);
            p.swarm().stats.peers.set(p.swarm().channels.size());
            handshakesAccepted.incrementAndGet();
            onEstablished(c, now);
        } else if (!c.remote.equals(from)) {
            return;
        }
        DecodeResult r = DatagramCodec.decode(buf, c.swarm.context);
        if (r instanceof DecodeResult.Malformed m) {
            malformedDatagrams.incrementAndGet();
            LOG.log(Level.DEBUG, "from {0}: {1}", from, m.error());
            return;
        }
        c.received(now);
        c.swarm.stats.datagramsIn.incrementAndGet();
        onMessages(c, ((DecodeResult.Decoded) r).datagram().messages(), now);
        if (!aLoneAck(c.outbox())) {
            flush(c, now);
        }
    }

    /**
     * Whether all there is to send is one ACK: it waits for the next chunk's, or the next tick ({@link #TICK_NANOS}), so
     * that two chunks from a peer share a datagram and, if they are neighbours, one ACK of both (RFC 7574 §8.7; TCP and
     * QUIC acknowledge every second packet the same way).
     */
    private static boolean aLoneAck(List<Message> outbox) {
        return outbox.size() == 1 && outbox.getFirst() instanceof Ack;
    }

    /**
     * ACKs of neighbouring chunks queued together as one ACK of their range, with the smaller delay sample (LEDBAT keeps
     * the minimum anyway): a munro's chunks that waited for its signature verify together, and each had its own ACK.
     */
    private static void mergeAcks(List<Message> outbox) {
        for (int i = 1; i < outbox.size(); i++) {
            if (outbox.get(i - 1) instanceof Ack a && outbox.get(i) instanceof Ack b
                    && a.chunks() instanceof ChunkRange ra && b.chunks() instanceof ChunkRange rb && ra.end() + 1 == rb.start()) {
                outbox.set(i - 1, new Ack(new ChunkRange(ra.start(), rb.end()), Math.min(a.oneWayDelayMicros(), b.oneWayDelayMicros())));
                outbox.remove(i);
                i--;
            }
        }
    }

    /**
     * A datagram for a channel we do not know: we restarted, or dropped the channel, and the peer does not know it yet.
     * Answer with a reset (a closing HANDSHAKE in a datagram addressed to the very channel ID it used), so that it
     * handshakes again now instead of after its 30 s dead-peer timeout. Least abusable: an off-path sender would have
     * to guess a random 32-bit channel ID to reset anyone; the 12-byte reply goes only to datagrams at least as long
     * (no amplification; a 4-byte keepalive gets none), at a bounded rate; and a reset is never answered.
     */
    // RFC 7574 §8.4
    private void onUnknownChannel(ByteBuffer buf, int channelId, InetSocketAddress from, long now) {
        DecodeResult r = DatagramCodec.decode(buf.duplicate(), WireContext.DEFAULT);
        if (r instanceof DecodeResult.Decoded d && d.datagram().messages().size() == 1
                && d.datagram().messages().getFirst() instanceof Handshake h && h.isClose()) {
            // A reset: the channel whose remote ID this is, at this address, is gone on the other side.
            for (Channel c : new ArrayList<>(channels.values())) {
                if (c.remote.equals(from) && c.remoteId() == channelId && !c.awaitingHandshake()) {
                    LOG.log(Level.INFO, "peer {0} of swarm {1} lost our channel (restarted?): handshaking again", from, c.swarm.id);
                    reopen(c, now);
                    return;
                }
            }
            return;
        }
        if (buf.remaining() >= RESET.length && resets.tryTake(1, now)) {
            ByteBuffer reset = ByteBuffer.wrap(RESET.clone());
            reset.putInt(0, channelId);
            sendRaw(reset.array(), from);
        }
    }

    /** A reset datagram's bytes, with the channel ID to be filled in. */
    private static final byte[] RESET = DatagramCodec.encode(Datagram.of(0, Handshake.close(SwarmParameters.PROTOCOL_VERSION)),
            WireContext.DEFAULT);

    /** Drops a channel whose peer lost it or went quiet, and (a viewer) handshakes with that peer again at once. */
    private void reopen(Channel c, long now) {
        drop(c, PeerDropReason.TIMEOUT);
        LiveSwarm s = c.swarm;
        if (s.role.fetches() && swarms.containsValue(s)) {
            connect(s, c.remote, now);
        }
    }

    /** A datagram to channel 0: someone opens a channel. Answer it with one small datagram, keep a little state, no more. */
    private void onFirstDatagram(ByteBuffer buf, InetSocketAddress from, long now) {
        DecodeResult r = DatagramCodec.decode(buf, WireContext.DEFAULT);
        if (!(r instanceof DecodeResult.Decoded d) || d.datagram().messages().isEmpty()
                || !(d.datagram().messages().getFirst() instanceof Handshake h) || h.isClose()) {
            malformedDatagrams.incrementAndGet();
            return;
        }
        byte[] known = gate.replyTo(from, h.sourceChannel());
        if (known != null) {
            // A retransmitted first HANDSHAKE: same answer, no new state (RFC 7574 §8.2).
            sendRaw(known, from);
            return;
        }
        ProtocolOptions o = h.options();
        LiveSwarm swarm = o.swarmId() == null ? null : swarms.get(o.swarmId());
        String refusal = swarm == null ? "unknown swarm" : incompatible(swarm, o);
        if (refusal == null && swarm.isBanned(from, now)) {
            refusal = "banned peer";
        }
        if (refusal == null && (swarm.channels.size() >= config.maxPeersPerSwarm() || channels.size() >= config.maxPeers())) {
            refusal = "peer limit reached";
        }
        if (refusal == null) {
            refusal = gate.admit(from, now);
        }
        if (refusal != null) {
            handshakesRefused.incrementAndGet();
            LOG.log(Level.TRACE, "handshake from {0} refused: {1}", from, refusal);
            return;
        }
        int localId = newChannelId();
        List<Message> reply = new ArrayList<>();
        reply.add(new Handshake(localId, swarm.params.handshakeOptions(swarm.id, false)));
        if (!swarm.have().isEmpty()) {
            // Minor payload is allowed in the second datagram (RFC 7574 §3.1.1).
            reply.add(new Have(swarm.have().runAt(swarm.have().last())));
        }
        byte[] bytes = DatagramCodec.encode(new Datagram(h.sourceChannel(), BinSplit.fitted(reply, swarm.params.addressing())), swarm.context);
        gate.remember(new HandshakeGate.Pending(localId, h.sourceChannel(), from, swarm, now, o.liveDiscardWindow(), bytes));
        sendRaw(bytes, from);
    }

    private static String incompatible(LiveSwarm s, ProtocolOptions o) {
        Integer min = o.minimumVersion();
        Integer max = o.version();
        if ((min != null && min > SwarmParameters.PROTOCOL_VERSION) || (max != null && max < SwarmParameters.PROTOCOL_VERSION)) {
            return "protocol version";
        }
        if (o.integrityMethod() != null && o.integrityMethod() != s.params.integrity()) {
            return "integrity method";
        }
        if (o.liveSignatureAlgorithm() != null && o.liveSignatureAlgorithm() != s.params.algorithm()) {
            return "signature algorithm";
        }
        if (o.addressing() != null && o.addressing() != s.params.addressing()) {
            return "chunk addressing";
        }
        if (o.merkleHashFunction() != null && s.params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE && o.merkleHashFunction() != s.params.hash()) {
            return "hash function";
        }
        if (o.chunkSize() != null && o.chunkSize() != s.params.chunkSize()) {
            return "chunk size";
        }
        return null;
    }

    private int newChannelId() {
        while (true) {
            int id = random.nextInt();
            if (id != 0 && !channels.containsKey(id) && !gate.holds(id)) {
                return id;
            }
        }
    }

    void connect(LiveSwarm s, InetSocketAddress peer, long now) {
        if (s.isBanned(peer, now) || peer.equals(localAddress)) {
            return;
        }
        for (Channel c : s.channels) {
            if (c.remote.equals(peer)) {
                return;
            }
        }
        if (s.channels.size() >= config.maxPeersPerSwarm() || channels.size() >= config.maxPeers()) {
            return;
        }
        Channel c = new Channel(newChannelId(), peer, s, true, config, now);
        channels.put(c.localId, c);
        s.channels.add(c);
        sendHandshake(c, now);
    }

    private void sendHandshake(Channel c, long now) {
        c.handshakeSent(now);
        send(c, new Datagram(0, List.of(new Handshake(c.localId, c.swarm.params.handshakeOptions(c.swarm.id, true)))), now);
    }

    // Messages.

    private void onMessages(Channel c, List<Message> messages, long now) {
        LiveSwarm s = c.swarm;
        List<Integrity> integrities = new ArrayList<>();
        Map<Long, SignedIntegrity> signAll = new HashMap<>();
        for (Message m : messages) {
            if (c.closed()) {
                return;
            }
            switch (m) {
                case Handshake h -> onHandshake(c, h, now);
                case Have h -> chunksOf(s, h.chunks()).ifPresent(r -> announced(c, r));
                case Ack a -> onAck(c, a, now);
                case Integrity i -> {
                    // As a node of the tree whatever the addressing, so that hashes held aside match the tree's.
                    Bin node = i.chunks().asBin(s.params.chunkSize());
                    if (node != null) {
                        integrities.add(node.equals(i.chunks()) ? i : new Integrity(node, i.hash()));
                    }
                }
                case SignedIntegrity si -> {
                    if (s.params.integrity() == IntegrityMethod.SIGN_ALL) {
                        chunksOf(s, si.chunks()).ifPresent(r -> signAll.put(r.start(), si));
                    } else {
                        onSignedMunro(c, si, integrities);
                    }
                }
                case Data d -> onData(c, d, integrities, signAll, now);
                case Request r -> {
                    if (c.established()) {
                        c.lastRequestNanos = now;
                        // Bounded: a peer cannot make us queue more than the window holds (RFC 7574 §12.6.6).
                        // Chunks asked ahead are kept only while our uplink has room: a full one sends each chunk once, to
                        // whoever asks first, and the viewers take the rest from each other.
                        chunksOf(s, r.chunks()).ifPresent(x -> c.queueRequested(x, config.requestWindow() * 4, !uplinkFull(now), now));
                    }
                }
                case Cancel x -> chunksOf(s, x.chunks()).ifPresent(c::cancelRequested);
                case Choke x -> choked(c, true);
                case Unchoke x -> choked(c, false);
                case PexReq x -> onPexRequest(c);
                case PexResV4 p -> onPexResponse(c, p.peer(), now);
                case PexResV6 p -> onPexResponse(c, p.peer(), now);
                case PexResCert x -> {
                    // Certificate-secured PEX (RFC 7574 §12.2.2) needs a tracker CA; we use the tracker itself instead.
                }
            }
        }
        if (!integrities.isEmpty() && s.role.fetches() && s.params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE
                && messages.stream().noneMatch(m -> m instanceof Data)) {
            // Hashes whose DATA did not fit in the same datagram (RFC 7574 §5.4 lets them travel ahead): kept as
            // candidates for the chunks they belong to; the signed munro hash decides whether they are right.
            s.heldBack.keepLoose(integrities);
            retryHeldBack(s, now);
        }
    }

    private void announced(Channel c, ChunkRange r) {
        c.peerHas(r.start(), r.end());
        if (c.swarm.picker != null) {
            c.swarm.picker.onAnnounced(c);
        }
    }

    private void choked(Channel c, boolean choking) {
        c.choked(choking);
        if (c.swarm.picker != null) {
            c.swarm.picker.onHolderChanged();
        }
    }

    private void onHandshake(Channel c, Handshake h, long now) {
        if (h.isClose()) {
            drop(c, PeerDropReason.CLOSED_BY_PEER);
            return;
        }
        if (c.awaitingHandshake()) {
            String refusal = incompatible(c.swarm, h.options());
            if (refusal != null) {
                LOG.log(Level.WARNING, "peer {0} refused: its {1} differs from the swarm''s", c.remote, refusal);
                drop(c, PeerDropReason.MALFORMED);
                return;
            }
            c.establish(h.sourceChannel(), h.options().liveDiscardWindow());
            c.swarm.stats.peers.set(c.swarm.channels.size());
            long rtt = c.handshakeRtt(now);
            if (c.handshakeAttempts() == 1) {
                c.sending.handshakeRtt(rtt);
            }
            if (c.swarm.role.fetches() && c.initiator && rtt > 0) {
                // The first requests' deadlines come from the path's round trip, not from a 1.5 s guess.
                if (c.handshakeAttempts() == 1) {
                    c.swarm.picker.onHandshakeRtt(c, rtt);
                } else {
                    c.swarm.picker.onHandshakeRttAfterRetry(c, rtt);
                }
            }
            onEstablished(c, now);
        }
    }

    /** The channel is confirmed both ways: send what the third (or fourth) datagram carries. */
    private void onEstablished(Channel c, long now) {
        LiveSwarm s = c.swarm;
        List<ChunkRange> runs = s.have().ranges();
        for (ChunkRange run : runs.subList(Math.max(0, runs.size() - HAVE_RUNS_ON_CONNECT), runs.size())) {
            c.queue(new Have(run));
        }
        if (s.role.fetches()) {
            s.picker.onHolderChanged();
            if (c.initiator) {
                c.queue(PexReq.INSTANCE);
            }
        }
        // Secure tune-in: our rightmost signed munro (RFC 7574 §6.1.2.4).
        s.rightmostMunro().ifPresent(m -> sendMunro(c, m, false, now));
        if (c.outbox().isEmpty()) {
            send(c, Datagram.keepalive(c.remoteId()), now);
        }
        flush(c, now);
    }

    private void sendMunro(Channel c, SignedMunro m, boolean again, long now) {
        if (c.peerHasAny(m.munro().chunks()) || !c.munroDue(m.munro().value(), now) && !again) {
            return;
        }
        c.queue(m.integrity());
        c.queue(m.signedIntegrity());
    }

    private void onSignedMunro(Channel c, SignedIntegrity si, List<Integrity> integrities) {
        LiveSwarm s = c.swarm;
        if (!s.role.fetches()) {
            return;
        }
        Integrity hash = null;
        Bin munro = si.chunks().asBin(s.params.chunkSize());
        for (Integrity i : integrities) {
            if (i.chunks().equals(munro)) {
                hash = i;
            }
        }
        if (hash == null) {
            return;
        }
        Bytes munroHash = hash.hash();
        LiveVerifier.Verdict v = s.verifier.acceptMunro(hash, si);
        switch (v) {
            case VERIFIED -> chunksOf(s, si.chunks()).ifPresent(r -> {
                s.acceptMunro(new SignedMunro(r.toBin(), munroHash, si.timestamp(), si.signature()));
                retryHeldBack(s, loop.nanoTime());
            });
            case STALE, FROM_THE_FUTURE -> s.stats.staleSignatures.incrementAndGet();
            case BAD_SIGNATURE, BAD_HASH -> reject(c, PeerDropReason.BAD_SIGNATURE, "a signed munro that does not verify");
            default -> {
                // Not a munro of this swarm: ignore the message, as RFC 7574 §5.3 says of what cannot be processed.
            }
        }
    }

    private void onData(Channel c, Data d, List<Integrity> integrities, Map<Long, SignedIntegrity> signAll, long now) {
        LiveSwarm s = c.swarm;
        Optional<ChunkRange> range = chunksOf(s, d.chunks());
        if (range.isEmpty() || range.get().count() != 1) {
            return;
        }
        long index = range.get().start();
        // The ACK's one-way delay sample feeds the sender's LEDBAT (RFC 7574 §8.7). We ACK only what we hold verified: the
        // sender takes an ACK as proof we know the munro and the uncle hashes, and would stop sending them.
        Ack ack = new Ack(range.get(), nowMicros() - d.timestampMicros());
        if (!s.role.fetches() || !s.wants(index)) {
            if (s.role.fetches()) {
                s.stats.chunksDuplicate.incrementAndGet();
            }
            c.queue(ack);
            return;
        }
        byte[] payload = d.payload().toArray();
        s.picker.onArrived(index, c, now);
        LiveVerifier.Verdict v;
        SignedIntegrity sig = null;
        if (s.params.integrity() == IntegrityMethod.SIGN_ALL) {
            sig = signAll.get(index);
            v = sig == null ? LiveVerifier.Verdict.MISSING_HASH : s.verifier.verifySignAll(index, payload, sig);
        } else {
            v = s.verifier.verifyChunk(index, payload, 0, payload.length, integrities);
        }
        switch (v) {
            case VERIFIED -> {
                delivered(s, c, index, payload, sig, ack, now);
                retryHeldBack(s, now);
            }
            case BAD_CHUNK, BAD_SIGNATURE, BAD_HASH -> {
                s.stats.chunksRejected.incrementAndGet();
                reject(c, v == LiveVerifier.Verdict.BAD_CHUNK ? PeerDropReason.BAD_CHUNK : PeerDropReason.BAD_SIGNATURE,
                        "chunk " + index + " that does not verify (" + v + ")");
            }
            case STALE, FROM_THE_FUTURE -> s.stats.staleSignatures.incrementAndGet();
            default -> {
                if (s.params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE) {
                    // Its munro or an uncle hash is not here yet: lost, or on its way in a datagram this one overtook. Keep
                    // it aside (unverified, not output, not served, not ACKed) and try again when hashes arrive.
                    s.heldBack.hold(index, c, payload, integrities, ack);
                    retryHeldBack(s, now);
                }
            }
        }
    }

    private void delivered(LiveSwarm s, Channel c, long index, byte[] payload, SignedIntegrity sig, Ack ack, long now) {
        s.stats.chunksVerified.incrementAndGet();
        s.stats.bytesIn.addAndGet(payload.length);
        if (!c.seeder()) {
            s.stats.bytesFromPeers.addAndGet(payload.length);
        }
        s.stats.firstChunkNanos.compareAndSet(-1, now - s.joinedNanos);
        if (!c.closed()) {
            c.queue(ack);
        }
        s.accept(index, payload, sig, c, now);
    }

    /** Chunks held back for want of a hash, tried again now that a chunk or a munro verified or another chunk came. */
    private void retryHeldBack(LiveSwarm s, long now) {
        if (s.heldBack.isEmpty()) {
            return;
        }
        s.heldBack.retry(s.nextOutput(), s::wants, (index, payload, hashes) -> s.verifier.verifyChunk(index, payload, 0, payload.length, hashes),
                new HeldBackChunks.Outcome<>() {
                    @Override
                    public void verified(long index, HeldBackChunks.Held<Channel> h) {
                        delivered(s, h.from(), index, h.payload(), null, h.ack(), now);
                    }

                    @Override
                    public void rejected(long index, HeldBackChunks.Held<Channel> h, LiveVerifier.Verdict why) {
                        s.stats.chunksRejected.incrementAndGet();
                        if (!h.from().closed()) {
                            reject(h.from(), PeerDropReason.BAD_CHUNK, "chunk " + index + " that does not verify (" + why + ")");
                        }
                    }
                });
    }

    private void reject(Channel c, PeerDropReason reason, String what) {
        LOG.log(Level.WARNING, "dropping peer {0} of swarm {1}: it sent {2}", c.remote, c.swarm.id, what);
        c.swarm.ban(c.remote, loop.nanoTime() + BAN_NANOS);
        drop(c, reason);
    }

    private void onAck(Channel c, Ack a, long now) {
        Optional<ChunkRange> r = chunksOf(c.swarm, a.chunks());
        if (r.isEmpty()) {
            return;
        }
        announced(c, r.get());
        long acked = 0;
        for (long i = r.get().start(); i <= r.get().end() && i - r.get().start() < 4096; i++) {
            acked += c.sending.onAcked(i, now);
        }
        c.sending.onDelaySample(a.oneWayDelayMicros(), acked, nowMicros());
        if (acked > 0 && c.swarm.role == Role.SOURCE) {
            learnedUplink.onDelivered(acked, now);
        }
    }

    // RFC 7574 §3.10, §12.2.3
    private void onPexRequest(Channel c) {
        LiveSwarm s = c.swarm;
        if (!config.pexToUntrusted() && !config.trustedPeers().contains(c.remote.getAddress())) {
            return;
        }
        boolean requesterPrivate = isPrivate(c.remote.getAddress());
        int sent = 0;
        for (Channel other : s.channels) {
            if (other == c || !other.established() || sent >= 16) {
                continue;
            }
            InetAddress a = other.remote.getAddress();
            // Do not leak private addresses to peers outside (RFC 7574 §8.13).
            if (!requesterPrivate && isPrivate(a)) {
                continue;
            }
            c.queue(a instanceof Inet4Address ? new PexResV4(other.remote) : new PexResV6(other.remote));
            sent++;
        }
    }

    private static boolean isPrivate(InetAddress a) {
        return a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress()
                || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xFE) == 0xFC);
    }

    private void onPexResponse(Channel c, InetSocketAddress peer, long now) {
        LiveSwarm s = c.swarm;
        if (s.role.fetches() && s.channels.size() < Math.min(config.maxPeersPerSwarm(), 16)) {
            connect(s, peer, now);
        }
    }

    /** The chunk range a specification denotes in this swarm, if it is a sane one. */
    private static Optional<ChunkRange> chunksOf(LiveSwarm s, ChunkSpec spec) {
        return switch (spec) {
            case Bin b -> b.isNone() ? Optional.empty() : Optional.of(b.chunks());
            case ChunkRange r -> Optional.of(r);
            case ByteRange r -> Optional.of(r.toChunkRange(s.params.chunkSize()));
        };
    }

    // Timers and sending.

    /** The timer: call every {@link #TICK_NANOS} or so. */
    public void onTick(long now) {
        gate.expire(now);
        for (LiveSwarm s : new ArrayList<>(swarms.values())) {
            s.forgetBehindWindow();
            if (s.role.fetches()) {
                if (s.startHeld()) {
                    s.output(now);
                }
                s.giveUpIfStuck(now);
                pick(s, now);
                s.stats.reRequests.set(s.picker.reRequests());
                s.stats.lossesDetected.set(s.picker.lossesDetected());
                s.stats.lagChunks.set(s.nextOutput() < 0 ? 0 : Math.max(0, s.liveEdge() - s.nextOutput() + 1));
                if (s.seedRetryDue(now)) {
                    for (InetSocketAddress p : s.seeds()) {
                        connect(s, p, now);
                    }
                }
            }
            if (s.role == Role.SOURCE && uplinkQueueing(s)) {
                uplinkFullAt = now;
                if (learnedUplink.onQueueing(s.bytesPerSecond(now) * 5 / 4, now)) {
                    LOG.log(Level.INFO, "the uplink queues: sending at most {0} kbit/s of chunks from now on (learned from what the peers "
                            + "acknowledged; an upload limit declared below it, --upload-kbps or seedcast.seeder.upload-limit, keeps the "
                            + "queue from building at all)", learnedUplink.limit(now) * 8 / 1000);
                }
            }
            List<ChunkRange> announce = s.takeAnnouncements();
            List<Channel> turn = new ArrayList<>(s.channels);
            if (turn.size() > 1) {
                Collections.rotate(turn, -(firstServed++ % turn.size()));
            }
            for (Channel c : turn) {
                if (!c.established()) {
                    switch (liveness.opening(c.idleFor(now), c.handshakeAttempts())) {
                        case DROP -> drop(c, PeerDropReason.TIMEOUT);
                        case HANDSHAKE_AGAIN -> sendHandshake(c, now);
                        default -> {
                        }
                    }
                    continue;
                }
                Liveness.Action check = liveness.established(c.silentFor(now), s.role.fetches(), s.role.fetches() ? s.picker.outstanding(c) : 0);
                if (check == Liveness.Action.DROP) {
                    drop(c, PeerDropReason.TIMEOUT);
                    continue;
                }
                if (check == Liveness.Action.REOPEN) {
                    // Its requests go to other holders meanwhile.
                    LOG.log(Level.INFO, "peer {0} of swarm {1} silent for {2} ms with chunks outstanding: handshaking again",
                            c.remote, s.id, c.silentFor(now) / 1_000_000);
                    reopen(c, now);
                    continue;
                }
                c.haves.add(announce);
                if (!announce.isEmpty()) {
                    c.promoteAhead();
                }
                if (c.haves.due(now, haveInterval(c, now, HAVE_INTERVAL_NANOS))) {
                    queueHaves(c, now);
                }
                if (!s.role.fetches() && s.params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE && !announce.isEmpty()) {
                    s.rightmostMunro().ifPresent(m -> sendMunro(c, m, false, now));
                }
                if (!s.role.fetches()) {
                    c.sending.streamRate(s.bytesPerSecond(now));
                }
                c.queueEchoes(now);
                c.repeatLost(now);
                c.sending.expire(now, nowMicros());
                sendData(c, now);
                flush(c, now);
                switch (liveness.afterSending(c.silentFor(now), c.idleFor(now), s.role.fetches(), !s.have().isEmpty())) {
                    case PROBE -> send(c, new Datagram(c.remoteId(), BinSplit.fitted(List.of(new Have(s.have().runAt(s.have().last()))),
                            s.params.addressing(), s.have()::containsAll, c::peerHasAll)), now);
                    case KEEPALIVE -> send(c, Datagram.keepalive(c.remoteId()), now);
                    default -> {
                    }
                }
            }
        }
    }

    /**
     * Whether a source's uplink queues, declared limit or not, from its channels' LEDBAT ({@link LearnedUplink#queueing}:
     * two or more that carry data at the target delay, and at least one in ten; without a learned limit in force, two
     * halfway there). A broadcaster at home often does not know the uplink: one nobody declared
     * queued a quarter second, every chunk went to every viewer through it, and ten viewers got 2 % of their chunks in
     * time. Not from one channel alone: that is one viewer's own slow downlink, and taking the uplink as full for it
     * would keep chunks already sent from the other viewers. Not for a relay (a seeder replica), whose operator declares
     * its share of the uplink. The viewers that joined later see the standing queue as their base delay (LEDBAT's
     * latecomer problem), so not all channels need to: at 100 ms with a third of them 77 % in order, with one in ten 98 %
     * in the same 20 s run.
     */
    private boolean uplinkQueueing(LiveSwarm s) {
        int busy = 0;
        int queueing = 0;
        int halfway = 0;
        for (Channel c : s.channels) {
            if (c.established() && c.sending.inflightBytes() > 0) {
                busy++;
                if (c.sending.ledbat.congested()) {
                    queueing++;
                }
                if (c.sending.ledbat.halfwayToTarget()) {
                    halfway++;
                }
            }
        }
        return learnedUplink.queueing(busy, queueing, halfway);
    }

    /**
     * How many of its newest runs of chunks a peer announces to a new channel (RFC 7574 §3.2: HAVEs for what it holds), not
     * only the run at its newest chunk: a viewer that joined later and tuned in below a hole in an earlier viewer's chunks
     * never heard that it held them, asked only the source, whose full uplink sends a chunk that went once only when
     * nobody has it, and gave the chunk up after 2 s (one chunk for good in one of six runs, capped source at 100 ms).
     */
    static final int HAVE_RUNS_ON_CONNECT = 8;

    private boolean uplinkFull(long now) {
        return now - uplinkFullAt < 100_000_000L;
    }

    /** Tunes in when it can, then lets the picker ask for what is missing. */
    private void pick(LiveSwarm s, long now) {
        if (s.nextOutput() < 0) {
            long start = s.picker.tuneIn(s.channels, s.liveEdge(), now);
            if (start < 0) {
                return;
            }
            s.tuneIn(start);
        }
        s.picker.pick(s.channels, s.nextOutput(), s.have()::contains, now, new LivePicker.Orders<>() {
            @Override
            public void request(Channel holder, ChunkRange chunks, boolean again) {
                holder.queue(new Request(chunks));
                if (again) {
                    holder.echo(new Request(chunks), now + ECHO_NANOS);
                }
            }

            @Override
            public void cancel(Channel holder, long chunk) {
                holder.queue(new Cancel(ChunkRange.single(chunk)));
            }
        });
    }

    /** Answers queued requests while LEDBAT's window and the upload limit allow, INTEGRITY before DATA (RFC 7574 §5.4, §6.1.2.3). */
    private void sendData(Channel c, long now) {
        LiveSwarm s = c.swarm;
        while (c.sending.windowOpen(config.maxDatagram())) {
            long index = nextToSend(c, now);
            if (index < 0) {
                return;
            }
            byte[] data = s.chunk(index);
            if (!c.upload.tryTake(data.length, now)) {
                uploadLimitHits.incrementAndGet();
                return;
            }
            if (!uplinkTake(data.length, now)) {
                c.upload.giveBack(data.length);
                uploadLimitHits.incrementAndGet();
                uplinkFullAt = now;
                return;
            }
            c.cancelRequested(ChunkRange.single(index));
            // The chunk's hashes and its DATA travel together where they fit: what is queued goes out first.
            flush(c, now);
            if (s.params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE) {
                Optional<SignedMunro> m = s.munroFor(index);
                List<Integrity> uncles = s.unclesFor(index, c.peerHas(), c.sending);
                if (m.isEmpty() || uncles == null) {
                    continue;
                }
                // A chunk the peer asks for again may have come and wait for its munro's signature: that goes with it, however
                // recently it went (a lost signature held a munro's first chunk back through four retries at 200 ms).
                sendMunro(c, m.get(), c.sending.sentBefore(index), now);
                uncles.forEach(c::queue);
            } else {
                SignedIntegrity sig = s.signatureOf(index);
                if (sig == null) {
                    continue;
                }
                c.queue(sig);
            }
            c.queue(new Data(ChunkRange.single(index), nowMicros(), Bytes.of(data)));
            if (config.totalUploadBytesPerSecond() > 0 || s.role == Role.SOURCE) {
                // Only an uplink that can fill (a declared limit, or a source's queueing) asks how often a chunk went out
                // (nextToSend).
                s.countSent(index, now);
            }
            c.sending.onSent(index, data.length, now);
            s.stats.chunksServed.incrementAndGet();
            s.stats.bytesOut.addAndGet(data.length);
            flush(c, now);
        }
    }

    /** Takes {@code bytes} from the engine's upload limit, declared and learned ({@link LearnedUplink}); all or nothing. */
    private boolean uplinkTake(long bytes, long now) {
        if (!totalUpload.tryTake(bytes, now)) {
            return false;
        }
        long learned = learnedUplink.limit(now);
        learnedUpload.rate(learned, uplinkBurst(learned), now);
        if (learnedUpload.tryTake(bytes, now)) {
            return true;
        }
        totalUpload.giveBack(bytes);
        return false;
    }

    /** An uplink limit's burst: 50 ms of it, at least four datagrams (a path's queue is not flooded at once). */
    private long uplinkBurst(long bytesPerSecond) {
        return Math.max(4L * config.maxDatagram(), bytesPerSecond / 20);
    }

    /**
     * The chunk the peer asked for that goes next, or -1: the lowest asked. While our uplink is full (the engine's upload
     * limit held a chunk back in the last 100 ms), only chunks that have not left us yet: each chunk leaves about once and
     * the peers pass it on among themselves, and a chunk sent before waits until the uplink has room again (or the peer
     * has it from someone else, or asks someone else). Sending those too kept the new ones waiting behind them: at 50 ms
     * with the uplink at twice the stream, the first copy of a chunk took 260 ms instead of 94 ms to arrive. Chunks gone
     * from our window or that the peer has meanwhile are dropped from its queue.
     */
    private long nextToSend(Channel c, long now) {
        boolean full = uplinkFull(now);
        for (var it = c.sendQueue(); it.hasNext(); ) {
            long index = it.next();
            if (c.swarm.chunk(index) == null || c.peerHas().contains(index)) {
                it.remove();
                continue;
            }
            if (!full || c.swarm.timesSent(index) == 0 || lostOnItsWay(c, index, now)) {
                return index;
            }
        }
        return -1;
    }

    /**
     * A chunk we sent that nobody has: no peer acknowledged or announced it a retransmission timeout after it left (the
     * one copy was lost on the way, or its ACK was). With a full uplink it goes again like a new chunk: every viewer
     * would otherwise wait for it until its uplink had room, and at 100 ms with the uplink at twice the stream that was
     * never; all ten viewers stalled on the same chunks for 1-1.7 s at a time.
     */
    private static boolean lostOnItsWay(Channel c, long index, long now) {
        long sentAt = c.swarm.lastSent(index);
        return sentAt != Long.MIN_VALUE && now - sentAt > c.sending.rtoNanos() && !c.swarm.anyPeerHas(index);
    }

    /**
     * How often a peer that has asked us for nothing in the last second hears of our chunks: it takes them from elsewhere
     * (ten viewers 200 ms apart took 0-1 % from each other once they asked their seeder ahead, and HAVEs to each of up to
     * 8 peers were 11 bytes per chunk delivered, 1.1 %). Still often enough to pick us for a chunk it lost.
     */
    static final long IDLE_PEER_HAVE_INTERVAL_NANOS = 200_000_000L;
    /** A peer that has sent us no REQUEST for this long takes nothing from us. */
    static final long IDLE_PEER_NANOS = 1_000_000_000L;

    /** When the pending HAVEs may go: {@code usual}, or {@link #IDLE_PEER_HAVE_INTERVAL_NANOS} to a peer that takes nothing from us. */
    private static long haveInterval(Channel c, long now, long usual) {
        return now - c.lastRequestNanos > IDLE_PEER_NANOS ? IDLE_PEER_HAVE_INTERVAL_NANOS : usual;
    }

    /**
     * The channel's pending HAVEs into its outbox: at the front when they fit in the first datagram, so that they ride
     * with what goes anyway without parting an INTEGRITY from its DATA; else at the end.
     */
    private void queueHaves(Channel c, long now) {
        LiveSwarm s = c.swarm;
        List<Have> haves = c.haves.take(s.have().isEmpty() ? null : s.have().runAt(s.have().last()), c::peerHasAll, now);
        if (haves.isEmpty()) {
            return;
        }
        List<Message> outbox = c.outbox();
        int first = 4;
        for (Message m : outbox) {
            first += m.encodedLength(s.context);
            if (m instanceof Data) {
                break;
            }
        }
        for (Have h : haves) {
            first += h.encodedLength(s.context);
        }
        outbox.addAll(first <= config.maxDatagram() ? 0 : outbox.size(), haves);
    }

    /**
     * Sends the channel's queued messages, packed into as few datagrams as fit, a DATA always last in its datagram.
     * Pending HAVEs ride along.
     */
    private void flush(Channel c, long now) {
        List<Message> outbox = c.outbox();
        if (outbox.isEmpty() || !c.established()) {
            return;
        }
        mergeAcks(outbox);
        if (c.haves.due(now, haveInterval(c, now, 0))) {
            queueHaves(c, now);
        }
        List<Message> batch = new ArrayList<>();
        int size = 4;
        WireContext ctx = c.swarm.context;
        for (Message m : BinSplit.fitted(outbox, ctx.addressing(), c.swarm.have()::containsAll, c::peerHasAll)) {
            int len = m.encodedLength(ctx);
            if (!batch.isEmpty() && size + len > config.maxDatagram()) {
                send(c, new Datagram(c.remoteId(), batch), now);
                batch = new ArrayList<>();
                size = 4;
            }
            batch.add(m);
            size += len;
            if (m instanceof Data) {
                send(c, new Datagram(c.remoteId(), batch), now);
                batch = new ArrayList<>();
                size = 4;
            }
        }
        if (!batch.isEmpty()) {
            send(c, new Datagram(c.remoteId(), batch), now);
        }
        outbox.clear();
    }

    private void send(Channel c, Datagram d, long now) {
        Datagram out = outboundFilter.apply(d);
        if (out == null) {
            return;
        }
        sendBuffer.clear();
        DatagramCodec.encode(out, c.swarm.context, sendBuffer);
        sendBuffer.flip();
        int n = sendBuffer.remaining();
        transport.send(sendBuffer, c.remote);
        datagramsSent.incrementAndGet();
        bytesSent.addAndGet(n);
        c.swarm.stats.datagramsOut.incrementAndGet();
        c.sent(now);
    }

    private void sendRaw(byte[] bytes, InetSocketAddress to) {
        transport.send(ByteBuffer.wrap(bytes), to);
        datagramsSent.incrementAndGet();
        bytesSent.addAndGet(bytes.length);
    }

    void drop(Channel c, PeerDropReason reason) {
        if (c.closed()) {
            return;
        }
        if (c.established() && reason != PeerDropReason.CLOSED_BY_PEER && reason != PeerDropReason.TIMEOUT) {
            // The closing HANDSHAKE (RFC 7574 §8.4).
            c.outbox().clear();
            send(c, Datagram.of(c.remoteId(), Handshake.close(SwarmParameters.PROTOCOL_VERSION)), loop.nanoTime());
        }
        c.close();
        channels.remove(c.localId);
        LiveSwarm s = c.swarm;
        s.channels.remove(c);
        s.stats.peers.set(s.channels.size());
        if (reason != PeerDropReason.SHUTDOWN && reason != PeerDropReason.CLOSED_BY_PEER) {
            s.stats.peersDropped.incrementAndGet();
        }
        if (s.picker != null) {
            s.picker.onGone(c);
        }
    }

    /** Wall time in microseconds from the injected clock: DATA timestamps and ACK delay samples (RFC 7574 §8.6, §8.7). */
    long nowMicros() {
        Instant t = clock.instant();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }
}
