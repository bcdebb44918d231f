package io.seedcast.pipeline;

import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;

/** {@link SwarmParameters} in records: the RFC's own codes for each field. */
final class SwarmParametersCodec {

    private SwarmParametersCodec() {
    }

    static void write(RecordWriter w, SwarmParameters p) {
        w.u8(p.integrity().code()).u8(p.hash().code()).u8(p.algorithm().number()).u8(p.addressing().code())
                .i32((int) p.chunkSize()).i32(p.chunksPerSignature()).i64(p.discardWindow()).u8(p.profile().ordinal());
    }

    static SwarmParameters read(RecordReader r) throws MalformedRecordException {
        IntegrityMethod integrity = IntegrityMethod.ofCode(r.u8("integrity method"));
        MerkleHashFunction hash = MerkleHashFunction.ofCode(r.u8("hash function"));
        SignatureAlgorithm algorithm = SignatureAlgorithm.ofNumber(r.u8("signature algorithm"));
        ChunkAddressing addressing = ChunkAddressing.ofCode(r.u8("chunk addressing"));
        long chunkSize = Integer.toUnsignedLong(r.i32("chunk size"));
        int perSignature = r.i32("chunks per signature");
        long window = r.i64("discard window");
        int profile = r.u8("profile");
        if (integrity == null || hash == null || algorithm == null || addressing == null || profile >= Profile.values().length) {
            throw new MalformedRecordException("swarm parameters name an unknown method, function, algorithm, addressing or profile");
        }
        try {
            return new SwarmParameters(integrity, hash, algorithm, addressing, chunkSize, perSignature, window, Profile.values()[profile]);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException("invalid swarm parameters: " + e.getMessage());
        }
    }
}
