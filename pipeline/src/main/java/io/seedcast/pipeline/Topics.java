package io.seedcast.pipeline;

/** The Kafka topics between the services (ARCHITECTURE.md, "Data on Kafka"). */
public final class Topics {
    /** Compacted; key channel id; {@link ChannelRecord}. Written by the injector, read by ingest and signer. */
    public static final String CHANNELS = "seedcast.channels";
    /** Key broadcast id; {@link ChunkBatch}. Written by ingest, read by the signer. */
    public static final String CHUNKS = "seedcast.chunks";
    /** Records of {@link #CHUNKS} the signer could not use, with the reason in a header. */
    public static final String CHUNKS_DLQ = "seedcast.chunks.dlq";
    /** Compacted; key swarm id digest; {@link SwarmRecord}. Written by signer and injector. */
    public static final String SWARMS = "seedcast.swarms";
    /** Compacted, signer only; key swarm id digest; {@link SwarmKeyRecord}. */
    public static final String SWARM_KEYS = "seedcast.swarm-keys";
    /** Key swarm id digest; {@link SignedBatch}. Written by the signer, read by seeders. */
    public static final String SIGNED = "seedcast.signed";
    /** Key channel id; {@link SwarmCommand}: rotate a channel's swarm key, revoke a swarm. Written by the injector. */
    public static final String SWARM_COMMANDS = "seedcast.swarm-commands";

    /** The header that carries why a record went to a dead-letter topic. */
    public static final String DLQ_REASON_HEADER = "seedcast-dlq-reason";

    private Topics() {
    }
}
