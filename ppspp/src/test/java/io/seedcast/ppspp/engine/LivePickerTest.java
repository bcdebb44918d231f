package io.seedcast.ppspp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The picker alone: holders are plain objects, time is a number. */
class LivePickerTest {

    static final long MS = 1_000_000;
    static final SwarmParameters PARAMS = SwarmParameters.defaults(Profile.RFC7574);

    static final class Peer implements LivePicker.Holder {
        final String name;
        final boolean seeder;
        long from = Long.MAX_VALUE;
        long to = -1;
        boolean ready = true;

        Peer(String name, boolean seeder) {
            this.name = name;
            this.seeder = seeder;
        }

        Peer has(long a, long b) {
            from = Math.min(from, a);
            to = Math.max(to, b);
            return this;
        }

        @Override
        public boolean holds(long chunk) {
            return chunk >= from && chunk <= to;
        }

        @Override
        public long latest() {
            return to;
        }

        @Override
        public long oldest() {
            return from;
        }

        @Override
        public boolean seeder() {
            return seeder;
        }

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What one pick ordered. */
    static final class Recorded implements LivePicker.Orders<Peer> {
        final List<String> requests = new ArrayList<>();
        final List<String> cancels = new ArrayList<>();
        final Set<Long> requested = new HashSet<>();
        /** Requests that carry a chunk asked after a loss (sent twice by the engine). */
        final List<String> again = new ArrayList<>();
        private final Set<String> asked = new HashSet<>();

        /** How many holders chunk {@code i} was asked of in this pick. */
        long holdersOf(long i) {
            return asked.stream().filter(a -> a.endsWith(":" + i)).count();
        }

        @Override
        public void request(Peer holder, ChunkRange chunks, boolean lost) {
            requests.add(holder + ":" + chunks.start() + "-" + chunks.end());
            if (lost) {
                again.add(holder + ":" + chunks.start() + "-" + chunks.end());
            }
            for (long i = chunks.start(); i <= chunks.end(); i++) {
                requested.add(i);
                assertTrue(asked.add(holder + ":" + i), "chunk " + i + " asked twice of " + holder + " in one pick");
            }
        }

        @Override
        public void cancel(Peer holder, long chunk) {
            cancels.add(holder + ":" + chunk);
        }
    }

    static LivePicker<Peer> picker(Duration peerFirstWait) {
        EngineConfig config = EngineConfig.defaults(null).withPeerFirstWait(peerFirstWait);
        return new LivePicker<>(PARAMS, config, new SplittableRandom(7));
    }

    /** A picker that has asked holder {@code a}, {@code rtt} away by its handshake, for all it holds from chunk 0. */
    static LivePicker<Peer> askedOfOne(Peer a, long rtt) {
        LivePicker<Peer> p = picker(Duration.ZERO);
        p.onHandshakeRtt(a, rtt);
        pick(p, List.of(a), 0, Set.of(), 0);
        return p;
    }

    /** Chunks {@code first..last} arrive from {@code holder} at {@code at} and verify. */
    static void arrive(LivePicker<Peer> p, Peer holder, Set<Long> have, long at, long first, long last) {
        for (long i = first; i <= last; i++) {
            p.onArrived(i, holder, at);
            p.onReceived(i, holder, at);
            have.add(i);
        }
    }

    /** Chunks {@code first..last} arrive from {@code holder}, one a millisecond from 50 ms on, and wait for their hashes. */
    static void heldBack(LivePicker<Peer> p, Peer holder, long first, long last) {
        for (long i = first; i <= last; i++) {
            p.onArrived(i, holder, 50 * MS + i * MS);
        }
    }

    /** A picker without offload wait whose handshake with {@code seeder} took 50 ms. */
    static LivePicker<Peer> fiftyMillisecondsFrom(Peer seeder) {
        LivePicker<Peer> p = picker(Duration.ZERO);
        p.onHandshakeRtt(seeder, 50 * MS);
        return p;
    }

    static Recorded pick(LivePicker<Peer> p, List<Peer> holders, long from, Set<Long> have, long now) {
        Recorded r = new Recorded();
        p.pick(holders, from, have::contains, now, r);
        return r;
    }

    @Test
    void asksEveryMissingChunkOnceSpreadOverHoldersInRuns() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer a = new Peer("a", true).has(0, 99);
        Peer b = new Peer("b", true).has(0, 99);
        Recorded r = pick(p, List.of(a, b), 10, Set.of(12L), 0);
        assertEquals(89, r.requested.size(), "10..99 but the chunk held");
        assertFalse(r.requested.contains(12L));
        assertEquals(89, p.outstanding(a) + p.outstanding(b));
        assertTrue(Math.abs(p.outstanding(a) - p.outstanding(b)) <= 1, "least loaded first");
        // Nothing changed: a second pick asks nothing again.
        assertTrue(pick(p, List.of(a, b), 10, Set.of(12L), MS).requests.isEmpty());
    }

