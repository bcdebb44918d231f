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
    volatile boolean finished;

    record Request(Channel channel, long deadlineNanos) {
    }

    LiveSwarm(PeerEngine engine, SwarmParameters params, SwarmKeyPair key, long now) {
        this.engine = engine;
        this.params = params;
        this.key = key;
        this.id = key.swarmId();
        this.context = params.wireContext(id);
        this.source = true;
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
        this.tree = null;
        Duration maxAge = engine.config.maxSignatureAge() != null ? engine.config.maxSignatureAge() : params.profile().maxSignatureAge();
        this.verifier = new LiveVerifier(id, params, engine.clock, maxAge, LiveVerifier.DEFAULT_MAX_CLOCK_SKEW);
        this.sink = sink;
        this.seeds = List.copyOf(seeds);
        this.joinedNanos = now;
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

    public boolean isSource() {
        return source;
    }

    /** Source: adds the next chunk of the live stream (thread-safe; the engine signs and announces it). */
    public void publish(byte[] chunk) {
        if (!source) {
            throw new IllegalStateException("only the source publishes");
        }
        if (chunk.length == 0 || chunk.length > params.chunkSize()) {
            throw new IllegalArgumentException("a chunk is 1–" + params.chunkSize() + " bytes, got " + chunk.length);
        }
        byte[] copy = chunk.clone();
        engine.execute(() -> onPublish(copy));
    }

    /** Source: the stream ended; signs the last, partial munro. */
    public void finish() {
        engine.execute(() -> {
            if (tree != null) {
                tree.finish().ifPresent(this::onMunroSigned);
            }
            finished = true;
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
        Optional<MerkleTree> sourceTree = tree == null ? Optional.empty() : tree.munroTree(chunk);
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
