package io.seedcast.ppspp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.integrity.MerkleTree;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.live.LiveVerifier;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.Integrity;
import io.seedcast.ppspp.wire.SignedIntegrity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The golden values of ../shared/vectors/README.md, checked against libswift and an independent implementation. */
class GoldenVectorsTest {

    static final String SWARM = "0deac943a52fe7581576e4f67173fb8bbd9e09bbf8042a9ce718340a6a732945045239df65815aba47ae07db28a1eda3853d5ce776ff99facb2530d55d2399a6a5";
    static final String MUNRO_HASH = "32af697d7040347cf73b1e9e0872c3b0f7d05e7e";
    static final long TIMESTAMP = 0x000660dd3ab4b3fcL;
    static final String SIGNATURE = "041828f7d57abcf5f5adb1faaddf149b04c5777685f3c172513469638ee491abaec438aac1ebdfeaf3605df9cfd40680b7b1f55b1d37d971ad8fc6b4e76e7949";

    @Test
    void staticRootOfOneSmallChunk() {
        byte[] content = "123\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("a8fdc205a9f19cc1c7507a60c4f01b13d11d7fd0", MerkleTree.ofContent(MerkleHashFunction.SHA1, content, 1024).rootHash().hex());
    }

    @Test
    void staticRootOfTwoChunks() {
        byte[] content = new byte[1028];
        Arrays.fill(content, (byte) '$');
        assertEquals("5b53677d3a695f29f1b4e18ab6d705312ef7f8c3", MerkleTree.ofContent(MerkleHashFunction.SHA1, content, 1024).rootHash().hex());
    }

    @Test
    void staticRootOfM74WithEmptySubtreesKeptZero() throws IOException {
        byte[] content;
        try (InputStream in = getClass().getResourceAsStream("/vectors/m74.jpg")) {
            content = in.readAllBytes();
        }
        assertEquals(26121, content.length);
        MerkleTree tree = MerkleTree.ofContent(MerkleHashFunction.SHA1, content, 1024);
        assertEquals(26, tree.chunkCount());
        assertEquals("c89800bfc82ed01ed6e3bfd5408c51274491f7d4", tree.rootHash().hex());
        // The peak hashes (16 + 8 + 2 chunks) imply the same root.
        assertEquals(tree.rootHash(), MerkleTree.rootFromPeaks(MerkleHashFunction.SHA1, tree.peaks()));
    }

    static byte[] vectorChunk(long n) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        b.putInt((int) n);
        byte fill = (byte) (n % 251);
        while (b.hasRemaining()) {
            b.put(fill);
        }
        return b.array();
    }

    @Test
    void libswiftMunroHashRecomputesFromTheStream() {
        List<Bytes> leaves = new ArrayList<>();
        for (long n = 192; n <= 223; n++) {
            leaves.add(MerkleHashFunction.SHA1.hash(vectorChunk(n)));
        }
        Bin munro = new ChunkRange(192, 223).toBin();
        MerkleTree tree = MerkleTree.ofLeaves(MerkleHashFunction.SHA1, munro, leaves);
        assertEquals(MUNRO_HASH, tree.rootHash().hex());
        assertEquals(munro, SwarmParameters.defaults(Profile.LIBSWIFT).munroOf(200));
    }

    @Test
    void libswiftMunroSignatureVerifiesUnderTheLibswiftProfile() {
        SwarmId swarm = SwarmId.fromHex(SWARM);
        assertEquals(SignatureAlgorithm.ECDSAP256SHA256, swarm.algorithm());
        assertEquals(64, swarm.signatureLength());
        Bytes signature = Bytes.fromHex(SIGNATURE);
        Bytes hash = Bytes.fromHex(MUNRO_HASH);
        assertTrue(swarm.verify(signature, hash.toArray()), "libswift signs the munro hash alone");

        SwarmParameters params = SwarmParameters.defaults(Profile.LIBSWIFT);
        Instant signedAt = Profile.LIBSWIFT.instant(TIMESTAMP);
        assertEquals(TIMESTAMP, Profile.LIBSWIFT.timestamp(signedAt));
        LiveVerifier viewer = new LiveVerifier(swarm, params, Clock.fixed(signedAt.plusSeconds(5), ZoneOffset.UTC));
        ChunkRange munro = new ChunkRange(192, 223);
        assertEquals(LiveVerifier.Verdict.VERIFIED,
                viewer.acceptMunro(new Integrity(munro, hash), new SignedIntegrity(munro, TIMESTAMP, signature)));

        // Every chunk of the munro then verifies with the uncles a sender would attach.
        List<Bytes> leaves = new ArrayList<>();
        for (long n = 192; n <= 223; n++) {
            leaves.add(MerkleHashFunction.SHA1.hash(vectorChunk(n)));
        }
        MerkleTree tree = MerkleTree.ofLeaves(MerkleHashFunction.SHA1, munro.toBin(), leaves);
        for (long n = 192; n <= 223; n++) {
            List<Integrity> uncles = tree.uncles(Bin.chunk(n), viewer.tree()::isTrusted).stream()
                    .map(u -> new Integrity(u.bin(), u.hash())).toList();
            byte[] chunk = vectorChunk(n);
            assertEquals(LiveVerifier.Verdict.VERIFIED, viewer.verifyChunk(n, chunk, 0, chunk.length, uncles), "chunk " + n);
        }
    }

    @Test
    void libswiftMunroIsRefusedUnderTheRfcRulesAndWhenStale() {
        SwarmId swarm = SwarmId.fromHex(SWARM);
        Bytes signature = Bytes.fromHex(SIGNATURE);
        ChunkRange munro = new ChunkRange(192, 223);
        Integrity hash = new Integrity(munro, Bytes.fromHex(MUNRO_HASH));
        SignedIntegrity signed = new SignedIntegrity(munro, TIMESTAMP, signature);
        Instant signedAt = Profile.LIBSWIFT.instant(TIMESTAMP);

        // RFC 7574 signs spec ‖ timestamp ‖ hash: libswift's signature is not one.
        SwarmParameters rfc = SwarmParameters.defaults(Profile.RFC7574).withHash(MerkleHashFunction.SHA1);
        LiveVerifier strict = new LiveVerifier(swarm, rfc, Clock.fixed(Profile.RFC7574.instant(TIMESTAMP), ZoneOffset.UTC),
                Duration.ofDays(365_000), Duration.ofDays(365_000));
        assertEquals(LiveVerifier.Verdict.BAD_SIGNATURE, strict.acceptMunro(hash, signed));

        // libswift drops munros older than 30 s.
        LiveVerifier late = new LiveVerifier(swarm, SwarmParameters.defaults(Profile.LIBSWIFT),
                Clock.fixed(signedAt.plusSeconds(31), ZoneOffset.UTC));
        assertEquals(LiveVerifier.Verdict.STALE, late.acceptMunro(hash, signed));
        assertFalse(late.hasMunroFor(200));
    }
}
