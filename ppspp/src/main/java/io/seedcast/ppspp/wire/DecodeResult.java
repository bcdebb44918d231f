package io.seedcast.ppspp.wire;

/** A decoded datagram, or the reason it is malformed. Decoding never throws. */
public sealed interface DecodeResult {

    record Decoded(Datagram datagram) implements DecodeResult {
    }

    record Malformed(DecodeError error) implements DecodeResult {
    }
}
