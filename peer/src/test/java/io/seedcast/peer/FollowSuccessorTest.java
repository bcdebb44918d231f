package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.tracker.SwarmMetadata;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A channel rolls over to a new swarm: join --metadata follows it and the output goes on from the successor. */
class FollowSuccessorTest {

    @TempDir
    Path dir;

    record Source(Thread thread, String swarm, int port) {
    }

    Source inject(String name, byte[] input, CountDownLatch stop) throws Exception {
        Path in = dir.resolve(name + ".ts");
        Files.write(in, input);
        Path id = dir.resolve(name + ".id");
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        Thread t = new Thread(() -> SeedcastPeerTest.run(stop, "inject", "--listen", "127.0.0.1:" + port, "--input", in.toString(),
                "--rate-kbps", "8000", "--swarm-id-out", id.toString()));
        t.start();
        while (!Files.exists(id) || Files.size(id) == 0) {
            Thread.sleep(20);
        }
        return new Source(t, Files.readString(id).trim(), port);
    }

    static String signed(SwarmKeyPair publisher, Source s, String successor) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", "c1");
        m.put("swarmId", s.swarm());
        m.put("integrity", "UNIFIED_MERKLE_TREE");
        m.put("hash", "SHA256");
        m.put("algorithm", "ECDSAP256SHA256");
        m.put("chunkAddressing", "CHUNK_RANGES_32");
        m.put("chunkSize", 1024);
        m.put("chunksPerSignature", 32);
        m.put("discardWindow", 8192);
        m.put("profile", "RFC7574");
        m.put("seeders", List.of("127.0.0.1:" + s.port()));
        m.put("successor", successor);
        return SwarmMetadata.CANONICAL.writeValueAsString(SwarmMetadata.sign(publisher, SwarmMetadata.keyId(publisher.swarmId()), m));
    }

    @Test
    void theViewerFollowsTheSuccessorSwarm() throws Exception {
        byte[] a = new byte[1024 * 1024];
        byte[] b = new byte[8 * 1024 * 1024];
        new SplittableRandom(1).nextBytes(a);
        new SplittableRandom(2).nextBytes(b);
        CountDownLatch stop = new CountDownLatch(1);
        Source first = inject("a", a, stop);
        SwarmKeyPair publisher = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
        AtomicReference<String> served = new AtomicReference<>(signed(publisher, first, null));
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            byte[] out = served.get().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        http.start();
        Source second = null;
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/api/channels/c1/swarm";
            Path out = dir.resolve("out.ts");
            AtomicReference<SeedcastPeerTest.Run> result = new AtomicReference<>();
            Thread viewer = new Thread(() -> result.set(SeedcastPeerTest.run(new CountDownLatch(1), "join", "--metadata", url,
                    "--publisher-key", publisher.swarmId().hex(), "--output", out.toString(), "--duration", "9", "--listen", "127.0.0.1:0")));
            viewer.start();
            Thread.sleep(1200);
            // The rollover: a new swarm takes over; the metadata names it.
            second = inject("b", b, stop);
            served.set(signed(publisher, second, null));
            viewer.join(20_000);
            SeedcastPeerTest.Run r = result.get();
            assertEquals(0, r.status(), r.err());
            assertTrue(r.err().contains("following successor swarm"), r.err());
            byte[] o = Files.readAllBytes(out);
            // A contiguous run of the first stream, then a contiguous run of the second.
            int startA = chunkIndexOf(a, o, 0);
            assertTrue(startA >= 0, "the output starts inside the first stream");
            int lenA = 0;
            while (lenA < o.length && startA * 1024 + lenA < a.length && o[lenA] == a[startA * 1024 + lenA]) {
                lenA++;
            }
            assertEquals(a.length - startA * 1024, lenA, "the first swarm is output to its end");
            assertTrue(o.length > lenA + 100 * 1024, "the successor's stream follows: " + (o.length - lenA) + " bytes");
            int startB = chunkIndexOf(b, o, lenA);
            assertTrue(startB >= 0, "then a chunk of the second stream");
            assertArrayEquals(Arrays.copyOfRange(b, startB * 1024, startB * 1024 + (o.length - lenA)), Arrays.copyOfRange(o, lenA, o.length));
        } finally {
            http.stop(0);
            stop.countDown();
            first.thread().join(5000);
            if (second != null) {
                second.thread().join(5000);
            }
        }
    }

    static int chunkIndexOf(byte[] stream, byte[] out, int at) {
        for (int c = 0; c * 1024 + 1024 <= stream.length; c++) {
            if (Arrays.equals(stream, c * 1024, c * 1024 + 1024, out, at, at + 1024)) {
                return c;
            }
        }
        return -1;
    }
}
