package io.seedcast.seeder.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.kafka.EmbeddedKafka;
import io.seedcast.pipeline.SignedBatch;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.engine.ChunkSink;
import io.seedcast.ppspp.engine.EngineConfig;
import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.engine.PeerEngine;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveTree;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import io.seedcast.testing.LogCapture;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Seeders against a real broker, serving real viewers over UDP on 127.0.0.1. */
class SeederLoopTest {

    static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    EmbeddedKafka kafka;
    KafkaProducer<String, byte[]> producer;
    final List<AutoCloseable> closeables = new ArrayList<>();
    final LogCapture logs = new LogCapture();
    final SwarmParameters params = SwarmParameters.defaults(Profile.RFC7574).withChunksPerSignature(8).withAlgorithm(SignatureAlgorithm.ED25519);
    final SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
    volatile boolean publishing = true;
    volatile long published;
    volatile int tamperMunroAt = -1;

    @BeforeEach
    void start() throws Exception {
        kafka = new EmbeddedKafka();
        producer = kafka.producer();
    }

    @AfterEach
    void stop() throws Exception {
        publishing = false;
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        producer.close();
        kafka.close();
        logs.close();
    }

    static byte[] chunk(long n) {
        byte[] b = new byte[1024];
        new SplittableRandom(n + 17).nextBytes(b);
        return b;
    }

