package io.seedcast.ppspp.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.integrity.MerkleTree;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveVerifier.Verdict;
import io.seedcast.ppspp.wire.Integrity;
import io.seedcast.ppspp.wire.SignedIntegrity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LiveSigningTest {

    static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    static final Map<SignatureAlgorithm, SwarmKeyPair> KEYS = new EnumMap<>(SignatureAlgorithm.class);

    static SwarmKeyPair key(SignatureAlgorithm a) {
        return KEYS.computeIfAbsent(a, SwarmKeyPair::generate);
    }

    static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    static byte[] chunk(long n) {
        byte[] b = new byte[1024];
        new SplittableRandom(n).nextBytes(b);
        return b;
    }

    static byte[] flip(byte[] b, SplittableRandom r) {
        byte[] c = b.clone();
        c[r.nextInt(c.length)] ^= (byte) (1 << r.nextInt(8));
        return c;
    }

    static Bytes flip(Bytes b, SplittableRandom r) {
        return Bytes.of(flip(b.toArray(), r));
    }

    static List<Integrity> uncles(LiveTree source, long c, LiveVerifier viewer) {
        MerkleTree t = source.munroTree(c).orElseThrow();
        return t.uncles(Bin.chunk(c), viewer.tree()::isTrusted).stream().map(n -> new Integrity(n.bin(), n.hash())).toList();
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void unifiedMerkleTreeRoundTrip(SignatureAlgorithm algorithm) {
        SwarmParameters p = SwarmParameters.defaults(Profile.RFC7574).withAlgorithm(algorithm).withChunksPerSignature(8);
        SwarmKeyPair key = key(algorithm);
        LiveTree source = new LiveTree(p, key, at(T0));
        List<SignedMunro> munros = new ArrayList<>();
        for (long c = 0; c < 40; c++) {
            source.append(chunk(c)).ifPresent(munros::add);
        }
        assertEquals(5, munros.size());
        LiveVerifier viewer = new LiveVerifier(key.swarmId(), p, at(T0.plusSeconds(2)));
        SplittableRandom r = new SplittableRandom(algorithm.number());
        for (SignedMunro m : munros) {
            // A flipped bit in the munro hash, the signature or the timestamp is refused, and trusts nothing.
            assertEquals(Verdict.BAD_SIGNATURE, viewer.acceptMunro(new Integrity(m.munro(), flip(m.hash(), r)), m.signedIntegrity()));
            assertEquals(Verdict.BAD_SIGNATURE, viewer.acceptMunro(m.integrity(), new SignedIntegrity(m.munro(), m.timestamp(), flip(m.signature(), r))));
            assertEquals(Verdict.BAD_SIGNATURE, viewer.acceptMunro(m.integrity(), new SignedIntegrity(m.munro(), m.timestamp() ^ 1, m.signature())));
            assertFalse(viewer.hasMunroFor(m.munro().baseOffset()));
            assertEquals(Verdict.VERIFIED, viewer.acceptMunro(m.integrity(), m.signedIntegrity()));
        }
        for (long c = 0; c < 40; c++) {
            byte[] data = chunk(c);
            List<Integrity> u = uncles(source, c, viewer);
            assertEquals(Verdict.BAD_CHUNK, viewer.verifyChunk(c, flip(data, r), 0, 1024, u), "tampered chunk " + c);
            if (!u.isEmpty()) {
                List<Integrity> bad = new ArrayList<>(u);
                Integrity first = bad.getFirst();
                bad.set(0, new Integrity(first.chunks(), flip(first.hash(), r)));
                assertEquals(Verdict.BAD_CHUNK, viewer.verifyChunk(c, data, 0, 1024, bad), "tampered uncle for " + c);
            }
            assertEquals(Verdict.VERIFIED, viewer.verifyChunk(c, data, 0, 1024, u), "chunk " + c);
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signAllRoundTrip(SignatureAlgorithm algorithm) {
        SwarmParameters p = SwarmParameters.defaults(Profile.RFC7574).withAlgorithm(algorithm).withIntegrity(IntegrityMethod.SIGN_ALL);
        SwarmKeyPair key = key(algorithm);
        var ctx = p.wireContext(key.swarmId());
        LiveVerifier viewer = new LiveVerifier(key.swarmId(), p, at(T0.plusSeconds(1)));
        SplittableRandom r = new SplittableRandom(algorithm.number());
        for (long c = 0; c < 8; c++) {
            byte[] data = chunk(c);
            SignedIntegrity s = SignAll.sign(key, ctx, ChunkRange.single(c), NtpTimestamp.of(T0), data);
            assertEquals(key.swarmId().signatureLength(), s.signature().length());
            assertEquals(Verdict.VERIFIED, viewer.verifySignAll(c, data, s));
            assertEquals(Verdict.BAD_SIGNATURE, viewer.verifySignAll(c, flip(data, r), s));
            assertEquals(Verdict.BAD_SIGNATURE, viewer.verifySignAll(c, data, new SignedIntegrity(s.chunks(), s.timestamp(), flip(s.signature(), r))));
            assertEquals(Verdict.BAD_SIGNATURE, viewer.verifySignAll(c, data, new SignedIntegrity(s.chunks(), s.timestamp() + 1, s.signature())));
            // A good signature for another chunk is no signature for this one.
            assertEquals(Verdict.NOT_A_MUNRO, viewer.verifySignAll(c + 1, data, s));
        }
    }

    @Test
    void staleAndFutureSignaturesAreRefused() {
        SwarmParameters p = SwarmParameters.defaults(Profile.RFC7574).withChunksPerSignature(2);
        SwarmKeyPair key = key(SignatureAlgorithm.ED25519);
        p = p.withAlgorithm(SignatureAlgorithm.ED25519);
        LiveTree source = new LiveTree(p, key, at(T0));
        source.append(chunk(0));
        SignedMunro m = source.append(chunk(1)).orElseThrow();
        LiveVerifier replayed = new LiveVerifier(key.swarmId(), p, at(T0.plus(Profile.RFC7574.maxSignatureAge()).plusSeconds(1)));
        assertEquals(Verdict.STALE, replayed.acceptMunro(m.integrity(), m.signedIntegrity()));
        LiveVerifier behind = new LiveVerifier(key.swarmId(), p, at(T0.minusSeconds(60)));
        assertEquals(Verdict.FROM_THE_FUTURE, behind.acceptMunro(m.integrity(), m.signedIntegrity()));
        LiveVerifier onTime = new LiveVerifier(key.swarmId(), p, at(T0.plusSeconds(59)));
        assertEquals(Verdict.VERIFIED, onTime.acceptMunro(m.integrity(), m.signedIntegrity()));
    }

    @Test
    void theLastPartialMunroIsSignedWithEmptyLeaves() {
        SwarmParameters p = SwarmParameters.defaults(Profile.RFC7574);
        SwarmKeyPair key = key(SignatureAlgorithm.ECDSAP256SHA256);
        LiveTree source = new LiveTree(p, key, at(T0));
        for (long c = 0; c < 45; c++) {
            source.append(chunk(c));
        }
        SignedMunro last = source.finish().orElseThrow();
        assertEquals(Bin.of(5, 1), last.munro());
        assertEquals(64, source.nextChunk(), "the next broadcast chunk starts a fresh munro");
        LiveVerifier viewer = new LiveVerifier(key.swarmId(), p, at(T0));
        assertEquals(Verdict.VERIFIED, viewer.acceptMunro(last.integrity(), last.signedIntegrity()));
        for (long c = 32; c < 45; c++) {
            assertEquals(Verdict.VERIFIED, viewer.verifyChunk(c, chunk(c), 0, 1024, uncles(source, c, viewer)));
        }
        assertTrue(source.munroTree(40).orElseThrow().hash(Bin.chunk(50)).isAllZero());
    }

    @Test
    void munroSpecsFollowTheAddressingMethod() {
        SwarmKeyPair key = key(SignatureAlgorithm.ECDSAP256SHA256);
        for (ChunkAddressing a : ChunkAddressing.values()) {
            SwarmParameters p = SwarmParameters.defaults(Profile.RFC7574).withAddressing(a).withHash(MerkleHashFunction.SHA512);
            LiveTree source = new LiveTree(p, key, at(T0));
            SignedMunro m = null;
            for (long c = 0; c < 32; c++) {
                m = source.append(chunk(c)).orElse(m);
            }
            LiveVerifier viewer = new LiveVerifier(key.swarmId(), p, at(T0));
            // As a receiver would decode it: the munro written in this addressing method.
            var spec = a.convert(m.munro(), p.chunkSize());
            assertEquals(Verdict.VERIFIED, viewer.acceptMunro(new Integrity(spec, m.hash()), new SignedIntegrity(spec, m.timestamp(), m.signature())), a.name());
        }
    }

    @Test
    void aChunkSizeWhoseDatagramIsFragmentedOnTheInternetIsNamedWithTheMostThatFits() {
        SwarmParameters p = SwarmParameters.defaults(Profile.RFC7574);
        assertEquals(null, p.fragmentationWarning(), "1024-byte chunks fit");
        assertEquals(null, p.withChunkSize(1451).fragmentationWarning(), "4 + 17 + 1451 = 1472");
        String w = p.withChunkSize(1452).fragmentationWarning();
        assertTrue(w != null && w.contains("1473 bytes") && w.contains("at most 1451"), w);
        assertTrue(p.withAddressing(ChunkAddressing.BINS_32).withChunkSize(4096).fragmentationWarning().contains("at most 1455"));
    }

    @Test
    void discardWindowForgetsOldMunros() {
        SwarmParameters p = SwarmParameters.defaults(Profile.RFC7574).withChunksPerSignature(4).withDiscardWindow(16);
        SwarmKeyPair key = key(SignatureAlgorithm.ED25519);
        p = p.withAlgorithm(SignatureAlgorithm.ED25519);
        LiveTree source = new LiveTree(p, key, at(T0));
        for (long c = 0; c < 1000; c++) {
            source.append(chunk(c));
            source.forgetBefore(p.oldestRetained(c));
        }
        assertTrue(source.munroCount() <= 5, "munros kept: " + source.munroCount());
        assertTrue(source.signedMunro(999).isPresent());
        assertFalse(source.signedMunro(900).isPresent());
        assertEquals(984, p.oldestRetained(999));
    }
}
