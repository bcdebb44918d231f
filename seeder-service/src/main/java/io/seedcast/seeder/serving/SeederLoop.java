package io.seedcast.seeder.serving;

import io.seedcast.pipeline.MalformedRecordException;
import io.seedcast.pipeline.SignedBatch;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.Topics;
import io.seedcast.pipeline.TopicFollower;
import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.engine.PeerEngine;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.keys.InvalidSwarmIdException;
import io.seedcast.ppspp.keys.SwarmId;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

/**
 * A seeder replica's reader: every swarm record, and the signed chunks of the swarms it serves,
 * from a consumer of its own (no group, so every replica sees every chunk). A starting replica seeks
 * {@code seedcast.signed} back by time over the discard window, so it serves the whole window within
 * seconds. Ended and rolled-over swarms are served until their window has passed, then forgotten;
 * revoked swarms are dropped at once. Each chunk is checked against the swarm ID by the engine's relay
 * before it is announced.
 */
public final class SeederLoop implements Runnable, AutoCloseable {

    static final int MAX_WAITING = 256;

    private final SeederSettings settings;
    private final PeerEngine engine;
    private static final Logger LOG = Logger.getLogger(SeederLoop.class);
    private volatile boolean running = true;
    private volatile boolean ready;
    private volatile TopicFollower follower;

    /** swarm digest → relay, for the swarms served. */
    private final Map<String, LiveSwarm> relays = new ConcurrentHashMap<>();
    private final Map<String, SwarmRecord> records = new HashMap<>();
    /** swarm digest → when to forget it (ended, rolled over). */
    private final Map<String, Long> forgetAt = new HashMap<>();
    /** Signed batches that came before their swarm record (different topics), waiting a little. */
    private final Map<String, ArrayDeque<SignedBatch>> waiting = new HashMap<>();

    public final AtomicLong refused = new AtomicLong();
    public final AtomicLong undecodable = new AtomicLong();
    /** The newest ingest time of a chunk read, microseconds since the epoch: the live edge as Kafka has it. */
    public final AtomicLong newestIngestMicros = new AtomicLong();

    public SeederLoop(SeederSettings settings, PeerEngine engine) {
        this.settings = settings;
        this.engine = engine;
    }

    public boolean isReady() {
        TopicFollower f = follower;
        return ready && f != null && f.failure().isEmpty();
    }

    /** Why the seeder is not reading Kafka right now, if it is not. */
    public java.util.Optional<String> failure() {
        TopicFollower f = follower;
        return f == null ? java.util.Optional.empty() : f.failure();
    }

    public Map<String, LiveSwarm> relays() {
        return relays;
    }

    @Override
    public void close() {
        running = false;
    }

    @Override
    public void run() {
        // Swarms whole (compacted); signed chunks from the serving window back, so a restarted seeder serves at once.
        TopicFollower follower = new TopicFollower("seedcast-seeder-kafka", settings.bootstrapServers(), List.of(Topics.SWARMS),
                List.of(Topics.SIGNED), settings.window(), this::onPoll, () -> {
                    ready = true;
                    LOG.info("caught up: serving " + relays.size() + " swarm(s)");
                });
        this.follower = follower;
        try {
            while (running) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            follower.close();
            ready = false;
        }
    }

    /** One poll's records, swarm records first (a signed batch needs its swarm), then housekeeping. */
    private void onPoll(ConsumerRecords<String, byte[]> polled) {
        for (ConsumerRecord<String, byte[]> r : polled) {
            if (r.topic().equals(Topics.SWARMS)) {
                onSwarm(r);
            }
        }
        for (ConsumerRecord<String, byte[]> r : polled) {
            if (r.topic().equals(Topics.SIGNED)) {
                onSigned(r);
            }
        }
        housekeeping();
    }

