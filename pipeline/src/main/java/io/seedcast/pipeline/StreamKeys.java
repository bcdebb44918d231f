package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The one rule for stream keys at rest: the injector stores SHA-256 of the key's UTF-8 bytes on the channel record, and
 * ingest checks a publisher's key against it in constant time. Keys themselves are never stored or logged.
 */
public final class StreamKeys {
    private StreamKeys() {
    }

    public static Bytes hash(String streamKey) {
        return MerkleHashFunction.SHA256.hash(streamKey.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code streamKey} is one of the channel's keys. */
    public static boolean matches(ChannelRecord channel, String streamKey) {
        byte[] h = hash(streamKey).toArray();
        boolean match = false;
        for (Bytes stored : channel.streamKeyHashes()) {
            match |= MessageDigest.isEqual(stored.toArray(), h);
        }
        return match;
    }
}
