package io.seedcast.ppspp.sim;

import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.engine.EngineConfig;
import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.Datagram;
import io.seedcast.ppspp.wire.Integrity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One live source and N viewers on a {@link SimNetwork}: the source publishes a stream at a bit rate, the viewers join
 * a second in (knowing the source, and with {@code p2p} up to 8 earlier viewers each), and every path has the same
 * profile. What a viewer would notice is measured from virtual time: chunks output in order within a playout buffer,
 * the longest stall, chunks lost for good, and the bytes the network carried per byte a viewer got.
 *
 * @param uploadCap the source's total upload in bytes per second (0 for none): the viewers must take the rest from each other
 * @param declaredPercent how much of a capped uplink the source declares as its upload limit, as an operator who knows
 *                        the line would (90), or 0 for an operator who does not
 * @param swarm the swarm's parameters: {@link #SWARM} unless a scenario is about another chunk size or addressing
 * @param hashStrippers how many of the viewers (the first ones) send their chunks without the hashes that verify them
 */
public record Scenario(long bitsPerSecond, int viewers, boolean p2p, LinkProfile path, Duration length, long uploadCap, long seed,
        int declaredPercent, SwarmParameters swarm, int hashStrippers) {

    /** The swarm of the table (all but its last eight rows): the RFC's defaults (1024-byte chunks, 32-bit chunk ranges), Ed25519. */
    public static final SwarmParameters SWARM = SwarmParameters.defaults(Profile.RFC7574).withAlgorithm(SignatureAlgorithm.ED25519);

    public Scenario(long bitsPerSecond, int viewers, boolean p2p, LinkProfile path, Duration length, long uploadCap, long seed) {
        this(bitsPerSecond, viewers, p2p, path, length, uploadCap, seed, 90);
    }

    public Scenario(long bitsPerSecond, int viewers, boolean p2p, LinkProfile path, Duration length, long uploadCap, long seed,
            int declaredPercent) {
        this(bitsPerSecond, viewers, p2p, path, length, uploadCap, seed, declaredPercent, SWARM, 0);
    }

    public Scenario withSwarm(SwarmParameters s) {
        return new Scenario(bitsPerSecond, viewers, p2p, path, length, uploadCap, seed, declaredPercent, s, hashStrippers);
    }

    /**
     * The same scenario with the first {@code n} viewers sending their chunks without any INTEGRITY message (a buggy or
     * hostile implementation: the chunks are genuine, the hashes that verify them never come from that peer).
     */
    public Scenario withHashStrippers(int n) {
        return new Scenario(bitsPerSecond, viewers, p2p, path, length, uploadCap, seed, declaredPercent, swarm, n);
    }

    /** The playout buffer a viewer keeps behind its first output chunk. */
    public static final Duration PLAYOUT = Duration.ofSeconds(1);

    /** What one run measured, worst viewer first where it matters. */
    public record Result(Scenario scenario, double onTimeWorst, double onTimeMean, long stallMsWorst, long lostForGood,
            double bytesPerDelivered, double peerShare, long firstOutputMsWorst, long published, long reRequests, long lossesDetected,
            long delayP50Ms, long delayP99Ms) {

        public String row() {
            return String.format(Locale.ROOT, "| %s | %d | %s | %.1f Mbit/s%s | %.2f%% | %.2f%% | %d | %d | %.3f | %.0f%% | %d | %d / %d |",
                    scenario.path, scenario.viewers,
                    scenario.p2p ? (scenario.uploadCap > 0 ? (scenario.declaredPercent > 0 ? "yes, source capped" : "yes, source capped, undeclared") : "yes") : "no",
                    scenario.bitsPerSecond / 1e6, scenario.swarm.equals(SWARM) ? "" : String.format(Locale.ROOT, ", %d-byte chunks, %s",
                            scenario.swarm.chunkSize(), scenario.swarm.addressing().description()),
                    100 * onTimeWorst, 100 * onTimeMean, stallMsWorst, lostForGood, bytesPerDelivered,
                    100 * peerShare, firstOutputMsWorst, delayP50Ms, delayP99Ms);
        }

        public static String header() {
            return "| path (each direction) | viewers | peer to peer | stream | in order within 1 s, worst viewer | mean | longest stall ms | lost for good | bytes sent / delivered | from peers | join -> first output ms | publish -> output p50 / p99 ms |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|";
        }
    }

    public Result run() {
        SimNetwork net = new SimNetwork(seed).defaultLink(path);
        SwarmParameters params = swarm;
        SwarmKeyPair key = SwarmKeyPair.generate(params.algorithm());
        SimNetwork.Node sourceNode = net.node(EngineConfig.source(null).withTotalUploadLimit(uploadCap * declaredPercent / 100));
        if (uploadCap > 0) {
            net.capUpload(sourceNode, uploadCap, uploadCap / 4);
        }
        LiveSwarm source = sourceNode.core.addSource(params, key);
        int chunkSize = (int) params.chunkSize();
        long period = chunkSize * 8L * 1_000_000_000L / bitsPerSecond;
        long end = length.toNanos();
        List<Long> published = new ArrayList<>();
        SplittableRandom content = new SplittableRandom(seed);
        net.every(0, period, () -> {
            if (net.now() < end) {
                byte[] chunk = new byte[chunkSize];
                content.nextBytes(chunk);
                published.add(net.now());
                source.publish(chunk);
            }
        });
        List<TreeMap<Long, Long>> outputs = new ArrayList<>();
        List<LiveSwarm> joined = new ArrayList<>();
        List<SimNetwork.Node> viewerNodes = new ArrayList<>();
        for (int v = 0; v < viewers; v++) {
            SimNetwork.Node node = net.node(EngineConfig.defaults(null));
            viewerNodes.add(node);
            if (v < hashStrippers) {
                node.core.setOutboundFilter(d -> new Datagram(d.channel(), d.messages().stream().filter(m -> !(m instanceof Integrity)).toList()));
            }
            TreeMap<Long, Long> out = new TreeMap<>();
            outputs.add(out);
            int index = v;
            net.at(1_000_000_000L + v * 100_000_000L, () -> {
                LiveSwarm s = node.core.join(key.swarmId(), params, List.of(sourceNode.address), (i, d) -> out.put(i, net.now()));
                joined.add(s);
                if (p2p && index > 0) {
                    s.addPeers(viewerNodes.subList(Math.max(0, index - 8), index).stream().map(n -> n.address).toList());
                }
            });
        }
        net.runUntil(end);
        return measure(net, published, outputs, joined, period, chunkSize);
    }

    private Result measure(SimNetwork net, List<Long> published, List<TreeMap<Long, Long>> outputs, List<LiveSwarm> joined,
            long period, int chunkSize) {
        long end = length.toNanos();
        double worst = 1;
        double sum = 0;
        long stallWorst = 0;
        long firstWorst = 0;
        long delivered = 0;
        List<Long> delays = new ArrayList<>();
        for (int v = 0; v < outputs.size(); v++) {
            TreeMap<Long, Long> out = outputs.get(v);
            long joinedAt = 1_000_000_000L + v * 100_000_000L;
            if (out.isEmpty()) {
                worst = 0;
                stallWorst = Math.max(stallWorst, (end - joinedAt) / 1_000_000);
                continue;
            }
            delivered += out.size();
            long c0 = out.firstKey();
            long t0 = out.firstEntry().getValue();
            firstWorst = Math.max(firstWorst, (t0 - joinedAt) / 1_000_000);
            // Chunks a player would have wanted before the run ended, with a playout buffer's margin.
            long due = 0;
            long onTime = 0;
            for (long c = c0; c < published.size() && published.get((int) c) + PLAYOUT.toNanos() + (t0 - published.get((int) c0)) < end; c++) {
                due++;
                Long at = out.get(c);
                if (at != null && at <= t0 + published.get((int) c) - published.get((int) c0) + PLAYOUT.toNanos()) {
                    onTime++;
                }
            }
            double f = due == 0 ? 0 : onTime / (double) due;
            worst = Math.min(worst, f);
            sum += f;
            for (var e : out.entrySet()) {
                if (e.getKey() < published.size()) {
                    delays.add(e.getValue() - published.get((int) (long) e.getKey()));
                }
            }
            long[] times = out.values().stream().mapToLong(Long::longValue).sorted().toArray();
            long stall = end - times[times.length - 1];
            for (int i = 1; i < times.length; i++) {
                stall = Math.max(stall, times[i] - times[i - 1]);
            }
            stallWorst = Math.max(stallWorst, stall / 1_000_000);
        }
        long lost = 0;
        long fromPeers = 0;
        long bytesIn = 0;
        long reRequests = 0;
        long detected = 0;
        for (LiveSwarm s : joined) {
            detected += s.stats().lossesDetected.get();
            lost += s.stats().chunksLost.get();
            fromPeers += s.stats().bytesFromPeers.get();
            bytesIn += s.stats().bytesIn.get();
            reRequests += s.stats().reRequests.get();
        }
        double perDelivered = delivered == 0 ? Double.POSITIVE_INFINITY : net.bytesSent() / (double) (delivered * chunkSize);
        java.util.Collections.sort(delays);
        long p50 = delays.isEmpty() ? -1 : delays.get(delays.size() / 2) / 1_000_000;
        long p99 = delays.isEmpty() ? -1 : delays.get(Math.min(delays.size() - 1, (int) (delays.size() * 0.99))) / 1_000_000;
        return new Result(this, worst, outputs.isEmpty() ? 0 : sum / outputs.size(), stallWorst, lost, perDelivered,
                bytesIn == 0 ? 0 : fromPeers / (double) bytesIn, firstWorst, published.size(), reRequests, detected, p50, p99);
    }

    /**
     * Prints the README's target table: {@code java -cp ... io.seedcast.ppspp.sim.Scenario [seconds]}. Every row is its
     * own seeded run, so they run side by side, one per core, and print in order.
     */
    public static void main(String[] args) throws Exception {
        Duration len = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 60);
        List<Scenario> rows = new ArrayList<>();
        for (long rate : new long[] {2_000_000, 6_000_000}) {
            for (int[] shape : new int[][] {{1, 0}, {10, 1}}) {
                for (int rtt : new int[] {20, 50, 100, 200}) {
                    for (double loss : new double[] {0, 0.01, 0.03, 0.05, -0.02}) {
                        LinkProfile p = LinkProfile.rtt(Duration.ofMillis(rtt), Duration.ofMillis(10), Math.max(loss, 0));
                        if (loss < 0) {
                            p = p.withBursts(-loss, 4);
                        }
                        rows.add(new Scenario(rate, shape[0], shape[1] == 1, p, len, 0, 42));
                    }
                }
            }
        }
        for (int declared : new int[] {90, 0}) {
            for (int rtt : new int[] {50, 100, 200}) {
                rows.add(new Scenario(2_000_000, 10, true, LinkProfile.rtt(Duration.ofMillis(rtt), Duration.ofMillis(10), 0.01), len,
                        2 * 2_000_000 / 8, 42, declared));
            }
        }
        // The same ten viewers at 1 % loss in a swarm an operator may choose where paths carry 1500-byte packets: chunks
        // of seven TS packets, addressed in 32-bit bins.
        SwarmParameters mtu = SWARM.withChunkSize(1316).withAddressing(ChunkAddressing.BINS_32);
        for (long rate : new long[] {2_000_000, 6_000_000}) {
            for (int rtt : new int[] {20, 50, 100, 200}) {
                rows.add(new Scenario(rate, 10, true, LinkProfile.rtt(Duration.ofMillis(rtt), Duration.ofMillis(10), 0.01), len, 0, 42)
                        .withSwarm(mtu));
            }
        }
        System.out.println(Result.header());
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<Result>> results = new ArrayList<>();
            for (Scenario row : rows) {
                results.add(pool.submit(row::run));
            }
            for (Future<Result> r : results) {
                System.out.println(r.get().row());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
