package io.seedcast.ppspp.wire;

import java.nio.ByteBuffer;

/** PEX_REQ: asks the receiver for peers of the swarm. It has no payload. */
// RFC 7574 §3.10, §8.13
public record PexReq() implements Message {

    public static final PexReq INSTANCE = new PexReq();

    @Override
    public MessageType type() {
        return MessageType.PEX_REQ;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1;
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.PEX_REQ.code());
    }
}
