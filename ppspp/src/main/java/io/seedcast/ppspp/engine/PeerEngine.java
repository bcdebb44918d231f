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
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The PPSPP peer engine: one UDP socket, many swarms and channels multiplexed on it, one thread
 * that owns all state. It runs the handshake with return routability, HAVE/REQUEST/DATA/ACK with
 * INTEGRITY and SIGNED_INTEGRITY packed as the RFC orders them, live chunk picking, LEDBAT, PEX,
 * keepalives and dead-peer detection. Viewers verify every chunk before keeping, playing or
 * forwarding it, and drop a peer that sends a bad chunk, hash or signature.
 */
// RFC 7574 §3, §8, §12
public final class PeerEngine implements AutoCloseable {

    static final long TICK_NANOS = 5_000_000;
    static final long HANDSHAKE_RETRY_NANOS = 1_000_000_000;
    static final int HANDSHAKE_ATTEMPTS = 8;
    static final long BAN_NANOS = 300_000_000_000L;

    final EngineConfig config;
    final Clock clock;
    private final DatagramChannel socket;
    private final Selector selector;
    private final Thread thread;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(65_536);
    private final ByteBuffer sendBuffer = ByteBuffer.allocate(65_536);

    private final Map<Bytes, LiveSwarm> swarms = new HashMap<>();
    private final Map<Integer, Channel> channels = new HashMap<>();
    /** Unconfirmed handshakes, oldest first: all the state a first datagram may cost (RFC 7574 §12.1). */
    private final LinkedHashMap<Integer, Pending> pending = new LinkedHashMap<>();
    private final Map<PendingKey, Pending> pendingByPeer = new HashMap<>();
    /** Unconfirmed handshakes per address: one address cannot crowd out the others. */
    private final Map<InetSocketAddress, Integer> pendingPerAddress = new HashMap<>();
    static final int MAX_PENDING_PER_ADDRESS = 8;
    private double handshakeTokens;
    private long handshakeTokensAt;
    private long nextTick;

    private volatile UnaryOperator<Datagram> outboundFilter = UnaryOperator.identity();
    private final Consumer<String> logger;

    public final AtomicLong malformedDatagrams = new AtomicLong();
    public final AtomicLong handshakesAccepted = new AtomicLong();
    public final AtomicLong handshakesRefused = new AtomicLong();
    public final AtomicLong datagramsSent = new AtomicLong();
    public final AtomicLong bytesSent = new AtomicLong();
    /** Times a peer's upload limit held back a chunk it asked for. */
    public final AtomicLong uploadLimitHits = new AtomicLong();

    record Pending(int localId, int remoteId, InetSocketAddress peer, LiveSwarm swarm, long createdNanos, Long peerWindow, byte[] reply) {
    }

    record PendingKey(InetSocketAddress peer, int remoteId) {
    }

    private PeerEngine(EngineConfig config, Clock clock, Consumer<String> logger) throws IOException {
        this.config = config;
        this.clock = clock;
        this.logger = logger;
        this.selector = Selector.open();
        this.socket = DatagramChannel.open();
        try {
            socket.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            socket.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            socket.bind(config.listen());
        } catch (IOException e) {
            socket.close();
            selector.close();
            throw new IOException("cannot listen on UDP " + config.listen() + ": " + e.getMessage(), e);
        }
        socket.configureBlocking(false);
        socket.register(selector, SelectionKey.OP_READ);
        this.handshakeTokens = config.handshakesPerSecond();
        this.handshakeTokensAt = System.nanoTime();
        this.thread = new Thread(this::run, "ppspp-engine-" + localAddress().getPort());
        thread.setDaemon(true);
    }

    public static PeerEngine start(EngineConfig config) throws IOException {
        return start(config, Clock.systemUTC(), m -> System.err.println("[ppspp] " + m));
    }

    public static PeerEngine start(EngineConfig config, Clock clock, Consumer<String> logger) throws IOException {
        PeerEngine e = new PeerEngine(config, clock, logger);
        e.thread.start();
        return e;
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) socket.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts serving a live swarm as its source. */
    public LiveSwarm addSource(SwarmParameters params, SwarmKeyPair key) {
        LiveSwarm s = new LiveSwarm(this, params, key, System.nanoTime());
        call(() -> swarms.put(s.id.encoded(), s));
        return s;
    }

