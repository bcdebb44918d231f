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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One live swarm inside a {@link PeerEngine}: as its source (chunks come in through
 * {@link #publish}, get signed and announced) or as a viewer (chunks come from peers, are verified,
 * kept inside the discard window, served on, and handed to the {@link ChunkSink} in order).
 * Public methods are safe from any thread; the rest runs on the engine's thread.
 */
public final class LiveSwarm {

    final PeerEngine engine;
    final SwarmId id;
    final SwarmParameters params;
    final WireContext context;
    final boolean source;
    /** A source that serves what a signer signed elsewhere: it checks but never signs (a seeder). */
    final boolean relay;
    final SwarmStats stats = new SwarmStats();
    final long joinedNanos;

    // Source side.
    final SwarmKeyPair key;
    final LiveTree tree;

    // Viewer side.
    final LiveVerifier verifier;
    final ChunkSink sink;
    final List<InetSocketAddress> seeds;
    long start = -1;
    long nextOutput = -1;
    final Map<Long, Request> requested = new HashMap<>();
    final Map<InetSocketAddress, Long> banned = new HashMap<>();
    /** Seeder offload: when each chunk held only by seeders was first seen so, for those this viewer waits on from peers. */
    final Map<Long, Long> seedOnlySince = new HashMap<>();
    /** Seeder offload: which chunks this viewer fetches first-hand is a hash of the index and this salt, so viewers differ. */
    final long offloadSalt = java.util.concurrent.ThreadLocalRandom.current().nextLong();

    /** Relay: the munro subtrees, for uncle hashes. */
    final TreeMap<Long, MerkleTree> relayTrees = new TreeMap<>();
    /** Verified (or, at the source, signed and announced) chunks inside the discard window. */
    final TreeMap<Long, byte[]> chunks = new TreeMap<>();
    /** Sign All: each chunk's signature. */
    final TreeMap<Long, SignedIntegrity> signatures = new TreeMap<>();
    /** UMT: the signed munros we hold, by munro base chunk. */
    final TreeMap<Long, SignedMunro> munros = new TreeMap<>();
    /** What we have and may announce. */
    final Binmap have = new Binmap();
    /** Source UMT: chunks waiting for their munro's signature before HAVE may announce them (RFC 7574 §6.1.2.3). */
    final TreeMap<Long, byte[]> unsigned = new TreeMap<>();
    final List<ChunkRange> toAnnounce = new ArrayList<>();
    final List<Channel> channels = new ArrayList<>();
    long liveEdge = -1;
    long lastSeedAttemptNanos;
    private long nextSignAll;

    record Request(Channel channel, long deadlineNanos) {
    }

    LiveSwarm(PeerEngine engine, SwarmParameters params, SwarmKeyPair key, long now) {
        this.engine = engine;
        this.params = params;
        this.key = key;
        this.id = key.swarmId();
        this.context = params.wireContext(id);
        this.source = true;
        this.relay = false;
        this.tree = params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE ? new LiveTree(params, key, engine.clock) : null;
        this.verifier = null;
        this.sink = null;
        this.seeds = List.of();
        this.joinedNanos = now;
    }

    LiveSwarm(PeerEngine engine, SwarmId id, SwarmParameters params, List<InetSocketAddress> seeds, ChunkSink sink, long now) {
        this.engine = engine;
        this.params = params;
        this.key = null;
        this.id = id;
        this.context = params.wireContext(id);
        this.source = false;
        this.relay = false;
        this.tree = null;
        Duration maxAge = engine.config.maxSignatureAge() != null ? engine.config.maxSignatureAge() : params.profile().maxSignatureAge();
        this.verifier = new LiveVerifier(id, params, engine.clock, maxAge, LiveVerifier.DEFAULT_MAX_CLOCK_SKEW);
        this.sink = sink;
        this.seeds = List.copyOf(seeds);
        this.joinedNanos = now;
    }

    /** A relay: serves chunks and integrity material signed elsewhere, after checking them against the swarm ID. */
    LiveSwarm(PeerEngine engine, SwarmId id, SwarmParameters params, long now) {
        this.engine = engine;
        this.params = params;
        this.key = null;
        this.id = id;
        this.context = params.wireContext(id);
        this.source = true;
        this.relay = true;
        this.tree = null;
        this.verifier = null;
        this.sink = null;
        this.seeds = List.of();
        this.joinedNanos = now;
    }

    /** Relay, UMT: a signed munro with the chunks under it, from {@code firstChunk} on. Checked before anything is served. */
    public void offerMunro(SignedMunro munro, long firstChunk, List<byte[]> chunks, java.util.function.Consumer<String> refused) {
        requireRelay();
        engine.execute(() -> onOfferMunro(munro, firstChunk, chunks, refused));
    }

    /** Relay, Sign All: one chunk with its signature. Checked before it is served. */
    public void offerSigned(long index, byte[] chunk, long timestamp, Bytes signature, java.util.function.Consumer<String> refused) {
        requireRelay();
        engine.execute(() -> {
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
        if (!relay) {
            throw new IllegalStateException("only a relay swarm takes pre-signed chunks");
        }
    }

    /**
     * Adds viewers to exchange chunks with (from a tracker, say). Unlike the seeders given at join, these are preferred for
     * every chunk they hold, and a viewer with peers leaves most chunks for them to pass on (see {@link EngineConfig#peerFirstWait}).
     */
    public void addPeers(java.util.Collection<InetSocketAddress> peers) {
        if (source) {
            throw new IllegalStateException("a source does not connect out to viewers");
        }
        List<InetSocketAddress> copy = List.copyOf(peers);
        engine.execute(() -> {
            long now = System.nanoTime();
            for (InetSocketAddress p : copy) {
                if (!seeds.contains(p)) {
                    engine.connect(this, p, now);
                }
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
        if (!source || relay) {
            throw new IllegalStateException("only the live source publishes; a relay offers signed chunks");
        }
        if (chunk.length == 0 || chunk.length > params.chunkSize()) {
            throw new IllegalArgumentException("a chunk is 1–" + params.chunkSize() + " bytes, got " + chunk.length);
        }
        byte[] copy = chunk.clone();
        engine.execute(() -> onPublish(copy));
    }

    /** How many chunks are held (inside the discard window). */
    public int chunksHeld() {
        return engine.callAndGet(chunks::size);
    }

    /** Source: the stream ended; signs the last, partial munro. */
    public void finish() {
        engine.execute(() -> {
            if (tree != null) {
                tree.finish().ifPresent(this::onMunroSigned);
            }
        });
    }

    /** Leaves the swarm, closing its channels with the closing HANDSHAKE. */
    public void leave() {
        engine.execute(() -> engine.removeSwarm(this));
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
                    io.seedcast.ppspp.live.NtpTimestamp.of(engine.clock.instant()), chunk);
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
        chunks.put(index, data);
        have.add(index);
        if (index > liveEdge) {
            liveEdge = index;
        }
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
                engine.log("swarm " + id + ": fell behind the discard window, skipping chunks " + nextOutput + ".." + (oldest - 1));
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
     * acknowledged: a peer holding any chunk under a node's parent already knows that node (RFC 7574 §5.3).
     */
    List<Integrity> unclesFor(long chunk, Binmap peerHas) {
        Bin munro = params.munroOf(chunk);
        List<Integrity> out = new ArrayList<>();
        Optional<MerkleTree> sourceTree = tree != null ? tree.munroTree(chunk)
                : relay ? Optional.ofNullable(relayTrees.get(munro.baseOffset())) : Optional.empty();
        for (Bin b = Bin.chunk(chunk); !b.equals(munro); b = b.parent()) {
            if (peerHas.containsAny(b.parent().chunks())) {
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

    boolean isBanned(InetSocketAddress peer, long now) {
        Long until = banned.get(peer);
        return until != null && until > now;
    }
}
