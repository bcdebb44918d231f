package io.seedcast.signer.signing;

import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.SignedBatch;
import io.seedcast.pipeline.SwarmKeyRecord;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveTree;
import io.seedcast.ppspp.live.NtpTimestamp;
import io.seedcast.ppspp.live.SignAll;
import io.seedcast.ppspp.live.SignedMunro;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.SignedIntegrity;
import io.seedcast.signer.keys.MasterKeyring;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What happens to a broadcast's swarms, with no Kafka client of its own: a swarm starts (fresh key pair, wrapped under
 * the active master key), signs chunks (Sign All, or into the live Merkle tree and its signed munros), rolls over to a
 * successor (at a keyframe for a rotation, at the very next chunk for a revocation or after a gap), and ends (its key
 * destroyed). Every record it makes goes to the {@link Sink}, which the loop backs with its open transaction.
 */
final class SwarmLifecycle {

    private static final Logger LOG = Logger.getLogger(SwarmLifecycle.class);
    /** Chunks kept for a revocation's successor at the most (4 MiB of 1 KiB chunks): a stream without keyframes keeps none. */
    static final int MAX_SINCE_KEYFRAME = 4096;

    /** Where records go: the signer's Kafka transaction. A null value is a tombstone. */
    interface Sink {
        void send(String topic, String key, byte[] value);
    }

    private final MasterKeyring keyring;
    private final Clock clock;
    private final SignerMetrics metrics;
    private final Sink out;
    /** Swarm key digest → master key id, for the swarms this replica signs. */
    private final Map<String, String> wrappedUnder = new HashMap<>();

    SwarmLifecycle(MasterKeyring keyring, Clock clock, SignerMetrics metrics, Sink out) {
        this.keyring = keyring;
        this.clock = clock;
        this.metrics = metrics;
        this.out = out;
    }

    /** Starts the broadcast's first swarm (or a replacement for a lost one) at broadcast chunk {@code first}. */
    BroadcastState start(String channelId, String broadcastId, int partition, SwarmParameters params, long first) {
        BroadcastState b = new BroadcastState(channelId, broadcastId, partition);
        startSwarm(b, params, first);
        return b;
    }

