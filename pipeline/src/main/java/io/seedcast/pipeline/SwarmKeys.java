package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.integrity.MerkleHashFunction;

/** The Kafka key of a swarm: the hex SHA-256 of its swarm ID, short and fixed-length whatever the algorithm. */
public final class SwarmKeys {
    private SwarmKeys() {
    }

    public static String digest(Bytes swarmId) {
        return MerkleHashFunction.SHA256.hash(swarmId).hex();
    }
}
