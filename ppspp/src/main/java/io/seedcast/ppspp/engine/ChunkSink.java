package io.seedcast.ppspp.engine;

/** Receives a viewer's verified chunks in order, from its join point on, with no holes. Called on the engine's thread. */
@FunctionalInterface
public interface ChunkSink {
    void chunk(long index, byte[] data);
}
