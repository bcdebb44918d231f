package io.seedcast.peer;

import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.engine.PeerEngine;
import io.seedcast.ppspp.engine.SwarmStats;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.tracker.TrackerClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

/**
 * One viewer's watch of a channel: the swarms joined (the first, then each successor the channel rolls over to), the
 * tracker (RFC 7846: registration, FIND every 5 s for seeders that come and go, STAT_REPORT of what we uploaded), and
 * the output through a {@link Splicer}. {@link #status()} describes the whole watch, across successors.
 */
final class Watch implements AutoCloseable {

    static final long TRACKER_EVERY_NANOS = 5_000_000_000L;

    /** A watch's figures: totals over every swarm followed, peers and lag of the current one. */
    record Status(String swarm, int generation, long verified, long rejected, long lost, long reRequested, long duplicates, long lag,
            long peers, long bytesIn, long bytesOut, long bytesFromPeers, long written, int exactSplices, int keyframeSplices) {

        String line(long inKbps, long outKbps) {
            return String.format("verified=%d rejected=%d lost=%d rerequested=%d lag=%d in=%dkbit/s out=%dkbit/s swarm=%s%s peers=%d duplicates=%d",
                    verified, rejected, lost, reRequested, lag, inKbps, outKbps, swarm.substring(0, Math.min(12, swarm.length())),
                    generation == 0 ? "" : " successors=" + generation, peers, duplicates);
        }
    }

    private final PeerEngine engine;
    private final Splicer splicer;
    private final PrintStream err;
    private final List<InetSocketAddress> fixedPeers;
    private final TrackerClient tracker;
    private final InetSocketAddress self;
    private final List<LiveSwarm> joined = new CopyOnWriteArrayList<>();
    private long lastTracker = System.nanoTime();

    /**
     * @param fixedPeers peers given on the command line, tried in every swarm followed
     * @param tracker    null without one
     * @param self       our address as the tracker should give it to others
     */
    Watch(PeerEngine engine, Splicer splicer, PrintStream err, List<InetSocketAddress> fixedPeers, TrackerClient tracker, InetSocketAddress self) {
        this.engine = engine;
        this.splicer = splicer;
        this.err = err;
        this.fixedPeers = List.copyOf(fixedPeers);
        this.tracker = tracker;
        this.self = self;
    }

    /**
     * Joins {@code swarm}: the first, or a successor of the one watched. {@code broadcast} and {@code firstChunk} (-1
     * when unknown) say where its chunk 0 sits in the broadcast; a successor that continues its predecessor exactly is
     * watched from its chunk 0, any other from the tune-in point near its live edge.
     */
    LiveSwarm join(SwarmId swarm, SwarmParameters params, List<InetSocketAddress> seeders, String broadcast, long firstChunk) {
        return join(swarm, params, seeders, broadcast, firstChunk, false);
    }

    /** As above; {@code predecessorRevoked}: the swarm watched so far is no longer served, switch to this one at once. */
    LiveSwarm join(SwarmId swarm, SwarmParameters params, List<InetSocketAddress> seeders, String broadcast, long firstChunk,
            boolean predecessorRevoked) {
        int generation = splicer.add(broadcast, firstChunk, predecessorRevoked);
        List<InetSocketAddress> peers = new ArrayList<>(seeders);
        fixedPeers.stream().filter(p -> !peers.contains(p)).forEach(peers::add);
        List<InetSocketAddress> viewers = new ArrayList<>();
        if (tracker != null) {
            // RFC 7846: register as a LEECH and get the swarm's peers. Seeders join as such; the other viewers are peers to
            // pass chunks on with, which the engine prefers over the seeders (seeder offload).
            try {
                for (var p : tracker.connect(self, List.of(new TrackerClient.SwarmAction(swarm.hex(), true, false)))) {
                    if (p.seeder()) {
                        if (!peers.contains(p.address())) {
                            peers.add(p.address());
                        }
                    } else if (!p.address().equals(self)) {
                        viewers.add(p.address());
                    }
                }
            } catch (IOException e) {
                err.println("seedcast-peer: the tracker did not answer (" + e.getMessage() + "); using the metadata's seeders");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean exact = generation > 0 && splicer.continuesExactly(generation);
        LiveSwarm s = engine.join(swarm, params, peers, splicer.sink(generation), exact ? 0 : -1);
        if (!viewers.isEmpty()) {
            s.addPeers(viewers);
        }
        joined.add(s);
        if (generation == 0) {
            err.printf("seedcast-peer: joining %s via %s%s from %s%n", swarm, peers, viewers.isEmpty() ? "" : " and " + viewers.size() + " other viewers",
                    engine.localAddress());
        } else {
            err.printf("seedcast-peer: the channel %s: following successor swarm %s%s%n", predecessorRevoked ? "revoked its swarm" : "rolled over",
                    swarm, exact ? " from its first chunk, broadcast chunk " + firstChunk : ", from its next keyframe");
        }
        return s;
    }

    /** The swarm whose chunks are being output. */
    LiveSwarm current() {
        return joined.get(Math.min(splicer.activeGeneration(), joined.size() - 1));
    }

    /** Periodic work, every 200 ms or so: the splice's quiet hand-over, and the tracker every 5 s. */
    void tick() {
        splicer.tick();
        if (tracker != null && System.nanoTime() - lastTracker > TRACKER_EVERY_NANOS) {
            lastTracker = System.nanoTime();
            askTracker(current());
        }
    }

    private void askTracker(LiveSwarm current) {
        try {
            // Seeders come and go (scaled out, restarted, replaced): ask the tracker again (RFC 7846 FIND).
            List<InetSocketAddress> seeders = new ArrayList<>();
            List<InetSocketAddress> viewers = new ArrayList<>();
            for (var p : tracker.find(current.swarmId().hex())) {
                if (!p.address().equals(self)) {
                    (p.seeder() ? seeders : viewers).add(p.address());
                }
            }
            current.addSeeders(seeders);
            current.addPeers(viewers);
            // What we uploaded to other viewers is the swarm's peer-to-peer share (the dashboard's efficiency).
            SwarmStats st = current.stats();
            tracker.statReport(List.of(new TrackerClient.StreamStats(current.swarmId().hex(), st.bytesOut.get(), st.bytesIn.get(), (int) st.peers.get())));
        } catch (IOException e) {
            // The tracker may be restarting; the seeders we know go on serving, and it only ages us out after minutes.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Status status() {
        LiveSwarm current = current();
        SwarmStats c = current.stats();
        int[] splices = splicer.splices();
        return new Status(current.swarmId().hex(), joined.indexOf(current), sum(s -> s.chunksVerified.get()), sum(s -> s.chunksRejected.get()),
                sum(s -> s.chunksLost.get()), sum(s -> s.reRequests.get()), sum(s -> s.chunksDuplicate.get()), c.lagChunks.get(), c.peers.get(),
                sum(s -> s.bytesIn.get()),
                sum(s -> s.bytesOut.get()), sum(s -> s.bytesFromPeers.get()), splicer.writtenBytes(), splices[0], splices[1]);
    }

    private long sum(ToLongFunction<SwarmStats> f) {
        return joined.stream().mapToLong(s -> f.applyAsLong(s.stats())).sum();
    }

    /** When the first swarm's first verified chunk came (engine time), -1 before. */
    long firstChunkNanos() {
        return joined.isEmpty() ? -1 : joined.getFirst().stats().firstChunkNanos.get();
    }

    @Override
    public void close() {
        splicer.close();
        joined.forEach(LiveSwarm::leave);
    }
}
