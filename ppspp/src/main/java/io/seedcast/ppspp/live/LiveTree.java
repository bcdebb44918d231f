package io.seedcast.ppspp.live;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.integrity.MerkleTree;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.wire.WireContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The live source's side of the Unified Merkle Tree: chunks come in, and every NCHUNKS_PER_SIG of
 * them close a munro, whose hash is signed once. It keeps the munro subtrees still inside the
 * discard window, to hand out munro signatures and uncle hashes for any chunk a peer requests.
 *
 * <p>The last munro of a broadcast is usually partial. {@link #finish()} signs it as it is: the
 * same munro bin, with the missing leaves empty (all-zero hashes, RFC 7574 §5.1). A receiver
 * verifies its chunks like any other; the stream simply ends inside that munro.
 */
// RFC 7574 §6.1.2
public final class LiveTree {

    private final SwarmParameters parameters;
    private final SwarmKeyPair key;
    private final WireContext context;
    private final Clock clock;
    private final List<Bytes> pending = new ArrayList<>();
    private final TreeMap<Long, Munro> munros = new TreeMap<>();
    private long nextChunk;

    public LiveTree(SwarmParameters parameters, SwarmKeyPair key, Clock clock) {
        this(parameters, key, clock, 0);
    }

    /** A tree whose first chunk is {@code firstChunk}, which must start a munro (for a successor that resumes numbering). */
    public LiveTree(SwarmParameters parameters, SwarmKeyPair key, Clock clock, long firstChunk) {
        if (firstChunk % parameters.chunksPerSignature() != 0) {
            throw new IllegalArgumentException("a live tree starts at a munro boundary, not chunk " + firstChunk);
        }
        this.parameters = parameters;
        this.key = key;
        this.context = parameters.wireContext(key.swarmId());
        this.clock = clock;
        this.nextChunk = firstChunk;
    }

    /** The index the next chunk will get. */
    public long nextChunk() {
        return nextChunk;
    }

    /** Adds the next chunk; returns the signed munro if it closed one. */
    public Optional<SignedMunro> append(byte[] chunk, int offset, int length) {
        pending.add(parameters.hash().hash(chunk, offset, length));
        nextChunk++;
        return pending.size() == parameters.chunksPerSignature() ? Optional.of(close()) : Optional.empty();
    }

    public Optional<SignedMunro> append(byte[] chunk) {
        return append(chunk, 0, chunk.length);
    }

    /** Signs the partial munro at the end of a broadcast, if chunks are waiting for one. */
    public Optional<SignedMunro> finish() {
        return pending.isEmpty() ? Optional.empty() : Optional.of(close());
    }

    private SignedMunro close() {
        long first = nextChunk - pending.size();
        Bin munro = parameters.munroOf(first);
        MerkleTree tree = MerkleTree.ofLeaves(parameters.hash(), munro, List.copyOf(pending));
        SignedMunro signed = SignedMunro.sign(key, parameters.profile(), context, munro, tree.rootHash(), clock.instant());
        munros.put(munro.baseOffset(), new Munro(tree, signed));
        pending.clear();
        // A partial munro is final: the next chunk starts the next munro.
        nextChunk = munro.lastChunk() + 1;
        return signed;
    }

    /** The signed munro covering {@code chunk}, if it is closed and still kept. */
    public Optional<SignedMunro> signedMunro(long chunk) {
        Munro m = munroOf(chunk);
        return m == null ? Optional.empty() : Optional.of(m.signed());
    }

    /** The munro subtree covering {@code chunk}, for its uncle hashes. */
    public Optional<MerkleTree> munroTree(long chunk) {
        Munro m = munroOf(chunk);
        return m == null ? Optional.empty() : Optional.of(m.tree());
    }

    /** The newest signed munro: what a peer sends in the third datagram for secure tune-in (RFC 7574 §6.1.2.4). */
    public Optional<SignedMunro> rightmost() {
        return munros.isEmpty() ? Optional.empty() : Optional.of(munros.lastEntry().getValue().signed());
    }

    /** Drops munros wholly before {@code chunk}. */
    public void forgetBefore(long chunk) {
        munros.headMap(chunk).entrySet().removeIf(e -> e.getValue().signed().munro().lastChunk() < chunk);
    }

    public int munroCount() {
        return munros.size();
    }

    private Munro munroOf(long chunk) {
        var e = munros.floorEntry(chunk);
        return e != null && e.getValue().signed().munro().coversChunk(chunk) ? e.getValue() : null;
    }

    private record Munro(MerkleTree tree, SignedMunro signed) {
    }
}
