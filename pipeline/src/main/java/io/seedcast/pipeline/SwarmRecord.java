package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.live.SwarmParameters;

/**
 * A swarm: one key's stretch of a broadcast, on {@link Topics#SWARMS} keyed by the swarm id digest.
 *
 * @param swarmId             the public key in swarm-ID form (RFC 7574 §6.1)
 * @param firstBroadcastChunk the broadcast chunk that is this swarm's chunk 0
 * @param successor           the swarm that took over on rollover, or null
 */
public record SwarmRecord(Bytes swarmId, String channelId, String broadcastId, SwarmParameters parameters, State state,
        Bytes successor, long firstBroadcastChunk, long createdAtMillis) {

    static final int TYPE = 2;

    public enum State {
        LIVE, ROLLED_OVER, REVOKED, ENDED
    }

    public SwarmRecord with(State s, Bytes successorId) {
        return new SwarmRecord(swarmId, channelId, broadcastId, parameters, s, successorId, firstBroadcastChunk, createdAtMillis);
    }

    public String key() {
        return SwarmKeys.digest(swarmId);
    }

    public byte[] encode() {
        RecordWriter w = new RecordWriter(TYPE).bytes(swarmId).string(channelId).string(broadcastId);
        SwarmParametersCodec.write(w, parameters);
        return w.u8(state.ordinal()).optionalBytes(successor).i64(firstBroadcastChunk).i64(createdAtMillis).toByteArray();
    }

    public static SwarmRecord decode(byte[] value) throws MalformedRecordException {
        RecordReader r = new RecordReader(value, TYPE, "swarm record");
        Bytes id = r.bytes("swarm id", 1024);
        String channel = r.string("channel id");
        String broadcast = r.string("broadcast id");
        SwarmParameters params = SwarmParametersCodec.read(r);
        int state = r.u8("state");
        if (state >= State.values().length) {
            throw new MalformedRecordException("swarm state " + state + " is unknown");
        }
        Bytes successor = r.optionalBytes("successor", 1024);
        long first = r.i64("first broadcast chunk");
        long created = r.i64("created at");
        r.end("swarm record");
        return new SwarmRecord(id, channel, broadcast, params, State.values()[state], successor, first, created);
    }
}
