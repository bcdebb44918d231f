package io.seedcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ingest as deployed, with the ffmpeg executable as the broadcaster: RTMP and SRT in, chunks on a
 * real Kafka broker out, checked by reassembling them and asking ffprobe.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
class IngestServiceTest {

    @Inject
    IngestService service;

    @TestHTTPResource("/")
    URI base;

    final HttpClient http = HttpClient.newHttpClient();

    String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static Path tmp(String name) throws Exception {
        return Files.createTempDirectory("ingest-test").resolve(name);
    }

    String rtmp(String channel) {
        return "rtmp://127.0.0.1:" + service.rtmpPort() + "/live/" + IngestTestResources.key(channel);
    }

    String srt(String streamId, String extra) {
        return "srt://127.0.0.1:" + service.srtPort().orElseThrow() + "?streamid=" + streamId + extra;
    }

    static List<String> publish(double seconds, String format, String url) {
        List<String> args = new ArrayList<>(Ffmpeg.testSource(seconds, "600k"));
        args.addAll(List.of("-f", format, url));
        return args;
    }

    void awaitReady() throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!service.channels().caughtUp() || service.channels().size() < 7) {
            assertTrue(System.currentTimeMillis() < deadline, "channels never loaded");
            Thread.sleep(50);
        }
    }

    /** The one finished broadcast of {@code channel}: its batches up to the end marker. */
    static List<ChunkBatch> finishedBroadcast(String channel) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            List<String> ids = IngestTestResources.broadcastsOf(channel);
            if (ids.size() == 1) {
                List<ChunkBatch> b = IngestTestResources.batches(ids.getFirst());
                if (!b.isEmpty() && b.getLast().endOfBroadcast()) {
                    return b;
                }
            }
            assertTrue(ids.size() <= 1, "one broadcast for channel " + channel + ": " + ids);
            Thread.sleep(100);
        }
        throw new AssertionError("channel " + channel + "'s broadcast never ended: " + IngestTestResources.broadcastsOf(channel));
    }

    static List<Chunk> chunks(List<ChunkBatch> batches) {
        List<Chunk> out = new ArrayList<>();
        batches.forEach(b -> out.addAll(b.chunks()));
        for (int i = 0; i < out.size(); i++) {
            assertEquals(i, out.get(i).index(), "chunk numbering is continuous");
        }
        return out;
    }

    /** Writes the broadcast out and checks what ffprobe sees: H.264 and AAC of about {@code seconds}. */
    static void assertDecodes(List<Chunk> chunks, double seconds, double tolerance) throws Exception {
        Path ts = tmp("broadcast.ts");
        Files.write(ts, TsCheck.join(chunks));
        String streams = Ffmpeg.probe(ts, "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0");
        assertTrue(streams.contains("h264,video") && streams.contains("aac,audio"), streams);
        String duration = Ffmpeg.probe(ts, "-show_entries", "format=duration", "-of", "csv=p=0").strip();
        assertEquals(seconds, Double.parseDouble(duration), tolerance, "duration of what came out");
    }

    @Test
    void rtmpForTenSecondsBecomesChunksThatDecode() throws Exception {
        awaitReady();
        Path log = tmp("ffmpeg.log");
        assertEquals(0, Ffmpeg.run(publish(10, "flv", rtmp("a")), log, 60), () -> TsCheck.read(log));
        List<ChunkBatch> batches = finishedBroadcast("a");
        List<Chunk> chunks = chunks(batches);
        for (ChunkBatch b : batches) {
            assertTrue(b.chunks().size() <= 32, "a batch holds at most chunks-per-signature chunks");
            assertEquals("a", b.channelId());
        }
        assertTrue(chunks.size() > 500, "10 s at ~700 kbit/s is over 500 KiB: " + chunks.size());
        assertDecodes(chunks, 10.0, 0.5);
        TsCheck.assertKeyframeFlags(chunks, TsCheck.join(chunks));
        assertEquals(10, chunks.stream().filter(Chunk::keyframe).count(), "a keyframe a second");
        String metrics = get("/q/metrics");
        assertTrue(metrics.contains("seedcast_ingest_chunks_out_total"), "chunks-out metric");
        assertTrue(metrics.contains("seedcast_ingest_kafka_ack_seconds"), "Kafka ack latency metric");
    }

    @Test
    void wrongKeysAreRefusedOnRtmpAndSrt() throws Exception {
        awaitReady();
        Path log = tmp("wrong.log");
        long start = System.currentTimeMillis();
        int code = Ffmpeg.run(publish(5, "flv", "rtmp://127.0.0.1:" + service.rtmpPort() + "/live/not-a-key"), log, 30);
        assertNotEquals(0, code, "ffmpeg must fail on a wrong key");
        assertTrue(System.currentTimeMillis() - start < 5000, "refused at once, not after the media");
        Path srtLog = tmp("wrong-srt.log");
        assertNotEquals(0, Ffmpeg.run(publish(5, "mpegts", srt("%23!::r=live/not-a-key,m=publish", "")), srtLog, 30));
        assertTrue(TsCheck.read(srtLog).toLowerCase().contains("reject") || TsCheck.read(srtLog).contains("Connection"), TsCheck.read(srtLog));
        String metrics = get("/q/metrics");
        assertTrue(metrics.contains("seedcast_ingest_rejections_total{protocol=\"rtmp\",reason=\"unknown-key\"}"), "rtmp rejection counted");
        assertTrue(metrics.contains("seedcast_ingest_rejections_total{protocol=\"srt\",reason=\"unknown-key\"}"), "srt rejection counted");
        assertFalse(get("/api/publishers").contains("not-a-key"));
    }

    @Test
    void srtWithStreamIdWithAndWithoutPassphrase() throws Exception {
        awaitReady();
        Path plain = tmp("srt.log");
        Process b = Ffmpeg.start(publish(4, "mpegts", srt("%23!::r=live/" + IngestTestResources.key("b") + ",m=publish", "")), plain);
        Path encrypted = tmp("srt-pass.log");
        Process c = Ffmpeg.start(publish(4, "mpegts", srt("live/" + IngestTestResources.key("c"),
                "&passphrase=" + IngestTestResources.PASSPHRASE_C.replace(" ", "%20") + "&pbkeylen=32")), encrypted);
        Path missing = tmp("srt-nopass.log");
        int noPassphrase = Ffmpeg.run(publish(2, "mpegts", srt(IngestTestResources.key("c"), "")), missing, 30);
        assertNotEquals(0, noPassphrase, "channel c needs its passphrase");
        assertTrue(b.waitFor(60, TimeUnit.SECONDS) && c.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, b.exitValue(), () -> TsCheck.read(plain));
        assertEquals(0, c.exitValue(), () -> TsCheck.read(encrypted));
        for (String channel : List.of("b", "c")) {
            List<Chunk> chunks = chunks(finishedBroadcast(channel));
            assertDecodes(chunks, 4.0, 0.6);
            TsCheck.assertKeyframeFlags(chunks, TsCheck.join(chunks));
        }
    }

    @Test
    void twoPublishersAtOnceAndAKilledPublisherKeepsItsNumbering() throws Exception {
        awaitReady();
        Path eLog = tmp("e.log");
        Process e = Ffmpeg.start(publish(5, "flv", rtmp("e")), eLog);
        Path dLog = tmp("d.log");
        Process d = Ffmpeg.start(publish(30, "flv", rtmp("d")), dLog);
        Thread.sleep(3000);
        d.destroyForcibly().waitFor();
        String live = get("/api/publishers");
        assertTrue(live.contains("\"channelId\":\"d\""), live);
        Thread.sleep(500);
        Path dLog2 = tmp("d2.log");
        assertEquals(0, Ffmpeg.run(publish(3, "flv", rtmp("d")), dLog2, 60), () -> TsCheck.read(dLog2));
        assertTrue(e.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, e.exitValue(), () -> TsCheck.read(eLog));
        List<Chunk> d1 = chunks(finishedBroadcast("d"));
        assertTrue(d1.size() > 150, "both sessions' chunks in one broadcast: " + d1.size());
        assertDecodes(chunks(finishedBroadcast("e")), 5.0, 0.5);
        assertTrue(get("/q/metrics").contains("seedcast_ingest_reconnects_total"), "reconnect counted");
    }

    @Test
    void aSecondPublisherOnALiveKeyTakesOver() throws Exception {
        awaitReady();
        Path firstLog = tmp("first.log");
        Process first = Ffmpeg.start(publish(30, "flv", rtmp("g")), firstLog);
        Thread.sleep(2500);
        Path secondLog = tmp("second.log");
        assertEquals(0, Ffmpeg.run(publish(3, "flv", rtmp("g")), secondLog, 60), () -> TsCheck.read(secondLog));
        assertTrue(first.waitFor(10, TimeUnit.SECONDS), "the first publisher was disconnected");
        assertNotEquals(0, first.exitValue());
        List<Chunk> chunks = chunks(finishedBroadcast("g"));
        assertTrue(chunks.size() > 100, "one broadcast across both: " + chunks.size());
        assertTrue(get("/q/metrics").contains("seedcast_ingest_takeovers_total 1.0"), "takeover counted");
    }

    @Test
    void garbageHalfHandshakesAndHugeChunkSizesCloseOnlyTheirConnection() throws Exception {
        awaitReady();
        Path log = tmp("f.log");
        Process f = Ffmpeg.start(publish(5, "flv", rtmp("f")), log);
        Thread.sleep(1000);
        int port = service.rtmpPort();
        // Garbage: not RTMP version 3.
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
            s.getOutputStream().write(new byte[2000]);
            assertEquals(-1, s.getInputStream().read(), "closed after garbage");
        }
        // Half a handshake, then silence: closed by the idle timeout (2 s in this test).
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(3);
            s.getOutputStream().write(new byte[700]);
            long t = System.currentTimeMillis();
            assertEquals(-1, drain(s.getInputStream()), "closed after a half handshake");
            assertTrue(System.currentTimeMillis() - t < 9000);
        }
        // A whole handshake, then Set Chunk Size 2^31-1.
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(3);
            out.write(new byte[1536]);
            InputStream in = s.getInputStream();
            in.readNBytes(1 + 1536 + 1536);
            out.write(new byte[1536]);
            out.write(new byte[] {0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            assertEquals(-1, drain(in), "closed after an oversized chunk size");
        }
        assertTrue(f.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, f.exitValue(), () -> TsCheck.read(log));
        assertDecodes(chunks(finishedBroadcast("f")), 5.0, 0.5);
        assertTrue(get("/q/metrics").contains("seedcast_ingest_rejections_total{protocol=\"rtmp\",reason=\"protocol-error\"}"));
    }

    static int drain(InputStream in) throws Exception {
        int r;
        byte[] b = new byte[4096];
        while ((r = in.read(b)) > 0) {
            // what the server said before closing
        }
        return r;
    }
}
