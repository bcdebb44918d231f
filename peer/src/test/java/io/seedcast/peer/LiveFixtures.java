package io.seedcast.peer;

import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.tracker.SwarmMetadata;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** What the metadata tests share: a seedcast-peer inject running in the background, and signed metadata naming it. */
final class LiveFixtures {

    record Source(Thread thread, String swarm, int port) {
    }

    private LiveFixtures() {
    }

    /** Runs {@code inject} of {@code input} at 8 Mbit/s until {@code stop}; returns once its swarm ID is known. */
    static Source inject(Path dir, String name, byte[] input, CountDownLatch stop) throws Exception {
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

    /** The injector's metadata record for a source with the default swarm parameters, signed by {@code publisher}. */
    static String signedMetadata(SwarmKeyPair publisher, Source s) throws Exception {
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
        m.put("tracker", null);
        m.put("seeders", List.of("127.0.0.1:" + s.port()));
        m.put("successor", null);
        return SwarmMetadata.CANONICAL.writeValueAsString(SwarmMetadata.sign(publisher, SwarmMetadata.keyId(publisher.swarmId()), m));
    }
}
