package io.seedcast.ppspp.wire;

import java.nio.ByteBuffer;

/**
 * A PPSPP message: immutable, and able to write itself. Sizes that depend on the swarm (chunk
 * specifications, hashes, signatures) come from the channel's {@link WireContext}.
 */
// RFC 7574 §3, §8
public sealed interface Message
        permits Handshake, Data, Ack, Have, Integrity, PexResV4, PexReq, SignedIntegrity,
        Request, Cancel, Choke, Unchoke, PexResV6, PexResCert {

    MessageType type();

    /** Bytes this message takes on the wire, its type byte included. */
    int encodedLength(WireContext context);

    /** Writes the message, type byte first. */
    void writeTo(ByteBuffer out, WireContext context);
}
