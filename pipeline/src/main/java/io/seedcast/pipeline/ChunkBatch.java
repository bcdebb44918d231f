package io.seedcast.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Consecutive chunks of one broadcast, as ingest publishes them on {@link Topics#CHUNKS} keyed by
 * broadcast id. The last batch of a broadcast says so.
 */
public record ChunkBatch(String channelId, String broadcastId, List<Chunk> chunks, boolean endOfBroadcast) {

    static final int TYPE = 1;

    public ChunkBatch {
        chunks = List.copyOf(chunks);
        for (int i = 1; i < chunks.size(); i++) {
            if (chunks.get(i).index() != chunks.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("chunks of a batch must be consecutive");
            }
        }
    }

    public byte[] encode() {
        RecordWriter w = new RecordWriter(TYPE).string(channelId).string(broadcastId).bool(endOfBroadcast).i32(chunks.size());
        chunks.forEach(c -> c.write(w));
        return w.toByteArray();
    }

    public static ChunkBatch decode(byte[] value) throws MalformedRecordException {
        RecordReader r = new RecordReader(value, TYPE, "chunk batch");
        String channel = r.string("channel id");
        String broadcast = r.string("broadcast id");
        boolean end = r.bool("end of broadcast");
        int n = r.count("chunks", 21);
        List<Chunk> chunks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Chunk c = Chunk.read(r);
            if (i > 0 && c.index() != chunks.get(i - 1).index() + 1) {
                throw new MalformedRecordException("chunk " + c.index() + " follows chunk " + chunks.get(i - 1).index() + ": a batch is consecutive");
            }
            chunks.add(c);
        }
        r.end("chunk batch");
        return new ChunkBatch(channel, broadcast, chunks, end);
    }
}
