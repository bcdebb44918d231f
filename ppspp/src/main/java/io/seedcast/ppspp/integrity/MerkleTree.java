package io.seedcast.ppspp.integrity;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ChunkRange;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A complete Merkle hash tree over the chunks below one bin: the whole content of a static swarm
 * (root bin at offset 0), or one munro's subtree of a live swarm. Leaves past the last chunk are
 * empty, all-zero hashes, and so is any parent of two empty children. The sender side: it answers
 * the root hash, any node's hash, the uncle hashes of a chunk and the peak hashes.
 */
// RFC 7574 §5.1
public final class MerkleTree {

    private final MerkleHashFunction function;
    private final Bin root;
    private final long chunkCount;
    /** Node hashes indexed by bin value minus the root's leftmost leaf: a subtree's bins are contiguous. */
    private final Bytes[] nodes;

    private MerkleTree(MerkleHashFunction function, Bin root, long chunkCount, Bytes[] nodes) {
        this.function = function;
        this.root = root;
        this.chunkCount = chunkCount;
        this.nodes = nodes;
    }

    /** The tree of a static content: the smallest balanced tree holding all its chunks. */
    public static MerkleTree ofContent(MerkleHashFunction function, byte[] content, int chunkSize) {
        int n = Math.max(1, (content.length + chunkSize - 1) / chunkSize);
        List<Bytes> leaves = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int from = i * chunkSize;
            leaves.add(function.hash(content, from, Math.min(chunkSize, content.length - from)));
        }
        return ofLeaves(function, leaves);
    }

    /** The smallest balanced tree, from chunk 0, over these chunk hashes. */
    public static MerkleTree ofLeaves(MerkleHashFunction function, List<Bytes> leafHashes) {
        int layer = 64 - Long.numberOfLeadingZeros(Math.max(1, leafHashes.size()) - 1L);
        return ofLeaves(function, Bin.of(layer, 0), leafHashes);
    }

    /**
     * The tree below {@code root} whose first leaves hash to {@code leafHashes}, the rest empty:
     * a munro's subtree, full or (at the end of a broadcast) partial.
     */
    public static MerkleTree ofLeaves(MerkleHashFunction function, Bin root, List<Bytes> leafHashes) {
        long width = root.width();
        if (root.layer() > 30 || leafHashes.size() > width) {
            throw new IllegalArgumentException(leafHashes.size() + " leaves do not fit under " + root);
        }
        Bytes[] nodes = new Bytes[(int) (2 * width - 1)];
        for (int i = 0; i < width; i++) {
            Bytes h = i < leafHashes.size() ? leafHashes.get(i) : function.zero();
            if (h.length() != function.length()) {
                throw new IllegalArgumentException("leaf hash " + i + " is " + h.length() + " bytes, " + function + " makes " + function.length());
            }
            nodes[2 * i] = h;
        }
        for (int layer = 1; layer <= root.layer(); layer++) {
            long step = 1L << (layer + 1);
            for (long v = (1L << layer) - 1; v < nodes.length; v += step) {
                long half = 1L << (layer - 1);
                nodes[(int) v] = function.parent(nodes[(int) (v - half)], nodes[(int) (v + half)]);
            }
        }
        return new MerkleTree(function, root, leafHashes.size(), nodes);
    }

    public MerkleHashFunction function() {
        return function;
    }

    public Bin rootBin() {
        return root;
    }

    public Bytes rootHash() {
        return hash(root);
    }

    /** How many real (non-empty) chunks the tree holds. */
    public long chunkCount() {
        return chunkCount;
    }

    public boolean covers(Bin bin) {
        return root.covers(bin);
    }

    public Bytes hash(Bin bin) {
        if (!root.covers(bin)) {
            throw new IllegalArgumentException(bin + " is outside the tree under " + root);
        }
        return nodes[(int) (bin.value() - root.baseLeft().value())];
    }

    /**
     * The sibling and uncle hashes that verify {@code chunk} against the root, as (bin, hash) pairs
     * in the order INTEGRITY messages carry them: highest node first, the chunk's sibling last.
     */
    // RFC 7574 §5.2, §5.4
    public List<Node> uncles(Bin chunk) {
        if (!chunk.isLeaf() || !root.covers(chunk)) {
            throw new IllegalArgumentException(chunk + " is not a chunk of the tree under " + root);
        }
        List<Node> out = new ArrayList<>(root.layer());
        for (Bin b = chunk; !b.equals(root); b = b.parent()) {
            out.addFirst(new Node(b.sibling(), hash(b.sibling())));
        }
        return out;
    }

    /**
     * The uncle hashes a receiver still needs for {@code chunk}, given the nodes whose verified
     * hashes it already holds ({@code known}): the walk up from the chunk stops at the first known
     * node, and known siblings on the way are left out.
     */
    // RFC 7574 §5.3
    public List<Node> uncles(Bin chunk, Predicate<Bin> known) {
        if (!chunk.isLeaf() || !root.covers(chunk)) {
            throw new IllegalArgumentException(chunk + " is not a chunk of the tree under " + root);
        }
        List<Node> out = new ArrayList<>();
        for (Bin b = chunk; !b.equals(root) && !known.test(b); b = b.parent()) {
            if (!known.test(b.sibling())) {
                out.addFirst(new Node(b.sibling(), hash(b.sibling())));
            }
        }
        return out;
    }

    /** The peak hashes of the content: the filled subtrees whose siblings are incomplete. */
    // RFC 7574 §5.6.1
    public List<Node> peaks() {
        if (root.baseOffset() != 0) {
            throw new IllegalStateException("peak hashes are defined for a whole content tree");
        }
        List<Node> out = new ArrayList<>();
        for (Bin b : peakBins(chunkCount)) {
            out.add(new Node(b, hash(b)));
        }
        return out;
    }

    /** The bins of the peak hashes of a content of {@code chunkCount} chunks: one per 1 bit of the count. */
    public static List<Bin> peakBins(long chunkCount) {
        return chunkCount == 0 ? List.of() : new ChunkRange(0, chunkCount - 1).toBins();
    }

    /**
     * The root hash implied by peak hashes received from an untrusted peer, for checking against the
     * trusted root (RFC 7574 §5.6.1, the Lemma): empty subtrees right of the peaks are all zeros.
     */
    public static Bytes rootFromPeaks(MerkleHashFunction function, List<Node> peaks) {
        if (peaks.isEmpty()) {
            throw new IllegalArgumentException("no peaks");
        }
        Node rightmost = peaks.getLast();
        Bin bin = rightmost.bin();
        Bytes hash = rightmost.hash();
        int i = peaks.size() - 2;
        while (i >= 0 || bin.baseOffset() != 0 || !bin.isLeft()) {
            if (bin.isLeft()) {
                hash = function.parent(hash, function.zero());
            } else {
                if (i < 0 || !peaks.get(i).bin().equals(bin.sibling())) {
                    throw new IllegalArgumentException("peaks do not tile the content from chunk 0: missing " + bin.sibling());
                }
                hash = function.parent(peaks.get(i).hash(), hash);
                i--;
            }
            bin = bin.parent();
            if (bin.layer() > 62) {
                throw new IllegalArgumentException("peaks do not converge to a root");
            }
        }
        return hash;
    }

    /** A node of the tree with its hash: what one INTEGRITY message carries. */
    public record Node(Bin bin, Bytes hash) {
    }
}
