package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkSpec;
import java.nio.ByteBuffer;

/** INTEGRITY: the hash of the Merkle tree node whose subtree is these chunks. Its length is the swarm's hash function's. */
// RFC 7574 §3.5, §8.8
public record Integrity(ChunkSpec chunks, Bytes hash) implements Message {

    public Integrity {
        java.util.Objects.requireNonNull(chunks, "chunks");
        java.util.Objects.requireNonNull(hash, "hash");
    }

    @Override
    public MessageType type() {
        return MessageType.INTEGRITY;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + context.addressing().specLength() + context.hashLength();
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        if (hash.length() != context.hashLength()) {
            throw new IllegalArgumentException("INTEGRITY hash is " + hash.length() + " bytes, the swarm's hash function makes " + context.hashLength());
        }
        out.put((byte) MessageType.INTEGRITY.code());
        context.writeSpec(chunks, out);
        hash.writeTo(out);
    }

    static Integrity read(WireReader in) throws Malformed {
        ChunkSpec spec = in.chunkSpec("INTEGRITY");
        return new Integrity(spec, in.bytes(in.context.hashLength(), "INTEGRITY hash"));
    }
}
