package io.seedcast.ppspp.engine;

import static io.seedcast.ppspp.engine.EngineTest.assertContiguousRunOfSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.Data;
import io.seedcast.ppspp.wire.Datagram;
import io.seedcast.ppspp.wire.DatagramCodec;
import io.seedcast.ppspp.wire.DecodeResult;
import io.seedcast.ppspp.wire.Handshake;
import io.seedcast.ppspp.wire.Integrity;
import io.seedcast.ppspp.wire.Message;
import io.seedcast.ppspp.wire.SignedIntegrity;
import io.seedcast.ppspp.wire.WireContext;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SwarmBehaviourTest {

    static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void sixViewersFeedEachOther() throws Exception {
        try (Loopback net = new Loopback()) {
            SwarmParameters params = Loopback.params();
            SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
            params = params.withAlgorithm(SignatureAlgorithm.ED25519);
            PeerEngine src = net.engine(EngineConfig.source(ANY));
            LiveSwarm source = src.addSource(params, key);
            net.publish(source, 4000); // 2 Mbit/s
            Thread.sleep(200);
            List<Loopback.Output> outputs = new ArrayList<>();
            List<LiveSwarm> viewers = new ArrayList<>();
            List<InetSocketAddress> known = new ArrayList<>(List.of(src.localAddress()));
            for (int i = 0; i < 6; i++) {
                PeerEngine e = net.engine();
                Loopback.Output out = new Loopback.Output();
                viewers.add(e.join(key.swarmId(), params, List.copyOf(known), out));
                outputs.add(out);
                known.add(e.localAddress());
                Thread.sleep(100);
            }
            for (int i = 0; i < 6; i++) {
                Loopback.Output out = outputs.get(i);
                assertTrue(Loopback.await(() -> out.size() >= 500, 20_000), "viewer " + i + " output " + out.size());
            }
            long fromPeers = 0;
            for (int i = 0; i < 6; i++) {
                assertContiguousRunOfSource(outputs.get(i), 1024);
                assertEquals(0, viewers.get(i).stats().chunksRejected.get());
                fromPeers += viewers.get(i).stats().chunksServed.get();
            }
            assertTrue(fromPeers > 0, "viewers served chunks to each other");
        }
    }

    /**
     * A peer that forwards altered messages. The victim knows only it at first and learns the source
     * from it by PEX: nothing altered is output, the tamperer is dropped, and the viewer completes from
     * the honest source.
     */
    private LiveSwarm tamperingPeer(UnaryOperator<Datagram> tamper, Duration victimMaxAge, boolean expectDrop, int chunks) throws Exception {
        return tamperingPeer(tamper, victimMaxAge, expectDrop, chunks, false);
    }

    private LiveSwarm tamperingPeer(UnaryOperator<Datagram> tamper, Duration victimMaxAge, boolean expectDrop, int chunks,
            boolean sourceAsSeed) throws Exception {
        try (Loopback net = new Loopback()) {
            SwarmParameters params = Loopback.params().withChunksPerSignature(8);
            SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256);
            PeerEngine src = net.engine(EngineConfig.source(ANY));
            LiveSwarm source = src.addSource(params, key);
            net.publish(source, 4000);
            PeerEngine tampererEngine = net.engine();
            Loopback.Output ignored = new Loopback.Output();
            tampererEngine.join(key.swarmId(), params, List.of(src.localAddress()), ignored);
            assertTrue(Loopback.await(() -> ignored.size() > 50, 10_000));
            tampererEngine.setOutboundFilter(sourceAsSeed ? tamper : pexWithFirstData(tamper));
            PeerEngine victimEngine = net.engine(victimMaxAge == null ? EngineConfig.defaults(ANY) : EngineConfig.defaults(ANY).withMaxSignatureAge(victimMaxAge));
            Loopback.Output out = new Loopback.Output();
            List<InetSocketAddress> seeds = sourceAsSeed ? List.of(tampererEngine.localAddress(), src.localAddress())
                    : List.of(tampererEngine.localAddress());
            LiveSwarm victim = victimEngine.join(key.swarmId(), params, seeds, out);
            assertTrue(Loopback.await(() -> out.size() >= chunks, 20_000), "victim output " + out.size());
            assertContiguousRunOfSource(out, 1024);
            if (expectDrop) {
                assertTrue(victim.stats().peersDropped.get() >= 1, "the tampering peer was dropped; rejected "
                        + victim.stats().chunksRejected + ", stale " + victim.stats().staleSignatures);
            }
            return victim;
        }
    }

    /**
     * The tamperer holds back its PEX answer and slips it in before its first DATA: the victim is sure
     * to get altered data from it, and knows the honest source by the time it finds out.
     */
    static UnaryOperator<Datagram> pexWithFirstData(UnaryOperator<Datagram> tamper) {
        List<Message> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return d -> {
            Datagram t = tamper.apply(d);
            if (released.get()) {
                return t;
            }
            List<Message> keep = new ArrayList<>();
            for (Message m : t.messages()) {
                if (m instanceof io.seedcast.ppspp.wire.PexResV4) {
                    held.add(m);
                } else {
                    keep.add(m);
                }
            }
            if (keep.stream().anyMatch(m -> m instanceof Data) && !held.isEmpty()) {
                released.set(true);
                keep.addAll(0, held);
            }
            return new Datagram(t.channel(), keep);
        };
    }

    static UnaryOperator<Datagram> mapMessages(UnaryOperator<Message> f) {
        return d -> new Datagram(d.channel(), d.messages().stream().map(f).toList());
    }

    static Bytes flipped(Bytes b) {
        byte[] a = b.toArray();
        a[a.length / 2] ^= 0x10;
        return Bytes.of(a);
    }

    @Test
    void alteredDataIsNeverOutput() throws Exception {
        tamperingPeer(mapMessages(m -> m instanceof Data d ? new Data(d.chunks(), d.timestampMicros(), flipped(d.payload())) : m), null, true, 400);
    }

    @Test
    void alteredUncleHashesAreRefused() throws Exception {
        tamperingPeer(mapMessages(m -> m instanceof Integrity i && i.chunks() instanceof io.seedcast.ppspp.chunk.Bin b && b.layer() < 3
                ? new Integrity(i.chunks(), flipped(i.hash())) : m), null, true, 400);
    }

    @Test
    void forgedMunroSignaturesAreRefused() throws Exception {
        // The forged tune-in munro comes first and gets the tamperer dropped before its PEX answer: the victim knows the source too.
        tamperingPeer(mapMessages(m -> m instanceof SignedIntegrity s ? new SignedIntegrity(s.chunks(), s.timestamp(), flipped(s.signature())) : m), null, true, 400, true);
    }

    @Test
    void replayedOldMunrosAreDiscarded() throws Exception {
        AtomicReference<List<Message>> first = new AtomicReference<>();
        LiveSwarm victim = tamperingPeer(d -> {
            List<Message> pair = new ArrayList<>();
            for (int i = 0; i + 1 < d.messages().size(); i++) {
                if (d.messages().get(i) instanceof Integrity in && d.messages().get(i + 1) instanceof SignedIntegrity si) {
                    pair = List.of(in, si);
                }
            }
            if (!pair.isEmpty()) {
                first.compareAndSet(null, pair);
            }
            if (first.get() == null || d.messages().isEmpty()) {
                return d;
            }
            List<Message> out = new ArrayList<>(first.get());
            out.addAll(d.messages());
            return new Datagram(d.channel(), out);
        }, Duration.ofMillis(1500), false, 750);
        assertTrue(victim.stats().staleSignatures.get() > 0, "the replayed munro was discarded as stale");
    }

    @Test
    void thePerPeerUploadLimitHolds() throws Exception {
        try (Loopback net = new Loopback()) {
            SwarmParameters params = Loopback.params();
            SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
            params = params.withAlgorithm(SignatureAlgorithm.ED25519);
            // 64 KiB/s to each peer, while the stream runs at 250 KiB/s.
            PeerEngine src = net.engine(EngineConfig.source(ANY).withUploadLimit(64 * 1024));
            LiveSwarm source = src.addSource(params, key);
            net.publish(source, 4000);
            PeerEngine e = net.engine();
            Loopback.Output out = new Loopback.Output();
            LiveSwarm viewer = e.join(key.swarmId(), params, List.of(src.localAddress()), out);
            assertTrue(Loopback.await(() -> viewer.stats().chunksVerified.get() > 0, 10_000));
            // Let the first second's burst pass, then measure the steady rate.
            Thread.sleep(1500);
            long b0 = viewer.stats().bytesIn.get();
            Thread.sleep(3000);
            double rate = (viewer.stats().bytesIn.get() - b0) / 3.0;
            assertTrue(rate <= 64 * 1024 * 1.25, "received " + (long) rate + " B/s through a 65536 B/s limit");
            assertTrue(rate >= 64 * 1024 * 0.5, "received " + (long) rate + " B/s: the limit should still be used");
        }
    }

    @Test
    void aSourceAnswersPexOnlyToPeersItTrusts() throws Exception {
        try (Loopback net = new Loopback()) {
            SwarmParameters params = Loopback.params();
            SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256);
            PeerEngine src = net.engine(EngineConfig.source(ANY));
            LiveSwarm source = src.addSource(params, key);
            net.publish(source, 4000);
            PeerEngine a = net.engine();
            Loopback.Output outA = new Loopback.Output();
            a.join(key.swarmId(), params, List.of(src.localAddress()), outA);
            assertTrue(Loopback.await(() -> outA.size() > 20, 10_000));
            PeerEngine b = net.engine();
            Loopback.Output outB = new Loopback.Output();
            LiveSwarm viewerB = b.join(key.swarmId(), params, List.of(src.localAddress()), outB);
            assertTrue(Loopback.await(() -> outB.size() > 100, 10_000));
            // RFC 7574 §12.2.3: the source did not tell B about A, so B talks to the source alone.
            assertEquals(1, viewerB.stats().peers.get());
            // A viewer does answer PEX: C, told only of A, finds the source through it.
            PeerEngine c = net.engine();
            Loopback.Output outC = new Loopback.Output();
            LiveSwarm viewerC = c.join(key.swarmId(), params, List.of(a.localAddress()), outC);
            assertTrue(Loopback.await(() -> viewerC.stats().peers.get() >= 2, 10_000), "C's peers: " + viewerC.stats().peers);
        }
    }

    @Test
    void aSpoofedFirstDatagramGetsOneSmallReplyAndNoData() throws Exception {
        try (Loopback net = new Loopback(); DatagramSocket spoofed = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            SwarmParameters params = Loopback.params();
            SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256);
            PeerEngine src = net.engine(EngineConfig.source(ANY));
            LiveSwarm source = src.addSource(params, key);
            net.publish(source, 4000);
            Thread.sleep(500);
            byte[] hello = DatagramCodec.encode(Datagram.of(0, new Handshake(0x5eed, params.handshakeOptions(key.swarmId(), true))), WireContext.DEFAULT);
            spoofed.send(new DatagramPacket(hello, hello.length, src.localAddress()));
            spoofed.setSoTimeout(1500);
            List<byte[]> replies = new ArrayList<>();
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                    spoofed.receive(p);
                    replies.add(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                }
            } catch (SocketTimeoutException done) {
                // Silence is what a spoofed address should get after the one reply.
            }
            assertEquals(1, replies.size(), "replies to one first datagram");
            byte[] reply = replies.getFirst();
            assertTrue(reply.length <= hello.length + 20, "reply of " + reply.length + " bytes to a first datagram of " + hello.length);
            Datagram d = assertInstanceOf(DecodeResult.Decoded.class, DatagramCodec.decode(reply, params.wireContext(key.swarmId()))).datagram();
            for (Message m : d.messages()) {
                assertTrue(!(m instanceof Data) && !(m instanceof SignedIntegrity), "heavy payload before the third datagram: " + m);
            }
        }
    }

    @Test
    void aHandshakeFloodStaysBoundedAndRealPeersAreServed() throws Exception {
        try (Loopback net = new Loopback(); DatagramSocket flooder = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            SwarmParameters params = Loopback.params();
            SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256);
            EngineConfig cfg = EngineConfig.source(ANY).withHandshakeLimits(1024, 5000);
            PeerEngine src = net.engine(cfg);
            LiveSwarm source = src.addSource(params, key);
            net.publish(source, 4000);
            Thread t = new Thread(() -> {
                try {
                    for (int i = 1; i <= 100_000; i++) {
                        byte[] hello = DatagramCodec.encode(Datagram.of(0, new Handshake(i, params.handshakeOptions(key.swarmId(), true))), WireContext.DEFAULT);
                        flooder.send(new DatagramPacket(hello, hello.length, src.localAddress()));
                    }
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            Thread.sleep(100);
            int maxPending = 0;
            PeerEngine viewerEngine = net.engine();
            Loopback.Output out = new Loopback.Output();
            viewerEngine.join(key.swarmId(), params, List.of(src.localAddress()), out);
            while (t.isAlive()) {
                maxPending = Math.max(maxPending, src.pendingHandshakes());
                Thread.sleep(10);
            }
            assertTrue(maxPending <= 1024, "pending handshakes " + maxPending);
            assertTrue(Loopback.await(() -> out.size() >= 200, 20_000), "real viewer output " + out.size());
            assertContiguousRunOfSource(out, 1024);
            System.out.printf("handshake flood: 100000 first datagrams, max pending %d, accepted %d, refused %d%n",
                    maxPending, src.handshakesAccepted.get(), src.handshakesRefused.get());
        }
    }
}
