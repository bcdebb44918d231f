package io.seedcast.ppspp.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.engine.EngineConfig;
import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveTree;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SignedMunro;
import io.seedcast.ppspp.live.SwarmParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeders killed (no goodbye, state gone) while a viewer watches, on the simulated network: a signer signs munros and
 * every live seeder gets them (as from Kafka); a restarted seeder catches up on the last few seconds, as a seeder does
 * from the signed topic. The viewer's longest output gap and its holes are what a user would see.
 */
class SeederRestartTest {

    static final long MS = 1_000_000;
    static final long CHUNK_NANOS = 4_096_000; // 2 Mbit/s of 1 KiB chunks

    /** A signer feeding seeders, and a viewer's output times. */
    static final class Cluster {
        final SimNetwork net;
        final SwarmParameters params = SwarmParameters.defaults(Profile.RFC7574).withAlgorithm(SignatureAlgorithm.ED25519);
        final SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
        final LiveTree signer;
        final List<SimNetwork.Node> seeders = new ArrayList<>();
        final List<LiveSwarm> relays = new ArrayList<>();
        final List<SignedMunro> signed = new ArrayList<>();
        final List<List<byte[]>> signedChunks = new ArrayList<>();
        final TreeMap<Long, Long> output = new TreeMap<>();
        LiveSwarm viewer;
        /** How far back a restarted seeder catches up, in munros (32 chunks, 131 ms each): 5 s by default. */
        int catchUpMunros = 38;

        Cluster(int seederCount) {
            this(seederCount, 0.01);
        }

        Cluster(int seederCount, double loss) {
            net = new SimNetwork(5).defaultLink(LinkProfile.rtt(Duration.ofMillis(40), Duration.ofMillis(5), loss));
            signer = new LiveTree(params, key, net.clock());
            for (int i = 0; i < seederCount; i++) {
                SimNetwork.Node n = net.node(EngineConfig.source(null));
                seeders.add(n);
                relays.add(n.core.addRelay(key.swarmId(), params));
            }
            SplittableRandom content = new SplittableRandom(1);
            List<byte[]> pending = new ArrayList<>();
            net.every(0, CHUNK_NANOS, () -> {
                byte[] chunk = new byte[1024];
                content.nextBytes(chunk);
                pending.add(chunk);
                signer.append(chunk).ifPresent(m -> {
                    signed.add(m);
                    signedChunks.add(List.copyOf(pending));
                    pending.clear();
                    for (LiveSwarm r : relays) {
                        if (r != null) {
                            r.offerMunro(m, m.munro().baseOffset(), signedChunks.getLast(), x -> { });
                        }
                    }
                });
            });
            SimNetwork.Node v = net.node(EngineConfig.defaults(null));
            net.at(1_000 * MS, () -> viewer = v.core.join(key.swarmId(), params, seeders.stream().map(n -> n.address).toList(),
                    (i, d) -> output.put(i, net.now())));
        }

        /** Seeder i killed at {@code at}; with {@code restartAfter} >= 0, started again then and caught up on the last few seconds. */
        void kill(int i, long at, long restartAfter) {
            net.at(at, () -> {
                seeders.get(i).kill();
                relays.set(i, null);
            });
            if (restartAfter >= 0) {
                net.at(at + restartAfter, () -> {
                    SimNetwork.Node n = net.restart(seeders.get(i), EngineConfig.source(null));
                    seeders.set(i, n);
                    LiveSwarm r = n.core.addRelay(key.swarmId(), params);
                    for (int m = Math.max(0, signed.size() - catchUpMunros); m < signed.size(); m++) {
                        r.offerMunro(signed.get(m), signed.get(m).munro().baseOffset(), signedChunks.get(m), x -> { });
                    }
                    relays.set(i, r);
                });
            }
        }

