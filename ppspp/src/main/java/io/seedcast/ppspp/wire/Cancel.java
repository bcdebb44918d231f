package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.chunk.ChunkSpec;
import java.nio.ByteBuffer;

/** CANCEL: the sender no longer wants these chunks. */
// RFC 7574 §3.8, §8.11
public record Cancel(ChunkSpec chunks) implements Message {

    public Cancel {
        java.util.Objects.requireNonNull(chunks, "chunks");
    }

    @Override
    public MessageType type() {
        return MessageType.CANCEL;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + context.addressing().specLength();
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.CANCEL.code());
        context.writeSpec(chunks, out);
    }

    static Cancel read(WireReader in) throws Malformed {
        return new Cancel(in.chunkSpec("CANCEL"));
    }
}
