package io.seedcast.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** What ingest counts, on whichever registry it is given (Quarkus's Prometheus one, or a simple one in tools). */
public final class IngestMetrics {

    private final MeterRegistry registry;
    public final AtomicInteger publishers = new AtomicInteger();
    public final AtomicInteger broadcasts = new AtomicInteger();
    public final Counter bytesIn;
    public final Counter chunksOut;
    public final Counter reconnects;
    public final Counter takeovers;
    public final Counter repairedTimestamps;
    public final Timer kafkaAck;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("seedcast.ingest.publishers", publishers, AtomicInteger::get).description("Publishers connected and publishing").register(registry);
        Gauge.builder("seedcast.ingest.broadcasts", broadcasts, AtomicInteger::get).description("Broadcasts live or in their reconnect grace period").register(registry);
        bytesIn = Counter.builder("seedcast.ingest.bytes.in").description("Media bytes received from publishers").baseUnit("bytes").register(registry);
        chunksOut = Counter.builder("seedcast.ingest.chunks.out").description("Chunks acknowledged by Kafka").register(registry);
        reconnects = Counter.builder("seedcast.ingest.reconnects").description("Publishers that came back within the grace period").register(registry);
        takeovers = Counter.builder("seedcast.ingest.takeovers").description("Publishers replaced by a new one on the same key").register(registry);
        repairedTimestamps = Counter.builder("seedcast.ingest.timestamps.repaired").description("Packets whose timestamps ran backwards and were pulled forward").register(registry);
        kafkaAck = Timer.builder("seedcast.ingest.kafka.ack").description("Chunk cut to Kafka acknowledgement")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofMinutes(5)).register(registry);
    }

    /** A refused or cut-off publisher, by reason: unknown-key, protocol-error, broken-media, kafka-unavailable, ... */
    public void rejected(String protocol, String reason) {
        Counter.builder("seedcast.ingest.rejections").description("Publishers refused or disconnected, by reason")
                .tag("protocol", protocol).tag("reason", reason).register(registry).increment();
    }

    public MeterRegistry registry() {
        return registry;
    }
}
