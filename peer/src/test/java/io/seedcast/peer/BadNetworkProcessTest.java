package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes behind the UDP relay: {@code seedcast-peer inject} at 2 Mbit/s, {@code seedcast-peer netsim} with
 * 50 ms RTT, ±5 ms jitter and 5 % loss each way, and {@code seedcast-peer join} through it. Issue 17 measured this row
 * stalled for good after 3 s (64 chunks in 60 s).
 */
class BadNetworkProcessTest {

    static final Pattern LINE = Pattern.compile("^verified=(\\d+) rejected=(\\d+) lost=(\\d+) rerequested=(\\d+) lag=(\\d+) .*");
    static final Pattern SUMMARY = Pattern.compile("^verified=(\\d+) rejected=(\\d+) lost=(\\d+) rerequested=(\\d+) first_chunk_ms=(-?\\d+) bytes=(\\d+).*");

    @TempDir
    Path dir;

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    Process start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SeedcastPeer.class.getName()));
        cmd.addAll(Arrays.asList(args));
        return new ProcessBuilder(cmd).redirectError(dir.resolve(name + ".err").toFile()).redirectOutput(dir.resolve(name + ".out").toFile()).start();
    }

    @Test
    void aViewerBehindFiftyMillisecondsAndFivePercentLossKeepsUpWithNoHole() throws Exception {
        int seconds = 20;
        byte[] stream = new byte[(seconds + 10) * 250_000];
        new SplittableRandom(17).nextBytes(stream);
        Path input = dir.resolve("stream.bin");
        Files.write(input, stream);
        int sourcePort = freeUdpPort();
        int relayPort = freeUdpPort();
        Process source = start("inject", "inject", "--listen", "127.0.0.1:" + sourcePort, "--input", input.toString(), "--rate-kbps", "2000",
                "--swarm-id-out", dir.resolve("swarm.id").toString());
        Process relay = start("netsim", "netsim", "--listen", "127.0.0.1:" + relayPort, "--target", "127.0.0.1:" + sourcePort,
                "--rtt", "50ms", "--jitter", "5ms", "--loss", "5%", "--seed", "3");
        Process viewer = null;
        try {
            long deadline = System.currentTimeMillis() + 20_000;
            while (!Files.exists(dir.resolve("swarm.id")) || Files.readString(dir.resolve("swarm.id")).isBlank()) {
                assertTrue(System.currentTimeMillis() < deadline, "the source never wrote its swarm ID: " + Files.readString(dir.resolve("inject.err")));
                Thread.sleep(50);
            }
            Path output = dir.resolve("watched.bin");
            viewer = start("join", "join", "--swarm", Files.readString(dir.resolve("swarm.id")).trim(), "--peer", "127.0.0.1:" + relayPort,
                    "--output", output.toString(), "--duration", String.valueOf(seconds));
            assertTrue(viewer.waitFor(seconds + 30, TimeUnit.SECONDS), "the viewer ends after --duration");
            String err = Files.readString(dir.resolve("join.err"));
            long stall = 0;
            long run = 0;
            long previous = -1;
            for (String l : err.lines().toList()) {
                Matcher m = LINE.matcher(l);
                if (m.matches()) {
                    long verified = Long.parseLong(m.group(1));
                    run = verified == previous && verified > 0 ? run + 1 : 0;
                    stall = Math.max(stall, run);
                    previous = verified;
                }
            }
            Matcher sum = err.lines().map(SUMMARY::matcher).filter(Matcher::matches).reduce((a, b) -> b).orElseThrow(
                    () -> new AssertionError("no summary line: " + err));
            long verified = Long.parseLong(sum.group(1));
            long lost = Long.parseLong(sum.group(3));
            System.out.printf("viewer behind RTT 50 ms ±5 ms, 5%% loss each way, %d s: verified=%d (%.0f%% of the %d chunks a 2 Mbit/s source"
                    + " sends in that time) lost=%d rerequested=%s first_chunk_ms=%s, longest stall about %d s (per-second lines)%n",
                    seconds, verified, 100.0 * verified / (seconds * 244), seconds * 244, lost, sum.group(4), sum.group(5), stall);
            assertEquals(0, Long.parseLong(sum.group(2)), "nothing rejected");
            assertEquals(0, lost, "no chunk given up");
            assertTrue(verified > seconds * 244 * 0.8, "kept up with the source: " + err.lines().filter(l -> l.startsWith("verified")).toList());
            assertTrue(stall < 2, "no stall of 2 s or more: " + stall);
            byte[] out = Files.readAllBytes(output);
            assertTrue(out.length >= 1024, "something was written");
            int at = indexOf(stream, Arrays.copyOf(out, 1024));
            assertTrue(at >= 0 && at % 1024 == 0, "the output starts on a chunk of the source");
            assertTrue(Arrays.equals(out, Arrays.copyOfRange(stream, at, at + out.length)), "the output is the source's stream from there on, with no hole");
        } finally {
            for (Process p : new Process[] {viewer, relay, source}) {
                if (p != null) {
                    p.destroyForcibly();
                }
            }
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i += 1024) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
