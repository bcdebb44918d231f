package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkSpec;
import java.nio.ByteBuffer;

/**
 * SIGNED_INTEGRITY: a signature by the live source over a chunk (Sign All) or a munro hash
 * (Unified Merkle Tree), with the 64-bit timestamp it was made at. The signature is in RRSIG form;
 * its length follows from the swarm's algorithm and, for RSA, the swarm ID's modulus.
 */
// RFC 7574 §3.6, §8.9
public record SignedIntegrity(ChunkSpec chunks, long timestamp, Bytes signature) implements Message {

    public SignedIntegrity {
        java.util.Objects.requireNonNull(chunks, "chunks");
        java.util.Objects.requireNonNull(signature, "signature");
    }

    @Override
    public MessageType type() {
        return MessageType.SIGNED_INTEGRITY;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + context.addressing().specLength() + 8 + context.signatureLength();
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        if (signature.length() != context.signatureLength()) {
            throw new IllegalArgumentException("SIGNED_INTEGRITY signature is " + signature.length()
                    + " bytes, the swarm's algorithm makes " + context.signatureLength());
        }
        out.put((byte) MessageType.SIGNED_INTEGRITY.code());
        context.writeSpec(chunks, out);
        out.putLong(timestamp);
        signature.writeTo(out);
    }

    static SignedIntegrity read(WireReader in) throws Malformed {
        int at = in.offset() - 1;
        if (in.context.signatureLength() == 0) {
            throw in.error(DecodeError.Reason.MISSING_PARAMETER, at,
                    "SIGNED_INTEGRITY before the swarm's signature algorithm is known");
        }
        ChunkSpec spec = in.chunkSpec("SIGNED_INTEGRITY");
        long ts = in.i64("SIGNED_INTEGRITY timestamp");
        return new SignedIntegrity(spec, ts, in.bytes(in.context.signatureLength(), "SIGNED_INTEGRITY signature"));
    }
}
