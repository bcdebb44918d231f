package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real H.264/AAC MPEG-TS (a keyframe every 2 s, as OBS sends by default) injected live, and viewers joining at random
 * points of a GOP: each output must decode from its first byte (FFmpeg reports no error), and a viewer must see its first
 * picture soon. Prints join -> first output (the first decodable frame) per join and its median.
 */
class KeyframeJoinTest {

    static final Pattern SUMMARY = Pattern.compile("first_output_ms=(-?\\d+) skipped=(\\d+)");
    static final int JOINS = Integer.getInteger("seedcast.keyframeJoins", 4);

    @TempDir
    Path dir;

    static ProcessBuilder ffmpeg(String... args) {
        Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
        String exe = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        List<String> cmd = new ArrayList<>(List.of(exe));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LD_LIBRARY_PATH", Path.of(exe).getParent().toString());
        return pb;
    }

    static String run(ProcessBuilder pb) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ffmpeg finished");
        return out;
    }

    static SeedcastPeerTest.Run peer(CountDownLatch stop, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new SeedcastPeer(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), stop).run(args);
        return new SeedcastPeerTest.Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The offset of the last PAT that begins a keyframe's run (ingest and FFmpeg: PAT, PMT, then the keyframe), or -1. */
    static int lastKeyframePat(byte[] ts) {
        int last = -1;
        for (int off = 188; off + 188 <= ts.length; off += 188) {
            int pid = (ts[off + 1] & 0x1F) << 8 | ts[off + 2] & 0xFF;
            boolean randomAccess = (ts[off + 3] & 0x20) != 0 && (ts[off + 4] & 0xFF) > 0 && (ts[off + 5] & 0x40) != 0;
            if (randomAccess && pid != 0) {
                for (int back = off - 188; back >= 0 && back >= off - 188 * 8; back -= 188) {
                    if (((ts[back + 1] & 0x1F) << 8 | ts[back + 2] & 0xFF) == 0) {
                        last = back;
                        break;
                    }
                }
            }
        }
        return last;
    }

    @Test
    void everyJoinDecodesFromItsFirstByte() throws Exception {
        int seconds = 10 + JOINS * 6;
        Path ts = dir.resolve("broadcast.ts");
        String made = run(ffmpeg("-hide_banner", "-nostdin", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                "-c:v", "libopenh264", "-b:v", "800k", "-g", "60", "-c:a", "aac", "-b:a", "96k", "-f", "mpegts", ts.toString()));
        assertTrue(Files.size(ts) > 100_000, "ffmpeg made a broadcast: " + made);
        long kbps = Files.size(ts) * 8 / 1000 / seconds;
        Path idFile = dir.resolve("swarm.id");
        int port = SeedcastPeerTest.freePort();
        CountDownLatch stopSource = new CountDownLatch(1);
        Thread source = new Thread(() -> peer(stopSource, "inject", "--listen", "127.0.0.1:" + port, "--input", ts.toString(),
                "--rate-kbps", String.valueOf(kbps), "--swarm-id-out", idFile.toString(), "--linger", "5"));
        source.start();
        try {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!Files.exists(idFile) || Files.size(idFile) == 0) {
                assertTrue(System.currentTimeMillis() < deadline, "inject wrote no swarm ID");
                Thread.sleep(20);
            }
            String swarm = Files.readString(idFile).trim();
            Thread.sleep(2300);
            List<Long> firstOutput = new ArrayList<>();
            for (int j = 0; j < JOINS; j++) {
                Path out = dir.resolve("watch-" + j + ".ts");
                SeedcastPeerTest.Run join = peer(new CountDownLatch(1), "join", "--swarm", swarm, "--peer", "127.0.0.1:" + port,
                        "--output", out.toString(), "--duration", "5", "--listen", "127.0.0.1:0");
                assertEquals(0, join.status(), join.err());
                Matcher m = SUMMARY.matcher(join.err());
                assertTrue(m.find(), join.err());
                long ms = Long.parseLong(m.group(1));
                assertTrue(ms >= 0, "join " + j + " wrote something: " + join.err());
                firstOutput.add(ms);
                byte[] written = Files.readAllBytes(out);
                assertEquals(0x47, written[0] & 0xFF, "join " + j + ": the output starts on a TS packet");
                assertEquals(0, ((written[1] & 0x1F) << 8) | (written[2] & 0xFF), "join " + j + ": ... a PAT");
                // The capture ends wherever --duration cut it, mid-frame: decode up to its last keyframe, which ends whole.
                Path head = dir.resolve("head-" + j + ".ts");
                int cut = lastKeyframePat(written);
                assertTrue(cut > 0, "join " + j + ": a second keyframe within 5 s");
                Files.write(head, java.util.Arrays.copyOf(written, cut));
                String decode = run(ffmpeg("-hide_banner", "-nostdin", "-v", "error", "-i", head.toString(), "-f", "null", "-"));
                assertTrue(decode.isBlank(), "join " + j + " decodes from its first byte, but ffmpeg said: " + decode);
                Thread.sleep(317 * (j % 3)); // land at different points of the GOP
            }
            List<Long> sorted = firstOutput.stream().sorted().toList();
            System.out.printf("join -> first decodable frame over %d joins (2 s GOP, 800 kbit/s): p50 %d ms, max %d ms, all %s%n",
                    JOINS, sorted.get(sorted.size() / 2), sorted.getLast(), firstOutput);
        } finally {
            stopSource.countDown();
            source.join(10_000);
        }
    }
}
