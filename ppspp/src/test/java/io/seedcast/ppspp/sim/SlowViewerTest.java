package io.seedcast.ppspp.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.engine.EngineConfig;
import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * One viewer's downlink is slower than the stream: its channel's LEDBAT sits at its delay target. The source must not
 * take that for its own uplink being full, which sends only chunks that never left it: the other viewers, with no peer
 * to take the rest from, would get a chunk only when they asked first. Taking one channel at its target as the uplink
 * queueing, they came out 292-329 ms behind live at the median instead of 113-119 ms.
 */
class SlowViewerTest {

    static final long MS = 1_000_000;

    @Test
    void oneViewerOnASlowDownlinkDoesNotSlowTheOthers() {
        SimNetwork net = new SimNetwork(3).defaultLink(LinkProfile.rtt(Duration.ofMillis(50), Duration.ofMillis(5), 0.01));
        SwarmParameters params = SwarmParameters.defaults(Profile.RFC7574).withAlgorithm(SignatureAlgorithm.ED25519);
        SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
        SimNetwork.Node sourceNode = net.node(EngineConfig.source(null));
        LiveSwarm source = sourceNode.core.addSource(params, key);
        SplittableRandom content = new SplittableRandom(3);
        long period = 4_096_000; // 2 Mbit/s of 1 KiB chunks
        net.every(0, period, () -> {
            byte[] chunk = new byte[1024];
            content.nextBytes(chunk);
            source.publish(chunk);
        });
        List<TreeMap<Long, Long>> outputs = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            SimNetwork.Node node = net.node(EngineConfig.defaults(null));
            if (v == 3) {
                // 150 KB/s for a 256 KB/s stream, with a quarter second of queue.
                net.link(sourceNode, node, LinkProfile.rtt(Duration.ofMillis(50), Duration.ofMillis(5), 0.01).withRate(150_000, 37_500));
            }
            TreeMap<Long, Long> out = new TreeMap<>();
            outputs.add(out);
            net.at(1_000 * MS + v * 100 * MS, () -> node.core.join(key.swarmId(), params, List.of(sourceNode.address),
                    (i, d) -> out.put(i, net.now())));
        }
        long end = 20_000 * MS;
        net.runUntil(end);
        for (int v = 0; v < 3; v++) {
            TreeMap<Long, Long> out = outputs.get(v);
            long gap = 0;
            long prev = out.firstEntry().getValue();
            for (long t : out.values()) {
                gap = Math.max(gap, t - prev);
                prev = t;
            }
            long holes = out.lastKey() - out.firstKey() + 1 - out.size();
            // Chunk i is published at i periods: how far behind live each came out.
            long[] lag = out.entrySet().stream().mapToLong(e -> e.getValue() - e.getKey() * period).sorted().toArray();
            long median = lag[lag.length / 2];
            System.out.printf("viewer %d beside one on a slow downlink: longest stall %d ms, %d chunks missing, publish -> output p50 %d ms%n",
                    v, gap / MS, holes, median / MS);
            assertTrue(gap < 1000 * MS, "viewer " + v + " stalled " + gap / MS + " ms");
            assertTrue(out.lastKey() > (end - 1_000 * MS) / period, "viewer " + v + " follows the edge: " + out.lastKey());
            assertTrue(median < 200 * MS, "viewer " + v + " is " + median / MS + " ms behind live at the median");
            assertTrue(holes == 0, "viewer " + v + " missed " + holes + " chunks");
        }
    }
}
