package io.seedcast.ppspp.chunk;

import java.util.ArrayList;
import java.util.List;

/** A start–end range of chunk identifiers, end inclusive, unsigned 32- or 64-bit on the wire. */
// RFC 7574 §4.1.1
public record ChunkRange(long start, long end) implements ChunkSpec {

    public ChunkRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("chunk range " + start + ".." + end + " is empty or negative");
        }
    }

    public static ChunkRange single(long chunk) {
        return new ChunkRange(chunk, chunk);
    }

    public long count() {
        return end - start + 1;
    }

    public boolean contains(long chunk) {
        return chunk >= start && chunk <= end;
    }

    public boolean contains(ChunkRange other) {
        return other.start >= start && other.end <= end;
    }

    public boolean fits32() {
        return end <= 0xFFFF_FFFFL;
    }

    @Override
    public ChunkRange chunks(long chunkSize) {
        return this;
    }

    /** The bin with exactly this range, if the range is bin-aligned. */
    public Bin toBin() {
        long n = count();
        if (Long.bitCount(n) != 1 || start % n != 0) {
            throw new IllegalArgumentException(this + " is not the interval of a single bin");
        }
        return Bin.of(Long.numberOfTrailingZeros(n), start / n);
    }

    public boolean isBinAligned() {
        long n = count();
        return Long.bitCount(n) == 1 && start % n == 0;
    }

    /** The fewest bins that together cover exactly this range, left to right. */
    public List<Bin> toBins() {
        List<Bin> bins = new ArrayList<>();
        long s = start;
        while (s <= end) {
            int layer = s == 0 ? 62 : Long.numberOfTrailingZeros(s);
            while (layer > 0 && s + (1L << layer) - 1 > end) {
                layer--;
            }
            bins.add(Bin.of(layer, s >>> layer));
            s += 1L << layer;
            if (s < 0) {
                break;
            }
        }
        return bins;
    }

    /** {@code ranges} sorted and merged where they overlap or touch. */
    public static List<ChunkRange> merge(List<ChunkRange> ranges) {
        if (ranges.size() <= 1) {
            return List.copyOf(ranges);
        }
        List<ChunkRange> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
        List<ChunkRange> out = new ArrayList<>();
        ChunkRange cur = sorted.getFirst();
        for (ChunkRange r : sorted.subList(1, sorted.size())) {
            if (r.start() <= cur.end() + 1) {
                cur = new ChunkRange(cur.start(), Math.max(cur.end(), r.end()));
            } else {
                out.add(cur);
                cur = r;
            }
        }
        out.add(cur);
        return out;
    }

    public ByteRange toByteRange(long chunkSize) {
        return new ByteRange(start * chunkSize, (end + 1) * chunkSize - 1);
    }

    @Override
    public String toString() {
        return "chunks " + start + ".." + end;
    }
}
