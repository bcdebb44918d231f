package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.chunk.ChunkSpec;
import java.nio.ByteBuffer;

/** HAVE: the sender has these chunks and has checked their integrity. */
// RFC 7574 §3.2, §8.5
public record Have(ChunkSpec chunks) implements Message {

    public Have {
        java.util.Objects.requireNonNull(chunks, "chunks");
    }

    @Override
    public MessageType type() {
        return MessageType.HAVE;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + context.addressing().specLength();
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.HAVE.code());
        context.writeSpec(chunks, out);
    }

    static Have read(WireReader in) throws Malformed {
        return new Have(in.chunkSpec("HAVE"));
    }
}
