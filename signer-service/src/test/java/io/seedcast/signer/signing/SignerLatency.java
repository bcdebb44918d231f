package io.seedcast.signer.signing;

import io.seedcast.kafka.EmbeddedKafka;
import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.SignedBatch;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.signer.keys.MasterKeyring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Load tool: one 6 Mbit/s stream through a real signer on an in-process Kafka broker, batched as
 * ingest batches (a flush at 32 chunks or 20 ms), for UMT and for Sign All. Prints the latency from
 * a chunk's ingest time to its signed batch being readable (read_committed), p50 and p99.
 * Run: {@code ./seedcast signer-latency [seconds]}.
 */
public final class SignerLatency {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        try (EmbeddedKafka kafka = new EmbeddedKafka()) {
            Path keys = Files.createTempDirectory("keys");
            byte[] k = new byte[32];
            new java.security.SecureRandom().nextBytes(k);
            Files.writeString(keys.resolve("k1"), Base64.getEncoder().encodeToString(k));
            Files.writeString(keys.resolve("active"), "k1");
            SignerLoop loop = new SignerLoop(new SignerSettings(kafka.bootstrap(), "seedcast-signer", "bench", Duration.ofMillis(5),
                    Duration.ofSeconds(10)), new MasterKeyring(keys), Clock.systemUTC(), new SignerMetrics());
            Thread t = new Thread(loop);
            t.setDaemon(true);
            t.start();
            while (!loop.isReady()) {
                Thread.sleep(20);
            }
            System.out.println("integrity | chunks after 2 s warm-up | ingest->signed p50 ms | p99 ms | max ms");
            run(kafka, "umt", SwarmParameters.defaults(Profile.RFC7574), seconds);
            run(kafka, "signall", SwarmParameters.defaults(Profile.RFC7574).withIntegrity(IntegrityMethod.SIGN_ALL), seconds);
            loop.close();
        }
    }

    static void run(EmbeddedKafka kafka, String name, SwarmParameters params, int seconds) throws Exception {
        Properties p = kafka.props();
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("acks", "all");
        p.put("linger.ms", "5");
        Properties c = kafka.props();
        c.put("group.id", "latency-" + name);
        c.put("isolation.level", "read_committed");
        c.put("auto.offset.reset", "latest");
        c.put("key.deserializer", StringDeserializer.class.getName());
        c.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        // The first 2 s (swarm creation, the first transactions) are warm-up, not the steady state.
        long steadyFromMicros = (System.currentTimeMillis() + 2000) * 1000;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p); KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(Topics.SIGNED));
            consumer.poll(Duration.ofMillis(500));
            producer.send(new ProducerRecord<>(Topics.CHANNELS, name, new ChannelRecord(name, name, List.of(), params).encode())).get();
            Thread reader = new Thread(() -> {
                long until = System.currentTimeMillis() + (seconds + 3) * 1000L;
                while (System.currentTimeMillis() < until) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.currentTimeMillis() * 1000;
                        try {
                            for (SignedBatch.SignedChunk ch : SignedBatch.decode(r.value()).chunks()) {
                                if (ch.ingestMicros() >= steadyFromMicros) {
                                    latencies.add(now - ch.ingestMicros());
                                }
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            });
            reader.start();
            // 6 Mbit/s of 1024-byte chunks: 732 chunks/s, flushed every 32 chunks or 20 ms.
            long periodNanos = 1024L * 8 * 1_000_000_000L / 6_000_000L;
            long start = System.nanoTime();
            long index = 0;
            List<Chunk> batch = new ArrayList<>();
            long lastFlush = System.nanoTime();
            byte[] data = new byte[1024];
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                long due = start + index * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                batch.add(new Chunk(index, System.currentTimeMillis() * 1000, index % 64 == 0, Bytes.of(data)));
                index++;
                if (batch.size() >= 32 || System.nanoTime() - lastFlush > 20_000_000) {
                    producer.send(new ProducerRecord<>(Topics.CHUNKS, "bench-" + name, new ChunkBatch(name, "bench-" + name, batch, false).encode()));
                    batch = new ArrayList<>();
                    lastFlush = System.nanoTime();
                }
            }
            reader.join();
            long[] sorted = List.copyOf(latencies).stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("%s | %d | %.1f | %.1f | %.1f%n", name, sorted.length, sorted[sorted.length / 2] / 1000.0,
                    sorted[(int) (sorted.length * 0.99)] / 1000.0, sorted[sorted.length - 1] / 1000.0);
        }
    }
}
