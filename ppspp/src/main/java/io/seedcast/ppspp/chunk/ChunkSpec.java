package io.seedcast.ppspp.chunk;

/**
 * A chunk specification as carried in HAVE, ACK, REQUEST, CANCEL, DATA, INTEGRITY and
 * SIGNED_INTEGRITY: a bin, a chunk range or a byte range, whichever addressing the swarm uses.
 */
// RFC 7574 §4
public sealed interface ChunkSpec permits Bin, ChunkRange, ByteRange {

    /** The chunks this specification denotes; only a byte range needs the (fixed) chunk size. */
    ChunkRange chunks(long chunkSize);

    /**
     * The one bin (a node of a hash tree) this specification denotes, or null where it denotes none: a range that is not
     * bin-aligned, a byte range that does not fall on chunk boundaries, the empty bin.
     */
    default Bin asBin(long chunkSize) {
        return switch (this) {
            case Bin b -> b.isNone() ? null : b;
            case ChunkRange r -> r.isBinAligned() ? r.toBin() : null;
            case ByteRange r -> {
                ChunkRange c = r.toChunkRange(chunkSize);
                yield c.isBinAligned() && c.toByteRange(chunkSize).equals(r) ? c.toBin() : null;
            }
        };
    }
}