    @Test
    void aViewerIsAskedBeforeASeederForWhatItHolds() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer seeder = new Peer("seeder", true).has(0, 63);
        Peer viewer = new Peer("viewer", false).has(0, 31);
        Recorded r = pick(p, List.of(seeder, viewer), 0, Set.of(), 0);
        assertEquals(List.of("viewer:0-31", "seeder:32-63"), r.requests);
    }

    @Test
    void aRequestThatTimesOutIsAskedAgainOfAnother() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer slow = new Peer("slow", true).has(0, 0);
        Recorded first = pick(p, List.of(slow), 0, Set.of(), 0);
        assertEquals(List.of("slow:0-0"), first.requests);
        long timeout = EngineConfig.defaults(null).requestTimeout().toNanos();
        assertEquals(timeout, p.wakeAt(), "it wakes at the deadline, not before");
        Peer other = new Peer("other", true).has(0, 0);
        // A holder that appears does not steal a chunk already asked for...
        p.onAnnounced(other);
        assertTrue(pick(p, List.of(slow, other), 0, Set.of(), timeout / 2).requests.isEmpty());
        // ...but after the deadline the chunk is asked again, of another holder than the one that let it lapse, and with
        // no CANCEL that could overtake the new REQUEST.
        Recorded again = pick(p, List.of(slow, other), 0, Set.of(), timeout + 1);
        assertEquals(List.of(), again.cancels);
        assertEquals(List.of("other:0-0"), again.requests);
        assertEquals(1, p.reRequests());
    }

    @Test
    void theHandshakesRoundTripSetsTheFirstDeadlinesNotTheConfiguredTimeout() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer far = new Peer("far", true).has(0, 0);
        p.onHandshakeRtt(far, 200 * MS);
        pick(p, List.of(far), 0, Set.of(), 0);
        long deadline = p.wakeAt();
        assertTrue(deadline < EngineConfig.defaults(null).requestTimeout().toNanos() && deadline >= 400 * MS,
                "a few round trips of 200 ms, not the 1.5 s a first request waits without an estimate: " + deadline / MS + " ms");
    }

    @Test
    void aChunkAskedAgainIsGivenARoundTripNotTheBacklogDeadline() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer a = new Peer("a", true).has(0, 9);
        p.onHandshakeRtt(a, 20 * MS);
        pick(p, List.of(a), 0, Set.of(), 0);
        long first = p.wakeAt();
        assertEquals(LivePicker.MIN_DEADLINE_NANOS, first, "a first request allows for the holder's backlog: 300 ms at the least");
        // Nothing comes: at the deadline chunk 0 is asked again; being the lowest, it is sent first, so a lost copy shows
        // after about a round trip, not after another 300 ms.
        Recorded again = pick(p, List.of(a), 0, Set.of(), first + 1);
        assertTrue(again.requested.contains(0L));
        long retry = p.wakeAt() - (first + 1);
        assertEquals(LivePicker.RETRY_MIN_DEADLINE_NANOS, retry, "100 ms at 20 ms RTT: " + retry / MS + " ms");
    }

    /**
     * A viewer of one seeder, 50 ms away, at a 2 Mbit/s edge (a munro of 32 chunks every 131 ms): munros 0..n announced
     * and received one after the other; returns what the last pick asked.
     */
    static Recorded atTheEdge(LivePicker<Peer> p, Peer seeder, Set<Long> have, int munros) {
        return atTheEdge(p, List.of(seeder), have, munros, 50, i -> seeder);
    }

    /**
     * The same with other holders beside the seeder (the first), what was asked arriving {@code delayMs} later, chunk
     * {@code i} from {@code sender.apply(i)}.
     */
    static Recorded atTheEdge(LivePicker<Peer> p, List<Peer> holders, Set<Long> have, int munros, long delayMs,
            java.util.function.LongFunction<Peer> sender) {
        Peer seeder = holders.getFirst();
        Recorded r = null;
        for (int m = 0; m < munros; m++) {
            long t = m * 131 * MS;
            seeder.has(0, 32L * m + 31);
            p.onAnnounced(seeder);
            r = pick(p, holders, 0, have, t);
            // Whatever was asked (before or now) arrives then, and the output moves on.
            for (long i = 32L * m; i <= 32L * m + 31; i++) {
                if (p.isRequested(i)) {
                    p.onArrived(i, sender.apply(i), t + delayMs * MS);
                    p.onReceived(i, sender.apply(i), t + delayMs * MS);
                    have.add(i);
                }
            }
        }
        return r;
    }

    @Test
    void aViewerAtTheEdgeAsksItsSeederForTheNextChunksBeforeTheyExistAndNotAgainWhenTheyDo() {
        Peer seeder = new Peer("seeder", true);
        LivePicker<Peer> p = fiftyMillisecondsFrom(seeder);
        Set<Long> have = new HashSet<>();
        // Once the edge's pace is known (the third munro), what the next path time brings and a munro are asked ahead, in
        // the same REQUEST as the munro announced.
        Recorded third = atTheEdge(p, seeder, have, 3);
        assertEquals(1, third.requests.size(), third.requests.toString());
        assertTrue(third.requested.containsAll(List.of(64L, 95L, 96L, 127L, 128L)), "the next munro and more: " + third.requests);
        // The next munro is announced: its chunks are on their way already (the seeder kept the request), not asked again.
        long t = 3 * 131 * MS;
        seeder.has(0, 127);
        p.onAnnounced(seeder);
        Recorded announced = pick(p, List.of(seeder), 96, have, t);
        for (long i = 96; i <= 127; i++) {
            assertFalse(announced.requested.contains(i), "chunk " + i + " asked twice: " + announced.requests);
            assertTrue(p.isRequested(i), "chunk " + i + " is an ordinary request now, with a deadline");
        }
        assertTrue(p.outstanding(seeder) >= 32, "they count as the seeder's load: " + p.outstanding(seeder));
        // One lost on the way is noticed as any other: chunks 97..127 came, 96 did not.
        for (long i = 97; i <= 127; i++) {
            p.onArrived(i, seeder, t + 10 * MS);
            p.onReceived(i, seeder, t + 10 * MS);
            have.add(i);
        }
        Recorded retry = pick(p, List.of(seeder), 96, have, t + 100 * MS);
        assertTrue(retry.requested.contains(96L), "asked again once overtaken: " + retry.requests);
        assertEquals(1, p.lossesDetected());
    }

    @Test
    void whatIsAskedAheadOfASeederTwoHundredMillisecondsAwayIsAskedTwice() {
        // One REQUEST asks ahead for a munro or more. Lost (1 % of them at 1 % loss), every chunk in it came a round trip
        // late and was asked again, of two holders: ten viewers at 200 ms asked 2.1 % of their chunks again at 1 % loss.
        // Its second copy halved that (1492 -> 813 in 30 s). 50 ms away a lost one costs little, and is asked once.
        for (long rtt : new long[] {200, 50}) {
            Peer seeder = new Peer("seeder", true);
            LivePicker<Peer> p = picker(Duration.ZERO);
            p.onHandshakeRtt(seeder, rtt * MS);
            Recorded r = atTheEdge(p, List.of(seeder), new HashSet<>(), 4, rtt, i -> seeder);
            assertTrue(r.requested.stream().anyMatch(i -> i > 127), rtt + " ms: asked ahead: " + r.requests);
            assertEquals(rtt == 200 ? r.requests : List.of(), r.again, rtt + " ms");
        }
    }

    @Test
    void aViewerFarFromItsSeederAsksItForTheWholeStreamBeforeItsDeliveryIsMeasured() {
        // 6 Mbit/s is 732 chunks a second; 200 ms away, 96 chunks a round trip carry two thirds of it. A viewer joining
        // there fell 1.8 s behind live in its first two seconds, and its measured delivery, held down by its own limit,
        // was slow to show it more. The seeder holds the whole stream: the edge's pace is what it can be asked for.
        Peer seeder = new Peer("seeder", true);
        Peer viewer = new Peer("viewer", false);
        LivePicker<Peer> p = picker(Duration.ZERO);
        p.onHandshakeRtt(seeder, 200 * MS);
        Set<Long> have = new HashSet<>();
        for (long t = 0; t <= 600; t += 10) {
            seeder.has(0, 732 * t / 1000);
            p.onAnnounced(seeder);
            pick(p, List.of(seeder, viewer), 0, have, t * MS);
        }
        assertEquals(732 * 600 / 1000 + 1, p.outstanding(seeder), "every chunk that exists is asked, none came yet");
    }

    @Test
    void aChunkLostTwoHundredMillisecondsAwayIsAskedAgainOfTwoHoldersAndFiftyAwayOfOne() {
        // 200 ms away a retry costs a quarter of a player's 1 s buffer, and at 5 % loss one attempt in ten fails: ten viewers
        // there had chunks asked four to six times, and 97-99 % in order. Asked of two, an attempt fails when both do.
        for (long rtt : new long[] {200, 50}) {
            Peer seeder = new Peer("seeder", true).has(0, 63);
            Peer viewer = new Peer("viewer", false);
            LivePicker<Peer> p = picker(Duration.ZERO);
            p.onHandshakeRtt(seeder, rtt * MS);
            p.onHandshakeRtt(viewer, rtt * MS);
            Set<Long> have = new HashSet<>();
            pick(p, List.of(seeder, viewer), 0, have, 0);
            viewer.has(0, 63);
            p.onAnnounced(viewer);
            arrive(p, seeder, have, rtt * MS, 1, 63);
            Recorded first = pick(p, List.of(seeder, viewer), 0, have, rtt * MS + 1);
            assertEquals(List.of(), first.again, "nothing asked after a loss yet");
            Recorded retry = pick(p, List.of(seeder, viewer), 0, have, 2 * rtt * MS);
            assertEquals(rtt == 200 ? retry.requests : List.of(), retry.again,
                    "200 ms away a retry's REQUEST goes twice (a lost one costs a round trip); 50 ms away once");
            if (rtt == 200) {
                assertEquals(Set.of("viewer:0-0", "seeder:0-0"), Set.copyOf(retry.requests), "chunk 0 of both");
                arrive(p, viewer, have, 3 * rtt * MS, 0, 0);
                assertEquals(0, p.outstanding(seeder), "the second request is done when either answers");
                assertEquals(0, p.outstanding(viewer));
            } else {
                assertEquals(1, retry.requests.size(), "50 ms away a retry is cheap: " + retry.requests);
            }
        }
    }

    @Test
    void aWholeRequestLostTwoHundredMillisecondsAwayIsAskedAgainOfTwoHoldersThoughItsHolderLooksSaturated() {
        // A REQUEST for 64 chunks falls into a burst: none of them comes, and its holder's unanswered share reads as a full
        // uplink. Its path failed, not its uplink: each chunk is asked again of two holders, as any chunk lost 200 ms away.
        // Asked of one, a viewer with loss in bursts there lost the retry too, and a chunk came 1.9 s after publishing.
        // A holder that sent half of them and sat on the rest is full indeed: what it sat on is asked of one holder.
        for (boolean silent : new boolean[] {true, false}) {
            Peer first = new Peer("first", false).has(0, 63);
            Peer seeder = new Peer("seeder", true);
            Peer viewer = new Peer("viewer", false);
            LivePicker<Peer> p = picker(Duration.ZERO);
            for (Peer h : List.of(first, seeder, viewer)) {
                p.onHandshakeRtt(h, 200 * MS);
            }
            Set<Long> have = new HashSet<>();
            Recorded asked = pick(p, List.of(first, seeder, viewer), 0, have, 0);
            assertEquals(List.of("first:0-63"), asked.requests);
            long deadline = p.wakeAt();
            if (!silent) {
                arrive(p, first, have, 250 * MS, 32, 63);
            }
            seeder.has(0, 63);
            viewer.has(0, 63);
            p.onAnnounced(seeder);
            p.onAnnounced(viewer);
            Recorded retry = pick(p, List.of(first, seeder, viewer), 0, have, deadline + 1);
            int lost = silent ? 64 : 32;
            assertEquals(lost, p.reRequests(), "every chunk that did not come is asked again");
            for (long i = 0; i < lost; i++) {
                assertEquals(silent ? 2 : 1, retry.holdersOf(i), "silent " + silent + ": chunk " + i + " asked of: " + retry.requests);
            }
            assertTrue(retry.requests.stream().noneMatch(r -> r.startsWith("first:")), "not of the holder that lost them: "
                    + retry.requests);
        }
    }

    @Test
    void aViewerWithOtherViewersToTakeFromAsksNothingAhead() {
        // Asked ahead, a chunk leaves the seeder for every viewer before one of them could pass it on: with a source whose
        // uplink carries two copies of the stream, the viewers fell behind.
        Peer seeder = new Peer("seeder", true);
        Peer viewer = new Peer("viewer", false);
        LivePicker<Peer> p = fiftyMillisecondsFrom(seeder);
        Set<Long> have = new HashSet<>();
        Recorded r = null;
        for (int m = 0; m < 5; m++) {
            seeder.has(0, 32L * m + 31);
            p.onAnnounced(seeder);
            r = pick(p, List.of(seeder, viewer), 32L * m, have, m * 131 * MS);
            arrive(p, seeder, have, m * 131 * MS + 50 * MS, 32L * m, 32L * m + 31);
        }
        assertEquals(List.of("seeder:128-159"), r.requests, "only what exists");
    }

    @Test
    void aViewerWhoseOtherViewersAreAllTwoHundredMillisecondsAwayAsksItsSeederAheadAsIfAlone() {
        // Through a viewer 200 ms away a chunk comes a HAVE, a REQUEST and a DATA after the seeder's: ten viewers there took
        // 0-5 % from each other, and every chunk paid the seeder's HAVE-to-REQUEST round trip (p50 561 ms, alone 352 ms).
        // A viewer near enough to pass chunks on (50 ms), or not measured yet, still keeps the seeder's chunks for it, and so
        // does one 200 ms away that brings half of them (a seeder whose uplink is full sends each chunk once).
        for (long viewerRtt : new long[] {0, 50, 200, -200}) {
            Peer seeder = new Peer("seeder", true);
            Peer viewer = new Peer("viewer", false);
            LivePicker<Peer> p = fiftyMillisecondsFrom(seeder);
            if (viewerRtt != 0) {
                p.onHandshakeRtt(viewer, Math.abs(viewerRtt) * MS);
            }
            Recorded r = atTheEdge(p, List.of(seeder, viewer), new HashSet<>(), 5, 50,
                    i -> viewerRtt < 0 && i % 2 == 0 ? viewer : seeder);
            if (viewerRtt == 200) {
                assertTrue(r.requested.stream().anyMatch(i -> i > 159), "what the next munros bring, before it exists: " + r.requests);
            } else {
                assertTrue(r.requested.stream().allMatch(i -> i <= 159), viewerRtt + " ms: only what exists: " + r.requests);
            }
        }
    }

    @Test
    void aChunkOvertakenByThreeHigherOnesFromTheSameHolderIsAskedAgainAtOnce() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer a = new Peer("a", true).has(0, 9);
        Peer b = new Peer("b", true).has(0, 9);
        p.onHandshakeRtt(b, 60 * MS);
        pick(p, List.of(a), 0, Set.of(), 0);
        Set<Long> have = new HashSet<>();
        // Chunks 1..4 arrive after 50 ms; chunk 0, asked with them and served first (lowest first), does not: lost.
        arrive(p, a, have, 50 * MS, 1, 4);
        assertTrue(pick(p, List.of(a, b), 0, have, 51 * MS).requests.isEmpty(), "not before a little reordering could explain it");
        assertTrue(p.wakeAt() < 60 * MS, "it wakes when chunk 0 counts as lost: " + p.wakeAt() / MS + " ms");
        Recorded r = pick(p, List.of(a, b), 0, have, p.wakeAt());
        assertEquals(List.of("b:0-0"), r.requests, "asked again, of the other holder, long before the request timeout");
    }

    @Test
    void aLossCountsFromTheFirstArrivalThatOvertookItWhileHigherChunksKeepComing() {
        Peer a = new Peer("a", true).has(0, 999);
        LivePicker<Peer> p = askedOfOne(a, 50 * MS);
        Set<Long> have = new HashSet<>();
        long retriedAt = -1;
        // Chunk 0 is lost; 1, 2, 3... arrive one every 4 ms from 50 ms on, as a 2 Mbit/s stream does.
        for (long i = 1; i < 60 && retriedAt < 0; i++) {
            long t = 50 * MS + (i - 1) * 4 * MS;
            arrive(p, a, have, t, i, i);
            if (pick(p, List.of(a), 0, have, t).requested.contains(0L)) {
                retriedAt = t;
            }
        }
        // Overtaken by chunk 3 at 58 ms; each newer arrival must not push the verdict back (it would wait for the
        // 300 ms deadline while the viewer's output stands still).
        assertTrue(retriedAt > 0 && retriedAt < 80 * MS, "asked again at " + retriedAt / MS + " ms");
        assertEquals(1, p.lossesDetected());
    }

    @Test
    void aChunkThatCameAndWaitsForItsHashesIsNotCalledLost() {
        Peer a = new Peer("a", true).has(0, 9);
        LivePicker<Peer> p = askedOfOne(a, 50 * MS);
        Set<Long> have = new HashSet<>();
        arrive(p, a, have, 50 * MS, 1, 3);
        // Overtaken on the way by jitter, chunk 0 comes 2 ms later; its munro hash is not here yet, so it is held back.
        p.onArrived(0, a, 52 * MS);
        // At 57 ms a chunk overtaken at 50 ms would be lost (the reordering window at 50 ms RTT is about 6 ms); this one
        // is here, and waits for its hashes a reordering window after it came.
        assertTrue(pick(p, List.of(a), 0, have, 57 * MS).requests.isEmpty(), "not asked again: it is here");
        assertEquals(0, p.reRequests());
    }

    @Test
    void chunksWaitingForTheHashesOfALostNeighbourWaitForItsRetryButNotForever() {
        Peer a = new Peer("a", true).has(0, 31);
        LivePicker<Peer> p = askedOfOne(a, 50 * MS);
        Set<Long> have = new HashSet<>();
        // One munro asked at once; chunk 0 is lost, and 1..31, sent without the hashes chunk 0 brings, come and wait.
        heldBack(p, a, 1, 31);
        Recorded retry = pick(p, List.of(a), 0, have, 100 * MS);
        assertEquals(List.of("a:0-0"), retry.requests, "the lost chunk is asked again");
        // Its retry is slow too. At the deadline of the first requests, chunks 1..31 are here and their hashes on the way:
        // asking them again would only fetch them twice.
        for (long now = 100 * MS; now <= 400 * MS; now += 5 * MS) {
            Recorded r = pick(p, List.of(a), 0, have, now);
            assertTrue(r.requested.stream().allMatch(c -> c == 0),
                    "at " + now / MS + " ms only chunk 0 is asked again: " + r.requests);
        }
        // Chunk 0 comes and verifies, and with it they all do.
        arrive(p, a, have, 410 * MS, 0, 31);
        assertTrue(pick(p, List.of(a), 32, have, 411 * MS).requests.isEmpty());
    }

    @Test
    void chunksWaitingForHashesThatNothingOnTheWayBringsAreAskedAgainAtTheirDeadline() {
        Peer a = new Peer("a", true).has(0, 31);
        LivePicker<Peer> p = askedOfOne(a, 50 * MS);
        Set<Long> have = new HashSet<>();
        // The whole munro comes, but its signature was lost: nothing asked is on its way to bring it.
        heldBack(p, a, 0, 31);
        // The one the output waits on is asked again once the path's reordering could no longer explain the missing
        // signature (an eighth of the 50 ms round trip after it came), not a path time later nor at the 300 ms deadline:
        // the signature goes ahead of the munro's chunks, so it was lost, and the holder sends it again with the chunk.
        // The others wait for it.
        assertTrue(pick(p, List.of(a), 0, have, 55 * MS).requests.isEmpty());
        assertEquals(List.of("a:0-0"), pick(p, List.of(a), 0, have, 57 * MS).requests);
        assertTrue(pick(p, List.of(a), 0, have, 150 * MS).requests.isEmpty());
        // From their deadline on, they are asked again one at a time: the holder sends the munro's signature again with
        // the first, and that verifies them all. Here every copy comes without it, and the next is asked, never all 32.
        int asked = 0;
        for (long now = LivePicker.MIN_DEADLINE_NANOS + 1; now < LivePicker.MIN_DEADLINE_NANOS + 600 * MS; now += 5 * MS) {
            Recorded r = pick(p, List.of(a), 0, have, now);
            assertTrue(r.requested.size() <= 1, "at " + now / MS + " ms: " + r.requests);
            for (long c : r.requested) {
                asked++;
                p.onArrived(c, a, now + 60 * MS);
            }
        }
        assertTrue(asked >= 2, "asked again: " + asked);
    }

    @Test
    void theChunkTheOutputWaitsOnIsOverdueARoundTripAfterItBecameFirst() {
        Peer a = new Peer("a", true).has(0, 9);
        LivePicker<Peer> p = askedOfOne(a, 50 * MS);
        Set<Long> have = new HashSet<>();
        arrive(p, a, have, 60 * MS, 0, 4);
        // Chunk 5 is now first in a's queue and the output waits on it: once a round trip has passed since then
        // (50 ms + jitter allowance + 20 ms), it is asked again, not at the 300 ms deadline the other chunks keep.
        assertTrue(pick(p, List.of(a), 5, have, 60 * MS).requests.isEmpty());
        long due = p.wakeAt();
        assertTrue(due >= 130 * MS && due <= 170 * MS, "due at " + due / MS + " ms");
        Recorded again = pick(p, List.of(a), 5, have, due + 1);
        assertEquals(List.of("a:5-5"), again.requests, "only the chunk the output waits on");
    }

    @Test
    void aRetryGoesToTheHolderThatAnswersSoonestWithoutTheOffloadWait() {
        LivePicker<Peer> p = picker(Duration.ofMillis(200));
        Peer seeder = new Peer("seeder", true).has(0, 999);
        Peer viewer = new Peer("viewer", false).has(0, 999);
        p.onHandshakeRtt(seeder, 20 * MS);
        p.onHandshakeRtt(viewer, 150 * MS);
        Recorded first = pick(p, List.of(seeder, viewer), 0, Set.of(), 0);
        assertTrue(first.requests.get(0).startsWith("viewer:0-"), "a viewer first: " + first.requests);
        Set<Long> have = new HashSet<>();
        arrive(p, viewer, have, 160 * MS, 4, 6);
        arrive(p, viewer, have, 160 * MS, 0, 2);
        // Lost from the far viewer; the seeder, seven times nearer, sends it now: no waiting for a viewer to hold it.
        for (long t = 161 * MS; t < 400 * MS; t += MS) {
            Recorded r = pick(p, List.of(seeder, viewer), 3, have, t);
            if (r.requested.contains(3L)) {
                assertTrue(r.requests.contains("seeder:3-3") && t < 200 * MS, r.requests + " at " + t / MS + " ms");
                return;
            }
        }
        fail("chunk 3 never asked again");
    }

    @Test
    void aHolderNeverMeasuredIsGivenTwiceTheFarthestMeasuredPathNotTheTimeout() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer far = new Peer("far", true).has(0, -1);
        Peer unknown = new Peer("unknown", true).has(0, 0);
        p.onHandshakeRtt(far, 200 * MS);
        assertEquals(List.of("unknown:0-0"), pick(p, List.of(far, unknown), 0, Set.of(), 0).requests);
        long deadline = p.wakeAt();
        assertTrue(deadline >= 400 * MS && deadline < EngineConfig.defaults(null).requestTimeout().toNanos(),
                "deadline " + deadline / MS + " ms");
    }

    @Test
    void aGoneHoldersRequestsGoElsewhereAtOnce() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer a = new Peer("a", true).has(0, 9);
        Peer b = new Peer("b", true).has(0, 9);
        pick(p, List.of(a), 0, Set.of(), 0);
        assertEquals(10, p.outstanding(a));
        p.onGone(a);
        Recorded r = pick(p, List.of(b), 0, Set.of(), MS);
        assertEquals(List.of("b:0-9"), r.requests);
    }

    @Test
    void aReceivedChunkFreesItsHolderForMore() {
        EngineConfig config = EngineConfig.defaults(null).withPeerFirstWait(Duration.ZERO);
        LivePicker<Peer> p = new LivePicker<>(PARAMS, config, new SplittableRandom(1));
        Peer a = new Peer("a", true).has(0, 999);
        Recorded r = pick(p, List.of(a), 0, Set.of(), 0);
        assertEquals(config.maxRequestsPerPeer(), r.requested.size(), "no more than the per-peer limit outstanding");
        p.onReceived(0, a, MS);
        Recorded next = pick(p, List.of(a), 1, Set.of(0L), MS);
        assertEquals(List.of("a:" + config.maxRequestsPerPeer() + "-" + config.maxRequestsPerPeer()), next.requests);
    }

    @Test
    void withViewersNearTheEdgeMostSeederOnlyChunksWaitForThemButNeverLongerThanTheWait() {
        Duration wait = Duration.ofMillis(200);
        LivePicker<Peer> p = picker(wait);
        Peer seeder = new Peer("seeder", true).has(0, 999);
        List<Peer> holders = new ArrayList<>(List.of(seeder));
        for (int i = 0; i < 3; i++) {
            holders.add(new Peer("v" + i, false).has(990, 990));
        }
        Recorded now = pick(p, holders, 991, Set.of(), 0);
        // About one chunk in k + 1 = 4 is fetched first-hand; the rest wait.
        assertTrue(now.requested.size() < 9, "most of 991..999 wait: asked " + now.requested);
        assertTrue(p.wakeAt() > 0 && p.wakeAt() < wait.toNanos(), "it wakes when the first wait ends: " + p.wakeAt());
        // A viewer announcing a waiting chunk gets it asked of the viewer at once.
        long waiting = 991;
        while (now.requested.contains(waiting)) {
            waiting++;
        }
        holders.get(1).has(990, waiting);
        p.onAnnounced(holders.get(1));
        Recorded fromViewer = pick(p, holders, 991, Set.of(), MS);
        assertTrue(fromViewer.requests.stream().anyMatch(s -> s.startsWith("v0:")), fromViewer.requests.toString());
        // After the whole wait, every chunk has been asked of someone.
        Set<Long> asked = new HashSet<>(now.requested);
        asked.addAll(fromViewer.requested);
        asked.addAll(pick(p, holders, 991, Set.of(), wait.toNanos() + MS).requested);
        for (long i = 991; i <= 999; i++) {
            assertTrue(asked.contains(i) || p.isRequested(i), "chunk " + i + " asked");
        }
    }

    @Test
    void aChunkNoViewerCouldHaveYetIsAskedOfTheSeederAtOnceNotAfterAWaitThatCannotPayOff() {
        Duration wait = Duration.ofMillis(200);
        Peer seeder = new Peer("seeder", true).has(0, 999);
        List<Peer> holders = new ArrayList<>(List.of(seeder));
        for (int i = 0; i < 3; i++) {
            holders.add(new Peer("v" + i, false).has(990, 990));
        }
        // 200 ms from everyone: a viewer that asked the seeder at once has a chunk 200 ms later and its HAVE takes 100 ms
        // more, past the whole 200 ms wait. Waiting would only delay the chunk.
        LivePicker<Peer> far = picker(wait);
        for (Peer h : holders) {
            far.onHandshakeRtt(h, 200 * MS);
        }
        assertEquals(9, pick(far, holders, 991, Set.of(), 0).requested.size(), "all of 991..999 asked of the seeder at once");
        // 20 ms from everyone: a viewer can have it within 40 ms, so most of them wait for one.
        LivePicker<Peer> near = picker(wait);
        for (Peer h : holders) {
            near.onHandshakeRtt(h, 20 * MS);
        }
        assertTrue(pick(near, holders, 991, Set.of(), 0).requested.size() < 9, "most wait for a viewer");
    }

    @Test
    void withALookbackItStartsThatFarBehindTheEdgeInStreamTime() {
        EngineConfig config = EngineConfig.defaults(null).withTuneInLookback(Duration.ofSeconds(2));
        LivePicker<Peer> p = new LivePicker<>(PARAMS, config, new SplittableRandom(1));
        Peer source = new Peer("source", true).has(0, 1000);
        assertEquals(-1, p.tuneIn(List.of(source), -1, 0), "first it watches the edge move");
        source.has(0, 1000 + 75); // 250 chunks/s: 75 chunks in 300 ms
        long start = p.tuneIn(List.of(source), -1, LivePicker.OBSERVE_NANOS);
        assertEquals(PARAMS.munroOf(1075 - 500).baseOffset(), start, "2 s at 250 chunks/s behind the edge");
    }

    @Test
    void tunesInAtTheMunroHoldingTheNewestChunk() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        assertEquals(-1, p.tuneIn(List.of(new Peer("empty", true)), -1, 0), "nothing announced: no start yet");
        long start = p.tuneIn(List.of(new Peer("a", true).has(0, 100)), -1, 0);
        assertEquals(PARAMS.munroOf(100).baseOffset(), start);
        assertTrue(start <= 100 && start > 100 - PARAMS.chunksPerSignature());
    }

    @Test
    void aChunkTheOutputWaitsOnAskedAgainOfAViewerThatConnectedToUsIsAskedAgainAfterItsRoundTripNotTwiceTheFarthest() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer seeder = new Peer("seeder", true).has(0, 9);
        Peer viewer = new Peer("viewer", false);
        p.onHandshakeRtt(seeder, 100 * MS);
        // The viewer joined after us and opened its channel to us: its round trip is known from its handshake only.
        p.onTheirHandshakeRtt(viewer, 100 * MS);
        List<Peer> holders = List.of(seeder, viewer);
        assertEquals(List.of("seeder:0-9"), pick(p, holders, 0, Set.of(), 0).requests);
        viewer.has(0, 9);
        seeder.ready = false;
        p.onHolderChanged();
        // Chunk 0, which the output waits on, does not come, and the seeder chokes us: after the seeder's path time (170 ms)
        // it is asked of the viewer.
        assertEquals(List.of("viewer:0-0"), pick(p, holders, 0, Set.of(), 180 * MS).requests);
        p.onAnnounced(viewer);
        assertTrue(pick(p, holders, 0, Set.of(), 300 * MS).requested.isEmpty(), "not before the viewer could answer");
        p.onAnnounced(viewer);
        // Lost again: asked again the viewer's path time later (its round trip, half of it for jitter, the margin), not
        // twice the seeder's (340 ms, at 520 ms).
        assertTrue(pick(p, holders, 0, Set.of(), 360 * MS).requested.contains(0L));
    }

    @Test
    void aViewerTunesInAtTheSeedersEdgeNotAtTheFirstHaveOfAViewerStillCatchingUp() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        Peer seeder = new Peer("seeder", true);
        Peer catchingUp = new Peer("viewer", false).has(224, 240);
        assertEquals(-1, p.tuneIn(List.of(seeder, catchingUp), -1, 0), "the seeder's HAVE is still on its way");
        seeder.has(0, 415);
        assertEquals(PARAMS.munroOf(415).baseOffset(), p.tuneIn(List.of(seeder, catchingUp), -1, 5 * MS),
                "the newest munro the seeder announced, not the viewer's, 175 chunks behind it");
    }

    @Test
    void aSeederThatNeverAnnouncesHoldsTheTuneInBackHalfASecondAtMost() {
        LivePicker<Peer> p = picker(Duration.ZERO);
        List<Peer> holders = List.of(new Peer("silent seeder", true), new Peer("viewer", false).has(224, 240));
        assertEquals(-1, p.tuneIn(holders, -1, 0));
        assertEquals(-1, p.tuneIn(holders, -1, LivePicker.SEEDER_EDGE_WAIT_NANOS - 1));
        assertEquals(PARAMS.munroOf(240).baseOffset(), p.tuneIn(holders, -1, LivePicker.SEEDER_EDGE_WAIT_NANOS),
                "then from what the viewers announced");
    }

    @Test
    void whatASaturatedSeederSitsOnIsTakenFromAViewerThatHasItWithACancelToTheSeeder() {
        Peer seeder = new Peer("seeder", true).has(0, 29);
        Peer viewer = new Peer("viewer", false);
        LivePicker<Peer> p = fiftyMillisecondsFrom(seeder);
        // A seeder that answers nothing of thirty requests (they time out at 300 ms) is saturated.
        assertEquals(30, pick(p, List.of(seeder, viewer), 0, Set.of(), 0).requested.size());
        pick(p, List.of(seeder, viewer), 0, Set.of(), 400 * MS);
        seeder.has(30, 39);
        assertEquals(10, pick(p, List.of(seeder, viewer), 30, Set.of(), 500 * MS).requested.size(), "only the seeder has 30..39");
        // The viewer has them 50 ms on: within the seeder's path time (95 ms) the seeder may still answer.
        viewer.has(30, 39);
        p.onAnnounced(viewer);
        Recorded early = pick(p, List.of(seeder, viewer), 30, Set.of(), 550 * MS);
        assertTrue(early.requests.isEmpty() && early.cancels.isEmpty(), early.requests + " " + early.cancels);
        // 150 ms on, before the requests' deadline: the seeder is sitting on them. The viewer is asked, and the seeder told
        // to spend its upload on something else (the chunk the output waits on is overdue by now and asked again anyway).
        p.onAnnounced(viewer);
        Recorded moved = pick(p, List.of(seeder, viewer), 30, Set.of(), 650 * MS);
        assertTrue(moved.requests.contains("viewer:31-39"), moved.requests.toString());
        assertEquals(9, moved.cancels.size(), moved.cancels.toString());
        assertTrue(moved.cancels.stream().allMatch(c -> c.startsWith("seeder:")), moved.cancels.toString());
    }

    @Test
    void whereMostChunksComeFromViewersASaturatedSeedersRequestMovesToAViewerTheMomentItHasTheChunk() {
        Peer seeder = new Peer("seeder", true).has(0, 29);
        Peer viewer = new Peer("viewer", false);
        LivePicker<Peer> p = fiftyMillisecondsFrom(seeder);
        // Thirty requests the seeder leaves unanswered (they time out at 300 ms): saturated.
        pick(p, List.of(seeder, viewer), 0, Set.of(), 0);
        pick(p, List.of(seeder, viewer), 0, Set.of(), 400 * MS);
        // Then the stream comes from the viewer, as behind a source whose uplink is full.
        seeder.has(30, 209);
        viewer.has(30, 199);
        p.onAnnounced(viewer);
        Set<Long> have = new HashSet<>();
        for (long i = 30; i < 200; i += 10) {
            pick(p, List.of(seeder, viewer), i, have, 400 * MS + i * MS);
            arrive(p, viewer, have, 450 * MS + i * MS, i, i + 9);
        }
        // Only the seeder has 200..209: asked of it once their offload wait (for a viewer to have them) runs out.
        Set<Long> ofSeeder = new HashSet<>();
        long t = 660 * MS;
        for (; t < 1600 * MS && ofSeeder.size() < 10; t += 10 * MS) {
            ofSeeder.addAll(pick(p, List.of(seeder, viewer), 200, have, t).requested);
        }
        assertEquals(10, ofSeeder.size(), "only the seeder has 200..209");
        // The viewer has them 20 ms on, well within the seeder's path time. A full seeder sends each chunk once, to whoever
        // asked first: waiting out its path time for it cost a viewer 200 ms behind a capped source a tenth of a second on
        // most chunks (ten viewers there, the worst: 97.2 % in order on average over eight seeds, then 98.7 %).
        viewer.has(200, 209);
        p.onAnnounced(viewer);
        Recorded moved = pick(p, List.of(seeder, viewer), 200, have, t + 10 * MS);
        assertEquals(List.of("viewer:200-209"), moved.requests);
        assertEquals(10, moved.cancels.size(), moved.cancels.toString());
        assertTrue(moved.cancels.stream().allMatch(c -> c.startsWith("seeder:")), moved.cancels.toString());
    }

    @Test
    void whatASaturatedSeederSitsOnWhenAskedAgainIsAskedOfAViewerThatHoldsItHoweverFar() {
        Peer seeder = new Peer("seeder", true).has(0, 29);
        Peer viewer = new Peer("viewer", false);
        LivePicker<Peer> p = fiftyMillisecondsFrom(seeder);
        p.onHandshakeRtt(viewer, 250 * MS);
        assertEquals(30, pick(p, List.of(seeder, viewer), 0, Set.of(), 0).requested.size());
        // The viewer got them meanwhile; the seeder answers nothing of thirty (they time out at 300 ms): saturated. Asked
        // again of the seeder first, five times nearer than the viewer by its path time: a seeder that counts as
        // saturated for a moment is still the nearest holder.
        viewer.has(0, 29);
        Recorded again = pick(p, List.of(seeder, viewer), 0, Set.of(), 400 * MS);
        assertEquals(30, again.requested.size(), again.requests.toString());
        assertTrue(again.requests.stream().allMatch(q -> q.startsWith("seeder:")), again.requests.toString());
        // Unanswered again: it sits on them (a full uplink sends again only what nobody else has). Asked again of it
        // every retry, a viewer 200 ms behind a capped source stalled 20 s while its eight peers held the chunks; asked of
        // it once more, ten viewers joining a capped source 200 ms away lost their first seconds.
        List<String> asked = new ArrayList<>();
        for (long t = 401 * MS; t < 1200 * MS && asked.stream().noneMatch(q -> q.startsWith("viewer:")); t += MS) {
            asked.addAll(pick(p, List.of(seeder, viewer), 0, Set.of(), t).requests);
        }
        assertEquals(List.of("viewer:0-29"), asked, "of the viewer next, not of the seeder once more");
    }

    @Test
    void aSeederThatAnswersIsNotSecondGuessedWhenAViewerHasTheChunkToo() {
        Peer seeder = new Peer("seeder", true).has(0, 9);
        Peer viewer = new Peer("viewer", false);
        LivePicker<Peer> p = fiftyMillisecondsFrom(seeder);
        pick(p, List.of(seeder, viewer), 0, Set.of(), 0);
        // The viewer has them 200 ms on, past twice the seeder's path time but before the 300 ms deadline.
        viewer.has(0, 9);
        p.onAnnounced(viewer);
        Recorded r = pick(p, List.of(seeder, viewer), 0, Set.of(), 200 * MS);
        assertTrue(r.cancels.isEmpty(), "no request moved off a seeder that is not saturated: " + r.cancels);
        assertTrue(r.requests.stream().noneMatch(q -> q.startsWith("viewer")), r.requests.toString());
    }

    @Test
    void aHandshakeThatWentTwiceStartsTheEstimateButIsNoRoundTripSeen() {
        // The answer came 13 ms after the second copy of the handshake: it answered the first one (a queue on the path
        // delayed it past the retry). As the shortest round trip seen it would time everything of a 200 ms path.
        Peer seeder = new Peer("seeder", true).has(0, 100);
        LivePicker<Peer> p = picker(Duration.ZERO);
        p.onHandshakeRttAfterRetry(seeder, 13 * MS);
        assertEquals(-1, p.minRoundTrip(seeder), "no round trip seen yet");
        // The first chunk asked of it shows the path.
        Set<Long> have = new HashSet<>();
        pick(p, List.of(seeder), 0, have, 0);
        arrive(p, seeder, have, 205 * MS, 0, 0);
        assertEquals(205 * MS, p.minRoundTrip(seeder));
        // A handshake that went once is a round trip seen.
        Peer other = new Peer("other", true).has(0, 100);
        p.onHandshakeRtt(other, 190 * MS);
        assertEquals(190 * MS, p.minRoundTrip(other));
    }
}