    /** Serves a live swarm signed elsewhere, as a seeder does: chunks come in through {@link LiveSwarm#offerMunro} or {@link LiveSwarm#offerSigned}. */
    public LiveSwarm addRelay(SwarmId id, SwarmParameters params) {
        LiveSwarm s = new LiveSwarm(this, id, params, System.nanoTime());
        call(() -> swarms.put(s.id.encoded(), s));
        return s;
    }

    /** Joins a live swarm as a viewer through the given peers; verified chunks reach {@code sink} in order. */
    public LiveSwarm join(SwarmId id, SwarmParameters params, List<InetSocketAddress> peers, ChunkSink sink) {
        LiveSwarm s = new LiveSwarm(this, id, params, peers, sink, System.nanoTime());
        call(() -> {
            swarms.put(id.encoded(), s);
            for (InetSocketAddress p : peers) {
                connect(s, p, System.nanoTime());
            }
        });
        return s;
    }

    /** Pending handshakes right now (for tests and metrics). */
    public int pendingHandshakes() {
        return callAndGet(pending::size);
    }

    /** Fault injection for tests: every datagram we send passes through {@code filter} first. */
    void setOutboundFilter(UnaryOperator<Datagram> filter) {
        outboundFilter = filter;
    }

    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void call(Runnable task) {
        callAndGet(() -> {
            task.run();
            return null;
        });
    }

    <T> T callAndGet(java.util.function.Supplier<T> task) {
        if (Thread.currentThread() == thread) {
            return task.get();
        }
        var f = new java.util.concurrent.CompletableFuture<T>();
        execute(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("engine did not answer: " + e.getMessage(), e);
        }
    }

