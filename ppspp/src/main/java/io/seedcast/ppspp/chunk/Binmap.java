package io.seedcast.ppspp.chunk;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The set of chunks a peer has, kept as maximal runs of consecutive chunks.
 *
 * <p>libswift's binmap is a tree of 32-bit cells that collapses full and empty subtrees; for a
 * live stream, which a peer holds as one run behind the live edge with the odd gap, a sorted set
 * of runs is smaller still: its size is the number of gaps, not the length of the stream, and
 * forgetting the part behind the discard window is one cut. Queries answer in bins where the
 * protocol wants bins (the biggest complete interval for HAVE and ACK, RFC 7574 §4.3.1).
 */
// RFC 7574 §4.3 (implementation note: binmap)
public final class Binmap {

    /** run start → run end (inclusive); runs neither overlap nor touch. */
    private final TreeMap<Long, Long> runs = new TreeMap<>();
    private long count;

    public void add(long chunk) {
        add(new ChunkRange(chunk, chunk));
    }

    public void add(ChunkSpec spec, long chunkSize) {
        add(spec.chunks(chunkSize));
    }

    public void add(ChunkRange range) {
        long start = range.start();
        long end = range.end();
        Map.Entry<Long, Long> before = runs.floorEntry(start);
        if (before != null && before.getValue() >= start - 1) {
            if (before.getValue() >= end) {
                return;
            }
            start = before.getKey();
            count -= before.getValue() - before.getKey() + 1;
            runs.remove(before.getKey());
        }
        // Swallow every run that starts inside or right after the new one.
        for (Map.Entry<Long, Long> next = runs.ceilingEntry(start);
                next != null && (end == Long.MAX_VALUE || next.getKey() <= end + 1);
                next = runs.ceilingEntry(start)) {
            end = Math.max(end, next.getValue());
            count -= next.getValue() - next.getKey() + 1;
            runs.remove(next.getKey());
        }
        runs.put(start, end);
        count += end - start + 1;
    }

    public void remove(ChunkRange range) {
        Map.Entry<Long, Long> e = runs.floorEntry(range.end());
        while (e != null && e.getValue() >= range.start()) {
            long s = e.getKey();
            long t = e.getValue();
            runs.remove(s);
            count -= t - s + 1;
            if (s < range.start()) {
                runs.put(s, range.start() - 1);
                count += range.start() - s;
            }
            if (t > range.end()) {
                runs.put(range.end() + 1, t);
                count += t - range.end();
            }
            e = runs.floorEntry(range.end());
        }
    }

    /** Forgets every chunk before {@code chunk}: the live discard window sliding on (RFC 7574 §6.2). */
    public void forgetBefore(long chunk) {
        if (chunk > 0) {
            remove(new ChunkRange(0, chunk - 1));
        }
    }

    public boolean contains(long chunk) {
        Map.Entry<Long, Long> e = runs.floorEntry(chunk);
        return e != null && e.getValue() >= chunk;
    }

    public boolean containsAll(ChunkRange range) {
        Map.Entry<Long, Long> e = runs.floorEntry(range.start());
        return e != null && e.getValue() >= range.end();
    }

    /** Whether any chunk of {@code range} is held. */
    public boolean containsAny(ChunkRange range) {
        Map.Entry<Long, Long> e = runs.floorEntry(range.end());
        return e != null && e.getValue() >= range.start();
    }

    public boolean containsAll(Bin bin) {
        return !bin.isNone() && containsAll(bin.chunks());
    }

    public boolean isEmpty() {
        return runs.isEmpty();
    }

    /** How many chunks are in the set. */
    public long count() {
        return count;
    }

    /** How many runs the set holds: its memory, roughly. */
    public int runCount() {
        return runs.size();
    }

    /** The first chunk held, or -1. */
    public long first() {
        return runs.isEmpty() ? -1 : runs.firstKey();
    }

    /** The last chunk held, or -1. */
    public long last() {
        return runs.isEmpty() ? -1 : runs.lastEntry().getValue();
    }

    /** The run of consecutive chunks holding {@code chunk}, or null. */
    public ChunkRange runAt(long chunk) {
        Map.Entry<Long, Long> e = runs.floorEntry(chunk);
        return e != null && e.getValue() >= chunk ? new ChunkRange(e.getKey(), e.getValue()) : null;
    }

    /**
     * The biggest complete bin of held chunks that covers {@code chunk}: what HAVE and ACK announce
     * under bin addressing (RFC 7574 §4.3.1). {@link Bin#NONE} if the chunk is not held.
     */
    public Bin biggestBinCovering(long chunk) {
        ChunkRange run = runAt(chunk);
        if (run == null) {
            return Bin.NONE;
        }
        Bin bin = Bin.chunk(chunk);
        while (bin.layer() < 62) {
            Bin up = bin.parent();
            if (up.baseOffset() < run.start() || up.lastChunk() > run.end()) {
                break;
            }
            bin = up;
        }
        return bin;
    }

    /** The first chunk at or after {@code from} that is held, or -1. */
    public long firstHeldFrom(long from) {
        Map.Entry<Long, Long> e = runs.floorEntry(from);
        if (e != null && e.getValue() >= from) {
            return from;
        }
        Long next = runs.higherKey(from);
        return next == null ? -1 : next;
    }

    /** The first chunk at or after {@code from} that is not held. */
    public long firstMissingFrom(long from) {
        Map.Entry<Long, Long> e = runs.floorEntry(from);
        return e != null && e.getValue() >= from ? e.getValue() + 1 : from;
    }

    /** The held runs, in order. */
    public List<ChunkRange> ranges() {
        List<ChunkRange> out = new ArrayList<>(runs.size());
        for (Map.Entry<Long, Long> e : runs.entrySet()) {
            out.add(new ChunkRange(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The chunks of {@code within} that are not held, as runs in order. */
    public List<ChunkRange> missing(ChunkRange within) {
        List<ChunkRange> out = new ArrayList<>();
        long cursor = within.start();
        Map.Entry<Long, Long> first = runs.floorEntry(within.start());
        Iterator<Map.Entry<Long, Long>> it = (first != null ? runs.tailMap(first.getKey(), true) : runs).entrySet().iterator();
        while (it.hasNext() && cursor <= within.end()) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getValue() < cursor) {
                continue;
            }
            if (e.getKey() > within.end()) {
                break;
            }
            if (e.getKey() > cursor) {
                out.add(new ChunkRange(cursor, e.getKey() - 1));
            }
            cursor = e.getValue() + 1;
            if (cursor <= 0) {
                return out;
            }
        }
        if (cursor <= within.end()) {
            out.add(new ChunkRange(cursor, within.end()));
        }
        return out;
    }

    @Override
    public String toString() {
        return "Binmap" + ranges();
    }
}
