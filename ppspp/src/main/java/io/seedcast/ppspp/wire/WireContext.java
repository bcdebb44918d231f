package io.seedcast.ppspp.wire;

import java.nio.ByteBuffer;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.chunk.ChunkSpec;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmId;

/**
 * The swarm parameters that fix message sizes on the wire: the chunk addressing method (width of
 * every chunk specification), the hash length (INTEGRITY), the signature length (SIGNED_INTEGRITY)
 * and the chunk size (DATA). A channel's context comes from the HANDSHAKE options (RFC 7574 §7).
 *
 * @param signatureLength 0 while unknown: a SIGNED_INTEGRITY then cannot be decoded
 * @param chunkSize       bytes per chunk, or {@link #VARIABLE_CHUNK_SIZE}
 */
public record WireContext(ChunkAddressing addressing, int hashLength, int signatureLength, long chunkSize) {

    public static final long VARIABLE_CHUNK_SIZE = 0xFFFF_FFFFL;

    /** RFC 7574's defaults: 32-bit chunk ranges, SHA-256, ECDSAP256SHA256, 1024-byte chunks. */
    public static final WireContext DEFAULT = new WireContext(ChunkAddressing.DEFAULT,
            MerkleHashFunction.DEFAULT.length(), SignatureAlgorithm.DEFAULT.fixedSignatureLength(), 1024);

    public WireContext {
        if (addressing == null) {
            throw new IllegalArgumentException("chunk addressing method required");
        }
        if (hashLength < 0 || signatureLength < 0 || chunkSize <= 0) {
            throw new IllegalArgumentException("bad wire context " + hashLength + "/" + signatureLength + "/" + chunkSize);
        }
    }

    public boolean fixedChunkSize() {
        return chunkSize != VARIABLE_CHUNK_SIZE;
    }

    public WireContext withAddressing(ChunkAddressing a) {
        return new WireContext(a, hashLength, signatureLength, chunkSize);
    }

    public WireContext withHash(MerkleHashFunction f) {
        return new WireContext(addressing, f.length(), signatureLength, chunkSize);
    }

    public WireContext withSignatureLength(int length) {
        return new WireContext(addressing, hashLength, length, chunkSize);
    }

    public WireContext withChunkSize(long size) {
        return new WireContext(addressing, hashLength, signatureLength, size);
    }

    /** Writes {@code spec} as this context's addressing method has it, converting a bin or range if need be. */
    public void writeSpec(ChunkSpec spec, ByteBuffer out) {
        addressing.write(addressing.convert(spec, chunkSize), out);
    }

    /** The on-wire representation of {@code spec}: what Sign All and munro signatures cover (RFC 7574 §6.1.1, §6.1.2.2). */
    public byte[] specBytes(ChunkSpec spec) {
        ByteBuffer b = ByteBuffer.allocate(addressing.specLength());
        writeSpec(spec, b);
        return b.array();
    }

    /** This context as a HANDSHAKE's options change it, for the rest of the datagram and the channel. */
    public WireContext with(ProtocolOptions options) {
        WireContext c = this;
        if (options.addressing() != null) {
            c = c.withAddressing(options.addressing());
        }
        if (options.merkleHashFunction() != null) {
            c = c.withHash(options.merkleHashFunction());
        }
        if (options.chunkSize() != null) {
            c = c.withChunkSize(options.chunkSize());
        }
        SignatureAlgorithm lsa = options.liveSignatureAlgorithm();
        if (lsa != null) {
            int len = lsa.fixedSignatureLength();
            if (len == 0 && options.swarmId() != null) {
                len = Math.max(0, SwarmId.signatureLength(lsa, options.swarmId()));
            }
            if (len != 0) {
                c = c.withSignatureLength(len);
            }
        }
        return c;
    }
}
