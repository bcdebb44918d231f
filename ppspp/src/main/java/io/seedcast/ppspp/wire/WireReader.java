package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkSpec;
import java.nio.ByteBuffer;

/** Bounds-checked reading for the decoders: every length is checked against what remains before use. */
final class WireReader {

    private final ByteBuffer in;
    private final int base;
    WireContext context;

    WireReader(ByteBuffer in, WireContext context) {
        this.in = in;
        this.base = in.position();
        this.context = context;
    }

    int offset() {
        return in.position() - base;
    }

    int remaining() {
        return in.remaining();
    }

    ByteBuffer buffer() {
        return in;
    }

    boolean hasRemaining() {
        return in.hasRemaining();
    }

    void need(int n, String what) throws Malformed {
        if (in.remaining() < n) {
            throw new Malformed(DecodeError.Reason.TRUNCATED, offset(),
                    what + " needs " + n + " bytes, " + in.remaining() + " left");
        }
    }

    int u8(String what) throws Malformed {
        need(1, what);
        return in.get() & 0xFF;
    }

    int u16(String what) throws Malformed {
        need(2, what);
        return in.getShort() & 0xFFFF;
    }

    int i32(String what) throws Malformed {
        need(4, what);
        return in.getInt();
    }

    long u32(String what) throws Malformed {
        return Integer.toUnsignedLong(i32(what));
    }

    long i64(String what) throws Malformed {
        need(8, what);
        return in.getLong();
    }

    Bytes bytes(int n, String what) throws Malformed {
        need(n, what);
        return Bytes.read(in, n);
    }

    byte[] raw(int n, String what) throws Malformed {
        need(n, what);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    ChunkSpec chunkSpec(String what) throws Malformed {
        int at = offset();
        need(context.addressing().specLength(), what + " chunk specification");
        ChunkSpec spec = context.addressing().read(in);
        if (spec == null) {
            throw new Malformed(DecodeError.Reason.INVALID_CHUNK_SPEC, at,
                    what + " chunk specification is not a valid " + context.addressing() + " (start after end, or beyond 2^63)");
        }
        return spec;
    }

    Malformed error(DecodeError.Reason reason, int at, String detail) {
        return new Malformed(reason, at, detail);
    }
}
