package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.chunk.ChunkSpec;
import java.nio.ByteBuffer;

/** REQUEST: the sender wants these chunks. */
// RFC 7574 §3.7, §8.10
public record Request(ChunkSpec chunks) implements Message {

    public Request {
        java.util.Objects.requireNonNull(chunks, "chunks");
    }

    @Override
    public MessageType type() {
        return MessageType.REQUEST;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + context.addressing().specLength();
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.REQUEST.code());
        context.writeSpec(chunks, out);
    }

    static Request read(WireReader in) throws Malformed {
        return new Request(in.chunkSpec("REQUEST"));
    }
}
