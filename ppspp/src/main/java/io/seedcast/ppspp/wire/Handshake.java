package io.seedcast.ppspp.wire;

import java.nio.ByteBuffer;

/**
 * HANDSHAKE: opens a channel (the source channel ID is the one the sender wants to be addressed
 * by) carrying the swarm's metadata as protocol options, or, with source channel 0, closes it.
 */
// RFC 7574 §3.1, §8.4
public record Handshake(int sourceChannel, ProtocolOptions options) implements Message {

    public Handshake {
        java.util.Objects.requireNonNull(options, "options");
    }

    /** The closing HANDSHAKE: source channel all zeros, options empty or just the version. */
    // RFC 7574 §8.4
    public static Handshake close(int version) {
        return new Handshake(0, ProtocolOptions.of(new ProtocolOption.Version(version)));
    }

    public boolean isClose() {
        return sourceChannel == 0;
    }

    @Override
    public MessageType type() {
        return MessageType.HANDSHAKE;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + 4 + options.encodedLength(context.addressing());
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.HANDSHAKE.code());
        out.putInt(sourceChannel);
        options.writeTo(out, context.addressing());
    }

    static Handshake read(WireReader in) throws Malformed {
        int source = in.i32("HANDSHAKE source channel");
        return new Handshake(source, ProtocolOptions.read(in));
    }
}
