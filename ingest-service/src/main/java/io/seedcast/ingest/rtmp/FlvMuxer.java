package io.seedcast.ingest.rtmp;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns the audio, video and data messages of an RTMP publish into an FLV byte stream, which is
 * what FFmpeg's FLV demuxer reads: the header once, then one tag per message. Timestamps stay as
 * the publisher sent them (extended to 32 bits); {@link Remuxer} repairs any that run backwards.
 */
public final class FlvMuxer {

    /** The FLV header (audio and video flagged) and PreviousTagSize0. */
    public static byte[] header() {
        return new byte[] {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0};
    }

    /** One FLV tag for {@code m}, or null for messages FLV does not carry. */
    public static byte[] tag(RtmpMessage m) {
        byte[] payload = m.payload();
        int type = m.type();
        if (type == RtmpMessage.DATA_AMF0) {
            payload = stripSetDataFrame(payload);
            if (payload == null) {
                return null;
            }
        } else if (type != RtmpMessage.AUDIO && type != RtmpMessage.VIDEO) {
            return null;
        }
        if (payload.length == 0) {
            return null;
        }
        int size = payload.length;
        ByteBuffer b = ByteBuffer.allocate(11 + size + 4);
        b.put((byte) type);
        b.put((byte) (size >>> 16)).put((byte) (size >>> 8)).put((byte) size);
        long ts = m.timestamp() & 0xFFFF_FFFFL;
        b.put((byte) (ts >>> 16)).put((byte) (ts >>> 8)).put((byte) ts).put((byte) (ts >>> 24));
        b.put((byte) 0).put((byte) 0).put((byte) 0);
        b.put(payload);
        b.putInt(11 + size);
        return b.array();
    }

    /** "@setDataFrame", "onMetaData", {...} becomes "onMetaData", {...}; other data messages pass as they are. */
    static byte[] stripSetDataFrame(byte[] payload) {
        try {
            List<Object> values = Amf0.decodeAll(ByteBuffer.wrap(payload));
            if (!values.isEmpty() && "@setDataFrame".equals(values.getFirst())) {
                return Amf0.encode(values.subList(1, values.size()).toArray());
            }
            return payload;
        } catch (Amf0.AmfException e) {
            return null;
        }
    }

    private FlvMuxer() {
    }
}
