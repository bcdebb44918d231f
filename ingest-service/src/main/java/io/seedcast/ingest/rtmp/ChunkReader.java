package io.seedcast.ingest.rtmp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles RTMP messages from chunks (RTMP 1.0 §5.3): basic headers of 1-3 bytes, message headers
 * of type 0-3, extended timestamps, interleaved chunk streams, and the peer's chunk size. Fed bytes as
 * they arrive; a chunk not yet complete stays in the buffer. Lengths are bounded before anything is
 * allocated.
 */
public final class ChunkReader {

    /** The largest message we reassemble: a video keyframe fits many times over. */
    public static final int MAX_MESSAGE = 8 << 20;
    /** The largest chunk size a peer may set. */
    public static final int MAX_CHUNK_SIZE = 1 << 24;

    private int chunkSize = 128;
    private final Map<Integer, Stream> streams = new HashMap<>();

    private static final class Stream {
        long timestamp;
        long delta;
        int length;
        int type;
        int streamId;
        boolean extended;
        byte[] buffer;
        int filled;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Consumes whole chunks from {@code in}; returns the messages they completed. */
    public List<RtmpMessage> read(ByteBuffer in) throws RtmpException {
        List<RtmpMessage> out = new ArrayList<>();
        while (true) {
            int start = in.position();
            RtmpMessage m;
            try {
                m = readChunk(in);
            } catch (Underflow u) {
                in.position(start);
                return out;
            }
            if (m != null) {
                if (m.type() == RtmpMessage.SET_CHUNK_SIZE && m.chunkStream() == 2) {
                    if (m.payload().length < 4) {
                        throw new RtmpException("Set Chunk Size without its 4 bytes");
                    }
                    int size = ByteBuffer.wrap(m.payload()).getInt() & 0x7FFF_FFFF;
                    if (size < 1 || size > MAX_CHUNK_SIZE) {
                        throw new RtmpException("chunk size " + size + " is outside 1.." + MAX_CHUNK_SIZE);
                    }
                    chunkSize = size;
                }
                out.add(m);
            }
        }
    }

    private RtmpMessage readChunk(ByteBuffer in) throws Underflow, RtmpException {
        int b0 = u8(in);
        int fmt = b0 >>> 6;
        int csid = b0 & 0x3F;
        if (csid == 0) {
            csid = 64 + u8(in);
        } else if (csid == 1) {
            csid = 64 + u8(in) + (u8(in) << 8);
        }
        Stream known = streams.get(csid);
        if (known == null && fmt != 0) {
            throw new RtmpException("chunk stream " + csid + " starts with a type " + fmt + " header, not type 0");
        }
        // Work on a copy: a chunk that has not fully arrived must leave the stream's state as it was.
        Stream s = known == null ? new Stream() : copy(known);
        long ts;
        switch (fmt) {
            case 0 -> {
                ts = u24(in);
                s.length = u24(in);
                s.type = u8(in);
                s.streamId = Integer.reverseBytes(i32(in));
                s.extended = ts == 0xFFFFFF;
                if (s.extended) {
                    ts = Integer.toUnsignedLong(i32(in));
                }
                s.timestamp = ts;
                s.delta = 0;
            }
            case 1, 2 -> {
                long d = u24(in);
                if (fmt == 1) {
                    s.length = u24(in);
                    s.type = u8(in);
                }
                s.extended = d == 0xFFFFFF;
                if (s.extended) {
                    d = Integer.toUnsignedLong(i32(in));
                }
                s.delta = d;
                if (s.buffer == null || s.filled == 0) {
                    s.timestamp += d;
                }
            }
            default -> {
                if (s.extended) {
                    i32(in);
                }
                if (s.buffer == null || s.filled == 0) {
                    s.timestamp += s.delta;
                }
            }
        }
        if (s.length > MAX_MESSAGE) {
            throw new RtmpException("message of " + s.length + " bytes is larger than " + MAX_MESSAGE);
        }
        if (s.buffer == null || s.filled == 0) {
            s.buffer = new byte[s.length];
            s.filled = 0;
        }
        int n = Math.min(chunkSize, s.length - s.filled);
        if (in.remaining() < n) {
            throw Underflow.INSTANCE;
        }
        in.get(s.buffer, s.filled, n);
        s.filled += n;
        streams.put(csid, s);
        if (s.filled < s.length) {
            return null;
        }
        byte[] payload = s.buffer;
        s.buffer = null;
        s.filled = 0;
        return new RtmpMessage(csid, s.type, s.timestamp, s.streamId, payload);
    }

    private static Stream copy(Stream s) {
        Stream c = new Stream();
        restore(c, s);
        return c;
    }

    private static void restore(Stream to, Stream from) {
        to.timestamp = from.timestamp;
        to.delta = from.delta;
        to.length = from.length;
        to.type = from.type;
        to.streamId = from.streamId;
        to.extended = from.extended;
        to.buffer = from.buffer;
        to.filled = from.filled;
    }

    private static int u8(ByteBuffer in) throws Underflow {
        if (!in.hasRemaining()) {
            throw Underflow.INSTANCE;
        }
        return in.get() & 0xFF;
    }

    private static int u24(ByteBuffer in) throws Underflow {
        if (in.remaining() < 3) {
            throw Underflow.INSTANCE;
        }
        return ((in.get() & 0xFF) << 16) | ((in.get() & 0xFF) << 8) | (in.get() & 0xFF);
    }

    private static int i32(ByteBuffer in) throws Underflow {
        if (in.remaining() < 4) {
            throw Underflow.INSTANCE;
        }
        return in.getInt();
    }

    private static final class Underflow extends Exception {
        static final Underflow INSTANCE = new Underflow();

        private Underflow() {
            super(null, null, false, false);
        }
    }
}
