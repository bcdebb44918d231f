package io.seedcast.ppspp.engine;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one swarm in one engine, readable from any thread. */
public final class SwarmStats {
    public final AtomicLong chunksVerified = new AtomicLong();
    public final AtomicLong chunksRejected = new AtomicLong();
    public final AtomicLong chunksServed = new AtomicLong();
    public final AtomicLong chunksOutput = new AtomicLong();
    public final AtomicLong bytesIn = new AtomicLong();
    public final AtomicLong bytesOut = new AtomicLong();
    public final AtomicLong datagramsIn = new AtomicLong();
    public final AtomicLong datagramsOut = new AtomicLong();
    public final AtomicLong peersDropped = new AtomicLong();
    public final AtomicLong staleSignatures = new AtomicLong();
    public final AtomicLong peers = new AtomicLong();
    /** Nanos from the swarm's join to its first verified chunk; -1 until then. */
    public final AtomicLong firstChunkNanos = new AtomicLong(-1);
    /** Verified chunk bytes received from peers other than the live source's seeders named at join: the peer-to-peer share. */
    public final AtomicLong bytesFromPeers = new AtomicLong();
    /** Chunks a viewer gave up on: still missing when the output had waited {@link LiveSwarm#GIVE_UP_NANOS} for them. */
    public final AtomicLong chunksLost = new AtomicLong();
    /** Chunks asked again after their request was lost or timed out. */
    public final AtomicLong reRequests = new AtomicLong();
    /** Of {@link #reRequests}, those asked again because later chunks from the same peer showed them lost (the rest timed out). */
    public final AtomicLong lossesDetected = new AtomicLong();
    /** Viewer: DATA for a chunk it already held or no longer wanted (a request answered twice, or a copy duplicated on the way). */
    public final AtomicLong chunksDuplicate = new AtomicLong();
    /** Viewer: chunks between the newest signed chunk it knows of and its output point (how far behind live it plays). */
    public final AtomicLong lagChunks = new AtomicLong();
}
