package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.live.SwarmParameters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.random.RandomGenerator;

/**
 * Live chunk picking for one viewer, as libswift's {@code LivePiecePicker}: where to tune in, and which holder to ask
 * for each chunk between the playout point and the newest chunk anyone announced. Each chunk is asked of one holder at
 * a time, the least loaded, a viewer before a seeder; a request that times out is cancelled and asked again. Seeder
 * offload: a chunk only seeders hold waits a per-chunk time for a viewer to hold it (see {@link #offloadDelay}).
 *
 * <p>Event-driven: it works only after something changed (a HAVE, a chunk received, a holder gone or ready) or when a
 * request deadline or an offload wait runs out, and it passes over the chunks still waiting out their offload delay
 * without looking at the holders unless a viewer announced something since.
 */
final class LivePicker<H extends LivePicker.Holder> {

    /** A peer we may ask for chunks. */
    interface Holder {
        boolean holds(long chunk);

        /** The newest chunk it announced, -1 if none. */
        long latest();

        /** The oldest chunk it holds, or {@link Long#MAX_VALUE}. */
        long oldest();

        /** One of the seeders the viewer joined through, asked only for what no viewer holds. */
        boolean seeder();

        /** Established and not choking us. */
        boolean ready();
    }

    /** Where the picks go: REQUEST and CANCEL messages to holders (RFC 7574 §3.7, §3.8). */
    interface Orders<H> {
        /**
         * Asks {@code holder} for {@code chunks}. {@code again}: one of them is asked after a loss of a holder
         * {@link #HEDGE_PATH_NANOS} or more away, and is late already, or asked ahead of a seeder that far (one REQUEST for
         * a munro or more); the REQUEST goes a second time in a later datagram, as a lost REQUEST costs a whole retry. At
         * 200 ms with 5 % loss one try in ten failed, as often from a lost REQUEST as from a lost DATA, and four in a row
         * stalled a viewer for over a second. A holder answers the second copy only if the first did not come
         * ({@code SendState#crossed}). Not on shorter paths: a retry there is cheap, and with their
         * jitter the two copies come too far apart to tell from a new request (at 20 ms, one viewer's bytes per byte at 1 %
         * loss went from 1.094 to 1.105).
         */
        void request(H holder, ChunkRange chunks, boolean again);

        void cancel(H holder, long chunk);
    }

    /**
     * A chunk asked of a holder: when, until when. {@code retry}: asked before; its DATA may answer either request, so it
     * gives no round-trip sample (Karn's rule). {@code overtakenAt}: when a higher chunk from the same holder first showed
     * this one lost, or {@link Long#MAX_VALUE}. {@code askedNanos}: when our REQUEST went, which orders it among the
     * holder's answers; later than {@code requestedNanos} only for a chunk asked ahead ({@link #ahead}), whose request
     * counts from when the chunk was announced and gives no round-trip sample (the holder waited for the chunk).
     */
    private record Request<H>(H holder, long requestedNanos, long deadlineNanos, long arrivedAt, boolean retry, long overtakenAt,
            long askedNanos) {
        Request(H holder, long requestedNanos, long deadlineNanos, boolean retry) {
            this(holder, requestedNanos, deadlineNanos, Long.MAX_VALUE, retry, Long.MAX_VALUE, requestedNanos);
        }

        boolean askedAhead() {
            return askedNanos != requestedNanos;
        }

        /** Whether its DATA came (verified or waiting for its hashes). */
        boolean arrived() {
            return arrivedAt != Long.MAX_VALUE;
        }

        Request<H> arrive(long at) {
            return new Request<>(holder, requestedNanos, deadlineNanos, at, retry, overtakenAt, askedNanos);
        }

        Request<H> overtaken(long at) {
            return new Request<>(holder, requestedNanos, deadlineNanos, arrivedAt, retry, at, askedNanos);
        }
    }

    /** What the picker learns of one holder: load, request-to-data round trip (RFC 6298 style), delivery rate. */
    private static final class HolderState {
        int load;
        /** The highest chunk that arrived from this holder, and when it did (holders serve the lowest chunk first). */
        long highestChunk = -1;
        long highestChunkAt;
        /** When we asked for that highest chunk. */
        long highestChunkAsked = Long.MAX_VALUE;
        /** The shortest request-to-data time seen: the path's round trip with the least queueing. */
        long minRtt = Long.MAX_VALUE;
        /** How late a chunk has come after a higher one from this holder (RACK's reordering window, measured). */
        long reorderNanos;
        /** The handshake's round trip of a holder that opened the channel to us, until we measure its path. */
        long theirHandshakeRtt = -1;
        final RttEstimator rtt = new RttEstimator();
        double chunksPerSecond;
        /**
         * Of our recent requests to this holder, the share it did not answer: lost, timed out or moved elsewhere (an EWMA).
         * A path loses a few percent; a seeder whose uplink is full and sends what nobody has yet first leaves most of the
         * rest unanswered.
         */
        double unanswered;
        /** When the last chunk from it came. */
        long lastArrivalAt = Long.MIN_VALUE;

        void answered(boolean yes) {
            unanswered = unanswered * (1 - UNANSWERED_WEIGHT) + (yes ? 0 : UNANSWERED_WEIGHT);
        }
        long rateSince = Long.MIN_VALUE;
        int rateCount;
        /** The last chunks that came from it, and when (by chunk modulo the length). */
        private final long[] recentChunk = new long[128];
        private final long[] recentAt = new long[128];

        void arrived(long chunk, long now) {
            int k = (int) Math.floorMod(chunk, (long) recentChunk.length);
            recentChunk[k] = chunk + 1;
            recentAt[k] = now;
        }

        /** When {@code chunk} came from it, if it did lately; else {@link Long#MIN_VALUE}. */
        long arrivedAt(long chunk) {
            int k = (int) Math.floorMod(chunk, (long) recentChunk.length);
            return recentChunk[k] == chunk + 1 ? recentAt[k] : Long.MIN_VALUE;
        }

        void delivered(long now) {
            if (rateSince == Long.MIN_VALUE) {
                rateSince = now;
            }
            rateCount++;
            long elapsed = now - rateSince;
            if (elapsed >= RATE_INTERVAL_NANOS) {
                double r = rateCount * 1e9 / elapsed;
                chunksPerSecond = chunksPerSecond == 0 ? r : (chunksPerSecond + r) / 2;
                rateSince = now;
                rateCount = 0;
            }
        }
    }

    static final long RATE_INTERVAL_NANOS = 250_000_000L;
    static final double UNANSWERED_WEIGHT = 0.03;
    static final double SATURATED = 0.5;
    /** A chunk counts as lost once a chunk this much higher has come from the same holder (as QUIC's kPacketThreshold). */
    static final int REORDER_THRESHOLD = 3;
    static final long MIN_DEADLINE_NANOS = 300_000_000L;

