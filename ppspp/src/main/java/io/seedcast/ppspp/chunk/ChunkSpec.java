package io.seedcast.ppspp.chunk;

/**
 * A chunk specification as carried in HAVE, ACK, REQUEST, CANCEL, DATA, INTEGRITY and
 * SIGNED_INTEGRITY: a bin, a chunk range or a byte range, whichever addressing the swarm uses.
 */
// RFC 7574 §4
public sealed interface ChunkSpec permits Bin, ChunkRange, ByteRange {

    /** The chunks this specification denotes; only a byte range needs the (fixed) chunk size. */
    ChunkRange chunks(long chunkSize);
}
