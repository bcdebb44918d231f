package io.seedcast.peer;

import io.seedcast.ppspp.engine.ChunkSink;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A watch's one output across the swarms it follows: the first, then each successor (rotation, revocation, a new
 * broadcast). Only the active swarm writes; a successor buffers until it takes over.
 *
 * <p>A successor of the same broadcast whose first broadcast chunk is known continues its predecessor exactly: the
 * output is the broadcast's own byte stream, one continuous TS, nothing lost or repeated. After a rotation (the
 * signer rolls over at a keyframe chunk) the predecessor ends where the successor begins, and the switch happens the
 * moment the predecessor's last chunk is out. After a revocation the predecessor is no longer served and the switch
 * happens at once; the successor begins at the keyframe before the revocation point (signed again), so a viewer that
 * is not past it continues there, and chunks it already output are not output again. Otherwise (another broadcast, or
 * nothing known), or when a predecessor's last chunks never come, the successor takes over once the predecessor has
 * been quiet for {@link #QUIET_NANOS}, and the output resumes at its next keyframe with a TS discontinuity
 * ({@link KeyframeStart}).
 */
final class Splicer {

    static final long QUIET_NANOS = 2_000_000_000L;

    private static final class Part {
        final String broadcast;
        final long firstChunk;
        /** Output index of the swarm's chunk 0. */
        long base;
        /** The swarm's chunks from here on belong to its successor (exclusive end, swarm-local). */
        long end = Long.MAX_VALUE;
        long nextLocal = -1;
        boolean exact;
        /** Hand over to the successor now (the predecessor was revoked). */
        boolean cut;
        final ArrayDeque<Object[]> buffer = new ArrayDeque<>();

        Part(String broadcast, long firstChunk) {
            this.broadcast = broadcast;
            this.firstChunk = firstChunk;
        }
    }

    private final KeyframeStart out;
    private final LongSupplier nanoTime;
    private final long created;
    private final List<Part> parts = new ArrayList<>();
    private int active;
    /** The next output index: chunks below it were output already (from a predecessor). */
    private long nextOutput = Long.MIN_VALUE;
    private long lastWrite;
    private long firstOutputNanos = -1;
    private boolean open = true;
    private IOException error;
    private long chunksOut;
    private int exactSplices;
    private int keyframeSplices;

    Splicer(KeyframeStart out, LongSupplier nanoTime) {
        this.out = out;
        this.nanoTime = nanoTime;
        this.created = nanoTime.getAsLong();
        this.lastWrite = created;
    }

    /**
     * Adds the next swarm to follow; its generation. {@code broadcast} and {@code firstChunk} (-1: unknown) say where
     * its chunk 0 sits in the broadcast. Whether it continues its predecessor exactly is {@link #continuesExactly(int)}.
     */
    synchronized int add(String broadcast, long firstChunk) {
        return add(broadcast, firstChunk, false);
    }

    /** As {@link #add(String, long)}; {@code predecessorRevoked}: hand over at once, the predecessor is not served any more. */
    synchronized int add(String broadcast, long firstChunk, boolean predecessorRevoked) {
        Part p = new Part(broadcast, firstChunk);
        if (!parts.isEmpty()) {
            Part prev = parts.getLast();
            if (broadcast != null && broadcast.equals(prev.broadcast) && prev.firstChunk >= 0 && firstChunk >= prev.firstChunk) {
                prev.end = firstChunk - prev.firstChunk;
                p.base = prev.base + prev.end;
                p.exact = true;
            } else {
                p.base = (long) parts.size() << 48;
            }
            prev.cut = predecessorRevoked;
        }
        parts.add(p);
        advanceWhileEnded();
        return parts.size() - 1;
    }

    /** The successor continues its predecessor chunk for chunk: watch it from its chunk 0. */
    synchronized boolean continuesExactly(int generation) {
        return parts.get(generation).exact;
    }

    ChunkSink sink(int generation) {
        return (index, data) -> onChunk(generation, index, data);
    }

    synchronized void onChunk(int generation, long index, byte[] data) {
        if (!open || generation < active) {
            return;
        }
        Part p = parts.get(generation);
        if (index >= p.end) {
            return;
        }
        if (generation > active) {
            p.buffer.add(new Object[] {index, data});
            return;
        }
        write(p, index, data);
        advanceWhileEnded();
    }

    /** A predecessor that has gone quiet hands over to its successor, whatever is known of their seam. */
    synchronized void tick() {
        if (open && active < parts.size() - 1 && nanoTime.getAsLong() - lastWrite > QUIET_NANOS) {
            advance();
            advanceWhileEnded();
        }
    }

    private void advanceWhileEnded() {
        while (open && active < parts.size() - 1 && (parts.get(active).cut || parts.get(active).nextLocal >= parts.get(active).end)) {
            advance();
        }
    }

    private void advance() {
        active++;
        Part p = parts.get(active);
        if (p.exact && nextOutput >= p.base) {
            exactSplices++;
        } else {
            keyframeSplices++;
        }
        lastWrite = nanoTime.getAsLong();
        while (!p.buffer.isEmpty()) {
            Object[] e = p.buffer.poll();
            write(p, (Long) e[0], (byte[]) e[1]);
        }
    }

    private void write(Part p, long index, byte[] data) {
        if (error != null || p.base + index < nextOutput) {
            return; // output already, from the predecessor
        }
        try {
            out.write(p.base + index, data);
            chunksOut++;
            p.nextLocal = index + 1;
            nextOutput = p.base + index + 1;
            lastWrite = nanoTime.getAsLong();
            if (firstOutputNanos < 0 && out.writtenBytes() > 0) {
                firstOutputNanos = lastWrite - created;
            }
        } catch (IOException e) {
            error = e;
        }
    }

    /** Stops output: what is written is what is reported. */
    synchronized void close() {
        open = false;
    }

    synchronized int activeGeneration() {
        return active;
    }

    synchronized IOException error() {
        return error;
    }

    synchronized long writtenBytes() {
        return out.writtenBytes();
    }

    synchronized long skippedBytes() {
        return out.skippedBytes();
    }

    /** From creation to the first byte out, -1 before. */
    synchronized long firstOutputNanos() {
        return firstOutputNanos;
    }

    /** Chunks handed to the output (a chunk verified in two swarms, around a revocation, counts once). */
    synchronized long chunksOut() {
        return chunksOut;
    }

    /** Successors spliced in chunk for chunk, and those that resumed at a keyframe. */
    synchronized int[] splices() {
        return new int[] {exactSplices, keyframeSplices};
    }
}
