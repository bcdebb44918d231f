package io.seedcast.ppspp.wire;

import java.nio.ByteBuffer;

/** UNCHOKE: the sender will answer REQUESTs again. It has no payload. */
// RFC 7574 §3.9, §8.12
public record Unchoke() implements Message {

    public static final Unchoke INSTANCE = new Unchoke();

    @Override
    public MessageType type() {
        return MessageType.UNCHOKE;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1;
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.UNCHOKE.code());
    }
}
