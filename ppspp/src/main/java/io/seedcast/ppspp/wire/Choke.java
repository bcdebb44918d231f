package io.seedcast.ppspp.wire;

import java.nio.ByteBuffer;

/** CHOKE: the sender will not answer REQUESTs until it sends UNCHOKE. It has no payload. */
// RFC 7574 §3.9, §8.12
public record Choke() implements Message {

    public static final Choke INSTANCE = new Choke();

    @Override
    public MessageType type() {
        return MessageType.CHOKE;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1;
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.CHOKE.code());
    }
}
