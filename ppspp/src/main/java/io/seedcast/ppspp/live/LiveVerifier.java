package io.seedcast.ppspp.live;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.chunk.ChunkSpec;
import io.seedcast.ppspp.integrity.HashTree;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.wire.Integrity;
import io.seedcast.ppspp.wire.SignedIntegrity;
import io.seedcast.ppspp.wire.WireContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A receiving peer's check of live content against the swarm ID: signed munros and the chunks
 * under them (Unified Merkle Tree), or a signature per chunk (Sign All). Nothing is trusted that
 * did not check out; a signature too old (a replay) or too far in the future is refused.
 */
// RFC 7574 §6.1
public final class LiveVerifier {

    /** How far ahead of our clock a source's clock may run before its signatures are refused. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(30);

    private final SwarmId swarm;
    private final SwarmParameters parameters;
    private final WireContext context;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration maxSkew;
    private final HashTree tree;
    /** munro bin value → the signature that verified for it. */
    private final java.util.TreeMap<Long, Bytes> verifiedSignatures = new java.util.TreeMap<>();

    public LiveVerifier(SwarmId swarm, SwarmParameters parameters, Clock clock) {
        this(swarm, parameters, clock, parameters.profile().maxSignatureAge(), DEFAULT_MAX_CLOCK_SKEW);
    }

    public LiveVerifier(SwarmId swarm, SwarmParameters parameters, Clock clock, Duration maxAge, Duration maxSkew) {
        if (swarm.algorithm() != parameters.algorithm()) {
            throw new IllegalArgumentException("swarm ID is " + swarm.algorithm() + " but the swarm signs with " + parameters.algorithm());
        }
        this.swarm = swarm;
        this.parameters = parameters;
        this.context = parameters.wireContext(swarm);
        this.clock = clock;
        this.maxAge = maxAge;
        this.maxSkew = maxSkew;
        this.tree = new HashTree(parameters.hash());
    }

    public WireContext context() {
        return context;
    }

    public HashTree tree() {
        return tree;
    }

    /**
     * Checks a signed munro (an INTEGRITY and a SIGNED_INTEGRITY for the same munro) and, if it is
     * good, trusts its hash so that the chunks below it can be verified.
     */
    // RFC 7574 §6.1.2.3, §6.1.2.4
    public Verdict acceptMunro(Integrity munroHash, SignedIntegrity signature) {
        requireMethod(IntegrityMethod.UNIFIED_MERKLE_TREE);
        Bin munro = asMunro(munroHash.chunks());
        if (munro == null || !munro.equals(asMunro(signature.chunks()))) {
            return Verdict.NOT_A_MUNRO;
        }
        if (munroHash.hash().length() != parameters.hash().length()) {
            return Verdict.BAD_HASH;
        }
        Verdict age = checkAge(signature.timestamp());
        if (age != Verdict.VERIFIED) {
            return age;
        }
        if (tree.isTrusted(munro) && !tree.trustedHash(munro).equals(munroHash.hash())) {
            return Verdict.BAD_HASH;
        }
        // Every honest peer forwards the source's one signature of a munro: the same bytes need no second check.
        if (signature.signature().equals(verifiedSignatures.get(munro.value()))) {
            return Verdict.VERIFIED;
        }
        SignedMunro signed = new SignedMunro(munro, munroHash.hash(), signature.timestamp(), signature.signature());
        if (!signed.verify(swarm, parameters.profile(), context)) {
            return Verdict.BAD_SIGNATURE;
        }
        tree.trust(munro, munroHash.hash());
        verifiedSignatures.put(munro.value(), signature.signature());
        return Verdict.VERIFIED;
    }

    public boolean hasMunroFor(long chunk) {
        return tree.isTrusted(parameters.munroOf(chunk));
    }

