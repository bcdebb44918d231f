package io.seedcast.ppspp.engine;

import static io.seedcast.ppspp.engine.EngineTest.assertContiguousRunOfSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveTree;
import io.seedcast.ppspp.live.NtpTimestamp;
import io.seedcast.ppspp.live.SignAll;
import io.seedcast.ppspp.live.SignedMunro;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.wire.SignedIntegrity;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A relay serves what was signed elsewhere, exactly as signed, after checking it; and refuses what does not check out. */
class RelayTest {

    @Test
    void aRelayServesPreSignedMunrosAndRefusesAlteredOnes() throws Exception {
        try (Loopback net = new Loopback()) {
            SwarmParameters params = Loopback.params().withChunksPerSignature(8);
            SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256);
            PeerEngine seeder = net.engine(EngineConfig.source(new InetSocketAddress("127.0.0.1", 0)));
            LiveSwarm relay = seeder.addRelay(key.swarmId(), params);
            List<String> refusals = new CopyOnWriteArrayList<>();
            LiveTree signer = new LiveTree(params, key, Clock.systemUTC());
            List<byte[]> pending = new ArrayList<>();
            Loopback.Output out = new Loopback.Output();
            PeerEngine viewer = net.engine();
            LiveSwarm joined = null;
            for (long c = 0; c < 600; c++) {
                byte[] chunk = Loopback.chunk(c, 1024);
                pending.add(chunk);
                var m = signer.append(chunk);
                if (m.isPresent()) {
                    SignedMunro munro = m.get();
                    List<byte[]> chunks = List.copyOf(pending);
                    if (munro.munro().baseOffset() == 400) {
                        // An altered chunk in one munro: the relay must not serve any of it.
                        byte[] bad = chunks.get(3).clone();
                        bad[100] ^= 1;
                        List<byte[]> altered = new ArrayList<>(chunks);
                        altered.set(3, bad);
                        relay.offerMunro(munro, munro.munro().baseOffset(), altered, refusals::add);
                    }
                    relay.offerMunro(munro, munro.munro().baseOffset(), chunks, refusals::add);
                    pending.clear();
                }
                if (c == 100) {
                    joined = viewer.join(key.swarmId(), params, List.of(seeder.localAddress()), out);
                }
                Thread.sleep(0, 500_000);
            }
            assertTrue(Loopback.await(() -> out.size() > 0 && out.chunks.lastKey() >= 599, 15_000), "viewer at " + out.chunks.lastKey());
            assertContiguousRunOfSource(out, 1024);
            assertEquals(0, joined.stats().chunksRejected.get());
            assertEquals(1, refusals.size(), refusals.toString());
            assertTrue(refusals.getFirst().contains("do not hash to the signed munro hash"), refusals.getFirst());
        }
    }

    @Test
    void aRelayChecksSignAllSignatures() throws Exception {
        try (Loopback net = new Loopback()) {
            SwarmParameters params = Loopback.params().withIntegrity(IntegrityMethod.SIGN_ALL);
            SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256);
            PeerEngine seeder = net.engine(EngineConfig.source(new InetSocketAddress("127.0.0.1", 0)));
            LiveSwarm relay = seeder.addRelay(key.swarmId(), params);
            List<String> refusals = new CopyOnWriteArrayList<>();
            var ctx = params.wireContext(key.swarmId());
            for (long c = 0; c < 50; c++) {
                byte[] chunk = Loopback.chunk(c, 1024);
                SignedIntegrity s = SignAll.sign(key, ctx, ChunkRange.single(c), NtpTimestamp.of(java.time.Instant.now()), chunk);
                Bytes sig = c == 7 ? Bytes.of(new byte[64]) : s.signature();
                relay.offerSigned(c, chunk, s.timestamp(), sig, refusals::add);
            }
            assertTrue(Loopback.await(() -> relay.chunksHeld() == 49, 5000), "held " + relay.chunksHeld());
            assertEquals(1, refusals.size());
            assertTrue(refusals.getFirst().startsWith("chunk 7 "), refusals.getFirst());
        }
    }
}
