package io.seedcast.ppspp.wire;

/**
 * Why a datagram could not be decoded, and where: what a peer sent wrong, in words an operator can
 * act on. Malformed input is normal input for a network service; this is a value, not an exception.
 */
public record DecodeError(Reason reason, int offset, String detail) {

    public enum Reason {
        /** Shorter than the 4-byte channel ID. */
        TOO_SHORT,
        /** A message or option runs past the end of the datagram. */
        TRUNCATED,
        /** A message type byte that RFC 7574 does not assign (14–255). */
        UNKNOWN_MESSAGE_TYPE,
        /** A HANDSHAKE option code that RFC 7574 does not assign (10–254): its length is unknowable. */
        UNKNOWN_OPTION,
        /** HANDSHAKE options not in strictly ascending order of code, or repeated (RFC 7574 §7). */
        OPTIONS_NOT_ASCENDING,
        /** An option value this implementation does not support (an unassigned method, algorithm or version). */
        UNSUPPORTED_OPTION_VALUE,
        /** A chunk specification whose start lies after its end, or beyond 2^63. */
        INVALID_CHUNK_SPEC,
        /** A length field beyond what the field may hold. */
        BAD_LENGTH,
        /** A message whose size depends on a swarm parameter that is not yet known (no signature algorithm for SIGNED_INTEGRITY). */
        MISSING_PARAMETER
    }

    @Override
    public String toString() {
        return "malformed datagram at byte " + offset + ": " + detail + " (" + reason + ")";
    }
}
