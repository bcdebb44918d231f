package io.seedcast.ingest.channels;

import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.StreamKeys;
import io.seedcast.pipeline.MalformedRecordException;
import io.seedcast.pipeline.Topics;
import io.seedcast.pipeline.TopicFollower;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * The channels the injector publishes on {@code seedcast.channels} (compacted), read from the start
 * and followed, so that a stream key is checked against its SHA-256 hash without asking anyone:
 * ingest keeps working while the injector is down, and a key rotated in the injector stops working
 * here as soon as the record arrives.
 */
public final class ChannelDirectory implements AutoCloseable {

    private final Map<String, ChannelRecord> channels = new ConcurrentHashMap<>();
    private static final Logger LOG = Logger.getLogger(ChannelDirectory.class);
    private final TopicFollower follower;

    public ChannelDirectory(String bootstrapServers) {
        this.follower = new TopicFollower("seedcast-ingest-channels", bootstrapServers, List.of(Topics.CHANNELS), List.of(),
                this::apply, () -> LOG.info("channels loaded: " + channels.size()));
    }

    /** The channel {@code streamKey} publishes to, if any. */
    public Optional<ChannelRecord> byKey(String streamKey) {
        for (ChannelRecord c : channels.values()) {
            if (StreamKeys.matches(c, streamKey)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public int size() {
        return channels.size();
    }

    /** Read up to the end the topic had when ingest started: keys can be checked. */
    public boolean caughtUp() {
        return follower.caughtUp();
    }

    public Optional<String> failure() {
        return follower.failure();
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            ChannelRecord.apply(channels, r.key(), r.value());
        } catch (MalformedRecordException e) {
            LOG.warn("ignoring an unreadable channel record at offset " + r.offset() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