        /**
         * Runs to 30 s and prints what the viewer saw: {longest stall ms, chunks missing}. Asserts it follows the live edge
         * again at the end.
         */
        long[] runAndReport(String what) {
            net.runUntil(30_000 * MS);
            long[] gh = gapAndHoles(30_000 * MS);
            System.out.printf("%s: viewer's longest stall %d ms, %d chunks missing, %d lost for good%n", what, gh[0], gh[1],
                    viewer.stats().chunksLost.get());
            assertTrue(output.lastKey() > 29_000 * MS / CHUNK_NANOS - 200, "the viewer follows the live edge again: at " + output.lastKey());
            return gh;
        }

        /** The longest time without output after the first chunk, and the chunks missing from the output's run. */
        long[] gapAndHoles(long until) {
            long gap = 0;
            long prev = output.firstEntry().getValue();
            for (long t : output.values()) {
                gap = Math.max(gap, t - prev);
                prev = t;
            }
            gap = Math.max(gap, until - prev);
            long holes = output.lastKey() - output.firstKey() + 1 - output.size();
            return new long[] {gap / MS, holes};
        }
    }

    @Test
    void oneSeederKilledAndRestartedAtTheSameAddressCostsTheViewerSecondsNotTheRest() {
        Cluster c = new Cluster(1);
        c.kill(0, 10_000 * MS, 1_000 * MS);
        long[] gh = c.runAndReport("seeder killed at 10 s and restarted 1 s later");
        assertEquals(0, gh[1], "no hole in the output");
        assertTrue(gh[0] < 4_000, "resumed within a few seconds: " + gh[0] + " ms");
    }

    @Test
    void withTwoSeedersLosingOneCostsNoStall() {
        Cluster c = new Cluster(2);
        c.kill(0, 10_000 * MS, -1);
        long[] gh = c.runAndReport("one of two seeders killed at 10 s");
        assertEquals(0, gh[1], "no hole in the output");
        assertTrue(gh[0] < 1_000, "no stall a player with a 1 s buffer would show: " + gh[0] + " ms");
    }

    /**
     * Both seeders killed at once (as in the cluster's fault test) and back 8 s later, caught up from 15 s back (as a
     * seeder re-reads the signed topic): chunks in flight at the kill are missing while later ones are held. Nobody can
     * deliver anything meanwhile, so giving those holes up would only punch holes in an output that stands still anyway;
     * the viewer waits and fetches them from the restarted seeders.
     */
    @ParameterizedTest
    // 9.805 s: while a munro's chunks are on the way, a few lost and not asked again yet (this seed leaves one hole).
    // 10.105 s: the output had waited on a hole since before the outage, that wait counted the 8 s nobody could deliver,
    // and the hole was given up as the first chunks came again, from seeders that held it (so at every kill time from
    // 10.015 to 10.3 s, until the wait restarted when chunks arrive again).
    @ValueSource(longs = {9_805, 10_105})
    void bothSeedersKilledAtOnceLeaveNoHoleWhenTheyComeBackWithTheChunks(long killedAtMs) {
        Cluster c = new Cluster(2, 0.05);
        c.catchUpMunros = 115;
        c.kill(0, killedAtMs * MS, 8_000 * MS);
        c.kill(1, killedAtMs * MS, 8_000 * MS);
        long[] gh = c.runAndReport("both seeders killed at " + killedAtMs + " ms, back 8 s later with the last 15 s");
        assertEquals(0, c.viewer.stats().chunksLost.get(), "nothing given up while no peer could deliver");
        assertEquals(0, gh[1], "no hole in the output");
    }

    /**
     * Both seeders back 8 s later but holding only the last 5 s: what the viewer waits on is in nobody's window any more.
     * It is given up and the viewer follows the live edge again, instead of waiting for good.
     */
    @Test
    void bothSeedersBackWithoutTheMissingChunksTheViewerSkipsToWhatTheyHold() {
        Cluster c = new Cluster(2);
        c.kill(0, 10_000 * MS, 8_000 * MS);
        c.kill(1, 10_000 * MS, 8_000 * MS);
        long[] gh = c.runAndReport("both seeders killed at 10 s, back 8 s later with the last 5 s");
        assertEquals(gh[1], c.viewer.stats().chunksLost.get(), "every hole in the output is counted as given up");
        assertTrue(gh[0] < 12_000, "resumed within seconds of the seeders' return: " + gh[0] + " ms");
    }
}
