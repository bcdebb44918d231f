package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.tracker.SwarmMetadata;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** join --metadata: the swarm comes from signed metadata, verified against the key set or a pinned key; a tampered record is refused. */
class JoinMetadataTest {

    @TempDir
    Path dir;

    @Test
    void joinsThroughVerifiedMetadataAndRefusesTamperedOnes() throws Exception {
        byte[] input = new byte[2 * 1024 * 1024];
        new SplittableRandom(3).nextBytes(input);
        CountDownLatch stop = new CountDownLatch(1);
        LiveFixtures.Source src = LiveFixtures.inject(dir, "in", input, stop);
        String swarm = src.swarm();
        SwarmKeyPair publisher = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
        String kid = SwarmMetadata.keyId(publisher.swarmId());
        String signed = LiveFixtures.signedMetadata(publisher, src);
        String keySet = SwarmMetadata.CANONICAL.writeValueAsString(Map.of("keys", List.of(Map.of("kid", kid, "alg", "ED25519",
                "publicKey", publisher.swarmId().hex(), "notBefore", Instant.now().minusSeconds(60).toString(),
                "notAfter", Instant.now().plusSeconds(3600).toString()))));
        AtomicReference<String> served = new AtomicReference<>(signed);
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            byte[] out = (ex.getRequestURI().getPath().startsWith("/.well-known") ? keySet : served.get()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/api/channels/c1/swarm";
            Path out = dir.resolve("out.ts");
            SeedcastPeerTest.Run ok = SeedcastPeerTest.run(new CountDownLatch(1), "join", "--metadata", url, "--output", out.toString(),
                    "--duration", "3", "--listen", "127.0.0.1:0");
            assertEquals(0, ok.status(), ok.err());
            assertTrue(ok.err().contains("verified swarm metadata of channel c1"), ok.err());
            assertTrue(Files.size(out) > 50 * 1024, "bytes " + Files.size(out));

            // The same signature over a record that names another swarm.
            served.set(signed.replace(swarm, SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256).swarmId().hex()));
            SeedcastPeerTest.Run tampered = SeedcastPeerTest.run(new CountDownLatch(1), "join", "--metadata", url, "--output", "-", "--duration", "1");
            assertEquals(2, tampered.status(), tampered.err());
            assertTrue(tampered.err().contains("does not verify"), tampered.err());

            served.set(signed);
            String otherKey = SwarmKeyPair.generate(SignatureAlgorithm.ED25519).swarmId().hex();
            SeedcastPeerTest.Run pinned = SeedcastPeerTest.run(new CountDownLatch(1), "join", "--metadata", url, "--publisher-key", otherKey,
                    "--output", "-", "--duration", "1");
            assertEquals(2, pinned.status(), pinned.err());
            assertTrue(pinned.err().contains("not a trusted"), pinned.err());
        } finally {
            http.stop(0);
            stop.countDown();
            src.thread().join(5000);
        }
    }
}
