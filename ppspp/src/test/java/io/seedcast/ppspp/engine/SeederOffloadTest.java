package io.seedcast.ppspp.engine;

import static io.seedcast.ppspp.engine.EngineTest.assertContiguousRunOfSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.SwarmParameters;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeders scale out only if viewers pass chunks on: four viewers that know the seeder (as from the metadata) and each other
 * (as from the tracker) must take most of the stream from each other, not four copies from the seeder.
 */
class SeederOffloadTest {

    static final int VIEWERS = 4;

    record Run(double seederCopies, double peerShare, double lagP50Millis, double lagP99Millis) {
    }

    /** Streams 2 Mbit/s to four viewers and measures, after a warm-up, how many copies of the stream the seeder sent. */
    static Run run(Duration peerFirstWait) throws Exception {
        try (Loopback net = new Loopback()) {
            SwarmParameters params = Loopback.params().withAlgorithm(SignatureAlgorithm.ED25519);
            SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
            PeerEngine src = net.engine(EngineConfig.source(new InetSocketAddress("127.0.0.1", 0)));
            LiveSwarm source = src.addSource(params, key);
            net.publish(source, 4000);
            List<PeerEngine> engines = new ArrayList<>();
            List<LiveSwarm> viewers = new ArrayList<>();
            List<Loopback.Output> outputs = new ArrayList<>();
            for (int i = 0; i < VIEWERS; i++) {
                PeerEngine e = net.engine(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)).withPeerFirstWait(peerFirstWait));
                Loopback.Output out = new Loopback.Output();
                viewers.add(e.join(key.swarmId(), params, List.of(src.localAddress()), out));
                engines.add(e);
                outputs.add(out);
            }
            for (int i = 0; i < VIEWERS; i++) {
                List<InetSocketAddress> others = new ArrayList<>();
                for (PeerEngine e : engines) {
                    if (e != engines.get(i)) {
                        others.add(e.localAddress());
                    }
                }
                viewers.get(i).addPeers(others);
            }
            for (Loopback.Output out : outputs) {
                assertTrue(Loopback.await(() -> out.size() > 250, 15_000), "every viewer plays");
            }
            Thread.sleep(1000);
            long sentBefore = source.stats().bytesOut.get();
            long[] outBefore = new long[VIEWERS];
            long[] peersBefore = new long[VIEWERS];
            for (int i = 0; i < VIEWERS; i++) {
                outBefore[i] = outputs.get(i).size();
                peersBefore[i] = viewers.get(i).stats().bytesFromPeers.get();
            }
            Thread.sleep(5000);
            long sent = source.stats().bytesOut.get() - sentBefore;
            double streamBytes = 0;
            double fromPeers = 0;
            for (int i = 0; i < VIEWERS; i++) {
                streamBytes += (outputs.get(i).size() - outBefore[i]) * (double) params.chunkSize() / VIEWERS;
                fromPeers += viewers.get(i).stats().bytesFromPeers.get() - peersBefore[i];
            }
            for (int i = 0; i < VIEWERS; i++) {
                assertContiguousRunOfSource(outputs.get(i), (int) params.chunkSize());
                assertEquals(0, viewers.get(i).stats().chunksRejected.get());
            }
            // Publish -> output at the viewer, over the measured window.
            List<Long> lags = new ArrayList<>();
            for (int i = 0; i < VIEWERS; i++) {
                outputs.get(i).outputNanos.tailMap(outputs.get(i).chunks.firstKey() + outBefore[i]).forEach((index, at) -> {
                    Long published = net.published.get(index);
                    if (published != null) {
                        lags.add(at - published);
                    }
                });
            }
            lags.sort(null);
            return new Run(sent / streamBytes, fromPeers / (streamBytes * VIEWERS), lags.get(lags.size() / 2) / 1e6, lags.get((int) (lags.size() * 0.99)) / 1e6);
        }
    }

    @Test
    void viewersTakeMostOfTheStreamFromEachOtherAndTheSeederSendsAboutOneCopy() throws Exception {
        Run off = run(Duration.ZERO);
        Run on = run(EngineConfig.defaults(null).peerFirstWait());
        System.out.printf("seeder offload, %d viewers at 2 Mbit/s: seeder sent %.2f copies of the stream with offload (%.0f%% of viewers' "
                        + "bytes from peers, publish -> output p50 %.0f ms, p99 %.0f ms), %.2f without (%.0f%%, p50 %.0f ms, p99 %.0f ms): "
                        + "%.2fx less seeder upload%n",
                VIEWERS, on.seederCopies, on.peerShare * 100, on.lagP50Millis, on.lagP99Millis, off.seederCopies, off.peerShare * 100,
                off.lagP50Millis, off.lagP99Millis, off.seederCopies / on.seederCopies);
        assertTrue(on.seederCopies < 2.0, "the seeder sent " + on.seederCopies + " copies of the stream to " + VIEWERS + " viewers who know each other");
        assertTrue(on.peerShare > 0.4, "viewers took " + on.peerShare + " of their bytes from each other");
    }
}
