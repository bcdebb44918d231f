package io.seedcast.signer.signing;

import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.MalformedRecordException;
import io.seedcast.pipeline.SwarmKeyRecord;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.Topics;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * What the signer knows from the compacted topics, kept current by a {@link io.seedcast.pipeline.TopicFollower}: the
 * channels (their swarm parameters), the live swarms, and the wrapped keys of live swarms. A signer taking over a
 * broadcast finds here the swarm to continue and the key to continue it with.
 */
final class SignerDirectory {

    private static final Logger LOG = Logger.getLogger(SignerDirectory.class);

    private final Map<String, ChannelRecord> channels = new ConcurrentHashMap<>();
    /** Live swarms by broadcast id: the newest (highest first chunk) wins. */
    private final Map<String, SwarmRecord> liveByBroadcast = new ConcurrentHashMap<>();
    private final Map<String, SwarmKeyRecord> keys = new ConcurrentHashMap<>();

    /** A record of {@code seedcast.channels}, {@code seedcast.swarms} or {@code seedcast.swarm-keys}, on the follower's thread. */
    void apply(ConsumerRecord<String, byte[]> r) {
        try {
            switch (r.topic()) {
                case Topics.CHANNELS -> ChannelRecord.apply(channels, r.key(), r.value());
                case Topics.SWARMS -> {
                    if (r.value() != null) {
                        onSwarm(SwarmRecord.decode(r.value()));
                    }
                }
                case Topics.SWARM_KEYS -> {
                    if (r.value() == null) {
                        keys.remove(r.key());
                    } else {
                        keys.put(r.key(), SwarmKeyRecord.decode(r.value()));
                    }
                }
                default -> LOG.debugf("not a topic of the signer's: %s", r.topic());
            }
        } catch (MalformedRecordException e) {
            LOG.warnf("ignoring an unreadable record %s of %s: %s", r.key(), r.topic(), e.getMessage());
        }
    }

    private void onSwarm(SwarmRecord s) {
        if (s.state() == SwarmRecord.State.LIVE) {
            liveByBroadcast.merge(s.broadcastId(), s, (a, b) -> b.firstBroadcastChunk() >= a.firstBroadcastChunk() ? b : a);
        } else {
            liveByBroadcast.computeIfPresent(s.broadcastId(), (id, live) -> live.key().equals(s.key()) ? null : live);
        }
    }

    int channelCount() {
        return channels.size();
    }

    Optional<ChannelRecord> channel(String id) {
        return Optional.ofNullable(channels.get(id));
    }

    Optional<SwarmRecord> liveSwarmOf(String broadcastId) {
        return Optional.ofNullable(liveByBroadcast.get(broadcastId));
    }

    /** Master key id → how many swarm keys (of live swarms, cluster-wide) are wrapped under it. */
    Map<String, Long> keyUsage() {
        Map<String, Long> usage = new java.util.TreeMap<>();
        keys.values().forEach(k -> usage.merge(k.masterKeyId(), 1L, Long::sum));
        return usage;
    }

    Optional<SwarmKeyRecord> keyOf(SwarmRecord swarm) {
        return Optional.ofNullable(keys.get(swarm.key()));
    }
}
