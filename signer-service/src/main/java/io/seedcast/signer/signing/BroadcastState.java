package io.seedcast.signer.signing;

import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveTree;
import io.seedcast.ppspp.live.SwarmParameters;
import java.util.ArrayList;
import java.util.List;

/** What the signer holds for one live broadcast: its current swarm, key, tree and the chunks awaiting their munro. */
final class BroadcastState {
    final String channelId;
    final String broadcastId;
    final int partition;
    SwarmRecord swarm;
    SwarmKeyPair key;
    LiveTree tree;
    /** The next broadcast chunk to sign. */
    long nextChunk;
    /** UMT: chunks added to the tree whose munro is not signed yet. */
    final List<Chunk> pending = new ArrayList<>();
    /** Kafka offset of the batch holding the first pending chunk. */
    long pendingFromOffset = -1;
    boolean rotateRequested;
    /**
     * The chunks from the latest keyframe chunk on, with the offsets of their batches: a revocation's successor starts
     * there, re-signed, so a viewer behind the revocation point switches to it at once and loses nothing.
     */
    final List<Chunk> sinceKeyframe = new ArrayList<>();
    final List<Long> sinceKeyframeOffsets = new ArrayList<>();

    BroadcastState(String channelId, String broadcastId, int partition) {
        this.channelId = channelId;
        this.broadcastId = broadcastId;
        this.partition = partition;
    }

    SwarmParameters params() {
        return swarm.parameters();
    }

    /** The first broadcast chunk not yet published signed: where a replacement signer resumes. */
    long firstUnsigned() {
        return pending.isEmpty() ? nextChunk : pending.getFirst().index();
    }
}
