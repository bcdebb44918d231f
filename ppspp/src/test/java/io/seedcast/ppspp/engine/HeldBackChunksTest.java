package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.live.LiveVerifier.Verdict;
import io.seedcast.ppspp.wire.Integrity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chunks that came before their hashes, without a socket: a verifier that climbs a 4-chunk munro from a chunk and the
 * candidate hashes, the way {@code LiveVerifier} checks against a signed munro hash.
 */
class HeldBackChunksTest {

    static final MerkleHashFunction H = MerkleHashFunction.SHA256;
    final byte[][] chunks = {"zero".getBytes(), "one".getBytes(), "two".getBytes(), "three".getBytes()};
    final Bytes root = H.parent(H.parent(H.hash(chunks[0]), H.hash(chunks[1])), H.parent(H.hash(chunks[2]), H.hash(chunks[3])));
    final Bin munro = Bin.of(2, 0);

    /** Hashes verified so far, as LiveVerifier keeps the nodes of its verified trees. */
    final Map<Bin, Bytes> trusted = new HashMap<>();

    /** VERIFIED if the chunk and the hashes reach the munro hash, BAD_CHUNK if they reach another, MISSING_HASH if they stop short. */
    Verdict verify(long index, byte[] payload, List<Integrity> hashes) {
        Map<Bin, Bytes> known = new HashMap<>();
        hashes.forEach(i -> known.put((Bin) i.chunks(), i.hash()));
        known.putAll(trusted);
        Bin at = Bin.chunk(index);
        Bytes h = H.hash(payload);
        while (!at.equals(munro)) {
            Bytes sibling = known.get(at.sibling());
            if (sibling == null) {
                return Verdict.MISSING_HASH;
            }
            h = at.isLeft() ? H.parent(h, sibling) : H.parent(sibling, h);
            at = at.parent();
        }
        if (!h.equals(root)) {
            return Verdict.BAD_CHUNK;
        }
        // The path and its siblings are now verified nodes of the tree.
        Bytes node = H.hash(payload);
        for (Bin b = Bin.chunk(index); !b.equals(munro); b = b.parent()) {
            Bytes sibling = known.get(b.sibling());
            trusted.put(b, node);
            trusted.put(b.sibling(), sibling);
            node = b.isLeft() ? H.parent(node, sibling) : H.parent(sibling, node);
        }
        return Verdict.VERIFIED;
    }

    final List<Long> verified = new ArrayList<>();
    final List<Long> rejected = new ArrayList<>();
    final HeldBackChunks.Outcome<String> outcome = new HeldBackChunks.Outcome<>() {
        @Override
        public void verified(long index, HeldBackChunks.Held<String> chunk) {
            verified.add(index);
        }

        @Override
        public void rejected(long index, HeldBackChunks.Held<String> chunk, Verdict why) {
            rejected.add(index);
        }
    };

    @Test
    void chunksThatAllCameWithoutHashesVerifyEachOtherThroughTheirLeafHashes() {
        HeldBackChunks<String> held = new HeldBackChunks<>(H);
        for (int i = 3; i >= 0; i--) {
            held.hold(i, "peer", chunks[i], List.of(), null);
        }
        held.retry(0, i -> true, this::verify, outcome);
        assertEquals(List.of(0L, 1L, 2L, 3L), verified, "all four, from their own leaf hashes climbed to the munro");
        assertTrue(held.isEmpty());
    }

    @Test
    void aLooseHashCompletesAChunk() {
        HeldBackChunks<String> held = new HeldBackChunks<>(H);
        held.hold(0, "peer", chunks[0], List.of(new Integrity(Bin.chunk(1), H.hash(chunks[1]))), null);
        held.retry(0, i -> true, this::verify, outcome);
        assertEquals(List.of(), verified, "chunk 0 still lacks the hash of chunks 2-3");
        held.keepLoose(List.of(new Integrity(Bin.of(1, 1), H.parent(H.hash(chunks[2]), H.hash(chunks[3])))));
        held.retry(0, i -> true, this::verify, outcome);
        assertEquals(List.of(0L), verified);
    }

    @Test
    void aLooseHashBeforeThePlayoutPointStillVerifiesTheChunksAfterIt() {
        // A viewer that starts playing at chunk 2 needs the hash of chunks 0-1 to climb from chunk 2 to the munro. It used
        // to drop every loose hash wholly before its playout point: ten viewers with 1316-byte chunks, whose first
        // chunk's hashes travel in the datagram ahead, waited 2 s on their first chunks and gave them up.
        HeldBackChunks<String> held = new HeldBackChunks<>(H);
        held.keepLoose(List.of(new Integrity(Bin.of(1, 0), H.parent(H.hash(chunks[0]), H.hash(chunks[1]))),
                new Integrity(Bin.chunk(3), H.hash(chunks[3]))));
        held.hold(2, "peer", chunks[2], List.of(), null);
        held.retry(2, i -> true, this::verify, outcome);
        assertEquals(List.of(2L), verified);
        // A hash whose parent lies wholly before the playout point is no one's uncle any more: it goes.
        held.keepLoose(List.of(new Integrity(Bin.chunk(0), H.hash(chunks[0]))));
        held.hold(3, "peer", chunks[3], List.of(), null);
        held.retry(2, i -> true, this::verify, outcome);
        assertEquals(List.of(2L, 3L), verified);
        assertEquals(null, held.looseHash(Bin.chunk(0)));
    }

    @Test
    void aForgedChunkIsRejectedAndWhatIsNoLongerWantedIsLetGo() {
        HeldBackChunks<String> held = new HeldBackChunks<>(H);
        List<Integrity> uncles = List.of(new Integrity(Bin.chunk(3), H.hash(chunks[3])),
                new Integrity(Bin.of(1, 0), H.parent(H.hash(chunks[0]), H.hash(chunks[1]))));
        held.hold(2, "forger", "two?".getBytes(), uncles, null);
        held.hold(1, "peer", chunks[1], List.of(), null);
        held.retry(0, i -> i != 1, this::verify, outcome);
        assertEquals(List.of(2L), rejected, "a chunk whose hashes reach another munro hash is bad");
        assertTrue(held.isEmpty(), "chunk 1, not wanted any more, is let go");
    }

    @Test
    void theHoldIsBounded() {
        HeldBackChunks<String> held = new HeldBackChunks<>(H);
        for (int i = 0; i < HeldBackChunks.MAX_HELD_BACK + 10; i++) {
            held.hold(1000 + i, "peer", new byte[] {(byte) i}, List.of(), null);
        }
        assertEquals(HeldBackChunks.MAX_HELD_BACK, held.size());
    }
}
