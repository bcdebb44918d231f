package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.Bytes;
import java.nio.ByteBuffer;

/**
 * PEX_REScert: a membership certificate (DER X.509v3) stating that a peer is a member of the swarm,
 * for PEX secured by a tracker acting as certification authority (RFC 7574 §12.2.2).
 */
// RFC 7574 §8.13
public record PexResCert(Bytes certificate) implements Message {

    public PexResCert {
        if (certificate == null || certificate.length() > 0xFFFF) {
            throw new IllegalArgumentException("a membership certificate must be 0–65535 bytes");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.PEX_REScert;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + 2 + certificate.length();
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        out.put((byte) MessageType.PEX_REScert.code());
        out.putShort((short) certificate.length());
        certificate.writeTo(out);
    }

    static PexResCert read(WireReader in) throws Malformed {
        int size = in.u16("PEX_REScert size");
        return new PexResCert(in.bytes(size, "PEX_REScert membership certificate"));
    }
}
