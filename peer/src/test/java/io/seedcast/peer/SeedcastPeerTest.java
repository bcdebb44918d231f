package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** seedcast-peer as a user runs it: inject a file, join it, compare bytes; and the errors a user sees. */
class SeedcastPeerTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    static Run run(CountDownLatch stop, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new SeedcastPeer(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), stop).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @CsvSource({"umt, chunk-ranges, 1024", "sign-all, chunk-ranges, 1024", "umt, bins, 1316"})
    void joinWritesAContiguousVerifiedRunOfWhatWasInjected(String integrity, String addressing, int chunk) throws Exception {
        // 1316-byte chunks in bins: runs go as bins, and a munro's first chunk no longer fits its datagram with its hashes.
        byte[] input = new byte[3 * 1024 * 1024 + 100];
        new SplittableRandom(9).nextBytes(input);
        Path in = dir.resolve("in.ts");
        Files.write(in, input);
        Path idFile = dir.resolve("swarm.id");
        Path outFile = dir.resolve("out.ts");
        int port = freePort();
        CountDownLatch stopSource = new CountDownLatch(1);
        AtomicInteger sourceStatus = new AtomicInteger(-1);
        Thread source = new Thread(() -> sourceStatus.set(run(stopSource, "inject", "--listen", "127.0.0.1:" + port, "--input", in.toString(),
                "--rate-kbps", "8000", "--integrity", integrity, "--addressing", addressing, "--chunk-size", String.valueOf(chunk),
                "--swarm-id-out", idFile.toString()).status()));
        source.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(idFile) || Files.size(idFile) == 0) {
            assertTrue(System.currentTimeMillis() < deadline, "inject wrote no swarm ID");
            Thread.sleep(20);
        }
        Thread.sleep(500);
        String swarm = Files.readString(idFile).trim();
        Run join = run(new CountDownLatch(1), "join", "--swarm", swarm, "--peer", "127.0.0.1:" + port, "--output", outFile.toString(),
                "--duration", "4", "--listen", "127.0.0.1:0", "--integrity", integrity, "--addressing", addressing, "--chunk-size", String.valueOf(chunk));
        stopSource.countDown();
        source.join(5000);
        assertEquals(0, join.status(), join.err());
        assertEquals(0, sourceStatus.get());
        String last = join.err().lines().filter(l -> l.startsWith("verified=") && l.contains("first_chunk_ms")).reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches("verified=\\d+ rejected=0 lost=0 rerequested=\\d+ first_chunk_ms=\\d+ bytes=\\d+ first_output_ms=\\d+ skipped=0 successors=0 exact_splices=0 output_chunks=\\d+ duplicates=\\d+"), last);
        byte[] output = Files.readAllBytes(outFile);
        assertTrue(output.length > 100 * 1024, "joined mid-stream and got " + output.length + " bytes");
        // Find the join point: the output is the input from a chunk boundary on, without a hole.
        int startChunk = -1;
        for (int c = 0; c * chunk < input.length; c++) {
            if (Arrays.equals(input, c * chunk, c * chunk + chunk, output, 0, chunk)) {
                startChunk = c;
                break;
            }
        }
        assertTrue(startChunk >= 0, "the output starts with a chunk of the input");
        int from = startChunk * chunk;
        assertArrayEquals(Arrays.copyOfRange(input, from, from + output.length), output);
        assertTrue(last.contains("bytes=" + output.length), last);
    }

    @Test
    void badSwarmIdSaysWhy() {
        Run r = run(new CountDownLatch(1), "join", "--swarm", "0dxyz", "--peer", "127.0.0.1:7758", "--output", "-");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("hex digits"), r.err());
        Run r2 = run(new CountDownLatch(1), "join", "--swarm", "63" + "00".repeat(32), "--peer", "127.0.0.1:7758", "--output", "-");
        assertEquals(2, r2.status());
        assertTrue(r2.err().contains("algorithm 99"), r2.err());
    }

    @Test
    void unusableKeyFileSaysWhy() throws Exception {
        Run missing = run(new CountDownLatch(1), "inject", "--listen", "127.0.0.1:0", "--input", "-", "--key", dir.resolve("nope.pem").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        Run traditional = run(new CountDownLatch(1), "inject", "--listen", "127.0.0.1:0", "--input", "-", "--key", bad.toString());
        assertEquals(2, traditional.status());
        assertTrue(traditional.err().contains("openssl pkcs8"), traditional.err());
    }

    static final String VALID_SWARM = "0deac943a52fe7581576e4f67173fb8bbd9e09bbf8042a9ce718340a6a732945045239df65815aba47ae07db28a1eda3853d5ce776ff99facb2530d55d2399a6a5";

    @Test
    void unresolvablePeerAndBadOptionsSayWhy() {
        Run host = run(new CountDownLatch(1), "join", "--swarm", VALID_SWARM, "--peer", "no-such-host.invalid:7758", "--output", "-");
        assertEquals(2, host.status());
        assertTrue(host.err().contains("cannot resolve host"), host.err());
        Run port = run(new CountDownLatch(1), "join", "--swarm", VALID_SWARM, "--peer", "127.0.0.1", "--output", "-");
        assertEquals(2, port.status());
        assertTrue(port.err().contains("HOST:PORT"), port.err());
        Run unknown = run(new CountDownLatch(1), "inject", "--listen", "127.0.0.1:0", "--input", "-", "--colour", "red");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown option --colour"), unknown.err());
        Run upload = run(new CountDownLatch(1), "inject", "--listen", "127.0.0.1:0", "--input", "-", "--upload-kbps", "-4000");
        assertEquals(2, upload.status());
        assertTrue(upload.err().contains("--upload-kbps"), upload.err());
        Run cam = run(new CountDownLatch(1), "inject", "--listen", "127.0.0.1:0", "--input", "-", "--addressing", "bytes");
        assertEquals(2, cam.status());
        assertTrue(cam.err().contains("unknown chunk addressing 'bytes': use chunk-ranges"), cam.err());
    }
}
