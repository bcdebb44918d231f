package io.seedcast.bench;

import io.seedcast.ppspp.engine.EngineConfig;
import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.engine.PeerEngine;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load tool: one live source on loopback serving N viewers at 2 Mbit/s each, for N in the
 * arguments (default 1 10 50). Prints per run the source's egress, datagrams/s, CPU, how far
 * viewers lag the live edge and the time from join to the first verified chunk; and, in the same
 * run, the baseline: raw loopback UDP throughput of a plain blaster with the same datagram size.
 *
 * <p>Run: {@code ./seedcast load [--relay] [--p2p] [N ...]}; {@code --p2p} tells each viewer of up to 8 earlier ones, so
 * the egress share shows how much of the demand the seeder offload leaves to the viewers. Viewers run in this JVM, one engine thread each, so on
 * 2 cores they compete with the source for CPU: the figures are a floor for a source with its own host.
 */
public final class SwarmLoad {

    static final int CHUNK = 1024;
    static final long RATE_BPS = 2_000_000;
    static final int SECONDS = 10;

    public static void main(String[] args) throws Exception {
        boolean relay = Arrays.asList(args).contains("--relay");
        boolean p2p = Arrays.asList(args).contains("--p2p");
        String[] numbers = Arrays.stream(args).filter(a -> !a.startsWith("--")).toArray(String[]::new);
        int[] counts = numbers.length == 0 ? new int[] {1, 10, 50} : Arrays.stream(numbers).mapToInt(Integer::parseInt).toArray();
        System.out.println(relay ? "serving as a seeder does: a relay fed pre-signed munros (no signing on the serving side)"
                : "serving as a live source: signing one munro per 32 chunks");
        System.out.println(p2p ? "viewers know up to 8 earlier viewers each (as from the tracker) and pass chunks on (seeder offload)"
                : "viewers know only the source");
        int datagramSize = 4 + 1 + 8 + 8 + CHUNK + 2 * (1 + 8 + 32); // DATA with a couple of uncle hashes, as served
        double[] raw = blast(datagramSize, 3);
        System.out.printf("baseline raw loopback UDP, %d-byte datagrams: %.0f Mbit/s, %.0f datagrams/s%n", datagramSize, raw[0], raw[1]);
        System.out.println("viewers | egress Mbit/s | of demand | datagrams/s | source CPU % | process CPU % | lag p50/max chunks | join->first chunk p50/max ms | egress / raw");
        for (int n : counts) {
            Result r = run(n, relay, p2p);
            System.out.printf("%7d | %13.1f | %8.0f%% | %11.0f | %12.0f | %13.0f | %7d / %-8d | %10d / %-14d | %.3f%n", n, r.egressMbps,
                    100 * r.egressMbps / (n * RATE_BPS / 1e6), r.datagramsPerSecond, r.sourceCpu, r.processCpu, r.lagP50, r.lagMax,
                    r.firstP50, r.firstMax, r.egressMbps / raw[0]);
        }
    }

    record Result(double egressMbps, double datagramsPerSecond, double sourceCpu, double processCpu, long lagP50, long lagMax,
            long firstP50, long firstMax) {
    }

