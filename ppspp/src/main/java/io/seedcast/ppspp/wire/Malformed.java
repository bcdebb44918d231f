package io.seedcast.ppspp.wire;

/** Unwinds a decode to {@link DatagramCodec}, which turns it into a {@link DecodeError}; never escapes the codec. */
final class Malformed extends Exception {
    final DecodeError error;

    Malformed(DecodeError.Reason reason, int offset, String detail) {
        super(detail, null, false, false);
        this.error = new DecodeError(reason, offset, detail);
    }
}
