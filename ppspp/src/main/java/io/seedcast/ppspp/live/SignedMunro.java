package io.seedcast.ppspp.live;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.wire.Integrity;
import io.seedcast.ppspp.wire.SignedIntegrity;
import io.seedcast.ppspp.wire.WireContext;
import java.time.Instant;

/**
 * A munro hash with the live source's signature: sent as an INTEGRITY for the munro followed by a
 * SIGNED_INTEGRITY for the same munro, in one datagram (RFC 7574 §6.1.2.3).
 */
// RFC 7574 §6.1.2.1, §6.1.2.2
public record SignedMunro(Bin munro, Bytes hash, long timestamp, Bytes signature) {

    public static SignedMunro sign(SwarmKeyPair key, Profile profile, WireContext context, Bin munro, Bytes hash, Instant at) {
        long ts = profile.timestamp(at);
        Bytes sig = key.sign(profile.munroSignedContent(context.specBytes(munro), ts, hash));
        return new SignedMunro(munro, hash, ts, sig);
    }

    public boolean verify(SwarmId swarm, Profile profile, WireContext context) {
        byte[] spec;
        try {
            spec = context.specBytes(munro);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return swarm.verify(signature, profile.munroSignedContent(spec, timestamp, hash));
    }

    public Integrity integrity() {
        return new Integrity(munro, hash);
    }

    public SignedIntegrity signedIntegrity() {
        return new SignedIntegrity(munro, timestamp, signature);
    }
}
