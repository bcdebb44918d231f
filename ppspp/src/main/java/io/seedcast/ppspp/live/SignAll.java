package io.seedcast.ppspp.live;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkSpec;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.wire.SignedIntegrity;
import io.seedcast.ppspp.wire.WireContext;

/**
 * Sign All: the live source signs every chunk; the signature covers the on-wire chunk
 * specification ‖ the 64-bit NTP timestamp ‖ the chunk, in that order.
 */
// RFC 7574 §6.1.1
public final class SignAll {

    private SignAll() {
    }

    public static SignedIntegrity sign(SwarmKeyPair key, WireContext context, ChunkSpec chunk, long ntpTimestamp, byte[] data) {
        Bytes signature = key.sign(context.specBytes(chunk), Profile.longBytes(ntpTimestamp), data);
        return new SignedIntegrity(chunk, ntpTimestamp, signature);
    }

    /** Whether {@code signed} is the swarm's signature over {@code data} as that chunk at that time. */
    public static boolean verify(SwarmId swarm, WireContext context, SignedIntegrity signed, byte[] data) {
        byte[] spec;
        try {
            spec = context.specBytes(signed.chunks());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return swarm.verify(signed.signature(), spec, Profile.longBytes(signed.timestamp()), data);
    }
}
