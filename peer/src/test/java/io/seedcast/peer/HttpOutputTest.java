package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A viewer serving its watch over HTTP, read by FFmpeg as any player would: {@code /live.ts} and {@code /live.m3u8}
 * carry video and audio that decode without an error, several clients at once; {@code /status} tells the watch's figures.
 * Prints join -> first segment servable, and how far the playlist's newest frame is behind the source's live edge.
 */
class HttpOutputTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static ProcessBuilder tool(Class<?> which, String... args) {
        Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
        String exe = Loader.load(which);
        List<String> cmd = new ArrayList<>(List.of(exe));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LD_LIBRARY_PATH", Path.of(exe).getParent().toString());
        return pb;
    }

    static String ffprobe(String... args) throws Exception {
        return KeyframeJoinTest.run(tool(org.bytedeco.ffmpeg.ffprobe.class, args));
    }

    static HttpResponse<byte[]> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The PTS (s) of the video frame the source is sending now, at {@code offset} bytes into the file. */
    static double ptsAt(byte[] ts, long offset) {
        TsPacket.Program program = new TsPacket.Program();
        long pts = -1;
        for (int p = 0; p + 188 <= ts.length && p < offset; p += 188) {
            program.see(ts, p);
            if (TsPacket.pid(ts, p) == program.videoPid) {
                long v = TsPacket.pts(ts, p);
                pts = v >= 0 ? Math.max(pts, v) : pts;
            }
        }
        return pts / 90_000.0;
    }

    @Test
    void playersReadTheVerifiedStreamAsTsAndHls() throws Exception {
        int seconds = 40;
        Path ts = dir.resolve("broadcast.ts");
        String made = KeyframeJoinTest.run(KeyframeJoinTest.ffmpeg("-hide_banner", "-nostdin", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                "-c:v", "libopenh264", "-b:v", "800k", "-g", "60", "-c:a", "aac", "-b:a", "96k", "-f", "mpegts", ts.toString()));
        byte[] source = Files.readAllBytes(ts);
        assertTrue(source.length > 100_000, "ffmpeg made a broadcast: " + made);
        long kbps = source.length * 8L / 1000 / seconds;
        Path idFile = dir.resolve("swarm.id");
        int port = SeedcastPeerTest.freePort();
        CountDownLatch stopSource = new CountDownLatch(1);
        Thread sourceThread = new Thread(() -> KeyframeJoinTest.peer(stopSource, "inject", "--listen", "127.0.0.1:" + port, "--input", ts.toString(),
                "--rate-kbps", String.valueOf(kbps), "--swarm-id-out", idFile.toString(), "--linger", "5"));
        sourceThread.start();
        CountDownLatch stopViewer = new CountDownLatch(1);
        Thread viewer = null;
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!Files.exists(idFile) || Files.size(idFile) == 0) {
                assertTrue(System.currentTimeMillis() < deadline, "inject wrote no swarm ID");
                Thread.sleep(20);
            }
            long sourceStarted = System.nanoTime();
            String swarm = Files.readString(idFile).trim();
            Thread.sleep(3000);
            int httpPort = SeedcastPeerTest.freePort();
            String base = "http://127.0.0.1:" + httpPort;
            AtomicReference<SeedcastPeerTest.Run> result = new AtomicReference<>();
            long joined = System.nanoTime();
            viewer = new Thread(() -> result.set(KeyframeJoinTest.peer(stopViewer, "join", "--swarm", swarm, "--peer", "127.0.0.1:" + port,
                    "--http", "127.0.0.1:" + httpPort, "--listen", "127.0.0.1:0")));
            viewer.start();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> playlist = null;
            while (playlist == null || playlist.statusCode() != 200) {
                assertTrue(System.nanoTime() - joined < 20_000_000_000L, "a playlist within 20 s");
                try {
                    playlist = get(http, base + "/live.m3u8");
                } catch (java.net.ConnectException e) {
                    Thread.sleep(50); // the viewer is still starting
                }
            }
            double firstSegmentSeconds = (System.nanoTime() - joined) / 1e9;
            Thread.sleep(6000);

            String m3u8 = new String(get(http, base + "/live.m3u8").body());
            List<String> segments = m3u8.lines().filter(l -> l.startsWith("segment-")).toList();
            assertTrue(segments.size() >= 2 && segments.size() <= 4, "a sliding window of 2-4 segments: " + m3u8);
            for (String l : m3u8.lines().filter(l -> l.startsWith("#EXTINF:")).toList()) {
                double d = Double.parseDouble(l.substring(8, l.indexOf(',')));
                assertEquals(2.0, d, 0.1, "segments are cut at the 2 s keyframes: " + m3u8);
            }
            byte[] newest = get(http, base + "/" + segments.getLast()).body();
            assertEquals(0, TsPacket.pid(newest, 0), "a segment starts with the PAT");
            double sourceEdge = ptsAt(source, (System.nanoTime() - sourceStarted) / 1_000_000L * kbps / 8);
            TsPacket.Program program = new TsPacket.Program();
            long newestPts = -1;
            for (int p = 0; p + 188 <= newest.length; p += 188) {
                program.see(newest, p);
                if (TsPacket.pid(newest, p) == program.videoPid) {
                    newestPts = Math.max(newestPts, TsPacket.pts(newest, p));
                }
            }
            double behind = sourceEdge - newestPts / 90_000.0;

            // Two players at once, each for 4 s of the live stream.
            Path tsOut = dir.resolve("live-ts.log");
            Path hlsOut = dir.resolve("live-hls.log");
            Process a = tool(org.bytedeco.ffmpeg.ffmpeg.class, "-hide_banner", "-nostdin", "-v", "error", "-t", "4", "-i", base + "/live.ts", "-f", "null", "-")
                    .redirectErrorStream(true).redirectOutput(tsOut.toFile()).start();
            Process b = tool(org.bytedeco.ffmpeg.ffmpeg.class, "-hide_banner", "-nostdin", "-v", "error", "-t", "4", "-i", base + "/live.m3u8", "-f", "null", "-")
                    .redirectErrorStream(true).redirectOutput(hlsOut.toFile()).start();
            assertTrue(a.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && b.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "both players finished");
            assertEquals("", Files.readString(tsOut).strip(), "/live.ts decodes without an error");
            assertEquals("", Files.readString(hlsOut).strip(), "/live.m3u8 decodes without an error");
            String tsStreams = ffprobe("-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0", base + "/live.ts");
            assertTrue(tsStreams.contains("h264,video") && tsStreams.contains("aac,audio"), "/live.ts: " + tsStreams);
            String hlsStreams = ffprobe("-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0", base + "/live.m3u8");
            assertTrue(hlsStreams.contains("h264,video") && hlsStreams.contains("aac,audio"), "/live.m3u8: " + hlsStreams);

            JsonNode status = JSON.readTree(get(http, base + "/status").body());
            assertTrue(status.path("verified").asLong() > 0 && status.path("rejected").asLong() == 0, status.toString());
            assertEquals(0, status.path("httpClientsDropped").asLong(), status.toString());
            assertTrue(status.has("lagSeconds") && status.has("shareFromPeers") && status.path("peers").asLong() >= 1, status.toString());
            assertEquals(404, get(http, base + "/segment-999999.ts").statusCode());
            System.out.printf("HTTP output: join -> first segment servable %.2f s; playlist's newest frame %.2f s behind the source's live edge"
                    + " (tune-in 2.5 s + one 2 s segment being filled); /status lagSeconds %s%n", firstSegmentSeconds, behind, status.path("lagSeconds"));
        } finally {
            stopViewer.countDown();
            if (viewer != null) {
                viewer.join(10_000);
            }
            stopSource.countDown();
            sourceThread.join(10_000);
        }
    }
}
