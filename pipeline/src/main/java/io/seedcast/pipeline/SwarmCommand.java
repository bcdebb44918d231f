package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;

/**
 * An operator's command to the signer, on {@link Topics#SWARM_COMMANDS} keyed by channel id:
 * roll the channel's live swarm over to a fresh key at the next keyframe, or revoke a swarm.
 */
public record SwarmCommand(String commandId, String channelId, Action action, Bytes swarmId, long issuedAtMillis) {

    static final int TYPE = 6;

    public enum Action {
        ROTATE, REVOKE
    }

    public byte[] encode() {
        return new RecordWriter(TYPE).string(commandId).string(channelId).u8(action.ordinal()).optionalBytes(swarmId).i64(issuedAtMillis)
                .toByteArray();
    }

    public static SwarmCommand decode(byte[] value) throws MalformedRecordException {
        RecordReader r = new RecordReader(value, TYPE, "swarm command");
        String id = r.string("command id");
        String channel = r.string("channel id");
        int action = r.u8("action");
        if (action >= Action.values().length) {
            throw new MalformedRecordException("command action " + action + " is unknown");
        }
        SwarmCommand c = new SwarmCommand(id, channel, Action.values()[action], r.optionalBytes("swarm id", 1024), r.i64("issued at"));
        r.end("swarm command");
        return c;
    }
}
