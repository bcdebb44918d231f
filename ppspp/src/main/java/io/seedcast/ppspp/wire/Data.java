package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ByteRange;
import io.seedcast.ppspp.chunk.ChunkSpec;
import java.nio.ByteBuffer;

/**
 * DATA: one chunk, with the sender's clock in microseconds for LEDBAT. A DATA message is the last
 * of its datagram unless chunks have a fixed size and it is full-sized: so the payload runs to the
 * end of the datagram, to a byte range's length, or to the fixed chunk size, whichever comes first.
 */
// RFC 7574 §3.3, §8.6
public record Data(ChunkSpec chunks, long timestampMicros, Bytes payload) implements Message {

    public Data {
        java.util.Objects.requireNonNull(chunks, "chunks");
        java.util.Objects.requireNonNull(payload, "payload");
    }

    @Override
    public MessageType type() {
        return MessageType.DATA;
    }

    @Override
    public int encodedLength(WireContext context) {
        return 1 + context.addressing().specLength() + 8 + payload.length();
    }

    @Override
    public void writeTo(ByteBuffer out, WireContext context) {
        if (context.addressing().convert(chunks, context.chunkSize()) instanceof ByteRange r) {
            if (payload.length() != r.length()) {
                throw new IllegalArgumentException("DATA for " + r + " must carry " + r.length() + " bytes, not " + payload.length());
            }
        } else if (context.fixedChunkSize() && payload.length() > context.chunkSize()) {
            throw new IllegalArgumentException("DATA payload of " + payload.length() + " bytes exceeds the chunk size " + context.chunkSize());
        }
        out.put((byte) MessageType.DATA.code());
        context.writeSpec(chunks, out);
        out.putLong(timestampMicros);
        payload.writeTo(out);
    }

    /** Whether another message may follow this one in a datagram and still be found by the receiver. */
    boolean canBeFollowed(WireContext context) {
        if (context.addressing().convert(chunks, context.chunkSize()) instanceof ByteRange r) {
            return payload.length() == r.length();
        }
        return context.fixedChunkSize() && payload.length() == context.chunkSize();
    }

    static Data read(WireReader in) throws Malformed {
        ChunkSpec spec = in.chunkSpec("DATA");
        long ts = in.i64("DATA timestamp");
        int length = in.remaining();
        if (spec instanceof ByteRange r) {
            if (r.length() > in.remaining()) {
                throw in.error(DecodeError.Reason.TRUNCATED, in.offset(),
                        "DATA for " + r + " needs " + r.length() + " bytes, " + in.remaining() + " left");
            }
            length = (int) r.length();
        } else if (in.context.fixedChunkSize()) {
            length = (int) Math.min(length, in.context.chunkSize());
        }
        return new Data(spec, ts, in.bytes(length, "DATA payload"));
    }
}
