package io.seedcast.ingest;

import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seedcast.ingest.broadcast.Broadcasts;
import io.seedcast.ingest.channels.ChannelDirectory;
import io.seedcast.ingest.kafka.ChunkProducer;
import io.seedcast.ingest.rtmp.RtmpServer;
import io.seedcast.kafka.EmbeddedKafka;
import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./seedcast ingest-load N...}: N concurrent 6 Mbit/s RTMP publishers (ffmpeg copying a
 * pre-encoded file in a loop, so encoding costs nothing) into ingest on a real in-process broker, for
 * 20 s each round. Prints publishers held, ingest's CPU, and chunk cut -> Kafka ack p50/p99.
 */
public final class IngestLoad {

    public static void main(String[] args) throws Exception {
        List<Integer> rounds = new ArrayList<>();
        for (String a : args) {
            rounds.add(Integer.parseInt(a));
        }
        if (rounds.isEmpty()) {
            rounds = List.of(1, 2, 4, 8);
        }
        int seconds = Integer.getInteger("seconds", 20);
        Path dir = Files.createTempDirectory("ingest-load");
        Path source = dir.resolve("6mbit.flv");
        List<String> encode = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30:duration=10",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=10",
                "-c:v", "libopenh264", "-b:v", "6M", "-maxrate", "6M", "-g", "60", "-c:a", "aac", "-b:a", "128k", "-f", "flv", source.toString()));
        System.out.println("encoding a 10 s 6 Mbit/s source once...");
        if (Ffmpeg.run(encode, dir.resolve("encode.log"), 600) != 0) {
            throw new IllegalStateException(Files.readString(dir.resolve("encode.log")));
        }
        long bytes = Files.size(source);
        System.out.printf("source: %.2f Mbit/s%n", bytes * 8 / 10.0 / 1e6);
        try (EmbeddedKafka kafka = new EmbeddedKafka()) {
            int max = rounds.stream().mapToInt(Integer::intValue).max().orElse(1);
            try (KafkaProducer<String, byte[]> p = kafka.producer()) {
                for (int i = 0; i < max; i++) {
                    String id = "load" + i;
                    p.send(new ProducerRecord<>(Topics.CHANNELS, id, new ChannelRecord(id, id, List.of((io.seedcast.pipeline.StreamKeys.hash("key-" + id))),
                            SwarmParameters.defaults(Profile.RFC7574)).encode())).get();
                }
            }
            System.out.printf("ingest + broker JVM CPU in cores; machine CPU over all %d cores (the ffmpeg publishers run here too)%n",
                    Runtime.getRuntime().availableProcessors());
            System.out.println("| publishers | held | ingest+broker CPU (cores) | machine CPU | chunks/s to Kafka | Mbit/s in | cut -> ack p50 | p99 |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (int n : rounds) {
                round(kafka, n, seconds, source, dir);
            }
        }
        System.exit(0);
    }

    static void round(EmbeddedKafka kafka, int n, int seconds, Path source, Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IngestMetrics metrics = new IngestMetrics(registry);
        Vertx vertx = Vertx.vertx();
        try (ChannelDirectory channels = new ChannelDirectory(kafka.bootstrap());
                ChunkProducer producer = ChunkProducer.create(kafka.bootstrap(), Duration.ofMillis(20), Duration.ofSeconds(30), metrics);
                Broadcasts broadcasts = new Broadcasts(channels, producer, metrics, Duration.ofSeconds(2));
                RtmpServer rtmp = new RtmpServer(vertx, broadcasts, metrics, "127.0.0.1", 0, Duration.ofSeconds(20)).listen()) {
            while (!channels.caughtUp()) {
                Thread.sleep(50);
            }
            List<Process> publishers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                publishers.add(Ffmpeg.start(List.of("-re", "-stream_loop", "-1", "-i", source.toString(), "-c", "copy", "-t", Integer.toString(seconds),
                        "-f", "flv", "rtmp://127.0.0.1:" + rtmp.port() + "/live/key-load" + i), dir.resolve("pub" + i + ".log")));
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Thread.sleep(3000);
            long cpu0 = os.getProcessCpuTime();
            long[] machine0 = machineTicks();
            long t0 = System.nanoTime();
            double chunks0 = metrics.chunksOut.count();
            double bytes0 = metrics.bytesIn.count();
            Thread.sleep((seconds - 6) * 1000L);
            long wall = System.nanoTime() - t0;
            double cpu = (os.getProcessCpuTime() - cpu0) / (double) wall;
            long[] machine1 = machineTicks();
            double machine = (machine1[0] - machine0[0]) / (double) Math.max(1, machine1[1] - machine0[1]);
            double chunksPerSec = (metrics.chunksOut.count() - chunks0) / (wall / 1e9);
            double mbit = (metrics.bytesIn.count() - bytes0) * 8 / (wall / 1e9) / 1e6;
            int held = 0;
            for (Process p : publishers) {
                p.waitFor(seconds + 30L, TimeUnit.SECONDS);
                held += p.exitValue() == 0 ? 1 : 0;
            }
            double p50 = 0;
            double p99 = 0;
            for (ValueAtPercentile v : metrics.kafkaAck.takeSnapshot().percentileValues()) {
                if (v.percentile() == 0.5) {
                    p50 = v.value(TimeUnit.MILLISECONDS);
                } else if (v.percentile() == 0.99) {
                    p99 = v.value(TimeUnit.MILLISECONDS);
                }
            }
            System.out.printf("| %d | %d | %.2f | %.0f%% | %.0f | %.1f | %.1f ms | %.1f ms |%n", n, held, cpu, machine * 100, chunksPerSec, mbit, p50, p99);
        } finally {
            vertx.close();
        }
    }

    /** {busy, total} jiffies of all CPUs from /proc/stat; {0, 0} where there is none. */
    static long[] machineTicks() {
        try {
            String[] f = java.nio.file.Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (java.io.IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private IngestLoad() {
    }
}
