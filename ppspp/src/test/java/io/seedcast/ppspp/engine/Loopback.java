package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.SwarmParameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Real engines on real UDP sockets on 127.0.0.1, and a live source that publishes a known stream. */
final class Loopback implements AutoCloseable {

    final List<PeerEngine> engines = new ArrayList<>();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /** When {@link #publish} handed each chunk to the source, in nanos. */
    final ConcurrentSkipListMap<Long, Long> published = new ConcurrentSkipListMap<>();

    PeerEngine engine(EngineConfig config) throws IOException {
        PeerEngine e = PeerEngine.start(config);
        engines.add(e);
        return e;
    }

    PeerEngine engine() throws IOException {
        return engine(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
    }

    static byte[] chunk(long n, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(n * 7919 + 1).nextBytes(b);
        b[0] = (byte) (n >>> 24);
        b[1] = (byte) (n >>> 16);
        b[2] = (byte) (n >>> 8);
        b[3] = (byte) n;
        return b;
    }

    /** Publishes chunk n every {@code periodMicros}, forever (until close). */
    void publish(LiveSwarm source, long periodMicros) {
        int size = (int) source.parameters().chunkSize();
        long[] n = {0};
        timer.scheduleAtFixedRate(() -> {
            published.put(n[0], System.nanoTime());
            source.publish(chunk(n[0]++, size));
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    /** Collects what a viewer outputs. */
    static final class Output implements ChunkSink {
        final ConcurrentSkipListMap<Long, byte[]> chunks = new ConcurrentSkipListMap<>();
        final ConcurrentSkipListMap<Long, Long> outputNanos = new ConcurrentSkipListMap<>();

        @Override
        public void chunk(long index, byte[] data) {
            outputNanos.put(index, System.nanoTime());
            chunks.put(index, data);
        }

        int size() {
            return chunks.size();
        }
    }

    static boolean await(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    static SwarmKeyPair key(io.seedcast.ppspp.keys.SignatureAlgorithm a) {
        return SwarmKeyPair.generate(a);
    }

    static SwarmParameters params() {
        return SwarmParameters.defaults(io.seedcast.ppspp.live.Profile.RFC7574);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (PeerEngine e : engines) {
            e.close();
        }
    }

    static byte[] concat(java.util.Collection<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