    private final SwarmParameters params;
    private final int window;
    private final int maxPerHolder;
    private final long timeoutNanos;
    private final long waitNanos;
    private final long salt;
    private final RandomGenerator random;

    private final Map<Long, Request<H>> requested = new HashMap<>();
    private final Map<H, HolderState> stateOf = new HashMap<>();
    /** Chunks only seeders hold, waiting for a viewer to hold them: until when. */
    private final Map<Long, Long> waitingUntil = new HashMap<>();
    /** Chunks lost on the way from a holder: asked again, of another holder where there is one. */
    private final Map<Long, H> lostFrom = new HashMap<>();
    /** Chunks asked again of a second holder too (see {@link #HEDGE_PATH_NANOS}), with that holder. */
    private final Map<Long, H> hedged = new HashMap<>();
    /** Of those, the chunks a queueing seeder was asked for and a viewer holds: asked of a viewer. */
    private final Set<Long> toViewer = new HashSet<>();
    private boolean dirty = true;
    private boolean viewerNews = true;
    private long wakeAt = Long.MIN_VALUE;
    private long reRequests;
    /** Of the re-requests, those a later chunk showed lost (the rest timed out). */
    private long detectedLost;

    LivePicker(SwarmParameters params, EngineConfig config, RandomGenerator random) {
        this.params = params;
        this.window = config.requestWindow();
        this.maxPerHolder = config.maxRequestsPerPeer();
        this.timeoutNanos = config.requestTimeout().toNanos();
        this.waitNanos = config.peerFirstWait().toNanos();
        this.lookbackNanos = config.tuneInLookback().toNanos();
        this.random = random;
        this.salt = random.nextLong();
    }

    /**
     * Where a viewer starts: the first chunk of the munro holding the newest announced chunk (UMT: its signature verifies
     * the whole munro), or a signature's worth of chunks back (Sign All); no earlier than any holder still has. With a
     * tune-in lookback, that far behind the edge in stream time, from the rate the edge is seen to move at over the first
     * {@link #OBSERVE_NANOS}. -1 while nobody announced anything, while a seeder we joined through has not announced yet
     * (at most {@link #SEEDER_EDGE_WAIT_NANOS} after the first announcement), or while the rate is being measured.
     */
    long tuneIn(Iterable<H> holders, long liveEdge, long now) {
        long edge = liveEdge;
        long lowest = Long.MAX_VALUE;
        for (H h : holders) {
            edge = Math.max(edge, h.latest());
            lowest = Math.min(lowest, h.oldest());
        }
        if (edge < 0) {
            return -1;
        }
        if (seederSilent(holders)) {
            if (firstAnnouncedAt == Long.MIN_VALUE) {
                firstAnnouncedAt = now;
            }
            if (now - firstAnnouncedAt < SEEDER_EDGE_WAIT_NANOS) {
                return -1;
            }
        }
        long anchor = edge;
        if (lookbackNanos > 0) {
            if (firstEdgeAt == Long.MIN_VALUE) {
                firstEdge = edge;
                firstEdgeAt = now;
                return -1;
            }
            if (now - firstEdgeAt < OBSERVE_NANOS) {
                return -1;
            }
            double chunksPerSecond = (edge - firstEdge) * 1e9 / (now - firstEdgeAt);
            anchor = Math.max(0, edge - (long) (chunksPerSecond * lookbackNanos / 1e9));
        }
        long start = params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE
                ? params.munroOf(anchor).baseOffset()
                : Math.max(0, anchor - params.chunksPerSignature() + 1);
        return lowest == Long.MAX_VALUE ? start : Math.max(start, lowest);
    }

