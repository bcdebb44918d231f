package io.seedcast.ppspp.chunk;

/** A start–end range of byte offsets in the content, end inclusive, 64-bit on the wire. */
// RFC 7574 §4.1.2
public record ByteRange(long start, long end) implements ChunkSpec {

    public ByteRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("byte range " + start + ".." + end + " is empty or negative");
        }
    }

    public long length() {
        return end - start + 1;
    }

    /** The chunks that hold these bytes, for fixed-size chunks of {@code chunkSize} bytes. */
    public ChunkRange toChunkRange(long chunkSize) {
        return new ChunkRange(start / chunkSize, end / chunkSize);
    }

    @Override
    public ChunkRange chunks(long chunkSize) {
        return toChunkRange(chunkSize);
    }

    @Override
    public String toString() {
        return "bytes " + start + ".." + end;
    }
}