    /** Verifies a chunk of the Unified Merkle Tree against its trusted munro, with the uncle hashes a peer sent. */
    // RFC 7574 §5.2, §6.1.2.1
    public Verdict verifyChunk(long chunk, byte[] data, int offset, int length, List<Integrity> uncles) {
        requireMethod(IntegrityMethod.UNIFIED_MERKLE_TREE);
        if (!hasMunroFor(chunk)) {
            return Verdict.NO_MUNRO;
        }
        Map<Bin, Bytes> candidates = new HashMap<>();
        Bin munro = parameters.munroOf(chunk);
        for (Integrity i : uncles) {
            Bin b = asBin(i.chunks());
            // Only nodes inside this chunk's munro can matter; the rest are ignored, not trusted.
            if (b != null && munro.covers(b)) {
                candidates.put(b, i.hash());
            }
        }
        return switch (tree.verify(Bin.chunk(chunk), data, offset, length, candidates)) {
            case VERIFIED -> Verdict.VERIFIED;
            case MISSING_UNCLE -> Verdict.MISSING_HASH;
            case NO_TRUSTED_ANCESTOR -> Verdict.NO_MUNRO;
            default -> Verdict.BAD_CHUNK;
        };
    }

    /** Verifies a Sign All chunk: its signature, for this very chunk, fresh enough. */
    // RFC 7574 §6.1.1
    public Verdict verifySignAll(long chunk, byte[] data, SignedIntegrity signature) {
        requireMethod(IntegrityMethod.SIGN_ALL);
        Bin leaf = asBin(signature.chunks());
        if (leaf == null || !leaf.equals(Bin.chunk(chunk))) {
            return Verdict.NOT_A_MUNRO;
        }
        Verdict age = checkAge(signature.timestamp());
        if (age != Verdict.VERIFIED) {
            return age;
        }
        return SignAll.verify(swarm, context, signature, data) ? Verdict.VERIFIED : Verdict.BAD_SIGNATURE;
    }

    /** Forgets what lies behind the discard window. */
    public void forgetBefore(long chunk) {
        tree.forgetBefore(chunk);
        verifiedSignatures.headMap(2 * chunk).keySet().removeIf(v -> new Bin(v).lastChunk() < chunk);
    }

    private Verdict checkAge(long timestamp) {
        Instant signedAt;
        try {
            signedAt = parameters.profile().instant(timestamp);
        } catch (java.time.DateTimeException | ArithmeticException e) {
            return Verdict.STALE;
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(maxAge))) {
            return Verdict.STALE;
        }
        if (signedAt.isAfter(now.plus(maxSkew))) {
            return Verdict.FROM_THE_FUTURE;
        }
        return Verdict.VERIFIED;
    }

    private Bin asMunro(ChunkSpec spec) {
        Bin b = asBin(spec);
        return b != null && b.layer() == Integer.numberOfTrailingZeros(parameters.chunksPerSignature()) ? b : null;
    }

    private Bin asBin(ChunkSpec spec) {
        return spec.asBin(parameters.chunkSize());
    }

    private void requireMethod(IntegrityMethod m) {
        if (parameters.integrity() != m) {
            throw new IllegalStateException("this swarm uses " + parameters.integrity() + ", not " + m);
        }
    }

    public enum Verdict {
        VERIFIED,
        /** The signature does not verify with the swarm ID. */
        BAD_SIGNATURE,
        /** The signature's timestamp is older than the allowed age: a replay or a stuck peer. */
        STALE,
        /** The signature's timestamp is ahead of our clock by more than the allowed skew. */
        FROM_THE_FUTURE,
        /** The chunk specification is not a munro of this swarm (or not the chunk, for Sign All). */
        NOT_A_MUNRO,
        /** A hash of the wrong length. */
        BAD_HASH,
        /** No verified munro covers the chunk yet. */
        NO_MUNRO,
        /** An uncle hash needed to verify the chunk was not sent. */
        MISSING_HASH,
        /** The chunk, or an uncle hash sent with it, does not match the signed munro. */
        BAD_CHUNK;

        public boolean ok() {
            return this == VERIFIED;
        }
    }
}
