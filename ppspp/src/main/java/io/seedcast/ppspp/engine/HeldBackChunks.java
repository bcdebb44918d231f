package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.live.LiveVerifier.Verdict;
import io.seedcast.ppspp.wire.Ack;
import io.seedcast.ppspp.wire.Integrity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * A UMT viewer's chunks that arrived before the hashes that verify them (their munro's signature, an uncle hash): lost
 * on the way, or in a datagram this one overtook. They are kept aside, unverified (not output, not served, not ACKed),
 * with the hashes that came loose, and tried again whenever something verifies. Bounded: the oldest go first.
 *
 * <p>A sender leaves out the hashes a chunk it sent just before brings (in flight, not yet acknowledged), so a chunk may
 * need what a held-back neighbour carries: its uncles, and its own leaf hash. Those are tried as candidates too: the
 * signed munro hash decides (RFC 7574 §5.3), so a candidate that is wrong only fails the check, and such a failure is
 * not held against the sender of this chunk.
 *
 * @param <F> who sent a chunk (a channel)
 */
final class HeldBackChunks<F> {

    static final int MAX_HELD_BACK = 512;
    static final int MAX_LOOSE_HASHES = 4096;

    /** A chunk waiting: who sent it, what came with it, its own leaf hash (computed once), the ACK to send once it verifies. */
    record Held<F>(F from, byte[] payload, List<Integrity> uncles, Bytes leafHash, Ack ack) {
    }

    /** Checks a chunk against the swarm's verified munros, with {@code hashes} as the uncle hashes. */
    interface Verifier {
        Verdict verify(long index, byte[] payload, List<Integrity> hashes);
    }

    /** What came of a retry. */
    interface Outcome<F> {
        void verified(long index, Held<F> chunk);

        void rejected(long index, Held<F> chunk, Verdict why);
    }

    private final MerkleHashFunction hash;
    private final TreeMap<Long, Held<F>> held = new TreeMap<>();
    private final TreeMap<Bin, Bytes> loose = new TreeMap<>((a, b) -> Long.compare(a.value(), b.value()));

    HeldBackChunks(MerkleHashFunction hash) {
        this.hash = hash;
    }

    /** Keeps chunk {@code index} aside; the same chunk again (asked again) keeps every hash either copy came with. */
    void hold(long index, F from, byte[] payload, List<Integrity> uncles, Ack ack) {
        Held<F> before = held.get(index);
        List<Integrity> all = new ArrayList<>(uncles);
        if (before != null) {
            all.addAll(before.uncles());
        }
        held.put(index, new Held<>(from, payload, all, before != null ? before.leafHash() : hash.hash(payload), ack));
        while (held.size() > MAX_HELD_BACK) {
            held.pollFirstEntry();
        }
    }

    /** Hashes that came in a datagram of their own, not yet needed by a chunk. */
    void keepLoose(List<Integrity> hashes) {
        for (Integrity i : hashes) {
            if (i.chunks() instanceof Bin b && !b.isNone()) {
                loose.put(b, i.hash());
            }
        }
        while (loose.size() > MAX_LOOSE_HASHES) {
            loose.pollFirstEntry();
        }
    }

    /** The hash that came loose for tree node {@code node}, or null (for tests). */
    Bytes looseHash(Bin node) {
        return loose.get(node);
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    int size() {
        return held.size();
    }

    /**
     * Tries every held chunk again, until a pass verifies nothing more: chunks below {@code nextOutput} or no longer
     * {@code wanted} are let go, verified ones and ones proven bad go to {@code outcome}, the rest stay.
     */
    void retry(long nextOutput, LongPredicate wanted, Verifier verifier, Outcome<F> outcome) {
        if (nextOutput >= 0) {
            held.headMap(nextOutput).clear();
            // A hash wholly before the playout point still verifies a chunk after it where it is that chunk's uncle (its
            // parent covers the chunk): it goes once its parent lies wholly before the playout point too.
            loose.keySet().removeIf(b -> b.parent().lastChunk() < nextOutput);
        }
        boolean progress = true;
        while (progress && !held.isEmpty()) {
            progress = false;
            List<Integrity> pooled = null;
            for (var e : new ArrayList<>(held.entrySet())) {
                long index = e.getKey();
                Held<F> h = e.getValue();
                if (!wanted.test(index)) {
                    held.remove(index);
                    continue;
                }
                Verdict v = verifier.verify(index, h.payload(), h.uncles());
                if (v == Verdict.MISSING_HASH) {
                    if (pooled == null) {
                        pooled = pooledHashes();
                    }
                    List<Integrity> candidates = new ArrayList<>(h.uncles());
                    for (Integrity i : pooled) {
                        if (!i.chunks().equals(Bin.chunk(index))) {
                            candidates.add(i);
                        }
                    }
                    if (verifier.verify(index, h.payload(), candidates) == Verdict.VERIFIED) {
                        v = Verdict.VERIFIED;
                    }
                }
                if (v == Verdict.VERIFIED) {
                    held.remove(index);
                    outcome.verified(index, h);
                    progress = true;
                    pooled = null;
                } else if (v == Verdict.BAD_CHUNK || v == Verdict.BAD_HASH) {
                    held.remove(index);
                    outcome.rejected(index, h, v);
                }
            }
        }
    }

    /**
     * What the held chunks carry toward verifying each other: their uncle hashes, their own leaf hashes, the loose
     * hashes, and every node those give both children of (so chunks that all arrived before any hash did can still
     * climb to the munro).
     */
    List<Integrity> pooledHashes() {
        Map<Bin, Bytes> pool = new HashMap<>();
        for (var e : held.entrySet()) {
            for (Integrity i : e.getValue().uncles()) {
                if (i.chunks() instanceof Bin b) {
                    pool.put(b, i.hash());
                }
            }
            pool.put(Bin.chunk(e.getKey()), e.getValue().leafHash());
        }
        loose.forEach(pool::putIfAbsent);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Bin b : List.copyOf(pool.keySet())) {
                if (!b.isLeft() || b.layer() >= 30) {
                    continue;
                }
                Bytes right = pool.get(b.sibling());
                if (right != null && !pool.containsKey(b.parent())) {
                    pool.put(b.parent(), hash.parent(pool.get(b), right));
                    grew = true;
                }
            }
        }
        List<Integrity> out = new ArrayList<>(pool.size());
        pool.forEach((b, h) -> out.add(new Integrity(b, h)));
        return out;
    }
}
