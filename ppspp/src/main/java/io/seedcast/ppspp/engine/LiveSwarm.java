package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.Binmap;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleTree;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveTree;
import io.seedcast.ppspp.live.LiveVerifier;
import io.seedcast.ppspp.live.SignedMunro;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.Integrity;
import io.seedcast.ppspp.wire.SignedIntegrity;
import io.seedcast.ppspp.wire.WireContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One live swarm inside a {@link PeerCore}: as its source (chunks come in through
 * {@link #publish}, get signed and announced) or as a viewer (chunks come from peers, are verified,
 * kept inside the discard window, served on, and handed to the {@link ChunkSink} in order).
 * Public methods are safe from any thread; the rest runs on the engine's thread.
 */
public final class LiveSwarm {

    private static final System.Logger LOG = System.getLogger(LiveSwarm.class.getName());

    final PeerCore core;
    final SwarmId id;
    final SwarmParameters params;
    final WireContext context;
    final Role role;
    final SwarmStats stats = new SwarmStats();
    final long joinedNanos;

    // Source side.
    private final SwarmKeyPair key;
    private final LiveTree tree;
    /** Source UMT: chunks waiting for their munro's signature before HAVE may announce them (RFC 7574 §6.1.2.3). */
    private final TreeMap<Long, byte[]> unsigned = new TreeMap<>();
    private long nextSignAll;
    /** Relay: the munro subtrees, for uncle hashes. */
    private final TreeMap<Long, MerkleTree> relayTrees = new TreeMap<>();

    // Viewer side.
    final LiveVerifier verifier;
    private final ChunkSink sink;
    /** The seeders this viewer fetches through (joined with, or learned later from the tracker); engine thread only. */
    private final List<InetSocketAddress> seeds;
    final LivePicker<Channel> picker;
    /** The next chunk the sink gets; -1 until the tune-in point is chosen. */
    private long nextOutput = -1;
    private final Map<InetSocketAddress, Long> banned = new HashMap<>();
    private long lastSeedAttemptNanos;
    /** UMT viewer: chunks that arrived before the hashes to verify them, and hashes that came loose. */
    final HeldBackChunks<Channel> heldBack;

    /** Whether the first chunk went to the sink; since when it has been held back until then, -1 before it came. */
    private boolean outputStarted;
    private long startHeldSince = -1;
    /** Since when the output waits on a missing chunk while later ones are held; -1 if it does not. */
    private long blockedSince = -1;
    private long blockedOn = -1;
    /** When a verified chunk last came in; since when the chunk the output waits on has been nowhere we can fetch it. */
    private long lastArrival = Long.MIN_VALUE / 2;
    private long unavailableSince = -1;
    private long unavailableOn = -1;
    /** How long the output waits on a missing chunk before giving it up: twice a 1 s playout buffer. */
    public static final long GIVE_UP_NANOS = 2_000_000_000L;

    /** How often each chunk inside the discard window went out from here (to any peer). */
    private final TreeMap<Long, Integer> sent = new TreeMap<>();
    private final TreeMap<Long, Long> sentAt = new TreeMap<>();

    /** Verified (or, at the source, signed and announced) chunks inside the discard window. */
    private final TreeMap<Long, byte[]> chunks = new TreeMap<>();
    /** Sign All: each chunk's signature. */
    private final TreeMap<Long, SignedIntegrity> signatures = new TreeMap<>();
    /** UMT: the signed munros we hold, by munro base chunk. */
    private final TreeMap<Long, SignedMunro> munros = new TreeMap<>();
    /** What we have and may announce. */
    private final Binmap have = new Binmap();
    private final List<ChunkRange> toAnnounce = new ArrayList<>();
    final List<Channel> channels = new ArrayList<>();
    private long liveEdge = -1;

    /** A live source: signs what it publishes with {@code key}. */
    LiveSwarm(PeerCore core, SwarmParameters params, SwarmKeyPair key, long now) {
        this(core, Role.SOURCE, key.swarmId(), params, key, List.of(), null, now);
    }

    /** A relay: serves chunks and integrity material signed elsewhere, after checking them against the swarm ID. */
    LiveSwarm(PeerCore core, SwarmId id, SwarmParameters params, long now) {
        this(core, Role.RELAY, id, params, null, List.of(), null, now);
    }

    /** A viewer: fetches through {@code seeds} and outputs verified chunks to {@code sink} in order. */
    LiveSwarm(PeerCore core, SwarmId id, SwarmParameters params, List<InetSocketAddress> seeds, ChunkSink sink, long now) {
        this(core, Role.VIEWER, id, params, null, seeds, sink, now);
    }

    private LiveSwarm(PeerCore core, Role role, SwarmId id, SwarmParameters params, SwarmKeyPair key,
            List<InetSocketAddress> seeds, ChunkSink sink, long now) {
        this.core = core;
        this.role = role;
        this.params = params;
        this.key = key;
        this.id = id;
        this.context = params.wireContext(id);
        this.tree = role == Role.SOURCE && params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE
                ? new LiveTree(params, key, core.clock) : null;
        if (role == Role.VIEWER) {
            Duration maxAge = core.config.maxSignatureAge() != null ? core.config.maxSignatureAge() : params.profile().maxSignatureAge();
            this.verifier = new LiveVerifier(id, params, core.clock, maxAge, LiveVerifier.DEFAULT_MAX_CLOCK_SKEW);
            this.picker = new LivePicker<>(params, core.config, core.newRandom());
            this.heldBack = new HeldBackChunks<>(params.hash());
        } else {
            this.verifier = null;
            this.picker = null;
            this.heldBack = null;
        }
        this.sink = sink;
        this.seeds = new ArrayList<>(seeds);
        this.joinedNanos = now;
    }

    /** Relay, UMT: a signed munro with the chunks under it, from {@code firstChunk} on. Checked before anything is served. */
    public void offerMunro(SignedMunro munro, long firstChunk, List<byte[]> chunks, java.util.function.Consumer<String> refused) {
        requireRelay();
        core.loop.execute(() -> onOfferMunro(munro, firstChunk, chunks, refused));
    }

    /** Relay, Sign All: one chunk with its signature. Checked before it is served. */
    public void offerSigned(long index, byte[] chunk, long timestamp, Bytes signature, java.util.function.Consumer<String> refused) {
        requireRelay();
        core.loop.execute(() -> {
            SignedIntegrity s = new SignedIntegrity(ChunkRange.single(index), timestamp, signature);
            if (params.integrity() != IntegrityMethod.SIGN_ALL || !io.seedcast.ppspp.live.SignAll.verify(id, context, s, chunk)) {
                stats.chunksRejected.incrementAndGet();
                refused.accept("chunk " + index + " of swarm " + id + ": its signature does not verify with the swarm ID; not served");
                return;
            }
            signatures.put(index, s);
            store(index, chunk);
            toAnnounce.add(ChunkRange.single(index));
            forgetBehindWindow();
        });
    }

    private void onOfferMunro(SignedMunro m, long firstChunk, List<byte[]> chunks, java.util.function.Consumer<String> refused) {
        Bin munro = m.munro();
        String what = "munro " + munro.chunks() + " of swarm " + id;
        if (params.integrity() != IntegrityMethod.UNIFIED_MERKLE_TREE || !munro.equals(params.munroOf(munro.baseOffset()))
                || firstChunk != munro.baseOffset() || chunks.size() > munro.width()) {
            stats.chunksRejected.addAndGet(chunks.size());
            refused.accept(what + ": not a munro of this swarm's shape; not served");
            return;
        }
        if (!m.verify(id, params.profile(), context)) {
            stats.chunksRejected.addAndGet(chunks.size());
            refused.accept(what + ": the signature does not verify with the swarm ID; not served");
            return;
        }
        List<Bytes> leaves = new ArrayList<>(chunks.size());
        for (byte[] c : chunks) {
            leaves.add(params.hash().hash(c));
        }
        MerkleTree t = MerkleTree.ofLeaves(params.hash(), munro, leaves);
        if (!t.rootHash().equals(m.hash())) {
            stats.chunksRejected.addAndGet(chunks.size());
            refused.accept(what + ": its chunks do not hash to the signed munro hash; not served");
            return;
        }
        relayTrees.put(munro.baseOffset(), t);
        munros.put(munro.baseOffset(), m);
        for (int i = 0; i < chunks.size(); i++) {
            store(firstChunk + i, chunks.get(i));
        }
        if (!chunks.isEmpty()) {
            toAnnounce.add(new ChunkRange(firstChunk, firstChunk + chunks.size() - 1));
        }
        forgetBehindWindow();
    }

    private void requireRelay() {
        if (role != Role.RELAY) {
            throw new IllegalStateException("only a relay swarm takes pre-signed chunks");
        }
    }

    /**
     * Adds viewers to exchange chunks with (from a tracker, say). Unlike the seeders given at join, these are preferred for
     * every chunk they hold, and a viewer with peers leaves most chunks for them to pass on (see {@link EngineConfig#peerFirstWait}).
     */
    public void addPeers(java.util.Collection<InetSocketAddress> peers) {
        connectAll(peers, false);
    }

    /**
     * Adds seeders (from a tracker, say): a viewer connects to those it does not know and treats them as it treats the
     * seeders it joined through. Seeders come and go (scaled out, restarted elsewhere): a viewer asks again now and then.
     */
    public void addSeeders(java.util.Collection<InetSocketAddress> more) {
        connectAll(more, true);
    }

    private void connectAll(java.util.Collection<InetSocketAddress> addresses, boolean asSeeders) {
        if (role != Role.VIEWER) {
            throw new IllegalStateException("only a viewer connects out to peers and seeders");
        }
        List<InetSocketAddress> copy = List.copyOf(addresses);
        core.loop.execute(() -> {
            long now = core.loop.nanoTime();
            for (InetSocketAddress p : copy) {
                if (seeds.contains(p)) {
                    continue;
                }
                if (asSeeders) {
                    seeds.add(p);
                }
                core.connect(this, p, now);
            }
        });
    }

    public SwarmId swarmId() {
        return id;
    }

    public SwarmParameters parameters() {
        return params;
    }

    public SwarmStats stats() {
        return stats;
    }

    /** Source: adds the next chunk of the live stream (thread-safe; the engine signs and announces it). */
    public void publish(byte[] chunk) {
        if (role != Role.SOURCE) {
            throw new IllegalStateException("only the live source publishes; a relay offers signed chunks");
        }
        if (chunk.length == 0 || chunk.length > params.chunkSize()) {
            throw new IllegalArgumentException("a chunk is 1–" + params.chunkSize() + " bytes, got " + chunk.length);
        }
        byte[] copy = chunk.clone();
        core.loop.execute(() -> onPublish(copy));
    }

    void countSent(long index, long now) {
        sent.merge(index, 1, Integer::sum);
        sentAt.put(index, now);
    }

    /** When chunk {@code index} last left us, or {@link Long#MIN_VALUE}. */
    long lastSent(long index) {
        return sentAt.getOrDefault(index, Long.MIN_VALUE);
    }

    /** Whether a peer announced or acknowledged chunk {@code index}. */
    boolean anyPeerHas(long index) {
        for (Channel c : channels) {
            if (c.holds(index)) {
                return true;
            }
        }
        return false;
    }

    int timesSent(long index) {
        return sent.getOrDefault(index, 0);
    }

    /** How many chunks are held (inside the discard window). */
    public int chunksHeld() {
        return core.loop.call(chunks::size);
    }

    /** Source: the stream ended; signs the last, partial munro. */
    public void finish() {
        core.loop.execute(() -> {
            if (tree != null) {
                tree.finish().ifPresent(this::onMunroSigned);
            }
        });
    }

    /** Leaves the swarm, closing its channels with the closing HANDSHAKE. */
    public void leave() {
        core.loop.execute(() -> core.removeSwarm(this));
    }

    // Engine thread from here on.

    private void onPublish(byte[] chunk) {
        if (tree != null) {
            long index = tree.nextChunk();
            unsigned.put(index, chunk);
            tree.append(chunk).ifPresent(this::onMunroSigned);
        } else {
            long index = nextSignAll++;
            SignedIntegrity s = io.seedcast.ppspp.live.SignAll.sign(key, context, ChunkRange.single(index),
                    io.seedcast.ppspp.live.NtpTimestamp.of(core.clock.instant()), chunk);
            signatures.put(index, s);
            store(index, chunk);
            toAnnounce.add(ChunkRange.single(index));
        }
        forgetBehindWindow();
    }

    private void onMunroSigned(SignedMunro m) {
        munros.put(m.munro().baseOffset(), m);
        ChunkRange range = m.munro().chunks();
        long last = Math.min(range.end(), unsigned.isEmpty() ? range.start() : unsigned.lastKey());
        for (long c = range.start(); c <= last; c++) {
            byte[] data = unsigned.remove(c);
            if (data != null) {
                store(c, data);
            }
        }
        toAnnounce.add(new ChunkRange(range.start(), last));
    }

    void store(long index, byte[] data) {
        rate.add(data.length, core.loop.nanoTime());
        chunks.put(index, data);
        have.add(index);
        if (index > liveEdge) {
            liveEdge = index;
        }
    }

    /** The stream's rate as chunks reach this swarm (published, relayed or verified), over the last two seconds. */
    private final RateMeter rate = new RateMeter(2_000_000_000L);

    long bytesPerSecond(long now) {
        return rate.perSecond(now);
    }

    /** Drops what lies behind the discard window (RFC 7574 §6.2). */
    void forgetBehindWindow() {
        if (have.isEmpty()) {
            return;
        }
        long oldest = params.oldestRetained(have.last());
        if (oldest <= 0) {
            return;
        }
        chunks.headMap(oldest).clear();
        sent.headMap(oldest).clear();
        sentAt.headMap(oldest).clear();
        signatures.headMap(oldest).clear();
        munros.headMap(oldest).entrySet().removeIf(e -> e.getValue().munro().lastChunk() < oldest);
        have.forgetBefore(oldest);
        if (tree != null) {
            tree.forgetBefore(oldest);
        }
        relayTrees.headMap(oldest).entrySet().removeIf(e -> e.getValue().rootBin().lastChunk() < oldest);
        if (verifier != null) {
            verifier.forgetBefore(oldest);
            if (nextOutput >= 0 && nextOutput < oldest) {
                LOG.log(System.Logger.Level.WARNING, "swarm {0}: fell behind the discard window, skipping chunks {1}..{2}", id, nextOutput, oldest - 1);
                nextOutput = oldest;
            }
        }
    }

    /** The signed munro covering {@code chunk}, if held. */
    Optional<SignedMunro> munroFor(long chunk) {
        var e = munros.floorEntry(chunk);
        return e != null && e.getValue().munro().coversChunk(chunk) ? Optional.of(e.getValue()) : Optional.empty();
    }

    Optional<SignedMunro> rightmostMunro() {
        return munros.isEmpty() ? Optional.empty() : Optional.of(munros.lastEntry().getValue());
    }

    /**
     * The uncle hashes a peer needs to verify {@code chunk} against its munro, given what it has
     * acknowledged or has on its way: a peer holding any chunk under a node's parent knows that node (RFC 7574 §5.3).
     */
    List<Integrity> unclesFor(long chunk, Binmap peerHas, SendState flight) {
        Bin munro = params.munroOf(chunk);
        List<Integrity> out = new ArrayList<>();
        Optional<MerkleTree> sourceTree = tree != null ? tree.munroTree(chunk)
                : role == Role.RELAY ? Optional.ofNullable(relayTrees.get(munro.baseOffset())) : Optional.empty();
        for (Bin b = Bin.chunk(chunk); !b.equals(munro); b = b.parent()) {
            // Optimistic about what is on its way: a chunk in flight under the parent brings the peer this hash; if it is
            // lost, the peer asks again for both, and the re-sent chunk (out of flight by then) carries the hashes.
            if (peerHas.containsAny(b.parent().chunks()) || flight.anyInFlight(b.parent().chunks())) {
                break;
            }
            Bin sibling = b.sibling();
            Bytes hash = sourceTree.isPresent() ? sourceTree.get().hash(sibling) : verifier.tree().trustedHash(sibling);
            if (hash == null) {
                return null;
            }
            out.addFirst(new Integrity(sibling, hash));
        }
        return out;
    }

    // State the core reads and changes through these methods.

    Role role() {
        return role;
    }

    boolean isSeed(InetSocketAddress peer) {
        return seeds.contains(peer);
    }

    List<InetSocketAddress> seeds() {
        return seeds;
    }

    boolean holds(long chunk) {
        return chunks.containsKey(chunk);
    }

    byte[] chunk(long index) {
        return chunks.get(index);
    }

    SignedIntegrity signatureOf(long index) {
        return signatures.get(index);
    }

    Binmap have() {
        return have;
    }

    long liveEdge() {
        return liveEdge;
    }

    /** The next chunk the sink gets, -1 before tune-in. */
    long nextOutput() {
        return nextOutput;
    }

    /** Whether a chunk arriving now is still of use: not held and not behind the playout point. */
    boolean wants(long index) {
        return !have.contains(index) && (nextOutput < 0 || index >= nextOutput);
    }

    /** Viewer: starts output at {@code chunk} (the tune-in point). */
    void tuneIn(long chunk) {
        nextOutput = chunk;
    }

    /** Viewer: a verified chunk (with its Sign All signature, if any) from {@code from} is kept, announced and output as far as it runs in order. */
    void accept(long index, byte[] payload, SignedIntegrity signature, Channel from, long now) {
        if (signature != null) {
            signatures.put(index, signature);
        }
        store(index, payload);
        lastArrival = now;
        toAnnounce.add(ChunkRange.single(index));
        picker.onReceived(index, from, now);
        output(now);
    }

    /** Viewer: outputs what runs in order from the playout point; the first chunk only once its start hold-back is over. */
    void output(long now) {
        if (nextOutput < 0) {
            return;
        }
        if (!outputStarted && chunks.containsKey(nextOutput)) {
            if (startHeldSince < 0) {
                startHeldSince = now;
            }
            if (startHoldBack(now) > 0) {
                return;
            }
            outputStarted = true;
        }
        byte[] data;
        while ((data = chunks.get(nextOutput)) != null) {
            sink.chunk(nextOutput, data);
            stats.chunksOutput.incrementAndGet();
            nextOutput++;
        }
        // Blocked if later chunks are here: since now, unless it is still the same chunk we were blocked on.
        Long later = chunks.higherKey(nextOutput);
        if (later == null) {
            blockedSince = -1;
        } else if (blockedSince < 0 || blockedOn != nextOutput) {
            blockedSince = now;
            blockedOn = nextOutput;
        }
    }

    /** Whether the first chunk is held back ({@link StartHoldBack}); the timer calls {@link #output} until it goes. */
    boolean startHeld() {
        return !outputStarted && startHeldSince >= 0;
    }

    /**
     * How much longer the first output waits: see {@link StartHoldBack}, with the nearest seeder's round trip (the shortest
     * of the handshake's and the requests': a handshake that went twice gives none, Karn; none at all holds the longest,
     * until one is measured). The timestamp passed the verifier's age and skew checks; one no clock can read holds
     * nothing.
     */
    private long startHoldBack(long now) {
        long roundTrip = -1;
        for (Channel c : channels) {
            if (!c.seeder()) {
                continue;
            }
            for (long rtt : new long[] {c.sending.minRttNanos(), picker.minRoundTrip(c)}) {
                if (rtt > 0 && (roundTrip < 0 || rtt < roundTrip)) {
                    roundTrip = rtt;
                }
            }
        }
        long signed = signedAt(nextOutput);
        if (signed == Long.MIN_VALUE) {
            return 0;
        }
        try {
            Instant at = params.profile().instant(signed);
            return StartHoldBack.remaining(Duration.between(at, core.clock.instant()).toNanos(), now - startHeldSince, roundTrip);
        } catch (java.time.DateTimeException | ArithmeticException e) {
            return 0;
        }
    }

    /** The timestamp of the signature over {@code chunk} (its munro's, or its own under Sign All), Long.MIN_VALUE if none held. */
    private long signedAt(long chunk) {
        SignedIntegrity s = signatures.get(chunk);
        if (s != null) {
            return s.timestamp();
        }
        return munroFor(chunk).map(SignedMunro::timestamp).orElse(Long.MIN_VALUE);
    }

    /**
     * Viewer: a live stream never freezes for good. The chunk the output waits on is given up (counted) and the output goes
     * on from the next chunk there is, when either
     * <ul>
     *   <li>the output has waited {@link #GIVE_UP_NANOS} on it while later chunks are held and still arriving: the swarm
     *       moves on without it;</li>
     *   <li>or for {@link #GIVE_UP_NANOS} no peer has announced it while they announce later ones: it left every window
     *       we can reach (a seeder restarted with a shorter memory, say).</li>
     * </ul>
     * While nothing arrives at all (every peer gone at once), a hole is not given up: the peers that come back may well
     * hold it, and skipping would only punch a hole in an output that stands still anyway.
     */
    void giveUpIfStuck(long now) {
        if (nextOutput < 0) {
            return;
        }
        long skipTo = -1;
        Long held = chunks.higherKey(nextOutput);
        if (blockedSince >= 0 && now - lastArrival >= GIVE_UP_NANOS / 2) {
            // Nothing arrives (every peer gone at once): the wait on the hole starts again when chunks do. It used to count
            // the outage too, and the hole was given up the moment the seeders came back holding it.
            blockedSince = now;
        }
        if (held != null && blockedSince >= 0 && now - blockedSince >= GIVE_UP_NANOS && now - lastArrival < GIVE_UP_NANOS / 2) {
            skipTo = held;
        }
        long available = firstAvailableFrom(nextOutput);
        if (available <= nextOutput) {
            unavailableSince = -1;
        } else if (unavailableSince < 0 || unavailableOn != nextOutput) {
            unavailableSince = now;
            unavailableOn = nextOutput;
        } else if (now - unavailableSince >= GIVE_UP_NANOS) {
            skipTo = held == null ? available : Math.min(held, available);
        }
        if (skipTo < 0) {
            if (held == null) {
                blockedSince = -1;
            }
            return;
        }
        long since = Math.min(blockedSince < 0 ? now : blockedSince, unavailableSince < 0 ? now : unavailableSince);
        LOG.log(System.Logger.Level.INFO, "swarm {0}: gave up chunks {1}..{2}, missing for {3} ms", id, nextOutput, skipTo - 1,
                (now - since) / 1_000_000);
        stats.chunksLost.addAndGet(skipTo - nextOutput);
        nextOutput = skipTo;
        blockedSince = -1;
        unavailableSince = -1;
        picker.onHolderChanged();
        output(now);
    }

    /**
     * The first chunk at or after {@code from} that an established peer announced; {@code from} itself when one did, when
     * it is held here, or when no peer announces anything at or after it (nothing to tell yet).
     */
    private long firstAvailableFrom(long from) {
        if (chunks.containsKey(from)) {
            return from;
        }
        long first = Long.MAX_VALUE;
        for (Channel c : channels) {
            if (!c.established()) {
                continue;
            }
            long f = c.peerHas().firstHeldFrom(from);
            if (f == from) {
                return from;
            }
            if (f > from) {
                first = Math.min(first, f);
            }
        }
        return first == Long.MAX_VALUE ? from : first;
    }

    /** Viewer: a signed munro verified; its chunks may now be verified against it. */
    void acceptMunro(SignedMunro m) {
        munros.putIfAbsent(m.munro().baseOffset(), m);
        liveEdge = Math.max(liveEdge, m.munro().lastChunk());
    }

    /** What to announce since the last call, merged into runs. */
    List<ChunkRange> takeAnnouncements() {
        List<ChunkRange> out = ChunkRange.merge(toAnnounce);
        toAnnounce.clear();
        return out;
    }

    /** Viewer without peers: whether to try its seeders again now (every 2 s). */
    boolean seedRetryDue(long now) {
        if (role != Role.VIEWER || !channels.isEmpty() || now - lastSeedAttemptNanos <= 2_000_000_000L) {
            return false;
        }
        lastSeedAttemptNanos = now;
        return true;
    }

    void ban(InetSocketAddress peer, long until) {
        banned.put(peer, until);
    }

    boolean isBanned(InetSocketAddress peer, long now) {
        Long until = banned.get(peer);
        return until != null && until > now;
    }
}