    /** The signer's output for one swarm, at 2 Mbit/s: a swarm record, then one signed batch per munro of 8 chunks. */
    void startSigning() throws Exception {
        SwarmRecord s = new SwarmRecord(key.swarmId().encoded(), "c1", "b1", params, SwarmRecord.State.LIVE, null, 0, System.currentTimeMillis());
        producer.send(new ProducerRecord<>(Topics.SWARMS, s.key(), s.encode())).get();
        Thread t = new Thread(() -> {
            LiveTree tree = new LiveTree(params, key, Clock.systemUTC());
            List<SignedBatch.SignedChunk> pending = new ArrayList<>();
            long start = System.nanoTime();
            for (long c = 0; publishing; c++) {
                long due = start + c * 4_000_000L;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                byte[] data = chunk(c);
                pending.add(new SignedBatch.SignedChunk(c, System.currentTimeMillis() * 1000, c % 64 == 0, Bytes.of(data), 0, null));
                var m = tree.append(data);
                if (m.isPresent()) {
                    List<SignedBatch.SignedChunk> chunks = List.copyOf(pending);
                    if (m.get().munro().baseOffset() == tamperMunroAt) {
                        byte[] bad = chunks.get(2).data().toArray();
                        bad[9] ^= 1;
                        chunks = new ArrayList<>(chunks);
                        chunks.set(2, new SignedBatch.SignedChunk(chunks.get(2).index(), 0, false, Bytes.of(bad), 0, null));
                    }
                    SignedBatch b = new SignedBatch(key.swarmId().encoded(), "b1", chunks, List.of(m.get()), false);
                    producer.send(new ProducerRecord<>(Topics.SIGNED, b.key(), b.encode()));
                    pending.clear();
                    published = c + 1;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    record Seeder(PeerEngine engine, SeederLoop loop) implements AutoCloseable {
        @Override
        public void close() {
            loop.close();
            engine.close();
        }

        LiveSwarm relay() {
            return loop.relays().values().iterator().next();
        }
    }

    Seeder seeder() throws Exception {
        PeerEngine engine = PeerEngine.start(EngineConfig.source(ANY));
        SeederLoop loop = new SeederLoop(new SeederSettings(kafka.bootstrap(), Duration.ofSeconds(30), 1, 0, Duration.ofMillis(20)), engine);
        Thread t = new Thread(loop, "seeder");
        t.setDaemon(true);
        t.start();
        Seeder s = new Seeder(engine, loop);
        closeables.add(s);
        long deadline = System.currentTimeMillis() + 20_000;
        while (!loop.isReady()) {
            assertTrue(System.currentTimeMillis() < deadline, "seeder never caught up: " + logs);
            Thread.sleep(20);
        }
        return s;
    }

    static final class Output implements ChunkSink {
        final ConcurrentSkipListMap<Long, byte[]> chunks = new ConcurrentSkipListMap<>();

        @Override
        public void chunk(long index, byte[] data) {
            chunks.put(index, data);
        }
    }

    LiveSwarm viewer(Output out, InetSocketAddress... peers) throws Exception {
        PeerEngine e = PeerEngine.start(EngineConfig.defaults(ANY));
        closeables.add(e);
        return e.join(key.swarmId(), params, List.of(peers), out);
    }

    static boolean await(java.util.function.BooleanSupplier c, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return c.getAsBoolean();
    }

    static void assertContiguousVerified(Output out) {
        long expected = out.chunks.firstKey();
        for (Map.Entry<Long, byte[]> e : out.chunks.entrySet()) {
            assertEquals(expected++, e.getKey(), "hole in the viewer's output");
            assertArrayEquals(chunk(e.getKey()), e.getValue());
        }
    }

    @Test
    void signedRecordsReachAViewerThroughTheSeeder() throws Exception {
        Seeder a = seeder();
        startSigning();
        Output out = new Output();
        LiveSwarm v = viewer(out, a.engine().localAddress());
        assertTrue(await(() -> out.chunks.size() >= 500, 20_000), "viewer output " + out.chunks.size());
        assertContiguousVerified(out);
        assertEquals(0, v.stats().chunksRejected.get());
    }

    @Test
    void aViewerOutlivesTheSeederItWasUsing() throws Exception {
        Seeder a = seeder();
        Seeder b = seeder();
        startSigning();
        Output out = new Output();
        viewer(out, a.engine().localAddress(), b.engine().localAddress());
        assertTrue(await(() -> out.chunks.size() >= 200, 20_000));
        a.close();
        long at = out.chunks.lastKey();
        assertTrue(await(() -> out.chunks.lastKey() >= at + 500, 20_000), "viewer stalled at " + out.chunks.lastKey() + " after the seeder died");
        assertContiguousVerified(out);
    }

    @Test
    void aSeederStartedMidStreamServesTheWindow() throws Exception {
        startSigning();
        Thread.sleep(3000);
        long before = published;
        assertTrue(before > 500, "published " + before);
        Seeder late = seeder();
        assertTrue(await(() -> late.loop().relays().size() == 1 && late.relay().chunksHeld() >= before, 10_000),
                "a fresh seeder holds the chunks published before it started");
        Output out = new Output();
        viewer(out, late.engine().localAddress());
        assertTrue(await(() -> out.chunks.size() >= 200, 20_000));
        assertContiguousVerified(out);
    }

    @Test
    void aRecordThatDoesNotCheckOutIsRefusedAndSaidSo() throws Exception {
        Seeder a = seeder();
        tamperMunroAt = 200;
        startSigning();
        assertTrue(await(() -> published > 300, 10_000));
        assertTrue(await(() -> a.loop().refused.get() == 1, 5000), "refused " + a.loop().refused);
        assertTrue(logs.lines().stream().anyMatch(l -> l.contains("refusing to serve") && l.contains("do not hash to the signed munro hash")), logs.toString());
        assertTrue(a.relay().chunksHeld() > 250);
    }

    @Test
    void theSeederRegistersWithTheTrackerAndLeavesOnDrain() throws Exception {
        io.seedcast.tracker.Tracker tracker = new io.seedcast.tracker.Tracker(Clock.systemUTC(), Duration.ofSeconds(90));
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/ppsp-tp", ex -> {
            byte[] out = tracker.handle(new String(ex.getRequestBody().readAllBytes()), ex.getRemoteAddress()).getBytes();
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        http.start();
        closeables.add(() -> http.stop(0));
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/ppsp-tp");
        Seeder a = seeder();
        InetSocketAddress advertised = new InetSocketAddress("203.0.113.7", 7758);
        TrackerRegistration registration = new TrackerRegistration(new io.seedcast.tracker.TrackerClient(uri, "seeder-a"), advertised, a.loop(),
                Duration.ofSeconds(30));
        registration.start();
        startSigning();
        String swarm = key.swarmId().hex();
        assertTrue(await(() -> tracker.seeders(swarm).contains(advertised), 10_000), "seeder registered: " + logs);
        var found = new io.seedcast.tracker.TrackerClient(uri, "viewer").connect(new InetSocketAddress("198.51.100.9", 6000),
                List.of(new io.seedcast.tracker.TrackerClient.SwarmAction(swarm, true, false)));
        assertEquals(advertised, found.getFirst().address(), "a viewer is sent to the seeder first");
        registration.close();
        assertEquals(List.of(), tracker.seeders(swarm), "a draining seeder leaves the swarm at the tracker");
    }
}
