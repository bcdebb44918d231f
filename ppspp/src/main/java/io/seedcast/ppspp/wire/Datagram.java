package io.seedcast.ppspp.wire;

import java.util.List;

/**
 * A UDP datagram of PPSPP: the channel ID the receiver allocated (all zeros in a first HANDSHAKE),
 * then messages. With no messages it is a KEEPALIVE.
 */
// RFC 7574 §8.2, §8.3, §8.14
public record Datagram(int channel, List<Message> messages) {

    public Datagram {
        messages = List.copyOf(messages);
    }

    public static Datagram of(int channel, Message... messages) {
        return new Datagram(channel, List.of(messages));
    }

    /** A KEEPALIVE: the destination channel ID alone. */
    // RFC 7574 §8.14
    public static Datagram keepalive(int channel) {
        return new Datagram(channel, List.of());
    }

    public boolean isKeepalive() {
        return messages.isEmpty();
    }
}