    /**
     * Continues {@code live}, a swarm another replica (or this one before a restart) was signing, from broadcast chunk
     * {@code next}, with the key in {@code wrapped}.
     */
    BroadcastState resume(String channelId, int partition, SwarmRecord live, SwarmKeyRecord wrapped, ResumePoints.Point at)
            throws MasterKeyring.InvalidKeyringException {
        BroadcastState b = new BroadcastState(channelId, live.broadcastId(), partition);
        byte[] pkcs8 = keyring.unwrap(wrapped);
        try {
            b.key = SwarmKeyPair.fromPkcs8(pkcs8, live.parameters().algorithm());
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        b.swarm = live;
        b.nextChunk = at.firstUnsigned();
        b.rotateRequested = at.rotate();
        wrappedUnder.put(live.key(), wrapped.masterKeyId());
        if (live.parameters().integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE) {
            b.tree = new LiveTree(live.parameters(), b.key, clock, b.nextChunk - live.firstBroadcastChunk());
        }
        LOG.infof("broadcast %s: continuing swarm %s from chunk %d", b.broadcastId, live.key(), b.nextChunk);
        return b;
    }

    /**
     * Signs the batch's chunks not signed yet. A gap (chunks that never arrived) rolls over to a new swarm at the next
     * chunk there is; a rotation asked for rolls over at the next keyframe chunk, so the successor starts on a picture a
     * viewer can decode. The end of the broadcast ends the swarm.
     */
    void accept(BroadcastState b, ChunkBatch batch, long offset) {
        List<SignedBatch.SignedChunk> signAll = new ArrayList<>();
        for (Chunk c : batch.chunks()) {
            if (c.index() < b.nextChunk) {
                continue;
            }
            if (c.index() > b.nextChunk) {
                LOG.warnf("broadcast %s: chunks %d..%d never arrived; rolling to a new swarm", b.broadcastId, b.nextChunk, c.index() - 1);
                emitSignAll(b, signAll);
                rollover(b, c.index(), SwarmRecord.State.ROLLED_OVER);
            } else if (b.rotateRequested && c.keyframe()) {
                emitSignAll(b, signAll);
                rollover(b, c.index(), SwarmRecord.State.ROLLED_OVER);
            }
            sign(b, c, offset, signAll);
        }
        emitSignAll(b, signAll);
        if (batch.endOfBroadcast()) {
            closeTree(b);
            retire(b.swarm, SwarmRecord.State.ENDED, null);
        }
    }

    /** Rolls the swarm over at the broadcast's next keyframe chunk. */
    void rotate(BroadcastState b) {
        b.rotateRequested = true;
        LOG.infof("channel %s: rolling swarm %s over at the next keyframe", b.channelId, b.swarm.key());
    }

    /**
     * A revoked key signs nothing more, and its swarm is no longer served: the successor starts at once, from the latest
     * keyframe chunk (those chunks signed again with the new key), so that a viewer behind the revocation point, as every
     * viewer is by its playout lag, continues in the successor without losing a frame.
     */
    void revoke(BroadcastState b) {
        List<Chunk> again = List.copyOf(b.sinceKeyframe);
        List<Long> offsets = List.copyOf(b.sinceKeyframeOffsets);
        long at = again.isEmpty() ? b.nextChunk : again.getFirst().index();
        rollover(b, at, SwarmRecord.State.REVOKED);
        List<SignedBatch.SignedChunk> signAll = new ArrayList<>();
        for (int i = 0; i < again.size(); i++) {
            sign(b, again.get(i), offsets.get(i), signAll);
        }
        emitSignAll(b, signAll);
        LOG.infof("channel %s: swarm revoked, successor %s from chunk %d (%d chunks signed again from the latest keyframe)", b.channelId,
                b.swarm.key(), at, again.size());
    }

    /** Re-wraps, under the active master key, the keys of {@code live} swarms wrapped under an older one; how many. */
    int rewrap(Collection<BroadcastState> live) {
        int n = 0;
        for (BroadcastState b : live) {
            if (keyring.activeKeyId().equals(wrappedUnder.get(b.swarm.key()))) {
                continue;
            }
            byte[] pkcs8 = b.key.pkcs8();
            try {
                SwarmKeyRecord wrapped = keyring.wrap(b.swarm.swarmId(), pkcs8);
                out.send(Topics.SWARM_KEYS, wrapped.key(), wrapped.encode());
                wrappedUnder.put(b.swarm.key(), wrapped.masterKeyId());
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
            n++;
        }
        return n;
    }

    private void startSwarm(BroadcastState b, SwarmParameters params, long first) {
        SwarmKeyPair key = SwarmKeyPair.generate(params.algorithm());
        byte[] pkcs8 = key.pkcs8();
        SwarmKeyRecord wrapped;
        try {
            wrapped = keyring.wrap(key.swarmId().encoded(), pkcs8);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        SwarmRecord swarm = new SwarmRecord(key.swarmId().encoded(), b.channelId, b.broadcastId, params, SwarmRecord.State.LIVE, null, first,
                clock.millis());
        out.send(Topics.SWARM_KEYS, wrapped.key(), wrapped.encode());
        out.send(Topics.SWARMS, swarm.key(), swarm.encode());
        wrappedUnder.put(swarm.key(), wrapped.masterKeyId());
        b.key = key;
        b.swarm = swarm;
        b.nextChunk = first;
        b.pending.clear();
        b.pendingFromOffset = -1;
        b.rotateRequested = false;
        b.tree = params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE ? new LiveTree(params, key, clock) : null;
        metrics.swarmsCreated.incrementAndGet();
        LOG.infof("broadcast %s of channel %s: swarm %s from chunk %d, key wrapped under %s", b.broadcastId, b.channelId, key.swarmId(), first,
                wrapped.masterKeyId());
    }

    private void sign(BroadcastState b, Chunk c, long offset, List<SignedBatch.SignedChunk> signAll) {
        long t0 = System.nanoTime();
        long swarmChunk = c.index() - b.swarm.firstBroadcastChunk();
        if (b.tree == null) {
            SignedIntegrity s = SignAll.sign(b.key, b.params().wireContext(b.key.swarmId()), ChunkRange.single(swarmChunk),
                    NtpTimestamp.of(clock.instant()), c.data().unsafeArray());
            signAll.add(new SignedBatch.SignedChunk(swarmChunk, c.ingestMicros(), c.keyframe(), c.data(), s.timestamp(), s.signature()));
        } else {
            if (b.pending.isEmpty()) {
                b.pendingFromOffset = offset;
            }
            b.pending.add(c);
            b.tree.append(c.data().unsafeArray()).ifPresent(m -> emitMunro(b, m, false));
        }
        b.nextChunk = c.index() + 1;
        if (c.keyframe() || b.sinceKeyframe.size() >= MAX_SINCE_KEYFRAME) {
            b.sinceKeyframe.clear();
            b.sinceKeyframeOffsets.clear();
        }
        if (c.keyframe() || !b.sinceKeyframe.isEmpty()) {
            b.sinceKeyframe.add(c);
            b.sinceKeyframeOffsets.add(offset);
        }
        metrics.chunksSigned.incrementAndGet();
        metrics.signNanos.addAndGet(System.nanoTime() - t0);
    }

    private void emitMunro(BroadcastState b, SignedMunro m, boolean last) {
        List<SignedBatch.SignedChunk> chunks = new ArrayList<>(b.pending.size());
        for (Chunk c : b.pending) {
            chunks.add(new SignedBatch.SignedChunk(c.index() - b.swarm.firstBroadcastChunk(), c.ingestMicros(), c.keyframe(), c.data(), 0, null));
        }
        emit(new SignedBatch(b.swarm.swarmId(), b.broadcastId, chunks, List.of(m), last));
        b.pending.clear();
        b.pendingFromOffset = -1;
        metrics.munrosSigned.incrementAndGet();
    }

    private void emitSignAll(BroadcastState b, List<SignedBatch.SignedChunk> chunks) {
        if (!chunks.isEmpty()) {
            emit(new SignedBatch(b.swarm.swarmId(), b.broadcastId, chunks, List.of(), false));
            chunks.clear();
        }
    }

    private void emit(SignedBatch batch) {
        out.send(Topics.SIGNED, batch.key(), batch.encode());
    }

    /** Closes the current swarm (signing its partial munro) and starts its successor at broadcast chunk {@code at}. */
    private void rollover(BroadcastState b, long at, SwarmRecord.State oldState) {
        SwarmRecord old = b.swarm;
        closeTree(b);
        startSwarm(b, old.parameters(), at);
        retire(old, oldState, b.swarm.swarmId());
    }

    /** Publishes the swarm's last chunks: the partial munro signed as it stands (RFC 7574 §6.1.2, see LiveTree), marked end of swarm. */
    private void closeTree(BroadcastState b) {
        if (b.tree != null) {
            b.tree.finish().ifPresentOrElse(m -> emitMunro(b, m, true),
                    () -> emit(new SignedBatch(b.swarm.swarmId(), b.broadcastId, List.of(), List.of(), true)));
        } else {
            emit(new SignedBatch(b.swarm.swarmId(), b.broadcastId, List.of(), List.of(), true));
        }
    }

    private void retire(SwarmRecord swarm, SwarmRecord.State state, Bytes successor) {
        SwarmRecord ended = swarm.with(state, successor);
        out.send(Topics.SWARMS, ended.key(), ended.encode());
        // The key of a finished swarm is destroyed: a tombstone, so that its master key version can retire.
        out.send(Topics.SWARM_KEYS, ended.key(), null);
        wrappedUnder.remove(ended.key());
    }
}
