package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.SwarmParameters;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EngineTest {

    /** Every output chunk is the source's chunk of that index, and the indices run without a hole. */
    static void assertContiguousRunOfSource(Loopback.Output out, int chunkSize) {
        long first = out.chunks.firstKey();
        long expected = first;
        for (Map.Entry<Long, byte[]> e : out.chunks.entrySet()) {
            assertEquals(expected, e.getKey(), "hole in the output");
            assertArrayEquals(Loopback.chunk(e.getKey(), chunkSize), e.getValue(), "chunk " + e.getKey());
            expected++;
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void sourceAndOneViewerWithUnifiedMerkleTree(SignatureAlgorithm algorithm) throws Exception {
        runOneViewer(Loopback.params().withAlgorithm(algorithm));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void sourceAndOneViewerWithSignAll(SignatureAlgorithm algorithm) throws Exception {
        runOneViewer(Loopback.params().withAlgorithm(algorithm).withIntegrity(IntegrityMethod.SIGN_ALL));
    }

    private void runOneViewer(SwarmParameters params) throws Exception {
        try (Loopback net = new Loopback()) {
            PeerEngine src = net.engine(EngineConfig.source(new InetSocketAddress("127.0.0.1", 0)));
            SwarmKeyPair key = SwarmKeyPair.generate(params.algorithm());
            LiveSwarm source = src.addSource(params, key);
            net.publish(source, 2000); // 500 chunks/s: 4 Mbit/s
            Thread.sleep(300);
            PeerEngine viewerEngine = net.engine();
            Loopback.Output out = new Loopback.Output();
            LiveSwarm viewer = viewerEngine.join(key.swarmId(), params, List.of(src.localAddress()), out);
            assertTrue(Loopback.await(() -> out.size() >= 300, 15_000), "viewer output " + out.size() + " chunks; stats verified="
                    + viewer.stats().chunksVerified + " rejected=" + viewer.stats().chunksRejected);
            assertContiguousRunOfSource(out, (int) params.chunkSize());
            assertEquals(0, viewer.stats().chunksRejected.get());
            assertTrue(out.chunks.firstKey() > 0, "a viewer joining late starts near the live edge, not at chunk 0");
        }
    }
}
