package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A channel rolls over to a new swarm: join --metadata follows it and the output goes on from the successor. */
class FollowSuccessorTest {

    @TempDir
    Path dir;

    @Test
    void theViewerFollowsTheSuccessorSwarm() throws Exception {
        byte[] a = new byte[1024 * 1024];
        byte[] b = new byte[8 * 1024 * 1024];
        new SplittableRandom(1).nextBytes(a);
        new SplittableRandom(2).nextBytes(b);
        CountDownLatch stop = new CountDownLatch(1);
        LiveFixtures.Source first = LiveFixtures.inject(dir, "a", a, stop);
        SwarmKeyPair publisher = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
        AtomicReference<String> served = new AtomicReference<>(LiveFixtures.signedMetadata(publisher, first));
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            byte[] out = served.get().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        http.start();
        LiveFixtures.Source second = null;
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/api/channels/c1/swarm";
            Path out = dir.resolve("out.ts");
            AtomicReference<SeedcastPeerTest.Run> result = new AtomicReference<>();
            Thread viewer = new Thread(() -> result.set(SeedcastPeerTest.run(new CountDownLatch(1), "join", "--metadata", url,
                    "--publisher-key", publisher.swarmId().hex(), "--output", out.toString(), "--duration", "9", "--listen", "127.0.0.1:0")));
            viewer.start();
            Thread.sleep(1200);
            // The rollover: a new swarm takes over; the metadata names it.
            second = LiveFixtures.inject(dir, "b", b, stop);
            served.set(LiveFixtures.signedMetadata(publisher, second));
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