    private void onSwarm(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        SwarmRecord s;
        try {
            s = SwarmRecord.decode(r.value());
        } catch (MalformedRecordException e) {
            undecodable.incrementAndGet();
            LOG.warn("unreadable swarm record " + r.key() + ": " + e.getMessage());
            return;
        }
        String key = s.key();
        if (!settings.serves(key)) {
            return;
        }
        records.put(key, s);
        switch (s.state()) {
            case LIVE -> {
                if (!relays.containsKey(key)) {
                    try {
                        relays.put(key, engine.addRelay(SwarmId.decode(s.swarmId()), s.parameters()));
                        LOG.info("serving swarm " + key + " of channel " + s.channelId() + " (" + s.parameters().integrity() + ")");
                    } catch (InvalidSwarmIdException e) {
                        LOG.warn("swarm record " + key + " holds no usable swarm ID: " + e.getMessage());
                        return;
                    }
                }
                ArrayDeque<SignedBatch> queued = waiting.remove(key);
                if (queued != null) {
                    queued.forEach(b -> offer(key, b));
                }
            }
            case ENDED, ROLLED_OVER -> forgetAt.put(key, System.currentTimeMillis() + settings.window().toMillis());
            case REVOKED -> {
                // A revoked key may be in an attacker's hands: nothing it signed is served any longer.
                LiveSwarm relay = relays.remove(key);
                if (relay != null) {
                    relay.leave();
                    LOG.info("swarm " + key + " revoked: no longer served");
                }
            }
        }
    }

    private void onSigned(ConsumerRecord<String, byte[]> r) {
        SignedBatch b;
        try {
            b = SignedBatch.decode(r.value());
        } catch (MalformedRecordException e) {
            undecodable.incrementAndGet();
            LOG.warn("unreadable signed batch at " + r.topic() + "/" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
            return;
        }
        String key = b.key();
        if (!settings.serves(key)) {
            return;
        }
        if (!relays.containsKey(key)) {
            SwarmRecord known = records.get(key);
            if (known != null && known.state() != SwarmRecord.State.LIVE) {
                return;
            }
            ArrayDeque<SignedBatch> q = waiting.computeIfAbsent(key, k -> new ArrayDeque<>());
            q.add(b);
            while (q.size() > MAX_WAITING) {
                q.removeFirst();
            }
            return;
        }
        offer(key, b);
    }

    private void offer(String key, SignedBatch b) {
        LiveSwarm relay = relays.get(key);
        if (relay == null || b.chunks().isEmpty()) {
            return;
        }
        Consumer<String> refusal = m -> {
            refused.incrementAndGet();
            LOG.error("refusing to serve: " + m);
        };
        b.chunks().forEach(c -> newestIngestMicros.accumulateAndGet(c.ingestMicros(), Math::max));
        if (relay.parameters().integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE) {
            if (b.munros().size() != 1) {
                refusal.accept("a UMT batch of swarm " + key + " without exactly one signed munro");
                return;
            }
            List<byte[]> data = b.chunks().stream().map(c -> c.data().toArray()).toList();
            relay.offerMunro(b.munros().getFirst(), b.chunks().getFirst().index(), data, refusal);
        } else {
            for (SignedBatch.SignedChunk c : b.chunks()) {
                if (c.signature() == null) {
                    refusal.accept("chunk " + c.index() + " of Sign All swarm " + key + " has no signature");
                    continue;
                }
                relay.offerSigned(c.index(), c.data().toArray(), c.timestamp(), c.signature(), refusal);
            }
        }
    }

    private void housekeeping() {
        long now = System.currentTimeMillis();
        forgetAt.entrySet().removeIf(e -> {
            if (e.getValue() > now) {
                return false;
            }
            LiveSwarm relay = relays.remove(e.getKey());
            if (relay != null) {
                relay.leave();
                LOG.info("swarm " + e.getKey() + " is over and its window has passed: forgotten");
            }
            records.remove(e.getKey());
            return true;
        });
    }
}
