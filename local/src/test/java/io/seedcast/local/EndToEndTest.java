package io.seedcast.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.engine.EngineConfig;
import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.engine.PeerEngine;
import io.seedcast.tracker.SwarmMetadata;
import io.seedcast.tracker.TrackerClient;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path as a user meets it: the cluster as ./seedcast up starts it (Kafka in-process, the
 * four services as processes from their built apps), ffmpeg broadcasting 20 s over RTMP (and over
 * SRT), viewers joining through the signed metadata URL. Asserted: what a viewer outputs is exactly
 * what ingest cut from its join point on, it decodes, and a later viewer, finding the first at the tracker, gets data from it.
 */
class EndToEndTest {

    static final String BITRATE = System.getProperty("seedcast.e2e.bitrate", "1M");
    static LocalCluster cluster;
    static Path state;

    @BeforeAll
    static void up() throws Exception {
        state = Files.createTempDirectory("seedcast-e2e");
        Path root = Path.of(System.getProperty("seedcast.root", "..")).toAbsolutePath().normalize();
        cluster = new LocalCluster(root, state, LocalCluster.Ports.offset(20000), m -> System.out.println("[e2e] " + m))
                .ingestGrace(Duration.ofSeconds(2)).start(Map.of());
        System.out.printf("[e2e] cluster ready in %.1f s; services' resident memory %d MiB%n", cluster.readyMillis() / 1000.0, cluster.servicesRssBytes() >> 20);
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            cluster.close();
        }
    }

    record Received(byte[] data, long atMicros) {
    }

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    void broadcastAndWatch(String channelName, Map<String, String> settings, boolean srt) throws Exception {
        LocalCluster.Channel channel = cluster.ensureChannel(channelName, settings);
        Path log = state.resolve(channelName + "-ffmpeg.log");
        String url = srt ? cluster.srtUrl(channel) : cluster.rtmpUrl(channel);
        List<String> args = new ArrayList<>(Ffmpeg.testBroadcast(20, BITRATE, srt ? "mpegts" : "flv", url));
        args.set(args.indexOf("testsrc2=size=1280x720:rate=30:duration=20.0"), "testsrc2=size=640x360:rate=30:duration=20.0");
        Process publisher = Ffmpeg.start(args, log);
        HttpClient http = HttpClient.newHttpClient();
        String metadataJson = null;
        // The swarm appears with the first signed chunks; the seeder registers with the tracker just after.
        for (int i = 0; i < 300 && (metadataJson == null || LocalCluster.JSON.readTree(metadataJson).findValue("seeders") == null || LocalCluster.JSON.readTree(metadataJson).findValue("seeders").isEmpty()); i++) {
            metadataJson = get(http, cluster.metadataUrl(channel));
            Thread.sleep(100);
        }
        assertTrue(metadataJson != null, "the channel got a swarm: " + Files.readString(log));
        var keys = SwarmMetadata.keySet(get(http, "http://127.0.0.1:" + cluster.ports().injector() + "/.well-known/seedcast/keys.json"), Instant.now());
        SwarmMetadata.Verified meta = SwarmMetadata.verify(metadataJson, keys);
        String broadcastId = LocalCluster.JSON.readTree(metadataJson).findValue("broadcast").asText();
        List<InetSocketAddress> seeders = new ArrayList<>();
        for (String s : meta.seeders()) {
            int colon = s.lastIndexOf(':');
            seeders.add(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
        }
        assertTrue(!seeders.isEmpty(), "the metadata names the seeder");

        ConcurrentSkipListMap<Long, Received> first = new ConcurrentSkipListMap<>();
        ConcurrentSkipListMap<Long, Received> second = new ConcurrentSkipListMap<>();
        try (PeerEngine e1 = PeerEngine.start(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
                PeerEngine e2 = PeerEngine.start(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)))) {
            // Both viewers do what seedcast-peer does: the metadata's seeders, and the other viewers from the tracker.
            LiveSwarm v1 = watch(e1, meta, seeders, (i, d) -> first.put(i, new Received(d, nowMicros())));
            Thread.sleep(6000);
            LiveSwarm v2 = watch(e2, meta, seeders, (i, d) -> second.put(i, new Received(d, nowMicros())));
            assertTrue(publisher.waitFor(90, TimeUnit.SECONDS), "ffmpeg finished");
            assertEquals(0, publisher.exitValue(), () -> read(log));
            // The broadcast's end marker follows after ingest's reconnect grace: wait for what ingest cut to be read.
            List<Chunk> cut = awaitEnd(broadcastId);
            long last = cut.getLast().index();
            long deadline = System.currentTimeMillis() + 30_000;
            while ((first.isEmpty() || first.lastKey() < last || second.isEmpty() || second.lastKey() < last) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            long from = first.firstKey();
            assertEquals(last - from + 1, first.size(), "the first viewer has every chunk from its join point (" + from + ") to the end (" + last + ")");
            ByteArrayOutputStream viewed = new ByteArrayOutputStream();
            first.values().forEach(r -> viewed.writeBytes(r.data()));
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            cut.stream().filter(c -> c.index() >= from).forEach(c -> expected.writeBytes(c.data().toArray()));
            assertArrayEquals(expected.toByteArray(), viewed.toByteArray(), "the viewer's bytes are ingest's chunks from its join point on");
            assertEquals(last, second.lastKey(), "the second viewer reached the end too");
            long p2p = v1.stats().bytesOut.get();
            long fromPeers = v2.stats().bytesFromPeers.get();
            long total = v2.stats().bytesIn.get();
            assertTrue(p2p > 0 && fromPeers > 0, "the second viewer got data from the first (viewer 1 served " + p2p + " bytes, viewer 2 took "
                    + fromPeers + " of " + total + " bytes from peers)");

            Path out = state.resolve(channelName + ".ts");
            Files.write(out, viewed.toByteArray());
            String streams = probe(out, "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0");
            assertTrue(streams.contains("h264,video") && streams.contains("aac,audio"), streams);

            Map<Long, Long> ingestAt = new TreeMap<>();
            cut.forEach(c -> ingestAt.put(c.index(), c.ingestMicros()));
            long[] lat = first.entrySet().stream().mapToLong(e -> e.getValue().atMicros() - ingestAt.get(e.getKey())).sorted().toArray();
            System.out.printf("[e2e] %s over %s, %s, %s: viewer 1 joined at chunk %d, %d chunks to %d; ingest -> verified at viewer p50 %.0f ms, p99 %.0f ms; "
                            + "peer-to-peer: viewer 1 served %d bytes, viewer 2 took %.0f%% of its bytes from peers%n",
                    channelName, srt ? "SRT" : "RTMP", meta.parameters().integrity(), BITRATE, from, first.size(), last,
                    lat[lat.length / 2] / 1000.0, lat[(int) (lat.length * 0.99)] / 1000.0, p2p, 100.0 * fromPeers / total);
        }
    }

    @Test
    void theDashboardsPlayerPlaysAViewersVerifiedStreamInABrowser() throws Exception {
        LocalCluster.Channel channel = cluster.ensureChannel("browser", Map.of());
        List<String> args = new ArrayList<>(Ffmpeg.testBroadcast(45, BITRATE, "flv", cluster.rtmpUrl(channel)));
        args.set(args.indexOf("testsrc2=size=1280x720:rate=30:duration=45.0"), "testsrc2=size=640x360:rate=30:duration=45.0");
        List<Process> processes = new ArrayList<>();
        processes.add(Ffmpeg.start(args, state.resolve("browser-ffmpeg.log")));
        try {
            SeedcastUp.awaitSwarm(cluster.metadataUrl(channel));
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String base = "http://127.0.0.1:" + port;
            Path root = Path.of(System.getProperty("seedcast.root", "..")).toAbsolutePath().normalize();
            String java = ProcessHandle.current().info().command().orElse("java");
            long joined = System.nanoTime();
            processes.add(new ProcessBuilder(java, "-jar", root.resolve("peer/target/seedcast-peer.jar").toString(), "join", "--metadata",
                    cluster.metadataUrl(channel), "--http", "127.0.0.1:" + port).redirectErrorStream(true)
                    .redirectOutput(state.resolve("browser-viewer.log").toFile()).start());
            HttpClient http = HttpClient.newHttpClient();
            String playlist = null;
            while (playlist == null) {
                assertTrue(System.nanoTime() - joined < 30_000_000_000L, "a playlist within 30 s: " + read(state.resolve("browser-viewer.log")));
                try {
                    playlist = get(http, base + "/live.m3u8");
                } catch (java.io.IOException e) {
                    Thread.sleep(100); // the viewer is starting
                }
            }
            double firstSegment = (System.nanoTime() - joined) / 1e9;
            String page = cluster.watchPageUrl(base + "/live.m3u8");
            long opened = System.nanoTime();
            try (HeadlessChromium chrome = new HeadlessChromium(page, state.resolve("chromium-profile"), state.resolve("chromium.log"))) {
                double first = -1;
                double firstAt = -1;
                double t = 0;
                long deadline = System.nanoTime() + 40_000_000_000L;
                while (System.nanoTime() < deadline && (first < 0 || t < first + 5)) {
                    Thread.sleep(500);
                    String json = chrome.eval("document.getElementById('video') ? JSON.stringify({t: document.getElementById('video').currentTime, "
                            + "e: window.seedcastError || null}) : ''").asText();
                    if (json.isEmpty()) {
                        continue; // the page is still loading
                    }
                    var v = LocalCluster.JSON.readTree(json);
                    assertTrue(v.path("e").isNull(), "the player failed: " + v);
                    t = v.path("t").asDouble();
                    if (first < 0 && t > 0) {
                        first = t;
                        firstAt = (System.nanoTime() - opened) / 1e9;
                    }
                }
                assertTrue(first >= 0, "the video element never played: " + read(state.resolve("chromium.log")));
                assertTrue(t >= first + 5, "currentTime advances: from " + first + " to " + t);
                String status = chrome.eval("document.getElementById('status').textContent").asText();
                assertTrue(status.contains("verified") && status.contains("rejected 0"), "the page shows the viewer's status: " + status);
                System.out.printf("[e2e] browser: join -> first HLS segment servable %.2f s; page opened -> first frame playing %.2f s;"
                        + " currentTime %.1f -> %.1f s; page status: %s%n", firstSegment, firstAt, first, t, status);
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /** Joins as seedcast-peer does: registers at the metadata's tracker (RFC 7846), seeders as seeds, other viewers as peers. */
    static LiveSwarm watch(PeerEngine engine, SwarmMetadata.Verified meta, List<InetSocketAddress> seeders, io.seedcast.ppspp.engine.ChunkSink sink)
            throws Exception {
        TrackerClient tracker = new TrackerClient(URI.create(meta.tracker()), TrackerClient.newPeerId());
        List<InetSocketAddress> viewers = new ArrayList<>();
        for (TrackerClient.Peer p : tracker.connect(engine.localAddress(), List.of(new TrackerClient.SwarmAction(meta.swarm().hex(), true, false)))) {
            if (!p.seeder() && !seeders.contains(p.address())) {
                viewers.add(p.address());
            }
        }
        System.out.printf("[e2e] viewer at %s: the tracker listed %d other viewer(s)%n", engine.localAddress(), viewers.size());
        LiveSwarm swarm = engine.join(meta.swarm(), meta.parameters(), seeders, sink);
        swarm.addPeers(viewers);
        // Engine calls are asynchronous: let the handshakes go out before anyone counts peers.
        Thread.sleep(500);
        return swarm;
    }

    static List<Chunk> awaitEnd(String broadcastId) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            List<ChunkBatch> batches = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : cluster.kafka().readAll(Topics.CHUNKS, Duration.ofMillis(500))) {
                if (broadcastId.equals(r.key())) {
                    batches.add(ChunkBatch.decode(r.value()));
                }
            }
            if (!batches.isEmpty() && batches.getLast().endOfBroadcast()) {
                List<Chunk> chunks = new ArrayList<>();
                batches.forEach(b -> chunks.addAll(b.chunks()));
                return chunks;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("broadcast " + broadcastId + " never ended");
    }

    static String probe(Path file, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("-v", "error"));
        a.addAll(List.of(args));
        a.add(file.toString());
        Process p = Ffmpeg.process("ffprobe", a).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void rtmpBroadcastUnifiedMerkleTree() throws Exception {
        broadcastAndWatch("e2e-rtmp", Map.of(), false);
    }

    @Test
    void srtBroadcastSignAll() throws Exception {
        broadcastAndWatch("e2e-srt", Map.of("integrity", "sign-all"), true);
    }
}
