package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.live.SwarmParameters;
import java.util.ArrayList;
import java.util.List;

/**
 * A channel on {@link Topics#CHANNELS} (compacted, keyed by channel id): its name, the hashes of its
 * stream keys (never the keys), and its swarms' parameters. A deleted channel is a tombstone.
 */
public record ChannelRecord(String channelId, String name, List<Bytes> streamKeyHashes, SwarmParameters parameters) {

    static final int TYPE = 5;

    public ChannelRecord {
        streamKeyHashes = List.copyOf(streamKeyHashes);
    }

    public byte[] encode() {
        RecordWriter w = new RecordWriter(TYPE).string(channelId).string(name).i32(streamKeyHashes.size());
        streamKeyHashes.forEach(w::bytes);
        SwarmParametersCodec.write(w, parameters);
        return w.toByteArray();
    }

    /**
     * Applies a record of {@code seedcast.channels} to a table of channels by id: a tombstone (null value) removes the
     * channel keyed {@code key}; anything else is decoded and put. The one way ingest, signer and injector keep it.
     */
    public static void apply(java.util.Map<String, ChannelRecord> table, String key, byte[] value) throws MalformedRecordException {
        if (value == null) {
            table.remove(key);
            return;
        }
        ChannelRecord c = decode(value);
        table.put(c.channelId(), c);
    }

    public static ChannelRecord decode(byte[] value) throws MalformedRecordException {
        RecordReader r = new RecordReader(value, TYPE, "channel record");
        String id = r.string("channel id");
        String name = r.string("name");
        int n = r.count("stream key hashes", 4);
        List<Bytes> hashes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            hashes.add(r.bytes("stream key hash", 128));
        }
        SwarmParameters params = SwarmParametersCodec.read(r);
        r.end("channel record");
        return new ChannelRecord(id, name, hashes, params);
    }
}
