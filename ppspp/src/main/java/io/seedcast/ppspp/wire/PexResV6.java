package io.seedcast.ppspp.wire;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** PEX_RESv6: the IPv6 address and UDP port of a peer of the swarm. */
// RFC 7574 §3.10, §8.13
public record PexResV6(InetSocketAddress peer) implements Message {

    public PexResV6 {
        if (peer == null || !(peer.getAddress() instanceof Inet6Address)) {
            throw new IllegalArgumentException("PEX_RESv6 needs a resolved IPv6 address, got " + peer);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.PEX_RESv6;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + 16 + 2;
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.PEX_RESv6.code());
        out.put(peer.getAddress().getAddress());
        out.putShort((short) peer.getPort());
    }

    static PexResV6 read(WireReader in) throws Malformed {
        byte[] addr = in.raw(16, "PEX_RESv6 address");
        int port = in.u16("PEX_RESv6 port");
        try {
            // Inet6Address.getByAddress keeps an IPv4-mapped address IPv6, as it came on the wire.
            return new PexResV6(new InetSocketAddress(Inet6Address.getByAddress(null, addr, -1), port));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }
}
