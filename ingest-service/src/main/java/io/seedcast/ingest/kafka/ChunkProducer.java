package io.seedcast.ingest.kafka;

import io.seedcast.ingest.IngestMetrics;
import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Batches each broadcast's chunks onto {@code seedcast.chunks}, keyed by broadcast id: a batch goes
 * when it holds the channel's chunks-per-signature or its first chunk is {@code flushAfter} old. The
 * producer is idempotent with acks=all, so a batch is written once and in order. While Kafka does not
 * acknowledge, chunks wait in the producer's buffer; when the oldest has waited {@code bufferLimit},
 * the broadcast is told ({@link Stream#kafkaStalled}) and its publisher is disconnected, loudly.
 * Nothing is dropped: what is buffered still goes when Kafka returns.
 */
public final class ChunkProducer implements AutoCloseable {

    /** One broadcast, as the producer sees it. */
    public interface Stream {
        String channelId();

        String broadcastId();

        int chunksPerSignature();

        /** Kafka has not acknowledged for too long (or refused): disconnect the publisher. */
        void kafkaStalled(String reason);
    }

    private final class Pending {
        final Stream stream;
        final List<Chunk> chunks = new ArrayList<>();
        long firstAtNanos;
        final ArrayDeque<Long> unackedSince = new ArrayDeque<>();
        boolean stalled;

        Pending(Stream stream) {
            this.stream = stream;
        }
    }

    private final Producer<String, byte[]> producer;
    private final long flushAfterNanos;
    private final long bufferLimitNanos;
    private final IngestMetrics metrics;
    private static final Logger LOG = Logger.getLogger(ChunkProducer.class);
    private final Set<Pending> streams = ConcurrentHashMap.newKeySet();
    private final java.util.Map<Stream, Pending> byStream = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService ticker;

    public ChunkProducer(Producer<String, byte[]> producer, Duration flushAfter, Duration bufferLimit, IngestMetrics metrics) {
        this.producer = producer;
        this.flushAfterNanos = flushAfter.toNanos();
        this.bufferLimitNanos = bufferLimit.toNanos();
        this.metrics = metrics;
        this.ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("seedcast-ingest-batcher").daemon().unstarted(r));
        long period = Math.max(1, Math.min(5, flushAfter.toMillis() / 4));
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /** The producer settings the issue asks for: idempotent, acks=all, linger at most 5 ms. */
    public static Properties producerProperties(String bootstrapServers, Duration bufferLimit) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L * 1024 * 1024));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        // Kafka retries until well past our own buffer limit: the stall is ours to report first.
        long delivery = Math.max(120_000, bufferLimit.toMillis() * 4);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "seedcast-ingest");
        return p;
    }

    public static ChunkProducer create(String bootstrapServers, Duration flushAfter, Duration bufferLimit, IngestMetrics metrics) {
        return new ChunkProducer(new KafkaProducer<>(producerProperties(bootstrapServers, bufferLimit)), flushAfter, bufferLimit, metrics);
    }

    private Pending pending(Stream s) {
        return byStream.computeIfAbsent(s, k -> {
            Pending p = new Pending(k);
            streams.add(p);
            return p;
        });
    }

    public void add(Stream s, Chunk c) {
        Pending p = pending(s);
        synchronized (p) {
            if (p.chunks.isEmpty()) {
                p.firstAtNanos = System.nanoTime();
            }
            p.chunks.add(c);
            if (p.chunks.size() >= s.chunksPerSignature()) {
                send(p, false);
            }
        }
    }

    /** Sends what is pending and the end marker; the broadcast is over. */
    public void end(Stream s) {
        Pending p = pending(s);
        synchronized (p) {
            send(p, true);
        }
        byStream.remove(s);
        streams.remove(p);
    }

    /** Chunks cut and not yet acknowledged, for the publishers view. */
    public int unacknowledgedBatches(Stream s) {
        Pending p = byStream.get(s);
        if (p == null) {
            return 0;
        }
        synchronized (p) {
            return p.unackedSince.size();
        }
    }

    private void tick() {
        long now = System.nanoTime();
        for (Pending p : streams) {
            String stall = null;
            synchronized (p) {
                if (!p.chunks.isEmpty() && now - p.firstAtNanos >= flushAfterNanos) {
                    send(p, false);
                }
                Long oldest = p.unackedSince.peekFirst();
                if (oldest != null && now - oldest > bufferLimitNanos && !p.stalled) {
                    p.stalled = true;
                    stall = "Kafka has not acknowledged chunks of broadcast " + p.stream.broadcastId() + " for "
                            + TimeUnit.NANOSECONDS.toSeconds(now - oldest) + " s (buffer limit " + TimeUnit.NANOSECONDS.toSeconds(bufferLimitNanos)
                            + " s); what is buffered goes when Kafka is back";
                }
            }
            if (stall != null) {
                p.stream.kafkaStalled(stall);
            }
        }
    }

    private void send(Pending p, boolean end) {
        if (p.chunks.isEmpty() && !end) {
            return;
        }
        Stream s = p.stream;
        ChunkBatch batch = new ChunkBatch(s.channelId(), s.broadcastId(), p.chunks, end);
        p.chunks.clear();
        long sentAt = System.nanoTime();
        p.unackedSince.addLast(sentAt);
        try {
            producer.send(new ProducerRecord<>(Topics.CHUNKS, s.broadcastId(), batch.encode()), (md, e) -> acked(p, batch, e));
        } catch (RuntimeException e) {
            acked(p, batch, e);
        }
    }

    private void acked(Pending p, ChunkBatch batch, Exception e) {
        String stall = null;
        synchronized (p) {
            p.unackedSince.pollFirst();
            if (e != null) {
                stall = "Kafka refused " + batch.chunks().size() + " chunks of broadcast " + batch.broadcastId()
                        + (batch.chunks().isEmpty() ? "" : " (" + batch.chunks().getFirst().index() + ".." + batch.chunks().getLast().index() + ")")
                        + ": " + e.getMessage();
                p.stalled = true;
            } else if (p.unackedSince.isEmpty()) {
                p.stalled = false;
            }
        }
        if (stall != null) {
            LOG.warn(stall);
            p.stream.kafkaStalled(stall);
            return;
        }
        long now = System.currentTimeMillis() * 1000;
        for (Chunk c : batch.chunks()) {
            metrics.kafkaAck.record(Math.max(0, now - c.ingestMicros()), TimeUnit.MICROSECONDS);
        }
        metrics.chunksOut.increment(batch.chunks().size());
    }

    @Override
    public void close() {
        ticker.shutdown();
        for (Pending p : streams) {
            synchronized (p) {
                send(p, false);
            }
        }
        producer.close(Duration.ofSeconds(10));
    }
}