    void log(String message) {
        logger.accept(message);
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        try {
            call(() -> {
                for (LiveSwarm s : new ArrayList<>(swarms.values())) {
                    removeSwarm(s);
                }
            });
        } catch (IllegalStateException ignored) {
            // The loop is gone already; nothing left to close politely.
        }
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
            socket.close();
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // Closing a socket we are done with.
        }
    }

    void removeSwarm(LiveSwarm s) {
        for (Channel c : new ArrayList<>(s.channels)) {
            drop(c, PeerDropReason.SHUTDOWN);
        }
        swarms.remove(s.id.encoded());
    }

    // The loop.

    private void run() {
        while (running) {
            try {
                long now = System.nanoTime();
                long wait = Math.max(1, (nextTick - now) / 1_000_000);
                selector.select(Math.min(wait, 5));
                selector.selectedKeys().clear();
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                receiveAll();
                now = System.nanoTime();
                if (now >= nextTick) {
                    tick(now);
                    nextTick = now + TICK_NANOS;
                }
            } catch (IOException e) {
                if (running) {
                    log("socket error: " + e.getMessage());
                }
            } catch (RuntimeException e) {
                // A bug must not take the whole peer down: say so loudly and go on.
                log("engine error (continuing): " + e);
                e.printStackTrace();
            }
        }
    }

    private void receiveAll() throws IOException {
        for (int i = 0; i < 1024; i++) {
            receiveBuffer.clear();
            InetSocketAddress from = (InetSocketAddress) socket.receive(receiveBuffer);
            if (from == null) {
                return;
            }
            receiveBuffer.flip();
            onDatagram(receiveBuffer, from, System.nanoTime());
        }
    }

    private void onDatagram(ByteBuffer buf, InetSocketAddress from, long now) {
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
            Pending p = pending.get(channelId);
            if (p == null || !p.peer().equals(from)) {
                return;
            }
            // The third datagram: the peer is where it said it was (RFC 7574 §3.1.1, §12.1).
            forgetPending(p);
            if (!swarms.containsValue(p.swarm())) {
                return;
            }
            c = new Channel(p.localId(), from, p.swarm(), false, config, now);
            c.remoteId = p.remoteId();
            c.peerWindow = p.peerWindow() == null ? -1 : p.peerWindow();
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
            log("from " + from + ": " + m.error());
            return;
        }
        c.lastReceivedNanos = now;
        c.swarm.stats.datagramsIn.incrementAndGet();
        onMessages(c, ((DecodeResult.Decoded) r).datagram().messages(), now);
        flush(c, now);
    }

    /** A datagram to channel 0: someone opens a channel. Answer it with one small datagram, keep a little state, no more. */
    private void onFirstDatagram(ByteBuffer buf, InetSocketAddress from, long now) {
        DecodeResult r = DatagramCodec.decode(buf, WireContext.DEFAULT);
        if (!(r instanceof DecodeResult.Decoded d) || d.datagram().messages().isEmpty()
                || !(d.datagram().messages().getFirst() instanceof Handshake h) || h.isClose()) {
            malformedDatagrams.incrementAndGet();
            return;
        }
        PendingKey key = new PendingKey(from, h.sourceChannel());
        Pending known = pendingByPeer.get(key);
        if (known != null) {
            // A retransmitted first HANDSHAKE: same answer, no new state (RFC 7574 §8.2).
            sendRaw(known.reply(), from);
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
        if (refusal == null && pendingPerAddress.getOrDefault(from, 0) >= MAX_PENDING_PER_ADDRESS) {
            refusal = "too many unconfirmed handshakes from " + from;
        }
        if (refusal == null && !takeHandshakeToken(now)) {
            refusal = "handshake rate limit";
        }
        if (refusal != null) {
            handshakesRefused.incrementAndGet();
            return;
        }
        int localId = newChannelId();
        List<Message> reply = new ArrayList<>();
        reply.add(new Handshake(localId, swarm.params.handshakeOptions(swarm.id, false)));
        if (!swarm.have.isEmpty()) {
            // Minor payload is allowed in the second datagram (RFC 7574 §3.1.1).
            reply.add(new Have(swarm.have.runAt(swarm.have.last())));
        }
        byte[] bytes = DatagramCodec.encode(new Datagram(h.sourceChannel(), reply), swarm.context);
        Pending p = new Pending(localId, h.sourceChannel(), from, swarm, now, o.liveDiscardWindow(), bytes);
        pending.put(localId, p);
        pendingByPeer.put(key, p);
        pendingPerAddress.merge(from, 1, Integer::sum);
        while (pending.size() > config.maxPendingHandshakes()) {
            forgetPending(pending.values().iterator().next());
        }
        sendRaw(bytes, from);
    }

    private String incompatible(LiveSwarm s, ProtocolOptions o) {
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

    private boolean takeHandshakeToken(long now) {
        handshakeTokens = Math.min(config.handshakesPerSecond(), handshakeTokens + (now - handshakeTokensAt) * config.handshakesPerSecond() / 1e9);
        handshakeTokensAt = now;
        if (handshakeTokens < 1) {
            return false;
        }
        handshakeTokens -= 1;
        return true;
    }

    private void forgetPending(Pending p) {
        pending.remove(p.localId());
        forgotten(p);
    }

    private void forgotten(Pending p) {
        pendingByPeer.remove(new PendingKey(p.peer(), p.remoteId()));
        pendingPerAddress.computeIfPresent(p.peer(), (k, n) -> n <= 1 ? null : n - 1);
    }

    private int newChannelId() {
        while (true) {
            int id = random.nextInt();
            if (id != 0 && !channels.containsKey(id) && !pending.containsKey(id)) {
                return id;
            }
        }
    }

    void connect(LiveSwarm s, InetSocketAddress peer, long now) {
        if (s.isBanned(peer, now) || peer.equals(localAddress())) {
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
        c.handshakeAttempts++;
        send(c, new Datagram(0, List.of(new Handshake(c.localId, c.swarm.params.handshakeOptions(c.swarm.id, true)))), now);
    }

    // Messages.

    private void onMessages(Channel c, List<Message> messages, long now) {
        LiveSwarm s = c.swarm;
        List<Integrity> integrities = new ArrayList<>();
        Map<Long, SignedIntegrity> signAll = new HashMap<>();
        for (Message m : messages) {
            if (c.state == Channel.State.CLOSED) {
                return;
            }
            switch (m) {
                case Handshake h -> onHandshake(c, h, now);
                case Have h -> chunksOf(s, h.chunks()).ifPresent(r -> c.peerHas(r.start(), r.end()));
                case Ack a -> onAck(c, a, now);
                case Integrity i -> integrities.add(i);
                case SignedIntegrity si -> {
                    if (s.params.integrity() == IntegrityMethod.SIGN_ALL) {
                        chunksOf(s, si.chunks()).ifPresent(r -> signAll.put(r.start(), si));
                    } else {
                        onSignedMunro(c, si, integrities);
                    }
                }
                case Data d -> onData(c, d, integrities, signAll, now);
                case Request r -> onRequest(c, r);
                case Cancel x -> chunksOf(s, x.chunks()).ifPresent(r -> {
                    for (long i = r.start(); i <= r.end() && i - r.start() < 65_536; i++) {
                        c.sendQueue.remove(i);
                    }
                });
                case Choke x -> c.peerChoking = true;
                case Unchoke x -> c.peerChoking = false;
                case PexReq x -> onPexRequest(c);
                case PexResV4 p -> onPexResponse(c, p.peer(), now);
                case PexResV6 p -> onPexResponse(c, p.peer(), now);
                case PexResCert x -> {
                    // Certificate-secured PEX (RFC 7574 §12.2.2) needs a tracker CA; we use the tracker itself instead.
                }
            }
        }
    }

    private void onHandshake(Channel c, Handshake h, long now) {
        if (h.isClose()) {
            drop(c, PeerDropReason.CLOSED_BY_PEER);
            return;
        }
        if (c.state == Channel.State.HANDSHAKE_SENT) {
            String refusal = incompatible(c.swarm, h.options());
            if (refusal != null) {
                log("peer " + c.remote + " refused: its " + refusal + " differs from the swarm's");
                drop(c, PeerDropReason.MALFORMED);
                return;
            }
            c.remoteId = h.sourceChannel();
            Long w = h.options().liveDiscardWindow();
            c.peerWindow = w == null ? -1 : w;
            c.state = Channel.State.ESTABLISHED;
            c.swarm.stats.peers.set(c.swarm.channels.size());
            onEstablished(c, now);
        }
    }

    /** The channel is confirmed both ways: send what the third (or fourth) datagram carries. */
    private void onEstablished(Channel c, long now) {
        LiveSwarm s = c.swarm;
        if (!s.have.isEmpty()) {
            c.control.add(new Have(s.have.runAt(s.have.last())));
        }
        if (!s.source && c.initiator) {
            c.control.add(PexReq.INSTANCE);
        }
        // Secure tune-in: our rightmost signed munro (RFC 7574 §6.1.2.4).
        s.rightmostMunro().ifPresent(m -> sendMunro(c, m, now));
        if (c.control.isEmpty()) {
            send(c, Datagram.keepalive(c.remoteId), now);
        }
        flush(c, now);
    }

    private void sendMunro(Channel c, SignedMunro m, long now) {
        if (c.peerHas.containsAny(m.munro().chunks())) {
            return;
        }
        Long sent = c.munrosSent.get(m.munro().value());
        if (sent != null && now - sent < 500_000_000L) {
            return;
        }
        c.munrosSent.put(m.munro().value(), now);
        c.control.add(m.integrity());
        c.control.add(m.signedIntegrity());
    }

    private void onSignedMunro(Channel c, SignedIntegrity si, List<Integrity> integrities) {
        LiveSwarm s = c.swarm;
        if (s.source) {
            return;
        }
        Integrity hash = null;
        for (Integrity i : integrities) {
            if (i.chunks().equals(si.chunks())) {
                hash = i;
            }
        }
        if (hash == null) {
            return;
        }
        LiveVerifier.Verdict v = s.verifier.acceptMunro(hash, si);
        switch (v) {
            case VERIFIED -> {
                Optional<ChunkRange> r = chunksOf(s, si.chunks());
                if (r.isPresent()) {
                    SignedMunro m = new SignedMunro(r.get().toBin(), hash.hash(), si.timestamp(), si.signature());
                    s.munros.putIfAbsent(m.munro().baseOffset(), m);
                    s.liveEdge = Math.max(s.liveEdge, r.get().end());
                }
            }
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
        byte[] payload = d.payload().toArray();
        // The ACK's one-way delay sample feeds the sender's LEDBAT (RFC 7574 §8.7).
        c.control.add(new Ack(d.chunks(), nowMicros() - d.timestampMicros()));
        if (s.source || s.have.contains(index)) {
            return;
        }
        if (s.start >= 0 && index < s.nextOutput) {
            return;
        }
        LiveVerifier.Verdict v;
        SignedIntegrity sig = null;
        if (s.params.integrity() == IntegrityMethod.SIGN_ALL) {
            sig = signAll.get(index);
            v = sig == null ? LiveVerifier.Verdict.MISSING_HASH : s.verifier.verifySignAll(index, payload, sig);
        } else {
            v = s.verifier.verifyChunk(index, payload, 0, payload.length, integrities);
        }
        switch (v) {
            case VERIFIED -> onVerified(c, index, payload, sig, now);
            case BAD_CHUNK, BAD_SIGNATURE, BAD_HASH -> {
                s.stats.chunksRejected.incrementAndGet();
                reject(c, v == LiveVerifier.Verdict.BAD_CHUNK ? PeerDropReason.BAD_CHUNK : PeerDropReason.BAD_SIGNATURE,
                        "chunk " + index + " that does not verify (" + v + ")");
            }
            case STALE, FROM_THE_FUTURE -> s.stats.staleSignatures.incrementAndGet();
            default -> {
                // Missing munro or uncle: drop the message; the request times out and is asked again.
            }
        }
    }

    private void onVerified(Channel c, long index, byte[] payload, SignedIntegrity sig, long now) {
        LiveSwarm s = c.swarm;
        s.stats.chunksVerified.incrementAndGet();
        s.stats.bytesIn.addAndGet(payload.length);
        if (!c.seeder) {
            s.stats.bytesFromPeers.addAndGet(payload.length);
        }
        s.stats.firstChunkNanos.compareAndSet(-1, now - s.joinedNanos);
        if (sig != null) {
            s.signatures.put(index, sig);
        }
        s.store(index, payload);
        s.toAnnounce.add(ChunkRange.single(index));
        LiveSwarm.Request r = s.requested.remove(index);
        if (r != null) {
            r.channel().outstanding.remove(index);
        }
        c.outstanding.remove(index);
        deliver(s);
    }

    private void deliver(LiveSwarm s) {
        if (s.nextOutput < 0) {
            return;
        }
        byte[] data;
        while ((data = s.chunks.get(s.nextOutput)) != null) {
            s.sink.chunk(s.nextOutput, data);
            s.stats.chunksOutput.incrementAndGet();
            s.nextOutput++;
        }
    }

    private void reject(Channel c, PeerDropReason reason, String what) {
        log("dropping peer " + c.remote + " of swarm " + c.swarm.id + ": it sent " + what);
        c.swarm.banned.put(c.remote, System.nanoTime() + BAN_NANOS);
        drop(c, reason);
    }

    private void onAck(Channel c, Ack a, long now) {
        Optional<ChunkRange> r = chunksOf(c.swarm, a.chunks());
        if (r.isEmpty()) {
            return;
        }
        c.peerHas(r.get().start(), r.get().end());
        long acked = 0;
        for (long i = r.get().start(); i <= r.get().end() && i - r.get().start() < 4096; i++) {
            Long sent = c.inflight.remove(i);
            if (sent != null) {
                byte[] data = c.swarm.chunks.get(i);
                long size = data == null ? c.swarm.params.chunkSize() : data.length;
                acked += size;
                c.inflightBytes = Math.max(0, c.inflightBytes - size);
                long rtt = (now - sent) / 1000;
                c.srttMicros = (7 * c.srttMicros + rtt) / 8;
            }
        }
        if (acked > 0) {
            c.ledbat.onAck(a.oneWayDelayMicros(), acked, c.inflightBytes + acked, nowMicros());
        }
    }

    private void onRequest(Channel c, Request r) {
        if (!c.established()) {
            return;
        }
        Optional<ChunkRange> range = chunksOf(c.swarm, r.chunks());
        if (range.isEmpty()) {
            return;
        }
        // Bounded: a peer cannot make us queue more than the window holds (RFC 7574 §12.6.6).
        long limit = Math.min(range.get().end(), range.get().start() + config.requestWindow() * 4L);
        for (long i = range.get().start(); i <= limit; i++) {
            if (c.swarm.chunks.containsKey(i) && c.sendQueue.size() < config.requestWindow() * 4) {
                c.sendQueue.add(i);
            }
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
            c.control.add(a instanceof Inet4Address ? new PexResV4(other.remote) : new PexResV6(other.remote));
            sent++;
        }
    }

    private static boolean isPrivate(InetAddress a) {
        return a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress()
                || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xFE) == 0xFC);
    }

    private void onPexResponse(Channel c, InetSocketAddress peer, long now) {
        LiveSwarm s = c.swarm;
        if (!s.source && s.channels.size() < Math.min(config.maxPeersPerSwarm(), 16)) {
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

    private void tick(long now) {
        expirePending(now);
        for (LiveSwarm s : new ArrayList<>(swarms.values())) {
            s.forgetBehindWindow();
            if (!s.source) {
                pick(s, now);
                if (s.channels.isEmpty() && now - s.lastSeedAttemptNanos > 2_000_000_000L) {
                    s.lastSeedAttemptNanos = now;
                    for (InetSocketAddress p : s.seeds) {
                        connect(s, p, now);
                    }
                }
            }
            List<ChunkRange> announce = merge(s.toAnnounce);
            s.toAnnounce.clear();
            for (Channel c : new ArrayList<>(s.channels)) {
                if (!c.established()) {
                    if (now - c.lastSentNanos > HANDSHAKE_RETRY_NANOS) {
                        if (c.handshakeAttempts >= HANDSHAKE_ATTEMPTS) {
                            drop(c, PeerDropReason.TIMEOUT);
                        } else {
                            sendHandshake(c, now);
                        }
                    }
                    continue;
                }
                if (now - c.lastReceivedNanos > config.peerTimeout().toNanos()) {
                    drop(c, PeerDropReason.TIMEOUT);
                    continue;
                }
                for (ChunkRange r : announce) {
                    if (!c.peerHas.containsAll(r)) {
                        c.control.add(new Have(r));
                    }
                }
                if (s.source && s.params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE && !announce.isEmpty()) {
                    s.rightmostMunro().ifPresent(m -> sendMunro(c, m, now));
                }
                expireInflight(c, now);
                sendData(c, now);
                flush(c, now);
                if (now - c.lastSentNanos > config.keepaliveInterval().toNanos()) {
                    // RFC 7574 §3.12, §8.14
                    send(c, Datagram.keepalive(c.remoteId), now);
                }
            }
        }
    }

    private void expirePending(long now) {
        long ttl = config.handshakeTimeout().toNanos();
        Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (now - p.createdNanos() < ttl) {
                break;
            }
            it.remove();
            forgotten(p);
        }
    }

    private static List<ChunkRange> merge(List<ChunkRange> ranges) {
        if (ranges.size() <= 1) {
            return List.copyOf(ranges);
        }
        List<ChunkRange> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
        List<ChunkRange> out = new ArrayList<>();
        ChunkRange cur = sorted.getFirst();
        for (ChunkRange r : sorted.subList(1, sorted.size())) {
            if (r.start() <= cur.end() + 1) {
                cur = new ChunkRange(cur.start(), Math.max(cur.end(), r.end()));
            } else {
                out.add(cur);
                cur = r;
            }
        }
        out.add(cur);
        return out;
    }

    /** Live chunk picking: start near the live edge, then fetch in order from several peers, each chunk once unless its request times out. */
    private void pick(LiveSwarm s, long now) {
        if (s.start < 0) {
            long edge = s.liveEdge;
            long lowest = Long.MAX_VALUE;
            for (Channel c : s.channels) {
                edge = Math.max(edge, c.peerLatest);
                if (!c.peerHas.isEmpty()) {
                    lowest = Math.min(lowest, c.peerHas.first());
                }
            }
            if (edge < 0) {
                return;
            }
            long start = s.params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE
                    ? s.params.munroOf(edge).baseOffset()
                    : Math.max(0, edge - s.params.chunksPerSignature() + 1);
            if (lowest != Long.MAX_VALUE) {
                start = Math.max(start, lowest);
            }
            s.start = start;
            s.nextOutput = start;
        }
        for (Iterator<Map.Entry<Long, LiveSwarm.Request>> it = s.requested.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, LiveSwarm.Request> e = it.next();
            if (e.getValue().deadlineNanos() < now || e.getKey() < s.nextOutput) {
                it.remove();
                Channel late = e.getValue().channel();
                late.outstanding.remove(e.getKey());
                if (late.established()) {
                    // RFC 7574 §3.8: tell the slow peer we asked elsewhere.
                    late.control.add(new Cancel(ChunkRange.single(e.getKey())));
                }
            }
        }
        List<Channel> ready = new ArrayList<>();
        // A viewer is near the edge with us if what it last announced is at most two munros behind our playout point.
        long nearEdge = s.nextOutput - 2L * Math.max(32, s.params.chunksPerSignature());
        int peersAtEdge = 0;
        long newest = -1;
        for (Channel c : s.channels) {
            if (c.established() && !c.peerChoking) {
                ready.add(c);
                newest = Math.max(newest, c.peerLatest);
                if (!c.seeder && c.peerLatest >= 0 && c.peerLatest >= nearEdge) {
                    peersAtEdge++;
                }
            }
        }
        s.seedOnlySince.keySet().removeIf(i -> i < s.nextOutput);
        if (ready.isEmpty()) {
            return;
        }
        long wait = config.peerFirstWait().toNanos();
        boolean[] fromSeeder = new boolean[1];
        // Nothing past the newest chunk any peer announced can be asked for: at the live edge that leaves a few chunks to look at.
        long end = Math.min(s.nextOutput + config.requestWindow(), newest + 1);
        for (long i = s.nextOutput; i < end; i++) {
            if (s.have.contains(i) || s.requested.containsKey(i)) {
                continue;
            }
            Channel best = leastLoadedHolder(ready, i, fromSeeder);
            if (best == null) {
                continue;
            }
            if (fromSeeder[0]) {
                long delay = offloadDelay(s.offloadSalt, i, peersAtEdge, wait);
                if (delay > 0 && now - s.seedOnlySince.computeIfAbsent(i, k -> now) < delay) {
                    continue;
                }
            }
            s.seedOnlySince.remove(i);
            best.outstanding.add(i);
            best.pendingRequests.add(i);
            s.requested.put(i, new LiveSwarm.Request(best, now + config.requestTimeout().toNanos()));
        }
        for (Channel c : ready) {
            while (!c.pendingRequests.isEmpty()) {
                long first = c.pendingRequests.poll();
                long last = first;
                while (!c.pendingRequests.isEmpty() && c.pendingRequests.peek() == last + 1) {
                    last = c.pendingRequests.poll();
                }
                c.control.add(new Request(new ChunkRange(first, last)));
            }
        }
    }

    /**
     * The holder of chunk {@code i} with the fewest outstanding requests, ties broken at random: a viewer if any viewer
     * has it, else a seeder (then {@code fromSeeder[0]} is set). One pass over the channels; this runs for every chunk of
     * the request window on every tick.
     */
    private Channel leastLoadedHolder(List<Channel> ready, long i, boolean[] fromSeeder) {
        Channel bestPeer = null;
        Channel bestSeeder = null;
        int peerLoad = Integer.MAX_VALUE;
        int seederLoad = Integer.MAX_VALUE;
        int peerTies = 0;
        int seederTies = 0;
        int max = config.maxRequestsPerPeer();
        for (Channel c : ready) {
            int load = c.outstanding.size();
            if (load >= max || (c.seeder ? bestPeer != null || load > seederLoad : load > peerLoad) || !c.peerHas.contains(i)) {
                continue;
            }
            if (c.seeder) {
                if (load < seederLoad) {
                    bestSeeder = c;
                    seederLoad = load;
                    seederTies = 1;
                } else if (ThreadLocalRandom.current().nextInt(++seederTies) == 0) {
                    bestSeeder = c;
                }
            } else if (load < peerLoad) {
                bestPeer = c;
                peerLoad = load;
                peerTies = 1;
            } else if (ThreadLocalRandom.current().nextInt(++peerTies) == 0) {
                bestPeer = c;
            }
        }
        fromSeeder[0] = bestPeer == null && bestSeeder != null;
        return bestPeer != null ? bestPeer : bestSeeder;
    }

    /**
     * Seeder offload: how long to wait for chunk {@code i} to reach us from a peer before taking it from a seeder. With k
     * peers near the edge, a viewer fetches about one chunk in k + 1 first-hand (no wait); for the rest it waits a time
     * spread evenly over [0, {@code wait}). Each viewer draws from its own salt, so per chunk one viewer of the swarm tends
     * to fetch at once, and whoever would fetch later finds the chunk at a peer first: the seeders send each chunk about
     * once per neighbourhood instead of once per viewer, and a chunk nobody took first-hand costs about wait / (k + 2).
     */
    static long offloadDelay(long salt, long i, int peers, long wait) {
        if (wait <= 0 || peers <= 0) {
            return 0;
        }
        double u = (mix(salt + i) >>> 11) * 0x1.0p-53;
        double firstHand = 1.0 / (peers + 1);
        return u < firstHand ? 0 : (long) (wait * (u - firstHand) / (1 - firstHand));
    }

    /** SplitMix64's finaliser: spreads consecutive chunk indices over all residues. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private void expireInflight(Channel c, long now) {
        long rto = Math.max(1_000_000_000L, 4 * c.srttMicros * 1000);
        for (Iterator<Map.Entry<Long, Long>> it = c.inflight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            if (now - e.getValue() > rto) {
                it.remove();
                c.inflightBytes = Math.max(0, c.inflightBytes - c.swarm.params.chunkSize());
                c.ledbat.onLoss(nowMicros(), c.srttMicros);
            }
        }
    }

    /** Answers queued requests while LEDBAT's window and the upload limit allow, INTEGRITY before DATA (RFC 7574 §5.4, §6.1.2.3). */
    private void sendData(Channel c, long now) {
        LiveSwarm s = c.swarm;
        Iterator<Long> it = c.sendQueue.iterator();
        while (it.hasNext() && c.inflightBytes < Math.max(c.ledbat.window(), config.maxDatagram())) {
            long index = it.next();
            byte[] data = s.chunks.get(index);
            if (data == null) {
                it.remove();
                continue;
            }
            if (!c.upload.tryTake(data.length, now)) {
                uploadLimitHits.incrementAndGet();
                return;
            }
            it.remove();
            List<Message> unit = new ArrayList<>();
            if (s.params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE) {
                Optional<SignedMunro> m = s.munroFor(index);
                List<Integrity> uncles = s.unclesFor(index, c.peerHas);
                if (m.isEmpty() || uncles == null) {
                    continue;
                }
                sendMunro(c, m.get(), now);
                unit.addAll(uncles);
            } else {
                SignedIntegrity sig = s.signatures.get(index);
                if (sig == null) {
                    continue;
                }
                unit.add(sig);
            }
            unit.add(new Data(ChunkRange.single(index), nowMicros(), Bytes.of(data)));
            c.control.addAll(unit);
            c.inflight.put(index, now);
            c.inflightBytes += data.length;
            s.stats.chunksServed.incrementAndGet();
            s.stats.bytesOut.addAndGet(data.length);
            flush(c, now);
        }
    }

    /** Sends the channel's queued messages, packed into as few datagrams as fit, a DATA always last in its datagram. */
    private void flush(Channel c, long now) {
        if (c.control.isEmpty() || c.state == Channel.State.CLOSED || !c.established()) {
            return;
        }
        List<Message> batch = new ArrayList<>();
        int size = 4;
        WireContext ctx = c.swarm.context;
        for (Message m : c.control) {
            int len = m.encodedLength(ctx);
            if (!batch.isEmpty() && size + len > config.maxDatagram()) {
                send(c, new Datagram(c.remoteId, batch), now);
                batch = new ArrayList<>();
                size = 4;
            }
            batch.add(m);
            size += len;
            if (m instanceof Data) {
                send(c, new Datagram(c.remoteId, batch), now);
                batch = new ArrayList<>();
                size = 4;
            }
        }
        if (!batch.isEmpty()) {
            send(c, new Datagram(c.remoteId, batch), now);
        }
        c.control.clear();
    }

    private void send(Channel c, Datagram d, long now) {
        Datagram out = outboundFilter.apply(d);
        if (out == null) {
            return;
        }
        sendBuffer.clear();
        DatagramCodec.encode(out, c.swarm.context, sendBuffer);
        sendBuffer.flip();
        try {
            int n = sendBuffer.remaining();
            socket.send(sendBuffer, c.remote);
            datagramsSent.incrementAndGet();
            bytesSent.addAndGet(n);
            c.swarm.stats.datagramsOut.incrementAndGet();
        } catch (IOException e) {
            log("send to " + c.remote + " failed: " + e.getMessage());
        }
        c.lastSentNanos = now;
    }

    private void sendRaw(byte[] bytes, InetSocketAddress to) {
        try {
            socket.send(ByteBuffer.wrap(bytes), to);
            datagramsSent.incrementAndGet();
            bytesSent.addAndGet(bytes.length);
        } catch (IOException e) {
            log("send to " + to + " failed: " + e.getMessage());
        }
    }

    void drop(Channel c, PeerDropReason reason) {
        if (c.state == Channel.State.CLOSED) {
            return;
        }
        if (c.established() && reason != PeerDropReason.CLOSED_BY_PEER && reason != PeerDropReason.TIMEOUT) {
            // The closing HANDSHAKE (RFC 7574 §8.4).
            c.control.clear();
            send(c, Datagram.of(c.remoteId, Handshake.close(SwarmParameters.PROTOCOL_VERSION)), System.nanoTime());
        }
        c.state = Channel.State.CLOSED;
        channels.remove(c.localId);
        LiveSwarm s = c.swarm;
        s.channels.remove(c);
        s.stats.peers.set(s.channels.size());
        if (reason != PeerDropReason.SHUTDOWN && reason != PeerDropReason.CLOSED_BY_PEER) {
            s.stats.peersDropped.incrementAndGet();
        }
        for (long i : c.outstanding) {
            s.requested.remove(i);
        }
    }

    static long nowMicros() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }
}
