package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.chunk.ChunkSpec;
import java.nio.ByteBuffer;

/**
 * ACK: acknowledges chunks received from the addressee, with a one-way delay sample in
 * microseconds for LEDBAT, computed from the timestamp of the DATA that carried them.
 */
// RFC 7574 §3.4, §8.7
public record Ack(ChunkSpec chunks, long oneWayDelayMicros) implements Message {

    public Ack {
        java.util.Objects.requireNonNull(chunks, "chunks");
    }

    @Override
    public MessageType type() {
        return MessageType.ACK;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + context.addressing().specLength() + 8;
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.ACK.code());
        context.writeSpec(chunks, out);
        out.putLong(oneWayDelayMicros);
    }

    static Ack read(WireReader in) throws Malformed {
        ChunkSpec spec = in.chunkSpec("ACK");
        return new Ack(spec, in.i64("ACK one-way delay sample"));
    }
}
