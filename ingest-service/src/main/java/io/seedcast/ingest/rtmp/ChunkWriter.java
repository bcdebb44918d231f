package io.seedcast.ingest.rtmp;

import java.io.ByteArrayOutputStream;

/** Writes messages as chunks: a type 0 header, then type 3 continuations at our chunk size. */
public final class ChunkWriter {

    private int chunkSize = 128;

    public void chunkSize(int size) {
        this.chunkSize = size;
    }

    public byte[] write(int csid, int type, long timestamp, int streamId, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 32);
        boolean extended = timestamp >= 0xFFFFFF;
        int pos = 0;
        boolean first = true;
        do {
            out.write((first ? 0 : 3 << 6) | csid);
            if (first) {
                long t = extended ? 0xFFFFFF : timestamp;
                out.write((int) (t >>> 16));
                out.write((int) (t >>> 8));
                out.write((int) t);
                out.write(payload.length >>> 16);
                out.write(payload.length >>> 8);
                out.write(payload.length);
                out.write(type);
                out.write(streamId);
                out.write(streamId >>> 8);
                out.write(streamId >>> 16);
                out.write(streamId >>> 24);
            }
            if (extended) {
                out.write((int) (timestamp >>> 24));
                out.write((int) (timestamp >>> 16));
                out.write((int) (timestamp >>> 8));
                out.write((int) timestamp);
            }
            int n = Math.min(chunkSize, payload.length - pos);
            out.write(payload, pos, n);
            pos += n;
            first = false;
        } while (pos < payload.length);
        return out.toByteArray();
    }
}
