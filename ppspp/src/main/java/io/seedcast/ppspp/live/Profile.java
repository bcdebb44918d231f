package io.seedcast.ppspp.live;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.wire.ProtocolOptions;
import java.time.Duration;
import java.time.Instant;

/**
 * Which live-streaming rules a swarm follows: RFC 7574 as written, or those of its 2015 reference
 * implementation, libswift, so that libswift peers can join our swarms and we theirs.
 *
 * <p>libswift signs the munro hash alone (not chunk spec ‖ timestamp ‖ hash), stamps signatures in
 * microseconds since the Unix epoch (not NTP) and drops munros older than 30 s, uses SHA-1 trees,
 * does not do Sign All, and drops a whole HANDSHAKE that carries option 9 (chunk size) and misparses
 * option 8 (supported messages); it sends no option 4 either, SHA-1 being implied.
 */
public enum Profile {
    RFC7574(MerkleHashFunction.SHA256, Duration.ofSeconds(60)),
    LIBSWIFT(MerkleHashFunction.SHA1, Duration.ofSeconds(30));

    private final MerkleHashFunction defaultHash;
    private final Duration maxSignatureAge;

    Profile(MerkleHashFunction defaultHash, Duration maxSignatureAge) {
        this.defaultHash = defaultHash;
        this.maxSignatureAge = maxSignatureAge;
    }

    public MerkleHashFunction defaultHash() {
        return defaultHash;
    }

    /** How old a signed munro may be before a peer discards it (RFC 7574 §6.1.2.4). */
    public Duration maxSignatureAge() {
        return maxSignatureAge;
    }

    public boolean supports(IntegrityMethod method) {
        return this == RFC7574 || method == IntegrityMethod.UNIFIED_MERKLE_TREE;
    }

    /** The 64-bit signature timestamp for {@code instant}: NTP (RFC 7574 §6.1.2.2), or Unix microseconds (libswift). */
    public long timestamp(Instant instant) {
        return this == RFC7574 ? NtpTimestamp.of(instant) : Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    public Instant instant(long timestamp) {
        return this == RFC7574 ? NtpTimestamp.toInstant(timestamp)
                : Instant.ofEpochSecond(Math.floorDiv(timestamp, 1_000_000L), Math.floorMod(timestamp, 1_000_000L) * 1000);
    }

    /**
     * The bytes a munro signature covers, in order: munro chunk spec ‖ timestamp ‖ munro hash
     * (RFC 7574 §6.1.2.2), or the munro hash alone (libswift).
     */
    public byte[][] munroSignedContent(byte[] munroSpec, long timestamp, Bytes munroHash) {
        if (this == LIBSWIFT) {
            return new byte[][] {munroHash.unsafeArray()};
        }
        return new byte[][] {munroSpec, longBytes(timestamp), munroHash.unsafeArray()};
    }

    /** The options this profile's peers accept in a HANDSHAKE: libswift's lose 4, 8 and 9. */
    public ProtocolOptions handshakeOptions(ProtocolOptions options) {
        return this == LIBSWIFT ? options.without(4, 8, 9) : options;
    }

    public static Profile parse(String text) {
        return switch (text.trim().toLowerCase()) {
            case "rfc7574", "rfc" -> RFC7574;
            case "libswift" -> LIBSWIFT;
            default -> throw new IllegalArgumentException("unknown profile '" + text + "': use rfc7574 or libswift");
        };
    }

    static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }
}
