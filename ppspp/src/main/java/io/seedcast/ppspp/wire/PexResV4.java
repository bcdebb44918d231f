package io.seedcast.ppspp.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** PEX_RESv4: the IPv4 address and UDP port of a peer of the swarm. */
// RFC 7574 §3.10, §8.13
public record PexResV4(InetSocketAddress peer) implements Message {

    public PexResV4 {
        if (peer == null || !(peer.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("PEX_RESv4 needs a resolved IPv4 address, got " + peer);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.PEX_RESv4;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + 4 + 2;
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.PEX_RESv4.code());
        out.put(peer.getAddress().getAddress());
        out.putShort((short) peer.getPort());
    }

    static PexResV4 read(WireReader in) throws Malformed {
        byte[] addr = in.raw(4, "PEX_RESv4 address");
        int port = in.u16("PEX_RESv4 port");
        try {
            return new PexResV4(new InetSocketAddress(InetAddress.getByAddress(addr), port));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }
}
