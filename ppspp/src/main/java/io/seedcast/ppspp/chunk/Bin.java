package io.seedcast.ppspp.chunk;

/**
 * A bin number: one integer naming a binary interval of chunks, laid out so that chunk {@code i}
 * is bin {@code 2i} and a parent is the mean of its children. The layer is the number of trailing
 * one bits, the interval covers {@code 2^layer} chunks from {@link #baseOffset()}.
 *
 * <p>Bins are held in 64 bits; {@link #NONE} is all ones and {@link #ALL} is {@code 0x7FFF…F}.
 * On the wire a 32-bit bin maps {@code 0xFFFFFFFF} to {@link #NONE}.
 */
// RFC 7574 §4.2
public record Bin(long value) implements ChunkSpec, Comparable<Bin> {

    public static final Bin NONE = new Bin(-1L);
    public static final Bin ALL = new Bin(Long.MAX_VALUE);
    public static final long NONE32 = 0xFFFF_FFFFL;

    public static Bin of(int layer, long offset) {
        if (layer < 0 || layer > 63) {
            throw new IllegalArgumentException("bin layer out of range: " + layer);
        }
        if (offset < 0 || (layer > 0 && offset > (Long.MAX_VALUE >>> layer))) {
            throw new IllegalArgumentException("bin offset out of range: " + offset + " at layer " + layer);
        }
        return new Bin((offset << (layer + 1)) | ((1L << layer) - 1));
    }

    /** The leaf bin of chunk {@code chunk}. */
    public static Bin chunk(long chunk) {
        return of(0, chunk);
    }

    public boolean isNone() {
        return value == -1L;
    }

    public int layer() {
        return Long.numberOfTrailingZeros(~value);
    }

    /** Offset of this bin among the bins of its layer. */
    public long layerOffset() {
        return value >>> (layer() + 1);
    }

    /** The first chunk this bin covers. */
    public long baseOffset() {
        return (value & (value + 1)) >>> 1;
    }

    /** The number of chunks covered: {@code 2^layer}. */
    public long width() {
        return 1L << layer();
    }

    public long lastChunk() {
        return baseOffset() + width() - 1;
    }

    public boolean isLeaf() {
        return (value & 1) == 0;
    }

    public Bin parent() {
        int l = layer();
        return new Bin((value | (1L << l)) & ~(1L << (l + 1)));
    }

    public Bin sibling() {
        return new Bin(value ^ (1L << (layer() + 1)));
    }

    public boolean isLeft() {
        return (value & (1L << (layer() + 1))) == 0;
    }

    public Bin left() {
        return new Bin(value - (1L << (requireInner() - 1)));
    }

    public Bin right() {
        return new Bin(value + (1L << (requireInner() - 1)));
    }

    /** The leftmost leaf below this bin. */
    public Bin baseLeft() {
        return chunk(baseOffset());
    }

    /** The rightmost leaf below this bin. */
    public Bin baseRight() {
        return chunk(lastChunk());
    }

    /** Whether {@code other} lies inside this bin's interval (a bin covers itself). */
    public boolean covers(Bin other) {
        if (isNone() || other.isNone()) {
            return false;
        }
        return other.baseOffset() >= baseOffset() && other.lastChunk() <= lastChunk();
    }

    public boolean coversChunk(long chunk) {
        return !isNone() && chunk >= baseOffset() && chunk <= lastChunk();
    }

    /** The ancestor (or this bin) at {@code layer}. */
    public Bin ancestorAt(int layer) {
        if (layer < layer()) {
            throw new IllegalArgumentException("layer " + layer + " is below " + this);
        }
        return of(layer, baseOffset() >>> layer);
    }

    /** Whether this bin fits the 32-bit bin addressing method. */
    public boolean fits32() {
        return isNone() || (value >= 0 && value < NONE32);
    }

    public ChunkRange chunks() {
        if (isNone()) {
            throw new IllegalStateException("the empty bin covers no chunks");
        }
        return new ChunkRange(baseOffset(), lastChunk());
    }

    @Override
    public ChunkRange chunks(long chunkSize) {
        return chunks();
    }

    private int requireInner() {
        int l = layer();
        if (l == 0) {
            throw new IllegalStateException(this + " is a leaf and has no children");
        }
        return l;
    }

    @Override
    public int compareTo(Bin o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return isNone() ? "bin(none)" : "bin(" + value + ": layer " + layer() + ", chunks " + baseOffset() + ".." + lastChunk() + ")";
    }
}
