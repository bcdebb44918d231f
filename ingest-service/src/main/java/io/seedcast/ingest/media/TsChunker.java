package io.seedcast.ingest.media;

import io.seedcast.pipeline.Chunk;
import io.seedcast.ppspp.Bytes;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Cuts a broadcast's MPEG-TS byte stream into fixed-size chunks with continuous indexes. A chunk is
 * flagged as a keyframe when the TS output of a video keyframe (FFmpeg's PAT/PMT resend, then the
 * keyframe's first TS packet) starts inside it: that is where a viewer can begin decoding. It lives
 * as long as the broadcast, across publisher reconnects, so numbering and bytes continue.
 */
public final class TsChunker {

    private final int chunkSize;
    private final Consumer<Chunk> out;
    private final LongSupplier micros;
    private final byte[] buffer;
    private int filled;
    private boolean keyframe;
    private boolean keyframePending;
    private long next;
    private long bytes;

    public TsChunker(int chunkSize, long firstIndex, Consumer<Chunk> out, LongSupplier micros) {
        if (chunkSize < 188 || chunkSize > 65_000) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is outside 188..65000");
        }
        this.chunkSize = chunkSize;
        this.out = out;
        this.micros = micros;
        this.next = firstIndex;
        this.buffer = new byte[chunkSize];
    }

    /** The next bytes written begin a video keyframe. */
    public synchronized void keyframe() {
        keyframePending = true;
    }

    public synchronized void write(byte[] b, int off, int len) {
        bytes += len;
        while (len > 0) {
            if (keyframePending) {
                keyframe = true;
                keyframePending = false;
            }
            int n = Math.min(len, chunkSize - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == chunkSize) {
                emit();
            }
        }
    }

    /** Emits what is left as a short last chunk (the end of a broadcast). */
    public synchronized void finish() {
        if (filled > 0) {
            emit();
        }
    }

    public synchronized long nextIndex() {
        return next;
    }

    public synchronized long bytes() {
        return bytes;
    }

    private void emit() {
        Chunk c = new Chunk(next++, micros.getAsLong(), keyframe, Bytes.of(buffer, 0, filled));
        filled = 0;
        keyframe = false;
        out.accept(c);
    }
}
