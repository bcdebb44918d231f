package io.seedcast.ppspp.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.integrity.MerkleTree.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MerkleTreeTest {

    static byte[] content(int length, long seed) {
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static Map<Bin, Bytes> asMap(List<Node> nodes) {
        Map<Bin, Bytes> m = new HashMap<>();
        nodes.forEach(n -> m.put(n.bin(), n.hash()));
        return m;
    }

    @ParameterizedTest
    @EnumSource(MerkleHashFunction.class)
    void everyChunkVerifiesAgainstTheRootWithItsUncles(MerkleHashFunction f) {
        byte[] data = content(7162, 1);
        MerkleTree tree = MerkleTree.ofContent(f, data, 1024);
        assertEquals(7, tree.chunkCount());
        assertEquals(new Bin(7), tree.rootBin());
        assertEquals(f.length(), tree.rootHash().length());
        for (int c = 0; c < 7; c++) {
            HashTree receiver = new HashTree(f);
            receiver.trust(tree.rootBin(), tree.rootHash());
            int len = Math.min(1024, data.length - c * 1024);
            assertEquals(HashTree.Verdict.VERIFIED, receiver.verify(Bin.chunk(c), data, c * 1024, len, asMap(tree.uncles(Bin.chunk(c)))), "chunk " + c);
        }
    }

    @ParameterizedTest
    @EnumSource(MerkleHashFunction.class)
    void aFlippedBitInAChunkOrAnUncleIsRejected(MerkleHashFunction f) {
        byte[] data = content(8 * 1024, 2);
        MerkleTree tree = MerkleTree.ofContent(f, data, 1024);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 50; i++) {
            int c = r.nextInt(8);
            HashTree receiver = new HashTree(f);
            receiver.trust(tree.rootBin(), tree.rootHash());
            byte[] chunk = java.util.Arrays.copyOfRange(data, c * 1024, c * 1024 + 1024);
            List<Node> uncles = tree.uncles(Bin.chunk(c));
            if (r.nextBoolean()) {
                chunk[r.nextInt(1024)] ^= (byte) (1 << r.nextInt(8));
                assertEquals(HashTree.Verdict.HASH_MISMATCH, receiver.verify(Bin.chunk(c), chunk, asMap(uncles)));
            } else {
                int k = r.nextInt(uncles.size());
                byte[] h = uncles.get(k).hash().toArray();
                h[r.nextInt(h.length)] ^= (byte) (1 << r.nextInt(8));
                Map<Bin, Bytes> bad = asMap(uncles);
                bad.put(uncles.get(k).bin(), Bytes.of(h));
                assertEquals(HashTree.Verdict.HASH_MISMATCH, receiver.verify(Bin.chunk(c), chunk, bad));
            }
            // Nothing of a failed climb is trusted.
            assertEquals(1, receiver.size());
        }
    }

    @Test
    void missingUnclesAreReportedNotGuessed() {
        byte[] data = content(4 * 1024, 4);
        MerkleTree tree = MerkleTree.ofContent(MerkleHashFunction.SHA256, data, 1024);
        HashTree receiver = new HashTree(MerkleHashFunction.SHA256);
        receiver.trust(tree.rootBin(), tree.rootHash());
        assertEquals(HashTree.Verdict.MISSING_UNCLE, receiver.verify(Bin.chunk(0), java.util.Arrays.copyOf(data, 1024), Map.of()));
        HashTree nothingTrusted = new HashTree(MerkleHashFunction.SHA256);
        assertEquals(HashTree.Verdict.MISSING_UNCLE, nothingTrusted.verify(Bin.chunk(0), java.util.Arrays.copyOf(data, 1024), asMap(tree.uncles(Bin.chunk(0)))));
    }

    @Test
    void aProgressiveDownloadNeedsSevenHashesAsInTable1() {
        // RFC 7574 §5.5, Table 1: fetching chunks 0..7 in order sends 7 hashes in total.
        byte[] data = content(8 * 1024, 5);
        MerkleTree tree = MerkleTree.ofContent(MerkleHashFunction.SHA256, data, 1024);
        HashTree receiver = new HashTree(MerkleHashFunction.SHA256);
        receiver.trust(tree.rootBin(), tree.rootHash());
        int sent = 0;
        int[] perChunk = new int[8];
        for (int c = 0; c < 8; c++) {
            List<Node> needed = tree.uncles(Bin.chunk(c), receiver::isTrusted);
            perChunk[c] = needed.size();
            sent += needed.size();
            // Highest node first, as INTEGRITY messages must be sorted (RFC 7574 §5.4).
            for (int k = 1; k < needed.size(); k++) {
                assertTrue(needed.get(k - 1).bin().layer() > needed.get(k).bin().layer());
            }
            assertEquals(HashTree.Verdict.VERIFIED, receiver.verify(Bin.chunk(c), data, c * 1024, 1024, asMap(needed)));
        }
        assertEquals(7, sent);
        assertEquals(List.of(3, 0, 1, 0, 2, 0, 1, 0), java.util.Arrays.stream(perChunk).boxed().toList());
    }

    @Test
    void peakHashesOfFigure4() {
        // RFC 7574 §5.6.1: a 7162-byte file in 1 KiB chunks has peaks 3, 9 and 12.
        assertEquals(List.of(new Bin(3), new Bin(9), new Bin(12)), MerkleTree.peakBins(7));
        for (int n = 1; n <= 70; n++) {
            MerkleTree tree = MerkleTree.ofContent(MerkleHashFunction.SHA1, content(n * 100, n), 100);
            List<Node> peaks = tree.peaks();
            assertEquals(Long.bitCount(n), peaks.size());
            assertEquals(tree.rootHash(), MerkleTree.rootFromPeaks(MerkleHashFunction.SHA1, peaks), "n=" + n);
        }
    }

    @Test
    void emptySubtreesHashToZero() {
        MerkleTree tree = MerkleTree.ofContent(MerkleHashFunction.SHA256, content(5 * 1024, 6), 1024);
        assertTrue(tree.hash(new Bin(13)).isAllZero());
        assertTrue(tree.hash(new Bin(14)).isAllZero());
        assertFalse(tree.hash(new Bin(11)).isAllZero());
    }

    @Test
    void forgettingKeepsWhatCoversLaterChunks() {
        byte[] data = content(16 * 1024, 7);
        MerkleTree tree = MerkleTree.ofContent(MerkleHashFunction.SHA256, data, 1024);
        HashTree receiver = new HashTree(MerkleHashFunction.SHA256);
        receiver.trust(tree.rootBin(), tree.rootHash());
        for (int c = 0; c < 16; c++) {
            receiver.verify(Bin.chunk(c), data, c * 1024, 1024, asMap(tree.uncles(Bin.chunk(c), receiver::isTrusted)));
        }
        receiver.forgetBefore(8);
        for (Bin b : receiver.trustedBins()) {
            assertTrue(b.lastChunk() >= 8, b.toString());
        }
        assertTrue(receiver.isTrusted(tree.rootBin()));
        assertTrue(receiver.isTrusted(Bin.chunk(8)));
    }
}
