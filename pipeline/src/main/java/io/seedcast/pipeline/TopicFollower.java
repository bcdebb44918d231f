package io.seedcast.pipeline;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The one way a service keeps state from Kafka: compacted topics read from the beginning up to the end offsets they had
 * at start (then {@link #caughtUp()} is true and the service may call itself ready), then followed; live-only topics
 * followed from their end. read_committed, no consumer group. One failure policy: the reader never dies quietly. On any
 * error it says so, reports it in {@link #failure()} (readiness DOWN), waits (1 s, doubling to 30 s) and reads again from
 * the beginning; {@code apply} must therefore be idempotent (a put or remove by key is).
 */
public final class TopicFollower implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TopicFollower.class.getName());

    private final String name;
    private final Properties props;
    private final List<String> fromStart;
    private final List<String> fromEnd;
    private final Consumer<ConsumerRecords<String, byte[]>> apply;
    private final Duration liveLookback;
    private final Runnable onCaughtUp;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> current;
    private volatile boolean caughtUp;
    private volatile String failure;
    /** When the newest poll that has been applied began. */
    private volatile long appliedPollStartedAt = Long.MIN_VALUE;

    /**
     * @param fromStart  compacted topics: read whole, then followed
     * @param fromEnd    live topics: followed from now on (not waited for)
     * @param apply      called on the follower's thread for every record, in order per partition
     * @param onCaughtUp called once, when the compacted topics have been read to their end offsets
     */
    public TopicFollower(String name, String bootstrapServers, List<String> fromStart, List<String> fromEnd,
            Consumer<ConsumerRecord<String, byte[]>> apply, Runnable onCaughtUp) {
        this(name, bootstrapServers, fromStart, fromEnd, Duration.ZERO, records -> records.forEach(apply), onCaughtUp);
    }

    /**
     * @param liveLookback the live topics are read from this far back in time (by record timestamp), and caught up to
     *                     their end too; zero: from their end
     * @param applyPoll    called on the follower's thread with every poll's records (also an empty poll, every 200 ms
     *                     at the most, so it can do periodic work)
     */
    public TopicFollower(String name, String bootstrapServers, List<String> fromStart, List<String> fromEnd, Duration liveLookback,
            Consumer<ConsumerRecords<String, byte[]>> applyPoll, Runnable onCaughtUp) {
        this.name = name;
        this.fromStart = List.copyOf(fromStart);
        this.fromEnd = List.copyOf(fromEnd);
        this.apply = applyPoll;
        this.liveLookback = liveLookback;
        this.onCaughtUp = onCaughtUp;
        props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** The compacted topics were read to the end they had at start. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Why the follower is not reading right now, if it is not. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Waits until a poll begun after this call has been applied: what was written before the call is then known (up to
     * one poll's worth of backlog). False after {@code timeout}, or if the follower is not reading.
     */
    public boolean awaitCurrent(Duration timeout) throws InterruptedException {
        long asked = System.nanoTime();
        long deadline = asked + timeout.toNanos();
        while (appliedPollStartedAt - asked < 0) {
            if (!running || System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void run() {
        long backoff = 1000;
        while (running) {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
                current = consumer;
                if (!running) {
                    return;
                }
                List<TopicPartition> start = partitions(consumer, fromStart);
                List<TopicPartition> live = partitions(consumer, fromEnd);
                List<TopicPartition> all = new ArrayList<>(start);
                all.addAll(live);
                consumer.assign(all);
                // An empty collection would mean "every assigned partition" to both seeks.
                if (!start.isEmpty()) {
                    consumer.seekToBeginning(start);
                }
                List<TopicPartition> awaited = new ArrayList<>(start);
                if (!live.isEmpty() && liveLookback.isZero()) {
                    consumer.seekToEnd(live);
                } else if (!live.isEmpty()) {
                    seekBack(consumer, live);
                    awaited.addAll(live);
                }
                Map<TopicPartition, Long> end = consumer.endOffsets(awaited);
                failure = null;
                while (running) {
                    long pollStarted = System.nanoTime();
                    apply.accept(consumer.poll(Duration.ofMillis(200)));
                    appliedPollStartedAt = pollStarted;
                    if (!caughtUp && awaited.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                        caughtUp = true;
                        onCaughtUp.run();
                    }
                    backoff = 1000;
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                failure = "cannot read " + String.join(", ", fromStart) + (fromEnd.isEmpty() ? "" : ", " + String.join(", ", fromEnd))
                        + ": " + e.getMessage();
                LOG.log(Level.WARNING, "{0}: {1}; reading again in {2} s", name, failure, backoff / 1000.0);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(30_000, backoff * 2);
            }
        }
    }

    /** Live partitions from {@code liveLookback} ago (their end where nothing is that recent). */
    private void seekBack(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> live) {
        long since = System.currentTimeMillis() - liveLookback.toMillis();
        Map<TopicPartition, Long> query = new java.util.HashMap<>();
        live.forEach(tp -> query.put(tp, since));
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        for (TopicPartition tp : live) {
            var o = found.get(tp);
            if (o == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, o.offset());
            }
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, List<String> topics) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
            var infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + t + " does not exist");
            }
            infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        }
        return parts;
    }

    @Override
    public void close() {
        running = false;
        // A wakeup ends a poll cleanly; an interrupt would have the consumer log an error closing its fetcher.
        KafkaConsumer<String, byte[]> c = current;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(2000);
            if (thread.isAlive()) {
                thread.interrupt(); // asleep between attempts
                thread.join(3000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