    static Result run(int viewers, boolean relay, boolean p2p) throws Exception {
        SwarmParameters params = SwarmParameters.defaults(Profile.RFC7574);
        SwarmKeyPair key = SwarmKeyPair.generate(params.algorithm());
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        List<PeerEngine> engines = new ArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            PeerEngine src = PeerEngine.start(EngineConfig.source(any).withPeerLimits(1000, 2000));
            engines.add(src);
            AtomicLong published = new AtomicLong();
            byte[] chunk = new byte[CHUNK];
            long periodMicros = CHUNK * 8L * 1_000_000L / RATE_BPS;
            if (relay) {
                // The signer's side, in-process: a live tree signing munros that the relay then checks and serves.
                LiveSwarm served = src.addRelay(key.swarmId(), params);
                io.seedcast.ppspp.live.LiveTree signer = new io.seedcast.ppspp.live.LiveTree(params, key, Clock.systemUTC());
                List<byte[]> pending = new ArrayList<>();
                timer.scheduleAtFixedRate(() -> {
                    byte[] c = chunk.clone();
                    c[0] = (byte) published.getAndIncrement();
                    pending.add(c);
                    signer.append(c).ifPresent(m -> {
                        served.offerMunro(m, m.munro().baseOffset(), List.copyOf(pending), r -> { });
                        pending.clear();
                    });
                }, 0, periodMicros, TimeUnit.MICROSECONDS);
            } else {
                LiveSwarm source = src.addSource(params, key);
                timer.scheduleAtFixedRate(() -> {
                    chunk[0] = (byte) published.getAndIncrement();
                    source.publish(chunk);
                }, 0, periodMicros, TimeUnit.MICROSECONDS);
            }
            Thread.sleep(500);
            List<LiveSwarm> joined = new ArrayList<>();
            List<AtomicLong> lastOut = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                PeerEngine e = PeerEngine.start(EngineConfig.defaults(any));
                engines.add(e);
                AtomicLong last = new AtomicLong(-1);
                lastOut.add(last);
                LiveSwarm viewer = e.join(key.swarmId(), params, List.of(src.localAddress()), (index, data) -> last.set(index));
                if (p2p && i > 0) {
                    // A tracker hands a joining viewer a sample of the swarm; the earlier viewers learn of it when it connects.
                    List<InetSocketAddress> earlier = new ArrayList<>();
                    for (int j = 1; j < engines.size() - 1; j++) {
                        earlier.add(engines.get(j).localAddress());
                    }
                    java.util.Collections.shuffle(earlier, new java.util.Random(i));
                    viewer.addPeers(earlier.subList(0, Math.min(8, earlier.size())));
                }
                joined.add(viewer);
            }
            Thread.sleep(2000);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long srcThread = threadId("ppspp-engine-" + src.localAddress().getPort());
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = threads.getThreadCpuTime(srcThread);
            long proc0 = os.getProcessCpuTime();
            long bytes0 = src.bytesSent.get();
            long dgrams0 = src.datagramsSent.get();
            long t0 = System.nanoTime();
            Thread.sleep(SECONDS * 1000L);
            long dt = System.nanoTime() - t0;
            double egress = (src.bytesSent.get() - bytes0) * 8 / (dt / 1e9) / 1e6;
            double dps = (src.datagramsSent.get() - dgrams0) / (dt / 1e9);
            double sourceCpu = 100.0 * (threads.getThreadCpuTime(srcThread) - cpu0) / dt;
            double processCpu = 100.0 * (os.getProcessCpuTime() - proc0) / dt;
            long edge = published.get();
            long[] lags = lastOut.stream().mapToLong(l -> l.get() < 0 ? edge : edge - l.get()).sorted().toArray();
            long[] firsts = joined.stream().mapToLong(s -> s.stats().firstChunkNanos.get() / 1_000_000).sorted().toArray();
            return new Result(egress, dps, sourceCpu, processCpu, lags[lags.length / 2], lags[lags.length - 1], firsts[firsts.length / 2],
                    firsts[firsts.length - 1]);
        } finally {
            timer.shutdownNow();
            for (PeerEngine e : engines) {
                e.close();
            }
        }
    }

    static long threadId(String name) {
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            if (t.getThreadName().equals(name)) {
                return t.getThreadId();
            }
        }
        throw new IllegalStateException("no thread " + name);
    }

    /** Raw loopback UDP: a plain sender and receiver, {@code seconds} long. Returns {Mbit/s received, datagrams/s received}. */
    static double[] blast(int size, int seconds) throws Exception {
        try (DatagramSocket rx = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket tx = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            rx.setReceiveBufferSize(4 << 20);
            rx.setSoTimeout(200);
            AtomicLong received = new AtomicLong();
            Thread receiver = new Thread(() -> {
                DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        rx.receive(p);
                        received.incrementAndGet();
                    } catch (java.net.SocketTimeoutException e) {
                        // Loop again until interrupted.
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            receiver.start();
            byte[] payload = new byte[size];
            DatagramPacket p = new DatagramPacket(payload, size, rx.getLocalSocketAddress());
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            long r0 = received.get();
            while (System.nanoTime() < end) {
                tx.send(p);
            }
            double dt = (System.nanoTime() - start) / 1e9;
            long got = received.get() - r0;
            receiver.interrupt();
            receiver.join();
            return new double[] {got * size * 8 / dt / 1e6, got / dt};
        }
    }
}
