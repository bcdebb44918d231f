package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.live.SignedMunro;
import java.util.ArrayList;
import java.util.List;

/**
 * Signed chunks of one swarm, on {@link Topics#SIGNED} keyed by the swarm id digest: exactly the
 * integrity material a seeder serves, so seeders never sign. Chunk indices are the swarm's (from 0).
 * Sign All: each chunk carries its signature and timestamp. UMT: the batch carries the signed munros
 * that cover its chunks, and only chunks whose munro is signed are in it.
 */
public record SignedBatch(Bytes swarmId, String broadcastId, List<SignedChunk> chunks, List<SignedMunro> munros, boolean endOfSwarm) {

    static final int TYPE = 4;

    public SignedBatch {
        chunks = List.copyOf(chunks);
        munros = List.copyOf(munros);
    }

    /** One chunk; {@code signature} and {@code timestamp} are Sign All's, null and 0 under UMT. */
    public record SignedChunk(long index, long ingestMicros, boolean keyframe, Bytes data, long timestamp, Bytes signature) {
    }

    public String key() {
        return SwarmKeys.digest(swarmId);
    }

    public byte[] encode() {
        RecordWriter w = new RecordWriter(TYPE).bytes(swarmId).string(broadcastId).bool(endOfSwarm).i32(chunks.size());
        for (SignedChunk c : chunks) {
            w.i64(c.index()).i64(c.ingestMicros()).bool(c.keyframe()).bytes(c.data()).i64(c.timestamp()).optionalBytes(c.signature());
        }
        w.i32(munros.size());
        for (SignedMunro m : munros) {
            w.i64(m.munro().value()).bytes(m.hash()).i64(m.timestamp()).bytes(m.signature());
        }
        return w.toByteArray();
    }

    public static SignedBatch decode(byte[] value) throws MalformedRecordException {
        RecordReader r = new RecordReader(value, TYPE, "signed batch");
        Bytes swarm = r.bytes("swarm id", 1024);
        String broadcast = r.string("broadcast id");
        boolean end = r.bool("end of swarm");
        int n = r.count("chunks", 30);
        List<SignedChunk> chunks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            chunks.add(new SignedChunk(r.i64("chunk index"), r.i64("ingest time"), r.bool("keyframe"), r.bytes("chunk data", Chunk.MAX_DATA),
                    r.i64("signature timestamp"), r.optionalBytes("signature", 1024)));
        }
        int m = r.count("munros", 24);
        List<SignedMunro> munros = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            long bin = r.i64("munro bin");
            if (bin < 0) {
                throw new MalformedRecordException("munro bin " + bin + " is not a bin");
            }
            munros.add(new SignedMunro(new Bin(bin), r.bytes("munro hash", 64), r.i64("munro timestamp"), r.bytes("munro signature", 1024)));
        }
        r.end("signed batch");
        return new SignedBatch(swarm, broadcast, chunks, munros, end);
    }
}