    private static <H extends Holder> boolean seederSilent(Iterable<H> holders) {
        for (H h : holders) {
            if (h.seeder() && h.latest() < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * How long a viewer waits, after the first announcement it gets, for the seeders it joined through to announce before
     * it tunes in without them (a seeder gone, or its handshake lost). The live edge is the seeders': a viewer announces
     * what it holds, which can lag the edge by a second while it catches up itself, and the first HAVE to come is often
     * a viewer's (all handshakes go at once and take about the same time). Tuned in at a lagging viewer's newest munro,
     * a viewer joining a small swarm behind a capped source 200 ms away started 0.6 s of stream behind the edge, and
     * fetched that backlog through the one or two viewers that held it, themselves catching up, while the source's
     * uplink had no room: the chunks of the join came more than 2 s after publishing, later than a player's 1 s buffer
     * allowed. The seeders' newest munro is fetched like any live chunk.
     */
    static final long SEEDER_EDGE_WAIT_NANOS = 500_000_000L;
    private long firstAnnouncedAt = Long.MIN_VALUE;

    /** How long the edge is watched to learn the stream's chunk rate before a lookback tune-in. */
    static final long OBSERVE_NANOS = 300_000_000L;
    private final long lookbackNanos;
    private long firstEdge = -1;
    private long firstEdgeAt = Long.MIN_VALUE;

    /** A holder announced chunks (HAVE, or an ACK of what we sent it). */
    void onAnnounced(H holder) {
        dirty = true;
        if (!holder.seeder()) {
            viewerNews = true;
        }
    }

    /** Chunk {@code chunk} arrived from {@code from} and verified: its request is done, and it tells us of the holder. */
    void onReceived(long chunk, H from, long now) {
        Request<H> r = requested.remove(chunk);
        if (r != null) {
            HolderState st = release(r.holder());
            if (st != null && r.holder() == from && !r.retry() && !r.askedAhead()) {
                st.rtt.sample(now - r.requestedNanos());
                st.minRtt = Math.min(st.minRtt, now - r.requestedNanos());
            }
        }
        if (from != null) {
            stateOf.computeIfAbsent(from, h -> new HolderState()).delivered(now);
            fromViewers += ((from.seeder() ? 0 : 1) - fromViewers) / FROM_VIEWERS_WINDOW;
            receivedFromHolders++;
        }
        waitingUntil.remove(chunk);
        lostFrom.remove(chunk);
        unhedge(chunk);
        ahead.remove(chunk);
        dirty = true;
    }

    /** The second request for {@code chunk}, if any, is done: its holder's load goes back. */
    private void unhedge(long chunk) {
        H h = hedged.remove(chunk);
        if (h != null) {
            release(h);
        }
    }

    /**
     * DATA for chunk {@code chunk} came from {@code from}, verified or not yet (waiting for its hashes): it was not lost,
     * and its place in the holder's order tells what was.
     */
    void onArrived(long chunk, H from, long now) {
        Request<H> r = requested.get(chunk);
        HolderState st = stateOf.computeIfAbsent(from, h -> new HolderState());
        highestArrived = Math.max(highestArrived, chunk);
        Ahead a = from == aheadOf ? ahead.get(chunk) : null;
        if (a != null && a.arrivedAt() == Long.MAX_VALUE) {
            ahead.put(chunk, new Ahead(a.askedNanos(), now));
        }
        // The window forgets a rare outlier over a few hundred chunks (RACK keeps its reo_wnd only for a while too).
        st.reorderNanos -= st.reorderNanos >> 8;
        if (chunk > st.highestChunk) {
            long before = st.highestChunk;
            st.highestChunk = chunk;
            st.highestChunkAt = now;
            st.highestChunkAsked = r != null && r.holder() == from ? r.askedNanos() : a != null ? a.askedNanos() : Long.MAX_VALUE;
            // The chunks this one overtakes by the threshold, asked of this holder no later than it: from now, they are late.
            for (long k = Math.max(before - REORDER_THRESHOLD + 1, chunk - MAX_WINDOW); k <= chunk - REORDER_THRESHOLD; k++) {
                Request<H> q = requested.get(k);
                if (q != null && q.holder() == from && !q.arrived() && q.overtakenAt() == Long.MAX_VALUE
                        && q.askedNanos() <= st.highestChunkAsked) {
                    requested.put(k, q.overtaken(now));
                    dirty = true;
                }
            }
        } else if (chunk < st.highestChunk && r != null) {
            long late = lateBy(chunk, r, from, now, st);
            if (late > 0) {
                // Overtaken on the way and here anyway: the path reorders this much; wait that long before calling a loss.
                st.reorderNanos = Math.max(st.reorderNanos, late);
            }
        } else if (chunk < st.highestChunk && a != null) {
            // Asked ahead and not announced yet: how late from when the chunk that overtook it by the threshold came.
            long overtookAt = st.arrivedAt(chunk + REORDER_THRESHOLD);
            if (overtookAt != Long.MIN_VALUE) {
                st.reorderNanos = Math.max(st.reorderNanos, now - overtookAt);
            }
        }
        st.arrived(chunk, now);
        st.lastArrivalAt = now;
        if (r != null && r.holder() == from && !r.arrived()) {
            requested.put(chunk, r.arrive(now));
            dirty = true;
            st.answered(true);
        }
    }

    /**
     * How long after it was overtaken a copy sent before higher chunks arrived, or 0 if this is not such a copy: a retry's
     * own answer is simply served later. The first copy of a chunk we already asked again (of another holder, or too soon
     * to answer the retry) is what a loss declared too early leaves behind: the window was too short.
     */
    private long lateBy(long chunk, Request<H> r, H from, long now, HolderState st) {
        if (r.retry() && hedged.get(chunk) == from) {
            // The second holder asked for it answered: nothing was late.
            return 0;
        }
        if (r.retry()) {
            // From a seeder we ask ahead, round-trip samples are few (a chunk asked ahead gives none), so its shortest seen
            // may lie above what the path does with a little less jitter: only an answer in half of it is suspect.
            boolean first = r.holder() != from || now - r.requestedNanos() < (from == aheadOf ? st.minRtt / 2 : st.minRtt);
            // How late it was is not known from here; RACK widens its window for each spurious retransmission (RFC 8985
            // §6.2): so do we, twice what it was.
            return first ? 2 * reorderWindow(st) : 0;
        }
        return r.holder() == from && r.overtakenAt() != Long.MAX_VALUE ? now - r.overtakenAt() : 0;
    }

    /**
     * How long after being overtaken a chunk from this holder counts as lost: the reordering seen, at least an eighth of
     * the round trip (jitter before any was measured; RACK starts at a quarter) and 2 ms, at most a round trip.
     */
    private static long reorderWindow(HolderState st) {
        long rtt = st.minRtt != Long.MAX_VALUE ? st.minRtt : Math.max(0, st.rtt.srtt());
        return Math.max(Math.max(2_000_000L, rtt / 8), Math.min(st.reorderNanos * 5 / 4, Math.max(rtt, st.rtt.srtt())));
    }

    /** Our handshake with {@code holder} took {@code rttNanos} there and back: the first estimate of its round trip. */
    void onHandshakeRtt(H holder, long rttNanos) {
        HolderState st = stateOf.computeIfAbsent(holder, h -> new HolderState());
        if (!st.rtt.hasSample()) {
            st.rtt.sample(rttNanos);
            st.minRtt = Math.min(st.minRtt, rttNanos);
        }
    }

    /**
     * Our handshake with {@code holder} went more than once, and its answer came {@code lowerBoundNanos} after the last
     * copy: it may answer an earlier one (Karn), so this is only a lower bound. It starts the smoothed estimate, for the
     * first requests' deadlines, but is not a round trip seen: the shortest seen times the holder's path everywhere (the
     * reordering window, a retry's wait, a viewer's start hold-back), and, as the shortest, nothing later corrects it. A
     * viewer whose handshake a capped source's queue delayed into a retry took 13 ms for a 200 ms path, started its output
     * 0.49 s after publishing instead of about a second, and missed chunks 20 s later (seed 13).
     */
    void onHandshakeRttAfterRetry(H holder, long lowerBoundNanos) {
        HolderState st = stateOf.computeIfAbsent(holder, h -> new HolderState());
        if (!st.rtt.hasSample()) {
            st.rtt.sample(lowerBoundNanos);
        }
    }

    /** A holder became ready or stopped being ready (handshake done, CHOKE, UNCHOKE). */
    void onHolderChanged() {
        dirty = true;
        viewerNews = true;
    }

    /**
     * A holder that opened its channel to us (a viewer that joined later) took {@code rttNanos} from our handshake to its
     * reply: enough to tell whether it is {@link #far}, not yet an estimate to time requests by (taken as one, a capped
     * source's viewers at 50 ms fell from 100 to 78 % in order).
     */
    void onTheirHandshakeRtt(H holder, long rttNanos) {
        stateOf.computeIfAbsent(holder, h -> new HolderState()).theirHandshakeRtt = rttNanos;
    }

    /** A holder is gone: what it was asked for is asked elsewhere. */
    void onGone(H holder) {
        requested.values().removeIf(r -> r.holder() == holder);
        if (holder == aheadOf) {
            ahead.clear();
            aheadOf = null;
        }
        stateOf.remove(holder);
        hedged.values().removeIf(h -> h == holder);
        lostFrom.values().removeIf(h -> h == holder);
        dirty = true;
    }

    /** The shortest request-to-data time {@code holder} has shown, -1 before any. */
    long minRoundTrip(H holder) {
        HolderState st = stateOf.get(holder);
        return st == null || st.minRtt == Long.MAX_VALUE ? -1 : st.minRtt;
    }

    /** Chunks asked again: shown lost by later chunks, or timed out. */
    long reRequests() {
        return reRequests;
    }

    /** Of {@link #reRequests()}, those later chunks showed lost. */
    long lossesDetected() {
        return detectedLost;
    }

    int outstanding(H holder) {
        HolderState st = stateOf.get(holder);
        return st == null ? 0 : st.load;
    }

    /**
     * How many chunks one holder may have outstanding: at least the configured number, and enough to keep the path full
     * (twice its delivery rate times its round trip), so the window grows with bandwidth x delay.
     */
    int limit(H holder) {
        HolderState st = stateOf.get(holder);
        if (st == null || !st.rtt.hasSample()) {
            return maxPerHolder;
        }
        double rate = holder.seeder() ? Math.max(st.chunksPerSecond, edgeChunksPerSecond) : st.chunksPerSecond;
        long bdp = (long) Math.ceil(2 * rate * (st.rtt.srtt() + 4 * st.rtt.rttvar()) / 1e9);
        return (int) Math.min(window(), Math.max(maxPerHolder, bdp));
    }

    /**
     * How far past the playout point to ask: at least the configured window, and four round trips of what arrives, so
     * that a lost chunk being asked again does not stop the rest of the path from being used (bandwidth x delay).
     */
    int window() {
        double rate = 0;
        long rtt = 0;
        for (HolderState st : stateOf.values()) {
            rate += st.chunksPerSecond;
            if (st.rtt.hasSample()) {
                rtt = Math.max(rtt, st.rtt.srtt() + 4 * st.rtt.rttvar());
            }
        }
        long w = (long) Math.ceil(4 * Math.max(rate, edgeChunksPerSecond) * rtt / 1e9);
        return (int) Math.min(MAX_WINDOW, Math.max(window, w));
    }

    static final int MAX_WINDOW = 4096;

    /** Added to every path time: a holder's timer and queue (see {@link #pathNanos}). */
    static final long PATH_MARGIN_NANOS = 20_000_000L;

    /**
     * The time a chunk takes from this holder when nothing is queued ahead of it: the shortest round trip seen (the
     * smoothed one carries the queue), with the jitter the path showed, at most half the round trip again, and 20 ms.
     */
    private static long pathNanos(HolderState st) {
        long path = roundTrip(st);
        return path + Math.min(4 * st.rtt.rttvar(), path / 2) + PATH_MARGIN_NANOS;
    }

    /** The holder's shortest round trip seen, or the smoothed one before any request measured it. */
    private static long roundTrip(HolderState st) {
        return st.minRtt == Long.MAX_VALUE ? st.rtt.srtt() : st.minRtt;
    }

    /**
     * When a request of this holder is given up if nothing came: a few round trips, or sooner the time the chunks queued
     * ahead of it take at the rate the holder delivers (rttvar inflated by a passing queue would otherwise stretch it to
     * most of a second); within [300 ms, the configured timeout].
     */
    private long deadline(H holder, long now) {
        HolderState st = stateOf.get(holder);
        if (st == null || !st.rtt.hasSample()) {
            return now + unmeasuredDeadline();
        }
        long d = 2 * st.rtt.srtt() + 4 * st.rtt.rttvar();
        if (st.chunksPerSecond > 0) {
            d = Math.min(d, pathNanos(st) + (long) (2e9 * st.load / st.chunksPerSecond));
        }
        return now + Math.min(timeoutNanos, Math.max(MIN_DEADLINE_NANOS, d));
    }

    /**
     * A holder with no round trip measured yet (its handshake was answered by an earlier copy, or we never handshook it):
     * as far away as twice the farthest holder we did measure, within [300 ms, the configured timeout]; the timeout if
     * none is measured.
     */
    private long unmeasuredDeadline() {
        long d = -1;
        for (HolderState st : stateOf.values()) {
            if (st.rtt.hasSample()) {
                d = Math.max(d, 2 * pathNanos(st));
            }
        }
        return d < 0 ? timeoutNanos : Math.min(timeoutNanos, Math.max(MIN_DEADLINE_NANOS, d));
    }

    /**
     * How long a chunk that is first in its holder's queue takes: asked again, or the one the output waits for. Of a
     * viewer that opened its channel to us and was never asked before, a path time from its handshake's round trip (with
     * half of it for jitter, as {@link #pathNanos}), no longer than for a holder not measured at all: such a retry went
     * to a viewer that joined after us, was lost again, and waited twice the farthest path before it was asked a third
     * time: 200 ms away, a chunk whose hashes were lost stalled its viewer 1109 ms (ten viewers, 2 Mbit/s, 3 % loss, seed
     * 2; 737 ms now). Only here: as the estimate for every request it cost a capped source's viewers
     * ({@link #onTheirHandshakeRtt}).
     */
    private long retryDelay(H holder) {
        HolderState st = stateOf.get(holder);
        if (st != null && !st.rtt.hasSample() && st.theirHandshakeRtt > 0) {
            return Math.min(unmeasuredDeadline(),
                    Math.max(RETRY_MIN_DEADLINE_NANOS, st.theirHandshakeRtt * 3 / 2 + PATH_MARGIN_NANOS));
        }
        if (st == null || !st.rtt.hasSample()) {
            return unmeasuredDeadline();
        }
        return Math.min(timeoutNanos, Math.max(RETRY_MIN_DEADLINE_NANOS, pathNanos(st)));
    }

    /**
     * When request {@code r} is given up: at its deadline, or for the chunk the output waits on ({@code head}) as soon as
     * it is overdue as the first in its holder's queue (since it was asked, or since the chunk before it came): a lost
     * head-of-line chunk stalls the viewer while it waits. A chunk that came and waits for its hashes waits past its
     * deadline while a chunk of its munro is on its way ({@link #siblingOnItsWay}); the one the output waits on, a
     * reordering window after it came.
     */
    private long due(long chunk, Request<H> r, boolean head) {
        long due = r.deadlineNanos();
        if (r.arrived()) {
            if (head) {
                // The output waits on it, every chunk before it is here, and its hashes (the munro's signature, sent ahead of
                // its chunks, or an uncle, sent with it or before) did not come with it nor within the path's reordering
                // after it: lost. Asked again, the holder sends them with it. (A path time, as before, cost a viewer 200 ms
                // away a third of a second for each lost signature.)
                HolderState st = stateOf.get(r.holder());
                return Math.min(due, r.arrivedAt() + (st == null ? retryDelay(r.holder()) : reorderWindow(st)));
            }
            return siblingOnItsWay(chunk) ? Math.max(due, r.requestedNanos() + timeoutNanos) : due;
        }
        return head ? Math.min(due, Math.max(r.requestedNanos(), headSince) + retryDelay(r.holder())) : due;
    }

    /**
     * Whether a chunk of {@code chunk}'s munro is asked, or about to be asked again, and not here yet. A chunk that came
     * but waits for its hashes (held back) waits for that one: a sender leaves out the hashes a chunk it sent just before
     * brings, so when that chunk is lost the ones after it wait for its retry, which verifies them all at once. Asking
     * them again meanwhile only fetched each a second time: at 200 ms the retry of a lost chunk comes about when their
     * deadline passes, and at 6 Mbit/s with 1 % loss 392 chunks came twice in 30 s (21 now).
     */
    private boolean siblingOnItsWay(long chunk) {
        Bin munro = params.munroOf(chunk);
        for (long k = munro.baseOffset(); k <= munro.lastChunk() && k - munro.baseOffset() < 1024; k++) {
            Request<H> q = requested.get(k);
            if (q != null && !q.arrived() || q == null && lostFrom.containsKey(k)) {
                return true;
            }
        }
        return false;
    }

    /** The chunk the output waits on, and since when. */
    private long head = -1;
    private long headSince;

    static final long RETRY_MIN_DEADLINE_NANOS = 100_000_000L;

    boolean isRequested(long chunk) {
        return requested.containsKey(chunk);
    }

    /** The time at which {@link #pick} has work even if nothing happens before. */
    long wakeAt() {
        return dirty ? Long.MIN_VALUE : wakeAt;
    }

    /**
     * Asks for what the viewer lacks from {@code from} (its playout point) on: cancels requests that timed out or fell
     * behind, then assigns each missing chunk to a holder and emits one REQUEST per run of consecutive chunks per holder.
     */
    void pick(List<H> holders, long from, LongPredicate have, long now, Orders<H> orders) {
        if (!dirty && now < wakeAt) {
            return;
        }
        boolean news = viewerNews;
        if (from != head) {
            head = from;
            headSince = now;
        }
        dirty = false;
        viewerNews = false;
        wakeAt = Long.MAX_VALUE;
        // Where nearly all chunks come from viewers, a seeder counting as saturated is full indeed.
        boolean viewersPassOn = fromViewers >= MOVE_AT_ONCE_FROM_VIEWERS;
        for (Iterator<Map.Entry<Long, Request<H>>> it = requested.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Request<H>> e = it.next();
            Request<H> r = e.getValue();
            long chunk = e.getKey();
            HolderState st = stateOf.get(r.holder());
            // Holders serve the lowest chunk asked first: a higher chunk that left the holder after our request for this one
            // reached it (its arrival a round trip or more after we asked) means this one was sent before it and lost on
            // the way. Declared lost once a little jitter has passed after that arrival (QUIC's loss detection, in chunks).
            long reorder = st == null ? 0 : reorderWindow(st);
            // The higher chunk was asked with or after this one, or came so long after we asked for this one that our request
            // had reached the holder before it left.
            boolean overtaken = st != null && !r.arrived() && st.highestChunk >= chunk + REORDER_THRESHOLD
                    && (st.highestChunkAsked >= r.askedNanos()
                            || (st.minRtt != Long.MAX_VALUE && st.highestChunkAt >= r.requestedNanos() + st.minRtt + 2 * reorder));
            if (overtaken && r.overtakenAt() == Long.MAX_VALUE) {
                // Counted from the first arrival that overtook it: later ones would keep pushing the loss back.
                r = r.overtaken(st.highestChunkAt);
                e.setValue(r);
            }
            long lossAt = r.arrived() || r.overtakenAt() == Long.MAX_VALUE ? Long.MAX_VALUE : r.overtakenAt() + reorder;
            long due = due(chunk, r, chunk == from);
            if (chunk < from) {
                it.remove();
                release(r.holder());
                if (r.holder().ready()) {
                    // RFC 7574 §3.8: tell the peer we no longer need it.
                    orders.cancel(r.holder(), chunk);
                }
            } else if (now >= lossAt) {
                it.remove();
                unanswered(r.holder());
                reRequests++;
                detectedLost++;
                lostFrom.put(chunk, r.holder());
                satOn(chunk, r, st);
                lostOnTheWay(chunk, r, st);
                unhedge(chunk);
            } else if (due < now) {
                it.remove();
                unanswered(r.holder());
                reRequests++;
                unhedge(chunk);
                // No CANCEL: the chunk is asked again at once, maybe of the same holder, and a CANCEL overtaken by that
                // REQUEST on the way would take the new request back.
                lostFrom.put(chunk, r.holder());
                satOn(chunk, r, st);
                lostOnTheWay(chunk, r, st);
            } else if (news && r.holder().seeder() && st != null && saturated(st) && heldByViewer(holders, chunk)
                    && (now - r.requestedNanos() > pathNanos(st) || viewersPassOn)) {
                // A saturated seeder that has not answered within its path time is sitting on the request; a viewer holds the
                // chunk meanwhile: take it from the viewer, and tell the seeder to spend its upload on something else.
                // Where nearly all chunks come from viewers, at once: the seeder's uplink is full and sends each chunk
                // once, to whoever asked first, and waiting out its path time cost a chunk a tenth of a second or more
                // at 200 ms (see MOVE_AT_ONCE_FROM_VIEWERS). A move before the path time says nothing of the seeder:
                // not counted against it.
                it.remove();
                if (now - r.requestedNanos() > pathNanos(st)) {
                    unanswered(r.holder());
                } else {
                    release(r.holder());
                }
                reRequests++;
                lostFrom.put(chunk, r.holder());
                toViewer.add(chunk);
                orders.cancel(r.holder(), chunk);
            } else {
                wakeAt = Math.min(wakeAt, Math.min(due, lossAt));
            }
        }
        toViewer.removeIf(i -> i < from);
        silentlyLost.removeIf(i -> i < from);
        lostFrom.keySet().removeIf(i -> i < from);
        for (long i : hedged.keySet().stream().filter(i -> i < from).toList()) {
            unhedge(i);
        }
        waitingUntil.keySet().removeIf(i -> i < from);
        List<H> ready = new ArrayList<>();
        List<H> anyReady = new ArrayList<>();
        // A viewer is near the edge with us if what it last announced is at most two munros behind our playout point.
        long nearEdge = from - 2L * Math.max(32, params.chunksPerSignature());
        int viewersAtEdge = 0;
        long newest = -1;
        for (H h : holders) {
            if (h.ready()) {
                anyReady.add(h);
                if (outstanding(h) < limit(h)) {
                    ready.add(h);
                }
                newest = Math.max(newest, h.latest());
                if (!h.seeder() && h.latest() >= 0 && h.latest() >= nearEdge) {
                    viewersAtEdge++;
                }
            }
        }
        Map<H, ArrayDeque<Long>> picked = new LinkedHashMap<>();
        // Chunks asked after a loss: their REQUEST goes twice (see Orders#request).
        TreeSet<Long> again = new TreeSet<>();
        // Nothing past the newest chunk that exists (announced, or come) is asked for as usual: at the live edge that
        // leaves a few chunks. What comes after is asked ahead of a seeder (below).
        long known = Math.max(newest, highestArrived);
        ahead.headMap(from).clear();
        if (aheadOf != null && !aheadOf.ready()) {
            ahead.clear();
            aheadOf = null;
        }
        long end = Math.min(from + window(), known + 1);
        for (long i = from; i < end && !anyReady.isEmpty(); i++) {
            if (have.test(i) || requested.containsKey(i)) {
                continue;
            }
            H avoid = lostFrom.get(i);
            Ahead a = avoid == null ? ahead.remove(i) : null;
            if (a != null) {
                // Asked ahead, and now it exists: the seeder sends it as soon as it has it (or did). From now on an ordinary
                // request, without a second REQUEST.
                HolderState st = stateOf.computeIfAbsent(aheadOf, h -> new HolderState());
                long deadline = deadline(aheadOf, now);
                Request<H> r = new Request<>(aheadOf, now, deadline, Long.MAX_VALUE, false, Long.MAX_VALUE, a.askedNanos());
                requested.put(i, a.arrivedAt() == Long.MAX_VALUE ? r : r.arrive(a.arrivedAt()));
                waitingUntil.remove(i);
                st.load++;
                wakeAt = Math.min(wakeAt, deadline);
                continue;
            }
            if (avoid == null && ready.isEmpty()) {
                continue;
            }
            Long until = waitingUntil.get(i);
            if (avoid == null && until != null && !news && now < until) {
                wakeAt = Math.min(wakeAt, until);
                continue;
            }
            // A chunk lost once is late already: it goes to the holder that answers soonest, past the per-holder limit and
            // the offload wait, which would hold it back behind the chunks queued after it.
            H best = avoid != null ? fastestHolder(anyReady, i, avoid, toViewer.remove(i)) : leastLoadedHolder(ready, i);
            if (best == null) {
                continue;
            }
            if (best.seeder() && waitNanos > 0 && avoid == null) {
                long chunk = i;
                int k = viewersAtEdge;
                HolderState bs = stateOf.get(best);
                boolean full = bs != null && saturated(bs);
                long wait = full ? Math.max(waitNanos, 4 * pathNanos(bs)) : waitNanos;
                long release = waitingUntil.computeIfAbsent(i, x -> {
                    long d = offloadDelay(salt, chunk, k, wait);
                    // Sooner than a viewer could have it, the wait ends at the seeder anyway: ask it now.
                    return now + (!full && d < viewerReach(bs) ? 0 : d);
                });
                if (now < release) {
                    wakeAt = Math.min(wakeAt, release);
                    continue;
                }
            }
            waitingUntil.remove(i);
            if (avoid != null && hedges(avoid, best, i)) {
                hedge(anyReady, i, best, avoid, picked);
            }
            HolderState st = stateOf.computeIfAbsent(best, h -> new HolderState());
            long deadline = avoid != null ? now + retryDelay(best) : deadline(best, now);
            requested.put(i, new Request<>(best, now, deadline, avoid != null));
            if (avoid != null && far(best)) {
                again.add(i);
            }
            st.load++;
            wakeAt = Math.min(wakeAt, deadline);
            if (st.load >= limit(best)) {
                // Saturated: the rest of the window need not look at it.
                ready.remove(best);
            }
            picked.computeIfAbsent(best, x -> new ArrayDeque<>()).add(i);
        }
        askAhead(anyReady, from, known, now, picked, again);
        for (Map.Entry<H, ArrayDeque<Long>> e : picked.entrySet()) {
            ArrayDeque<Long> q = e.getValue();
            while (!q.isEmpty()) {
                long first = q.poll();
                long last = first;
                while (!q.isEmpty() && q.peek() == last + 1) {
                    last = q.poll();
                }
                Long lost = again.ceiling(first);
                orders.request(e.getKey(), new ChunkRange(first, last), lost != null && lost <= last);
            }
        }
    }

    /**
     * Request-ahead: a viewer at the live edge asks its seeder for the chunks it would ask of it the moment they are
     * announced, before they exist, and the seeder keeps the request until it has them ({@link Channel#queueRequested}).
     * Each chunk then leaves the seeder when it is signed, a HAVE-to-REQUEST round trip sooner, and a viewer whose
     * seeder's HAVEs are lost in a burst keeps receiving (an idle path carries one HAVE per munro, so a burst of lost
     * datagrams there lasts seconds). How far: what the edge brings in a path time to the seeder and a HAVE interval, and
     * a munro. Only while no viewer that could pass chunks on is among the holders ({@link #viewersToTakeFrom}): asked
     * ahead, a chunk leaves the seeder for every viewer before one of them could pass it on (with the source capped, ten
     * viewers fell to 96.5-99.9 % in order). A viewer {@link #HEDGE_PATH_NANOS} or more away ({@link #far}) does not count
     * while it passes us little: a chunk through it comes a HAVE, a REQUEST and a DATA after the seeder's, and ten viewers
     * 200 ms apart took 0-5 % from each other while every chunk paid the seeder's HAVE-to-REQUEST round trip (p50 publish
     * -> output 561 ms, one viewer alone 352 ms). A viewer not measured yet counts as near. Not of a saturated seeder, not
     * while catching up (the window ends before the edge).
     */
    private void askAhead(List<H> anyReady, long from, long known, long now, Map<H, ArrayDeque<Long>> picked,
            TreeSet<Long> again) {
        if (known < 0) {
            return;
        }
        if (known > edgeMark) {
            if (edgeMarkAt == Long.MIN_VALUE) {
                edgeMark = known;
                edgeMarkAt = now;
            } else if (now - edgeMarkAt >= EDGE_RATE_INTERVAL_NANOS) {
                double r = (known - edgeMark) * 1e9 / (now - edgeMarkAt);
                edgeChunksPerSecond = edgeChunksPerSecond == 0 ? r : (edgeChunksPerSecond + r) / 2;
                edgeMark = known;
                edgeMarkAt = now;
            }
        }
        H seeder = null;
        for (H h : anyReady) {
            if (h.seeder() && (seeder == null || h.latest() > seeder.latest() || h == aheadOf && h.latest() == seeder.latest())) {
                seeder = h;
            }
        }
        boolean lone = !viewersToTakeFrom(anyReady);
        if (seeder != aheadOf && (lone || aheadOf != null)) {
            ahead.clear();
            aheadOf = lone ? seeder : null;
        }
        if (!lone) {
            // Viewers to take from: nothing more is asked ahead; what was is still converted when it is announced.
            if (ahead.isEmpty()) {
                ahead.clear();
                aheadOf = null;
            }
            return;
        }
        HolderState st = seeder == null ? null : stateOf.get(seeder);
        if (st == null || !st.rtt.hasSample() || saturated(st) || edgeChunksPerSecond == 0) {
            return;
        }
        // Asked long ago and still not announced (the stream paused, or our REQUEST was lost): asked again.
        if (ahead.tailMap(known, false).values().stream().anyMatch(a -> now - a.askedNanos() > timeoutNanos)) {
            ahead.tailMap(known, false).clear();
        }
        int munro = Math.max(32, params.chunksPerSignature());
        long horizon = munro + (long) Math.ceil(edgeChunksPerSecond * (pathNanos(st) + PeerCore.HAVE_INTERVAL_NANOS) / 1e9);
        long last = Math.min(from + window() - 1, known + horizon);
        // What is asked ahead counts against the seeder's share of our requests like what is asked of it.
        long room = limit(seeder) - st.load - ahead.size();
        for (long i = Math.max(known + 1, ahead.isEmpty() ? 0 : ahead.lastKey() + 1); i <= last && room > 0; i++) {
            if (requested.containsKey(i)) {
                continue;
            }
            ahead.put(i, new Ahead(now, Long.MAX_VALUE));
            room--;
            picked.computeIfAbsent(seeder, x -> new ArrayDeque<>()).add(i);
            if (far(seeder)) {
                // One REQUEST asks for a munro or more: lost, every chunk in it is asked again (and hedged) a round trip late.
                again.add(i);
            }
        }
    }

    /**
     * Whether a viewer among the holders passes chunks on to us, or could: one near enough, or any while a quarter of what
     * came lately came from viewers (a seeder whose uplink is full sends each chunk once, and what was asked ahead of it
     * waited there: ten viewers 200 ms apart behind a capped source fell from 97.3 to 94.3 % in order), or before that
     * share is known (the first 128 chunks: asked ahead from the start, the first chunks came straight from the capped
     * seeder and the later ones through viewers, later than a player's buffer from the first allowed).
     */
    private boolean viewersToTakeFrom(List<H> holders) {
        for (H h : holders) {
            if (!h.seeder() && (!far(h) || fromViewers >= 0.25 || receivedFromHolders < 2 * FROM_VIEWERS_WINDOW)) {
                return true;
            }
        }
        return false;
    }

    /** A chunk asked ahead: when our REQUEST went, and when its DATA came (still waiting for its hashes), if it did. */
    private record Ahead(long askedNanos, long arrivedAt) {
    }

    /** Chunks asked of {@link #aheadOf} before anyone announced them. */
    private final java.util.TreeMap<Long, Ahead> ahead = new java.util.TreeMap<>();
    private H aheadOf;
    private long highestArrived = -1;
    /** The share of the last chunks or so (a moving average over 64) that came from viewers, not seeders. */
    private double fromViewers;
    private long receivedFromHolders;
    static final int FROM_VIEWERS_WINDOW = 64;
    /** The live edge's advance, in chunks per second (how far ahead to ask). */
    private double edgeChunksPerSecond;
    private long edgeMark = -1;
    private long edgeMarkAt = Long.MIN_VALUE;
    static final long EDGE_RATE_INTERVAL_NANOS = 250_000_000L;

    /** The holder of chunk {@code i} with the fewest outstanding requests, ties broken at random; a viewer if any viewer has it. */
    private H leastLoadedHolder(List<H> ready, long i) {
        H bestViewer = null;
        H bestSeeder = null;
        int viewerLoad = Integer.MAX_VALUE;
        int seederLoad = Integer.MAX_VALUE;
        int viewerTies = 0;
        int seederTies = 0;
        for (H h : ready) {
            int l = outstanding(h);
            if ((h.seeder() ? bestViewer != null || l > seederLoad : l > viewerLoad) || !h.holds(i)) {
                continue;
            }
            if (h.seeder()) {
                if (l < seederLoad) {
                    bestSeeder = h;
                    seederLoad = l;
                    seederTies = 1;
                } else if (random.nextInt(++seederTies) == 0) {
                    bestSeeder = h;
                }
            } else if (l < viewerLoad) {
                bestViewer = h;
                viewerLoad = l;
                viewerTies = 1;
            } else if (random.nextInt(++viewerTies) == 0) {
                bestViewer = h;
            }
        }
        return bestViewer != null ? bestViewer : bestSeeder;
    }

    /**
     * The holder of chunk {@code i} that answers soonest by its path time, loaded or not: a retry is the first chunk in its
     * queue. The one that lost it counts half as slow again (its path lost it once), holders never measured come last.
     * {@code viewersOnly}: a viewer, where one holds it (a saturated seeder sat on it, see {@link #satOn}).
     */
    private H fastestHolder(List<H> ready, long i, H lostBy, boolean viewersOnly) {
        H best = null;
        double bestScore = Double.MAX_VALUE;
        for (H h : ready) {
            if (!h.holds(i) || (viewersOnly && h.seeder())) {
                continue;
            }
            HolderState st = stateOf.get(h);
            double score = st == null || !st.rtt.hasSample() ? Double.MAX_VALUE / 2 : pathNanos(st);
            if (h == lostBy) {
                score *= 1.5;
            }
            if (best == null || score < bestScore) {
                best = h;
                bestScore = score;
            }
        }
        // No viewer holds it (any more): whoever does.
        return best == null && viewersOnly ? fastestHolder(ready, i, lostBy, false) : best;
    }

    /** Whether {@code holder}'s path time is {@link #HEDGE_PATH_NANOS} or more: there a retry costs a quarter of the buffer. */
    private boolean far(H holder) {
        HolderState st = stateOf.get(holder);
        if (st == null) {
            return false;
        }
        long path = st.rtt.hasSample() ? pathNanos(st) : st.theirHandshakeRtt < 0 ? -1 : st.theirHandshakeRtt + PATH_MARGIN_NANOS;
        return path >= HEDGE_PATH_NANOS;
    }

    /**
     * Whether lost chunk {@code i} asked again of {@code best} is asked of a second holder too: where {@code best} is far
     * and has room, and the holder that lost it either has room too or was silent ({@link #silentlyLost}).
     */
    private boolean hedges(H lostBy, H best, long i) {
        HolderState lost = stateOf.get(lostBy);
        return far(best) && !saturated(stateOf.get(best)) && (lost == null || !saturated(lost) || silentlyLost.contains(i));
    }

    /**
     * Chunks whose request was given up while nothing at all came from its holder after the request could have reached
     * it: the REQUEST, or all the holder sent us, was lost on the way. A holder that looks saturated then is a path that
     * failed, not a full uplink: a full uplink sits on some chunks but keeps sending others (what nobody else has first),
     * while one lost REQUEST leaves every chunk it asked for unanswered at once, and a holder whose REQUEST for 50 chunks
     * fell into a burst looks saturated (78 % unanswered). Asked again, such a chunk is hedged as any other 200 ms away. Ten viewers at 200 ms and 6 Mbit/s with
     * loss in bursts (seed 1): a viewer's REQUEST to another viewer fell into a burst (that holder then looked 83 %
     * unanswered), the retry went to one holder and its DATA into the next burst, and so did the third try's: the chunk
     * came 1.9 s after it was published, the 70 behind it too late for a 1 s buffer (99.83 % in order; 100 % now). Not
     * for every chunk a saturated-looking holder lost: behind a capped source 200 ms away that cost seed 42 0.4 points in
     * order (99.62 -> 99.22 %) while the mean over sixteen seeds stayed where it was.
     */
    private final Set<Long> silentlyLost = new HashSet<>();

    /** Notes whether request {@code r}, given up, was lost on a silent path (see {@link #silentlyLost}). */
    private void lostOnTheWay(long chunk, Request<H> r, HolderState st) {
        if (st == null) {
            return;
        }
        if (st.lastArrivalAt < r.requestedNanos() + roundTrip(st)) {
            silentlyLost.add(chunk);
        } else {
            silentlyLost.remove(chunk);
        }
    }

    /**
     * From this path time on, a chunk lost once is asked again of two holders at once. There a retry costs a quarter of a
     * player's second of buffer: at 200 ms and 5 % loss one attempt in ten fails (its REQUEST or its DATA lost), three in
     * a row use the whole buffer, and every chunk behind waits. Asked of two, an attempt fails when both do. A lone
     * viewer has one holder and pays nothing; with several, the second copy costs about one chunk per chunk lost. Not
     * while the holder that lost it (unless it went silent, {@link #silentlyLost}), or either asked, is saturated: there
     * losses are a full uplink's, and more copies would fill it more (a capped source 200 ms away fell from 98 to 63 % in
     * order when they were hedged). Shorter paths are not hedged: a retry there is cheap.
     */
    static final long HEDGE_PATH_NANOS = 200_000_000L;

    /** Asks the fastest holder of {@code i} other than {@code best} as well, if there is one. */
    private void hedge(List<H> anyReady, long i, H best, H avoid, Map<H, ArrayDeque<Long>> picked) {
        List<H> others = new ArrayList<>(anyReady);
        others.remove(best);
        H second = fastestHolder(others, i, avoid, false);
        if (second == null || stateOf.containsKey(second) && saturated(stateOf.get(second))) {
            return;
        }
        hedged.put(i, second);
        stateOf.computeIfAbsent(second, h -> new HolderState()).load++;
        picked.computeIfAbsent(second, x -> new ArrayDeque<>()).add(i);
    }

    /**
     * A saturated seeder left a chunk it was asked for again unanswered again: it sits on it (a full uplink sends again
     * only what nobody else has, {@code PeerCore#nextToSend}), and the next try goes to a viewer that holds it, however
     * far. By path time the seeder came first every time: a viewer 200 ms behind a capped source asked it again every
     * 105 ms for 20 s while its eight peers held the chunks. Not on the first miss, which is no retry: a seeder counts as
     * saturated for a moment when one lost REQUEST for a munro asked ahead leaves 32 chunks unanswered at once, and on a
     * lossy path it is still the nearest holder. Not after a second missed retry either, as before: that cost ten viewers
     * joining a capped source 200 ms away their first seconds (its uplink is full while they all fetch their start, and
     * each chunk it sat on waited out two more deadlines). Worst viewer in order over seeds 42 and 1-7: limit declared
     * 98.65 -> 99.14 % on average (lowest 97.55 -> 98.66 %), not declared 97.64 -> 98.33 %. Ten viewers at 200 ms and 5 %
     * loss, seeds 1 and 2, 2 and 6 Mbit/s, where an earlier engine fell from 100 / 99.36 / 100 / 100 to 99.94 / 99.26 /
     * 99.64 / 99.70 % with this rule: 100 / 99.22 / 100 / 99.88 -> 100 / 99.23 / 100 / 100 %.
     */
    private void satOn(long chunk, Request<H> r, HolderState st) {
        if (r.retry() && r.holder().seeder() && st != null && saturated(st)) {
            toViewer.add(chunk);
        }
    }

    /**
     * The share of chunks lately from viewers above which a request a saturated seeder sits on moves to a viewer the
     * moment one announces the chunk, not a path time later. Ten viewers 200 ms behind a capped source, worst viewer in
     * order over seeds 42 and 1-7: 94.4-99.1 % (97.2 % on average) before, 97.0-99.3 % (98.7 %) after; median publish
     * -> output 1.11 -> 0.99-1.04 s. Behind that source 89 % of the bytes come from viewers. Not where viewers pass on
     * less: there a seeder looks saturated after one lost REQUEST for a munro asked ahead while it answers, and with no
     * share rule, moving its chunks to viewers 200 ms away cost ten viewers at 6 Mbit/s with 5 % loss 3.4 % more bytes
     * per byte delivered (1.161 -> 1.200); at 50 % or 75 %, a run of chunks from viewers there was enough for the moves
     * to keep themselves going (seed 1: 100 -> 99.32 % in order at 3 % loss; 1.177 -> 1.213 bytes per byte at 5 %).
     */
    static final double MOVE_AT_ONCE_FROM_VIEWERS = 0.85;

    /** A holder that left half of what we asked lately unanswered: its uplink is full, or its path is broken. */
    private static boolean saturated(HolderState st) {
        return st.rtt.hasSample() && st.unanswered > SATURATED;
    }

    private static <H extends Holder> boolean heldByViewer(List<H> holders, long chunk) {
        for (H h : holders) {
            if (!h.seeder() && h.ready() && h.holds(chunk)) {
                return true;
            }
        }
        return false;
    }

    /** A request of {@code holder} given up unanswered. */
    private void unanswered(H holder) {
        HolderState st = release(holder);
        if (st != null) {
            st.answered(false);
        }
    }

    private HolderState release(H holder) {
        HolderState st = stateOf.get(holder);
        if (st != null && st.load > 0) {
            st.load--;
        }
        return st;
    }

    /**
     * How soon after a seeder announced a chunk a viewer can have announced it to us: a viewer that asked at once has it a
     * round trip to the seeder later (ours, as the estimate of theirs), and its HAVE takes half a round trip between us
     * (the nearest measured viewer; half ours to the seeder before any) plus half the HAVE interval. 0 while the seeder's
     * path is not measured.
     */
    private long viewerReach(HolderState seeder) {
        if (seeder == null || seeder.minRtt == Long.MAX_VALUE) {
            return 0;
        }
        long viewer = Long.MAX_VALUE;
        for (Map.Entry<H, HolderState> e : stateOf.entrySet()) {
            if (!e.getKey().seeder() && e.getValue().minRtt != Long.MAX_VALUE) {
                viewer = Math.min(viewer, e.getValue().minRtt);
            }
        }
        long between = viewer == Long.MAX_VALUE ? seeder.minRtt : viewer;
        return seeder.minRtt + between / 2 + PeerCore.HAVE_INTERVAL_NANOS / 2;
    }

    /**
     * Seeder offload: how long to wait for chunk {@code i} to reach us from a viewer before taking it from a seeder. With k
     * viewers near the edge, a viewer fetches about one chunk in k + 1 first-hand (no wait); for the rest it waits a time
     * spread evenly over [0, {@code wait}). Each viewer draws from its own salt, so per chunk one viewer of the swarm tends
     * to fetch at once, and whoever would fetch later finds the chunk at a viewer first: the seeders send each chunk about
     * once per neighbourhood instead of once per viewer, and a chunk nobody took first-hand costs about wait / (k + 2).
     */
    static long offloadDelay(long salt, long i, int peers, long wait) {
        if (wait <= 0 || peers <= 0) {
            return 0;
        }
        double u = (mix(salt + i) >>> 11) * 0x1.0p-53;
        double firstHand = 1.0 / (peers + 1);
        return u < firstHand ? 0 : (long) (wait * (u - firstHand) / (1 - firstHand));
    }

    /** SplitMix64's finaliser: spreads consecutive chunk indices over all residues. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
