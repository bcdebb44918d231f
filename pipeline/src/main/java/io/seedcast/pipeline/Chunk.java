package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;

/**
 * One chunk of a broadcast's MPEG-TS byte stream.
 *
 * @param index        continuous per broadcast, from 0, across publisher reconnects
 * @param ingestMicros when ingest cut it, microseconds since the Unix epoch (for latency figures)
 * @param keyframe     a keyframe's TS packet starts in this chunk: a random-access point, where swarms roll over
 */
public record Chunk(long index, long ingestMicros, boolean keyframe, Bytes data) {

    static final int MAX_DATA = 65_000;

    void write(RecordWriter w) {
        w.i64(index).i64(ingestMicros).bool(keyframe).bytes(data);
    }

    static Chunk read(RecordReader r) throws MalformedRecordException {
        long index = r.i64("chunk index");
        if (index < 0) {
            throw new MalformedRecordException("chunk index " + index + " is negative");
        }
        return new Chunk(index, r.i64("ingest time"), r.bool("keyframe flag"), r.bytes("chunk data", MAX_DATA));
    }
}
