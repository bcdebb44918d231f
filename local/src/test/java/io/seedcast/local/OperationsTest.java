package io.seedcast.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator's jobs while a viewer (a seedcast-peer process) watches: a key rotation, the publisher dropping and
 * reconnecting with the same key (as OBS does on a network blip), a revocation. Asserted from the viewer's output with
 * ffprobe: the video's timestamps never go back, never skip a frame except by the time the publisher was away, and
 * nothing fails to decode; and the viewer's own totals describe the whole watch.
 */
class OperationsTest {

    static final Pattern SUMMARY = Pattern.compile("verified=(\\d+) rejected=(\\d+) lost=(\\d+) rerequested=\\d+ first_chunk_ms=-?\\d+ "
            + "bytes=(\\d+) first_output_ms=-?\\d+ skipped=(\\d+) successors=(\\d+) exact_splices=(\\d+) output_chunks=(\\d+)");
    static final double FRAME = 1 / 30.0;

    @Test
    void rotationReconnectAndRevocationLoseNoFrame() throws Exception {
        Path state = Files.createTempDirectory("seedcast-ops");
        Path root = Path.of(System.getProperty("seedcast.root", "..")).toAbsolutePath().normalize();
        List<Process> extras = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(root, state, LocalCluster.Ports.offset(22000), m -> System.out.println("[ops] " + m))
                .ingestGrace(Duration.ofSeconds(6)).start(Map.of())) {
            LocalCluster.Channel c = cluster.demo();
            Process first = publisher(cluster, c, 14, state.resolve("logs/publisher-1.log"));
            extras.add(first);
            SeedcastUp.awaitSwarm(cluster.metadataUrl(c));
            Path output = state.resolve("watch.ts");
            Path viewerLog = state.resolve("logs/viewer.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process viewer = new ProcessBuilder(java, "-jar", root.resolve("peer/target/seedcast-peer.jar").toString(), "join",
                    "--metadata", cluster.metadataUrl(c), "--output", output.toString(), "--duration", "40")
                    .redirectErrorStream(true).redirectOutput(viewerLog.toFile()).start();
            extras.add(viewer);
            Thread.sleep(6000);
            cluster.admin("POST", "/api/channels/" + c.id() + "/rotate", null);
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the first publisher finished");
            long away = System.nanoTime();
            Thread.sleep(2000);
            Process second = publisher(cluster, c, 16, state.resolve("logs/publisher-2.log"));
            long awayMillis = (System.nanoTime() - away) / 1_000_000;
            extras.add(second);
            Thread.sleep(9000);
            String swarm = cluster.admin("GET", "/api/channels/" + c.id() + "/swarm", null).path("metadata").path("swarmId").asText();
            cluster.admin("POST", "/api/swarms/" + swarm + "/revoke", null);
            assertTrue(second.waitFor(30, TimeUnit.SECONDS), "the second publisher finished");
            assertTrue(viewer.waitFor(40, TimeUnit.SECONDS), "the viewer stops after --duration");
            String log = Files.readString(viewerLog);
            Matcher m = SUMMARY.matcher(log);
            assertTrue(m.find(), "the viewer's summary: " + log);

            List<Double> dts = EndToEndTest.probe(output, "-select_streams", "v", "-show_entries", "packet=dts_time", "-of", "csv=p=0").lines()
                    .map(l -> l.split(",")[0].strip()).filter(l -> !l.isEmpty()).map(Double::parseDouble).toList();
            assertTrue(dts.size() > 30 * 20, "the output holds most of both sessions: " + dts.size() + " frames");
            List<String> jumps = new ArrayList<>();
            double longest = 0;
            for (int i = 1; i < dts.size(); i++) {
                double step = dts.get(i) - dts.get(i - 1);
                assertTrue(step > 0, "video timestamps never go back: " + dts.get(i - 1) + " then " + dts.get(i));
                if (step > 1.5 * FRAME) {
                    jumps.add(String.format("%.3f s at %.2f", step, dts.get(i - 1)));
                }
                longest = Math.max(longest, step);
            }
            double awaySeconds = 2.0 + 1.0; // the pause between publishers, plus ffmpeg's start
            // The reconnect moves the clock on by the time the publisher was away; a revocation may cost up to one GOP (2 s)
            // when the viewer was behind the successor's first keyframe; the rotation costs nothing.
            assertTrue(jumps.size() <= 2, "frames are skipped only where the publisher was away and, at most, at the revocation: " + jumps);
            assertTrue(longest < awaySeconds + 1.5, "the clock moves on by about the time the publisher was away: " + jumps);
            long overAGop = jumps.stream().filter(j -> Double.parseDouble(j.substring(0, j.indexOf(' '))) > 2.0 + FRAME).count();
            assertTrue(overAGop <= 1, "only the reconnect's jump is over a GOP: " + jumps);
            String errors = decodeErrors(output);
            assertEquals("", errors, "nothing fails to decode");
            assertEquals("0", m.group(2), "nothing rejected");
            assertEquals("2", m.group(6), "the viewer followed the rotation's and the revocation's successors");
            assertTrue(Integer.parseInt(m.group(7)) >= 1, "the rotation spliced in chunk for chunk");
            long verified = Long.parseLong(m.group(1));
            long outputChunks = Long.parseLong(m.group(8));
            long bytes = Long.parseLong(m.group(4)) + Long.parseLong(m.group(5));
            assertTrue(Math.abs(outputChunks * 1024 - bytes) <= 3 * 1024, "the totals cover the whole watch: " + outputChunks + " chunks output, "
                    + bytes + " bytes out (written and skipped before the first keyframe)");
            // The revocation's successor starts at the latest keyframe, signed again: those chunks are verified in both swarms.
            assertTrue(verified >= outputChunks && verified - outputChunks < 600, verified + " verified, " + outputChunks + " output");
            String lastLine = log.lines().filter(l -> l.startsWith("verified=") && l.contains("swarm=")).reduce((a, b) -> b).orElse("");
            assertTrue(lastLine.contains("successors=2"), "the per-second line follows the successor: " + lastLine);
            System.out.printf("[ops] viewer output: %d video frames, timestamp jumps over 1.5 frames: %s (the publisher stopped for %.1f s,"
                    + " plus ffmpeg's start); successors followed %s, spliced chunk for chunk %s; decode errors: none; %d chunks verified,"
                    + " %d output%n", dts.size(), jumps, awayMillis / 1000.0, m.group(6), m.group(7), verified, outputChunks);
        } finally {
            extras.forEach(Process::destroyForcibly);
        }
    }

    static Process publisher(LocalCluster cluster, LocalCluster.Channel c, int seconds, Path log) throws Exception {
        List<String> args = new ArrayList<>(Ffmpeg.testBroadcast(seconds, "1M", "flv", cluster.rtmpUrl(c)));
        args.set(args.indexOf("testsrc2=size=1280x720:rate=30:duration=" + (double) seconds), "testsrc2=size=640x360:rate=30:duration=" + (double) seconds);
        Files.createDirectories(log.getParent());
        return Ffmpeg.start(args, log);
    }

    /** What ffmpeg says decoding the whole file (empty: nothing wrong). */
    static String decodeErrors(Path file) throws Exception {
        Process p = Ffmpeg.process("ffmpeg", List.of("-v", "error", "-i", file.toString(), "-f", "null", "-")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        return out.strip();
    }
}
