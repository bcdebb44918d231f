package io.seedcast.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.pipeline.TopicFollower;
import io.seedcast.pipeline.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The services' one way of keeping state from Kafka, on a real broker. */
class TopicFollowerTest {

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, what);
            Thread.sleep(20);
        }
    }

    @Test
    void readsACompactedTopicWholeThenFollowsItAndNeverDiesQuietly() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(); KafkaProducer<String, byte[]> producer = kafka.producer()) {
            for (String k : List.of("a", "b", "c")) {
                producer.send(new ProducerRecord<>(Topics.CHANNELS, k, k.getBytes(StandardCharsets.UTF_8))).get();
            }
            producer.send(new ProducerRecord<>(Topics.CHANNELS, "b", null)).get(); // a tombstone
            Map<String, String> state = new ConcurrentHashMap<>();
            AtomicBoolean poisonOnce = new AtomicBoolean(true);
            AtomicBoolean sawFailure = new AtomicBoolean();
            int[] caughtUpAt = {-1};
            TopicFollower[] holder = new TopicFollower[1];
            try (TopicFollower f = new TopicFollower("test-follower", kafka.bootstrap(), List.of(Topics.CHANNELS), List.of(Topics.SIGNED), r -> {
                if (r.key().equals("c") && poisonOnce.getAndSet(false)) {
                    // A bug or a bad record on the first pass: the follower must say so and read again, not die.
                    throw new IllegalStateException("poison");
                }
                if (r.value() == null) {
                    state.remove(r.key());
                } else {
                    state.put(r.key(), new String(r.value(), StandardCharsets.UTF_8));
                }
            }, () -> caughtUpAt[0] = state.size())) {
                holder[0] = f;
                await(() -> {
                    if (holder[0].failure().isPresent()) {
                        sawFailure.set(true);
                    }
                    return f.caughtUp();
                }, "caught up");
                assertTrue(sawFailure.get(), "the failure was reported (readiness DOWN) while it lasted");
                assertEquals(Map.of("a", "a", "c", "c"), state, "the whole topic, tombstone applied");
                assertEquals(2, caughtUpAt[0]);
                assertTrue(f.failure().isEmpty(), "reading again after the failure");
                producer.send(new ProducerRecord<>(Topics.CHANNELS, "d", "d".getBytes(StandardCharsets.UTF_8))).get();
                await(() -> state.containsKey("d"), "a record written later is followed");
            }
        }
    }
}
