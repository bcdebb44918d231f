package io.seedcast.ppspp.live;

import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.wire.ProtocolOption;
import io.seedcast.ppspp.wire.ProtocolOptions;
import io.seedcast.ppspp.wire.WireContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The metadata of a live swarm besides its ID: everything a peer must agree on to speak to it,
 * and what goes into its HANDSHAKE options.
 *
 * @param chunksPerSignature NCHUNKS_PER_SIG for the Unified Merkle Tree: a power of 2, at least 2 (RFC 7574 §6.1.2.1)
 * @param discardWindow      chunks kept behind the newest, or {@link #KEEP_ALL} (RFC 7574 §7.9)
 */
public record SwarmParameters(IntegrityMethod integrity, MerkleHashFunction hash, SignatureAlgorithm algorithm,
        ChunkAddressing addressing, long chunkSize, int chunksPerSignature, long discardWindow, Profile profile) {

    public static final long KEEP_ALL = ProtocolOption.LiveDiscardWindow.UNLIMITED;
    public static final int PROTOCOL_VERSION = 1;

    public SwarmParameters {
        if (!integrity.isLive()) {
            throw new IllegalArgumentException("a live swarm uses Sign All or the Unified Merkle Tree, not " + integrity);
        }
        if (!profile.supports(integrity)) {
            throw new IllegalArgumentException("the " + profile + " profile does not support " + integrity);
        }
        if (integrity == IntegrityMethod.UNIFIED_MERKLE_TREE
                && (chunksPerSignature < 2 || Integer.bitCount(chunksPerSignature) != 1 || chunksPerSignature > (1 << 20))) {
            throw new IllegalArgumentException("chunks per signature must be a power of 2 from 2 to 2^20, got " + chunksPerSignature);
        }
        if (chunkSize < 1 || chunkSize > 65_000) {
            throw new IllegalArgumentException("chunk size must be 1–65000 bytes to fit a UDP datagram, got " + chunkSize);
        }
        if (discardWindow != KEEP_ALL && discardWindow < 1) {
            throw new IllegalArgumentException("discard window must be at least 1 chunk, got " + discardWindow);
        }
    }

    /** The largest UDP payload in a 1500-byte Ethernet packet over IPv4 (RFC 7574 §8.1). */
    public static final int ETHERNET_DATAGRAM = 1472;

    /**
     * What an operator should hear about these parameters before a swarm runs on them, or null: a chunk whose DATA
     * message does not fit a {@link #ETHERNET_DATAGRAM}-byte datagram is fragmented by IP on every path that carries
     * 1500-byte packets, and one lost fragment loses the chunk.
     */
    public String fragmentationWarning() {
        long datagram = 4 + 1 + addressing.specLength() + 8 + chunkSize;
        if (datagram <= ETHERNET_DATAGRAM) {
            return null;
        }
        return "chunk size " + chunkSize + ": a chunk's datagram takes " + datagram + " bytes, over the " + ETHERNET_DATAGRAM
                + " that fit a 1500-byte packet, so IP fragments every chunk and a lost fragment loses it; fine on a LAN, not"
                + " on the Internet (at most " + (ETHERNET_DATAGRAM - (datagram - chunkSize)) + "; RFC 7574 §8.1 recommends 1024)";
    }

    /** Seedcast's defaults: UMT with SHA-256 (SHA-1 under libswift), ECDSAP256SHA256, 32-bit chunk ranges, 1024-byte chunks, 32 per signature. */
    public static SwarmParameters defaults(Profile profile) {
        return new SwarmParameters(IntegrityMethod.UNIFIED_MERKLE_TREE, profile.defaultHash(), SignatureAlgorithm.DEFAULT,
                ChunkAddressing.DEFAULT, 1024, 32, profile == Profile.LIBSWIFT ? KEEP_ALL : 8192, profile);
    }

    public SwarmParameters withIntegrity(IntegrityMethod m) {
        return new SwarmParameters(m, hash, algorithm, addressing, chunkSize, chunksPerSignature, discardWindow, profile);
    }

    public SwarmParameters withAlgorithm(SignatureAlgorithm a) {
        return new SwarmParameters(integrity, hash, a, addressing, chunkSize, chunksPerSignature, discardWindow, profile);
    }

    public SwarmParameters withHash(MerkleHashFunction h) {
        return new SwarmParameters(integrity, h, algorithm, addressing, chunkSize, chunksPerSignature, discardWindow, profile);
    }

    public SwarmParameters withAddressing(ChunkAddressing a) {
        return new SwarmParameters(integrity, hash, algorithm, a, chunkSize, chunksPerSignature, discardWindow, profile);
    }

    public SwarmParameters withChunksPerSignature(int n) {
        return new SwarmParameters(integrity, hash, algorithm, addressing, chunkSize, n, discardWindow, profile);
    }

    public SwarmParameters withDiscardWindow(long w) {
        return new SwarmParameters(integrity, hash, algorithm, addressing, chunkSize, chunksPerSignature, w, profile);
    }

    public SwarmParameters withChunkSize(long size) {
        return new SwarmParameters(integrity, hash, algorithm, addressing, size, chunksPerSignature, discardWindow, profile);
    }

    /** Sizes on the wire for a channel of this swarm. */
    public WireContext wireContext(SwarmId swarmId) {
        return new WireContext(addressing, hash.length(), swarmId.signatureLength(), chunkSize);
    }

    /** The munro (UMT) whose subtree holds {@code chunk}: the bin of NCHUNKS_PER_SIG chunks above it. */
    // RFC 7574 §6.1.2.1
    public Bin munroOf(long chunk) {
        int layer = Integer.numberOfTrailingZeros(chunksPerSignature);
        return Bin.of(layer, chunk >>> layer);
    }

    /** The oldest chunk a peer keeps once {@code newest} is out (RFC 7574 §6.2). */
    public long oldestRetained(long newest) {
        return discardWindow == KEEP_ALL ? 0 : Math.max(0, newest - discardWindow + 1);
    }

    /**
     * The HANDSHAKE options for this swarm, in the order the wire wants and filtered by the profile.
     * The initiator names the swarm and its minimum version (RFC 7574 §7.3, §7.4); a responder may
     * repeat the swarm ID as an end-to-end check.
     */
    // RFC 7574 §7
    public ProtocolOptions handshakeOptions(SwarmId swarmId, boolean initiator) {
        List<ProtocolOption> o = new ArrayList<>();
        o.add(new ProtocolOption.Version(PROTOCOL_VERSION));
        if (initiator) {
            o.add(new ProtocolOption.MinimumVersion(PROTOCOL_VERSION));
        }
        o.add(new ProtocolOption.SwarmIdentifier(swarmId.encoded()));
        o.add(new ProtocolOption.ContentIntegrityProtection(integrity));
        if (integrity.usesMerkleTree()) {
            o.add(new ProtocolOption.MerkleHashTreeFunction(hash));
        }
        o.add(new ProtocolOption.LiveSignatureAlgorithm(algorithm));
        o.add(new ProtocolOption.ChunkAddressingMethod(addressing));
        o.add(new ProtocolOption.LiveDiscardWindow(discardWindow));
        o.add(new ProtocolOption.ChunkSize(chunkSize));
        return profile.handshakeOptions(new ProtocolOptions(o));
    }
}
