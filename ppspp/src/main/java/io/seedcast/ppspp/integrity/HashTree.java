package io.seedcast.ppspp.integrity;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receiver's Merkle hash tree, built on demand from trusted hashes: the root hash of a static
 * swarm, or the munro hashes whose signatures checked out in a live one. A chunk is verified by
 * hashing it and climbing, with the uncle hashes a peer sent, to a node already trusted; on success
 * every hash on the way becomes trusted too, so later chunks need fewer uncles. Uncle hashes from
 * a peer are never trusted on their own.
 */
// RFC 7574 §5.2, §5.3
public final class HashTree {

    private final MerkleHashFunction function;
    /** bin value → verified hash, ordered so that the part behind a discard window drops in one sweep. */
    private final TreeMap<Long, Bytes> trusted = new TreeMap<>();

    public HashTree(MerkleHashFunction function) {
        this.function = function;
    }

    public MerkleHashFunction function() {
        return function;
    }

    /** Trusts {@code hash} for {@code bin}: a root hash from the swarm metadata or a munro hash whose signature verified. */
    public void trust(Bin bin, Bytes hash) {
        if (hash.length() != function.length()) {
            throw new IllegalArgumentException("a " + function + " hash is " + function.length() + " bytes, not " + hash.length());
        }
        trusted.put(bin.value(), hash);
    }

    public boolean isTrusted(Bin bin) {
        return trusted.containsKey(bin.value());
    }

    public Bytes trustedHash(Bin bin) {
        return trusted.get(bin.value());
    }

    /** How many verified hashes are held. */
    public int size() {
        return trusted.size();
    }

    /**
     * Verifies chunk {@code chunk} holding {@code data} with the candidate hashes a peer sent for it
     * (INTEGRITY messages: bin → hash). Trusts the climbed path only if the chunk checks out.
     */
    public Verdict verify(Bin chunk, byte[] data, int offset, int length, Map<Bin, Bytes> candidates) {
        if (!chunk.isLeaf()) {
            return Verdict.NOT_A_CHUNK;
        }
        Bytes hash = function.hash(data, offset, length);
        Map<Long, Bytes> climbed = new HashMap<>();
        Bin b = chunk;
        while (true) {
            Bytes known = trusted.get(b.value());
            if (known != null) {
                if (!known.equals(hash)) {
                    return b.equals(chunk) ? Verdict.CHUNK_MISMATCH : Verdict.HASH_MISMATCH;
                }
                trusted.putAll(climbed);
                return Verdict.VERIFIED;
            }
            if (b.layer() >= 62) {
                return Verdict.NO_TRUSTED_ANCESTOR;
            }
            Bin sibling = b.sibling();
            Bytes siblingHash = trusted.get(sibling.value());
            if (siblingHash == null) {
                siblingHash = candidates.get(sibling);
                if (siblingHash == null) {
                    return Verdict.MISSING_UNCLE;
                }
                if (siblingHash.length() != function.length()) {
                    return Verdict.HASH_MISMATCH;
                }
            }
            climbed.put(b.value(), hash);
            climbed.put(sibling.value(), siblingHash);
            hash = b.isLeft() ? function.parent(hash, siblingHash) : function.parent(siblingHash, hash);
            b = b.parent();
        }
    }

    public Verdict verify(Bin chunk, byte[] data, Map<Bin, Bytes> candidates) {
        return verify(chunk, data, 0, data.length, candidates);
    }

    /**
     * Forgets every hash whose subtree lies wholly before {@code chunk}: the receiver's side of the
     * live discard window (RFC 7574 §6.2). Bins covering later chunks stay.
     */
    public void forgetBefore(long chunk) {
        // A bin's value is below 2·(its last chunk + 1), so only bins under 2·chunk can lie wholly before it.
        Iterator<Map.Entry<Long, Bytes>> it = trusted.headMap(2 * chunk).entrySet().iterator();
        while (it.hasNext()) {
            if (new Bin(it.next().getKey()).lastChunk() < chunk) {
                it.remove();
            }
        }
    }

    /** The trusted bins, for diagnostics. */
    public List<Bin> trustedBins() {
        List<Bin> out = new ArrayList<>(trusted.size());
        trusted.keySet().forEach(v -> out.add(new Bin(v)));
        return out;
    }

    /** Why a chunk did or did not verify. */
    public enum Verdict {
        VERIFIED,
        /** The chunk hashes to something other than the trusted hash of its own leaf. */
        CHUNK_MISMATCH,
        /** The climb reached a trusted node with a different hash: the chunk or an uncle is wrong. */
        HASH_MISMATCH,
        /** An uncle hash needed for the climb was not sent. */
        MISSING_UNCLE,
        /** No trusted node above the chunk: no root or munro hash known for it yet. */
        NO_TRUSTED_ANCESTOR,
        NOT_A_CHUNK;

        public boolean ok() {
            return this == VERIFIED;
        }
    }
}
