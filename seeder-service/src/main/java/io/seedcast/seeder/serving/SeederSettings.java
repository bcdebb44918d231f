package io.seedcast.seeder.serving;

import java.time.Duration;

/**
 * What a seeder replica serves.
 *
 * @param window     how far back in time a starting replica reads {@code seedcast.signed}: at least the swarms' discard window
 * @param shardCount serve only swarms whose digest falls in this replica's shard; 1 serves every swarm
 */
public record SeederSettings(String bootstrapServers, Duration window, int shardCount, int shardIndex, Duration pollTimeout) {

    public SeederSettings {
        if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount) {
            throw new IllegalArgumentException("shard index must be in 0.." + (shardCount - 1) + ", got " + shardIndex);
        }
    }

    public boolean serves(String swarmDigest) {
        return shardCount == 1 || Math.floorMod(swarmDigest.hashCode(), shardCount) == shardIndex;
    }
}
