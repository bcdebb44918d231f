package io.seedcast.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seedcast.ingest.IngestMetrics;
import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.ppspp.Bytes;
import java.time.Duration;
import io.seedcast.testing.LogCapture;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Batching by size and age, the end marker, and what happens when Kafka stops acknowledging. */
class ChunkProducerTest {

    static final class Stream implements ChunkProducer.Stream {
        final List<String> stalls = new CopyOnWriteArrayList<>();

        public String channelId() {
            return "ch";
        }

        public String broadcastId() {
            return "ch-1";
        }

        public int chunksPerSignature() {
            return 4;
        }

        public void kafkaStalled(String reason) {
            stalls.add(reason);
        }
    }

    static Chunk chunk(long i) {
        return new Chunk(i, System.currentTimeMillis() * 1000, false, Bytes.of(new byte[1024]));
    }

    static List<ChunkBatch> sent(MockProducer<String, byte[]> p) {
        return p.history().stream().map(r -> {
            try {
                assertEquals("ch-1", r.key(), "keyed by broadcast id");
                return ChunkBatch.decode(r.value());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void fullBatchesGoAtOnceAndAPartialOneAfterTheFlushInterval() throws Exception {
        MockProducer<String, byte[]> mock = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());
        try (ChunkProducer p = new ChunkProducer(mock, Duration.ofMillis(20), Duration.ofSeconds(30), metrics)) {
            Stream s = new Stream();
            for (int i = 0; i < 9; i++) {
                p.add(s, chunk(i));
            }
            assertEquals(List.of(4, 4), sent(mock).stream().map(b -> b.chunks().size()).toList(), "two full batches at once");
            Thread.sleep(200);
            assertEquals(List.of(4, 4, 1), sent(mock).stream().map(b -> b.chunks().size()).toList(), "the ninth after 20 ms");
            p.end(s);
            ChunkBatch last = sent(mock).getLast();
            assertTrue(last.endOfBroadcast() && last.chunks().isEmpty(), "end marker");
            assertEquals(9.0, metrics.chunksOut.count());
            assertTrue(s.stalls.isEmpty());
        }
    }

    @Test
    void kafkaNotAcknowledgingDisconnectsAfterTheLimitAndLosesNothing() throws Exception {
        MockProducer<String, byte[]> mock = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());
        try (ChunkProducer p = new ChunkProducer(mock, Duration.ofMillis(20), Duration.ofMillis(300), metrics)) {
            Stream s = new Stream();
            for (int i = 0; i < 8; i++) {
                p.add(s, chunk(i));
            }
            Thread.sleep(150);
            assertTrue(s.stalls.isEmpty(), "within the buffer limit nothing happens");
            Thread.sleep(400);
            assertEquals(1, s.stalls.size(), "told once: " + s.stalls);
            assertTrue(s.stalls.getFirst().contains("has not acknowledged"), s.stalls.getFirst());
            // Kafka comes back: everything buffered is delivered, in order.
            while (mock.completeNext()) {
                // acknowledge all
            }
            List<ChunkBatch> batches = sent(mock);
            assertEquals(List.of(0L, 4L), batches.stream().map(b -> b.chunks().getFirst().index()).toList());
            assertEquals(8.0, metrics.chunksOut.count());
        }
    }

    @Test
    void aRefusedBatchIsReportedLoudly() throws Exception {
        MockProducer<String, byte[]> mock = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        try (LogCapture log = new LogCapture(); ChunkProducer p = new ChunkProducer(mock, Duration.ofMillis(20), Duration.ofSeconds(30),
                new IngestMetrics(new SimpleMeterRegistry()))) {
            Stream s = new Stream();
            for (int i = 0; i < 4; i++) {
                p.add(s, chunk(i));
            }
            mock.errorNext(new org.apache.kafka.common.errors.TimeoutException("delivery timed out"));
            assertEquals(1, s.stalls.size());
            assertTrue(log.contains("ChunkProducer: Kafka refused 4 chunks of broadcast ch-1 (0..3)"), log.toString());
        }
    }
}
