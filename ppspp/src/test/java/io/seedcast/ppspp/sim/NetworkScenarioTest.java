package io.seedcast.ppspp.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.chunk.ChunkAddressing;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A live source and its viewers on a simulated network (virtual clock, seeded), at the delay, jitter and loss of home
 * connections. Each scenario is 30 s of stream in about a second of CPU; the README table comes from {@link Scenario#main}.
 */
class NetworkScenarioTest {

    static final Duration LENGTH = Duration.ofSeconds(30);
    static final Duration JITTER = Duration.ofMillis(10);

    static Scenario.Result run(long bps, int viewers, int rttMs, double loss) {
        Scenario.Result r = new Scenario(bps, viewers, viewers > 1, LinkProfile.rtt(Duration.ofMillis(rttMs), JITTER, loss), LENGTH, 0, 42).run();
        System.out.println(r.row());
        return r;
    }

    /**
     * Ten viewers at 2 Mbit/s, 1 % loss, for 20 s, from a source whose uplink carries two copies of the stream (500 KB/s,
     * a 250 ms queue), of which it declares {@code declaredPercent} as its upload limit.
     */
    static Scenario.Result capped(int rttMs, int declaredPercent) {
        return capped(rttMs, declaredPercent, 42);
    }

    static Scenario.Result capped(int rttMs, int declaredPercent, long seed) {
        Scenario.Result r = new Scenario(2_000_000, 10, true, LinkProfile.rtt(Duration.ofMillis(rttMs), JITTER, 0.01),
                Duration.ofSeconds(20), 2 * 2_000_000 / 8, seed, declaredPercent).run();
        System.out.println(r.row());
        return r;
    }

    @Test
    void oneViewerKeepsUpAtLossesWhereItUsedToStallForGood() {
        // Issue 17's table: 10 ms RTT at 2 % loss stopped for good after 10 s; 50 ms ±5 ms at 5 % after 3 s.
        for (double loss : new double[] {0.01, 0.03}) {
            Scenario.Result r = run(2_000_000, 1, 50, loss);
            assertTrue(r.onTimeWorst() >= 0.999, "in order within 1 s: " + r.row());
            assertTrue(r.stallMsWorst() < 1000, "no stall over 1 s: " + r.row());
            assertEquals(0, r.lostForGood(), r.row());
        }
        Scenario.Result five = run(2_000_000, 1, 50, 0.05);
        assertTrue(five.onTimeWorst() >= 0.99, "99 % at 5 % loss: " + five.row());
        assertTrue(five.stallMsWorst() < 1000, five.row());
    }

    @Test
    void lossInBurstsAndReorderingAndDuplicatesAreTolerated() {
        LinkProfile p = LinkProfile.rtt(Duration.ofMillis(50), JITTER, 0).withBursts(0.02, 4).withReordering(0.01).withDuplicates(0.01);
        Scenario.Result r = new Scenario(2_000_000, 1, false, p, LENGTH, 0, 7).run();
        System.out.println(r.row());
        // A chunk whose REQUEST went down in a burst is noticed once three later chunks from the same holder have come (it
        // was 98.7 % in order, with the loss called from the newest arrival, which kept moving).
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertEquals(0, r.lostForGood(), r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
    }

    @Test
    void aViewerWhoseSeedersAnnouncementsFallIntoABurstKeepsPlaying() {
        // Caught up and idle, the viewer's path carried one HAVE per munro (131 ms apart); eleven in a row fell into one
        // burst (bursts count datagrams), and it heard of nothing new for 1.4 s: a 1420 ms stall, 98.7 % in order. Asking
        // its seeder ahead keeps the chunks coming as they are signed.
        LinkProfile p = LinkProfile.rtt(Duration.ofMillis(100), JITTER, 0).withBursts(0.02, 4);
        Scenario.Result r = new Scenario(2_000_000, 1, false, p, Duration.ofSeconds(60), 0, 42).run();
        System.out.println(r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertEquals(0, r.lostForGood(), r.row());
    }

    @Test
    void aLoneViewerTwoHundredMillisecondsAwayIsARoundTripCloserToLiveThanItsAnnouncements() {
        // Each chunk used to wait for its munro's HAVE (half a round trip) and its REQUEST (another half) before it left the
        // seeder: 421 ms from publishing to output at the median. Asked ahead, it leaves when it is signed.
        Scenario.Result r = run(2_000_000, 1, 200, 0.01);
        assertTrue(r.delayP50Ms() < 300, "publish -> output at the median: " + r.row());
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        // Its first chunk is held until it is four round trips old (StartHoldBack): 416 -> 850 ms from joining to the first
        // output here, still under a second.
        assertTrue(r.firstOutputMsWorst() < 1000, "join -> first output: " + r.row());
    }

    @Test
    void tenViewersTwoHundredMillisecondsAwayKeepUpUnderLoss() {
        // 93.7 % in order with stalls of 1.9 s before the loss was counted from the first arrival that overtook a chunk and
        // retries went to the holder that answers soonest (past the per-holder limit and the offload wait).
        LinkProfile p = LinkProfile.rtt(Duration.ofMillis(200), JITTER, 0.01);
        Scenario.Result r = new Scenario(2_000_000, 10, true, p, Duration.ofSeconds(20), 0, 42).run();
        System.out.println(r.row());
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
        assertEquals(0, r.lostForGood(), r.row());
        // 1.12 before each viewer's request ahead went twice, a peer that takes nothing from us heard of our chunks every
        // 200 ms instead of 20, and an ACK waited up to a tick for the next chunk's.
        assertTrue(r.bytesPerDelivered() <= 1.1, "bytes sent per byte delivered at 1 % loss: " + r.row());
    }

    @Test
    void tenViewersTwoHundredMillisecondsAwayKeepUpWhenLossComesInBursts() {
        // A viewer's REQUEST to another viewer fell into a burst, and the chunks' retries, asked of one holder each as that
        // holder looked saturated, fell into the next bursts: one chunk came 1.9 s after publishing (99.43 % in order; p99
        // publish -> output 1.31 s). Asked again of two holders where nothing came from the one that lost them: 100 %,
        // p99 1.22 s (LivePicker.silentlyLost).
        LinkProfile p = LinkProfile.rtt(Duration.ofMillis(200), JITTER, 0).withBursts(0.02, 4);
        Scenario.Result r = new Scenario(6_000_000, 10, true, p, Duration.ofSeconds(20), 0, 1).run();
        System.out.println(r.row());
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
        assertEquals(0, r.lostForGood(), r.row());
    }

    @Test
    void tenViewersTwoHundredMillisecondsApartAreAsCloseToLiveAsOneAlone() {
        // Viewers 200 ms from each other took 0-5 % of the stream from each other, yet each chunk waited for the seeder's
        // HAVE and a REQUEST before it left: 566 ms from publishing to output at the median (one viewer alone: 352 ms), and
        // at 3 % loss the worst viewer had 99.75-99.86 % in order over 60 s. Now a viewer asks its seeder ahead when the
        // viewers it could take from are that far and bring it little: 339 ms.
        LinkProfile p = LinkProfile.rtt(Duration.ofMillis(200), JITTER, 0.03);
        Scenario.Result r = new Scenario(2_000_000, 10, true, p, Duration.ofSeconds(20), 0, 42).run();
        System.out.println(r.row());
        assertTrue(r.delayP50Ms() < 450, "publish -> output at the median: " + r.row());
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
    }

    @Test
    void sixMegabitsAtFiftyMillisecondsAndFivePercentLoss() {
        Scenario.Result r = run(6_000_000, 1, 50, 0.05);
        assertTrue(r.onTimeWorst() >= 0.99, r.row());
        assertEquals(0, r.lostForGood(), r.row());
    }

    @Test
    void atOnePercentLossTheNetworkCarriesLittleMoreThanTheStream() {
        Scenario.Result r = run(2_000_000, 1, 50, 0.01);
        assertTrue(r.bytesPerDelivered() <= 1.1, "bytes sent per byte delivered at 1 % loss: " + r.row());
    }

    @Test
    void withoutLossTheOverheadIsSmall() {
        Scenario.Result r = run(2_000_000, 1, 20, 0);
        assertEquals(1.0, r.onTimeWorst(), r.row());
        assertTrue(r.bytesPerDelivered() < 1.1, "bytes sent per byte delivered: " + r.row());
    }

    @Test
    void tenViewersSharingAtOnePercentLossAllKeepUpAndTakeFromEachOther() {
        Scenario.Result r = run(2_000_000, 10, 50, 0.01);
        assertTrue(r.onTimeWorst() >= 0.99, r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
        assertTrue(r.peerShare() > 0.3, "viewers pass chunks on: " + r.row());
    }

    @Test
    void aSourceWhoseUplinkCarriesTwoCopiesServesTenViewersThroughEachOther() {
        // The source's uplink carries 2x the stream (500 KB/s, a 250 ms queue) and it declares 90 % of that as its upload
        // limit. Before the engine-wide limit, only never-sent chunks from a full uplink, and requests a saturated seeder
        // sits on moved to a viewer that has the chunk: 0.4 % in order, 2.5 s stalls, 5.3 bytes sent per byte delivered.
        Scenario.Result r = capped(50, 90);
        assertTrue(r.peerShare() >= 0.8, "the viewers take what the source cannot send from each other: " + r.row());
        assertEquals(0, r.lostForGood(), r.row());
        assertTrue(r.bytesPerDelivered() < 1.4, "the source sends each chunk about once: " + r.row());
        assertTrue(r.onTimeWorst() >= 0.99, r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
    }

    @Test
    void aCappedSourceOneHundredMillisecondsAwayLosesNoChunkForLong() {
        // With its uplink full, the source sent only chunks that had never left it; one whose single copy was lost on the
        // way waited for room that never came at 100 ms, and all ten viewers stalled on the same chunks for 1-1.7 s at a
        // time (71-97 % in order). A chunk nobody acknowledged a retransmission timeout after it left goes again.
        Scenario.Result r = capped(100, 90);
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
        assertTrue(r.peerShare() >= 0.8, r.row());
    }

    @Test
    void behindACappedSourceTwoHundredMillisecondsAwayAViewerTakesAChunkFromTheFirstViewerToHaveIt() {
        // The source's uplink is full and sends each chunk about once, to whoever asked first; the other viewers asked it
        // too and waited out its path time (300 ms) before asking a viewer that had announced the chunk meanwhile: 1121 ms
        // from publishing to output at the median, 96.90 % in order for the worst viewer. Where nearly all chunks come
        // from viewers (over 85 %), a saturated seeder's request moves to a viewer the moment one announces the chunk.
        // While the ten join, fewer chunks come from viewers, and a chunk the seeder sat on went to a viewer only after it
        // sat on a second retry too: 97.48 % in order for the worst viewer; after the first, 98.73 % (LivePicker.satOn).
        Scenario.Result r = capped(200, 90);
        assertTrue(r.delayP50Ms() < 1060, "publish -> output at the median: " + r.row());
        // 1.339 -> 1.351 since a chunk lost on a path that went silent is asked again of two holders, however saturated the
        // one that lost it looked (LivePicker.silentlyLost). With the first chunk held four round trips (StartHoldBack):
        // 98.76 -> 98.59 % in order, 1.339 bytes per byte: the viewer short of the rest joined at 1.5 s, tuned in at the
        // first HAVE to come, a viewer's 0.6 s of stream behind the source's edge, and fetched that backlog through viewers
        // catching up themselves: a chunk published at 1.50 s came at 3.70 s. Tuned in at the seeders' edge: 100 %.
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertEquals(0, r.lostForGood(), r.row());
        assertTrue(r.bytesPerDelivered() < 1.36, "the source sends each chunk about once: " + r.row());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 4, 5})
    void behindACappedSourceTwoHundredMillisecondsAwayTheViewersThatJoinedFirstKeepUpOnceTheSwarmGrows(long seed) {
        // The first viewers got their first chunks straight from the source while the swarm was small, half a second after
        // publishing, and a player anchors its buffer on its first chunk; once the ten had joined, the source's uplink sent
        // each chunk about once and their chunks came through other viewers, a second after publishing at the median and
        // 1.45 s at the 99th percentile: 98.45 % and 97.08 % in order for the worst viewer (seeds 2 and 5). A viewer's first
        // chunk now goes out once it is four round trips to its seeder old (StartHoldBack). Seeds 1 and 4 then missed
        // chunks published while the ten joined (98.70 / 98.85 %): a viewer that tuned in at the first HAVE to come, a
        // viewer's still catching up, fetched a backlog through the viewers that held it. It now tunes in at the seeders'
        // edge (LivePicker.SEEDER_EDGE_WAIT_NANOS): 100 % in all four.
        Scenario.Result r = capped(200, 90, seed);
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
        assertEquals(0, r.lostForGood(), r.row());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 5})
    void aViewerThatJoinsLaterHearsOfTheChunksItsPeersHeldBeforeAHole(long seed) {
        // A peer announced to a new channel only the run at its newest chunk. The viewer that joined later tuned in below a
        // hole in its peers' chunks, never heard they held the earlier ones, asked only the capped source (which sends a
        // chunk that went once only when nobody has it) and gave one up after 2 s: 81.65 % in order, a 2 s stall (seed 5),
        // 96.91 % and 1.5 s (seed 1). Now a peer announces its newest runs.
        Scenario.Result r = capped(100, 90, seed);
        assertEquals(0, r.lostForGood(), r.row());
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
    }

    @Test
    void aSourceWhoseUplinkQueuesWithoutADeclaredLimitStillSendsEachChunkAboutOnce() {
        // The same uplink, and the operator declared nothing: every chunk went to every viewer into a quarter-second queue,
        // 2 % in order and 2.6 bytes sent per byte delivered. The source now takes LEDBAT at its target on its channels
        // (one, and another halfway there, while no limit is in force; then two or more) as its uplink being full, and
        // learns a limit from it (LearnedUplink).
        Scenario.Result r = capped(50, 0);
        assertTrue(r.onTimeWorst() >= 0.99, r.row());
        assertTrue(r.bytesPerDelivered() < 1.4, r.row());
        assertTrue(r.peerShare() >= 0.8, r.row());
    }

    @ParameterizedTest
    @CsvSource({"100, 0.99, 1000", "200, 0.999, 1000"})
    void aSourceFarAwayLearnsTheUplinkNobodyDeclared(int rttMs, double inOrder, long stallMs) {
        // Taking LEDBAT at its target as a full uplink was not enough 100-200 ms away: the viewers that joined while the
        // queue stood took it for their base delay, the signal came and went, and every chunk went to every viewer into
        // the queue (45 % and 44 % in order, 1.43-1.49 bytes per byte). The source now limits itself to nine tenths of what
        // its peers acknowledged when the uplink queued, and the queue drains. At 200 ms the viewers then lost their first
        // seconds to the chunks the source sat on while they joined, asked of it twice more (92.62 % in order, a 1115 ms
        // stall); asked of a viewer after one missed retry, 98.31 % and 801 ms (LivePicker.satOn). The first viewers, their
        // buffers anchored on chunks that came straight from the source, then missed what later came through the others:
        // 98.29 % at 200 ms; 100 % with the first chunk held four round trips (StartHoldBack).
        Scenario.Result r = capped(rttMs, 0);
        assertTrue(r.onTimeWorst() >= inOrder, r.row());
        assertTrue(r.stallMsWorst() < stallMs, r.row());
        assertEquals(0, r.lostForGood(), r.row());
        assertTrue(r.bytesPerDelivered() < 1.35, "the source sends each chunk about once: " + r.row());
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 13, 15})
    void behindAnUndeclaredUplinkFarAwayTheChunksPublishedWhileTheViewersJoinComeInTime(long seed) {
        // The viewers that joined while the source's queue built took it for their base delay (LEDBAT's latecomer
        // problem): with two channels at the target asked for, the first channel's LEDBAT reached its target 1.9 s into
        // the run, the second's only at 2.65 s, and the source learned its limit then; the queue stood a second in between
        // and the viewers missed chunks published 1.55-2.42 s in (97.91 % in order for the worst viewer at seed 7). With
        // one at the target and another halfway, the queue still stood at 250 ms for a few hundred milliseconds before the
        // signal and dropped chunks published 1.5-1.7 s in (97.94 % and 98.61 % at seeds 13 and 15). Without a limit in
        // force, two channels halfway to their target now set one, and it rises as the queue drains (LearnedUplink).
        Scenario.Result r = capped(200, 0, seed);
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertTrue(r.stallMsWorst() < 1000, r.row());
        assertEquals(0, r.lostForGood(), r.row());
    }

    @Test
    void viewersThatSendChunksWithoutTheirHashesStallNobody() {
        // Three of the ten viewers send every chunk without an INTEGRITY message (an implementation that leaves them out):
        // their chunks are genuine but verify only with hashes from elsewhere. The others hold such a chunk back until its
        // neighbours lend it theirs, or ask for it again, and nobody falls behind. (With all ten leaving them out, only the
        // source's hashes verify anything: behind the capped source 93 % in order, 244 chunks lost for good.)
        LinkProfile p = LinkProfile.rtt(Duration.ofMillis(50), JITTER, 0.01);
        Scenario.Result withoutStrippers = new Scenario(2_000_000, 10, true, p, Duration.ofSeconds(20), 0, 42).run();
        Scenario.Result withStrippers = new Scenario(2_000_000, 10, true, p, Duration.ofSeconds(20), 0, 42).withHashStrippers(3).run();
        // The hashes left out cost something: chunks that wait, or are asked again elsewhere.
        assertTrue(withStrippers.reRequests() > withoutStrippers.reRequests(), withStrippers.row() + " against " + withoutStrippers.row());
        Scenario.Result capped = new Scenario(2_000_000, 10, true, p, Duration.ofSeconds(20), 2 * 2_000_000 / 8, 42).withHashStrippers(3).run();
        for (Scenario.Result r : List.of(withStrippers, capped)) {
            System.out.println(r.row());
            assertTrue(r.onTimeWorst() >= 0.999, "in order within 1 s: " + r.row());
            assertEquals(0, r.lostForGood(), r.row());
            assertTrue(r.stallMsWorst() < 1000, r.row());
            assertTrue(r.peerShare() > 0.4, "the viewers still pass chunks on: " + r.row());
        }
    }

    @Test
    void hashesThatTravelAheadOfTheirChunkInADatagramOfTheirOwnStillVerifyIt() {
        // 1316-byte chunks (seven TS packets) leave a 1472-byte datagram no room for the first chunk of a munro's five
        // uncle hashes and the signed munro, so they go in the datagram before (RFC 7574 §5.4). Under chunk ranges, the
        // RFC's default, the viewer kept only hashes addressed as bins: it verified nothing and output nothing (0 %).
        Scenario big = new Scenario(2_000_000, 1, false, LinkProfile.rtt(Duration.ofMillis(20), JITTER, 0.01), Duration.ofSeconds(20), 0, 42)
                .withSwarm(Scenario.SWARM.withChunkSize(1316));
        Scenario.Result r = big.run();
        System.out.println(r.row());
        assertTrue(r.onTimeWorst() >= 0.999, r.row());
        assertEquals(0, r.lostForGood(), r.row());
        assertTrue(r.bytesPerDelivered() < 1.1, r.row());
        // Ten sharing: a viewer that starts playing inside a munro needs the hashes of the chunks before its start as
        // uncles. It used to drop those hashes as "behind the playout point": 22 chunks lost for good and a first output
        // 2140 ms after joining, even without loss.
        Scenario.Result ten = new Scenario(2_000_000, 10, true, LinkProfile.rtt(Duration.ofMillis(20), JITTER, 0), Duration.ofSeconds(20), 0, 42)
                .withSwarm(Scenario.SWARM.withChunkSize(1316)).run();
        System.out.println(ten.row());
        assertEquals(0, ten.lostForGood(), ten.row());
        assertTrue(ten.onTimeWorst() >= 0.999, ten.row());
        assertTrue(ten.firstOutputMsWorst() < 500, ten.row());
    }

    @Test
    void aSwarmAddressedInBinsPlaysAndSpendsFewerBytesThanInChunkRanges() {
        // The engine speaks in chunk ranges; it used to throw on the first HAVE of a run that is no single bin. Now such a
        // run goes as the fewest bins that cover it, and 4-byte chunk specifications instead of 8 spare bytes.
        LinkProfile p = LinkProfile.rtt(Duration.ofMillis(20), JITTER, 0.01);
        Scenario ranges = new Scenario(2_000_000, 10, true, p, Duration.ofSeconds(20), 0, 42);
        Scenario.Result inRanges = ranges.run();
        Scenario.Result inBins = ranges.withSwarm(Scenario.SWARM.withAddressing(ChunkAddressing.BINS_32)).run();
        System.out.println(inRanges.row());
        System.out.println(inBins.row());
        assertTrue(inBins.onTimeWorst() >= 0.999, inBins.row());
        assertEquals(0, inBins.lostForGood(), inBins.row());
        assertTrue(inBins.bytesPerDelivered() < inRanges.bytesPerDelivered() - 0.01, inBins.row() + " against " + inRanges.row());
        // One viewer: its ACKs of two or three chunks merge and go as the one bin around them it holds (they went one ACK a
        // chunk, as the DATA's bin was not a range to merge: 13 bytes of ACK a chunk instead of 6, 1.084 bytes per byte).
        Scenario one = new Scenario(2_000_000, 1, false, p, Duration.ofSeconds(20), 0, 42);
        Scenario.Result oneInRanges = one.run();
        Scenario.Result oneInBins = one.withSwarm(Scenario.SWARM.withAddressing(ChunkAddressing.BINS_32)).run();
        System.out.println(oneInBins.row());
        assertTrue(oneInBins.bytesPerDelivered() < oneInRanges.bytesPerDelivered() - 0.005, oneInBins.row() + " against " + oneInRanges.row());
    }

    @Test
    void aSeedReplaysTheSameRun() {
        LinkProfile p = LinkProfile.rtt(Duration.ofMillis(50), JITTER, 0.03);
        Scenario s = new Scenario(2_000_000, 1, false, p, Duration.ofSeconds(5), 0, 99);
        Scenario.Result a = s.run();
        Scenario.Result b = s.run();
        assertArrayEquals(new double[] {a.onTimeWorst(), a.stallMsWorst(), a.reRequests()},
                new double[] {b.onTimeWorst(), b.stallMsWorst(), b.reRequests()}, "same seed, same run");
    }

    @Test
    void theLinkDropsWhatItShouldAndDelaysWithinItsJitter() {
        Link l = new Link(LinkProfile.rtt(Duration.ofMillis(100), JITTER, 0.05), 1);
        int lost = 0;
        for (int i = 0; i < 100_000; i++) {
            long[] t = l.transit(1000, 0);
            if (t.length == 0) {
                lost++;
            } else {
                assertTrue(t[0] >= 40_000_000 && t[0] <= 60_000_000, "50 ms ± 10 ms one way: " + t[0]);
            }
        }
        assertEquals(0.05, lost / 100_000.0, 0.005);
        Link bursty = new Link(LinkProfile.rtt(Duration.ZERO, Duration.ZERO, 0).withBursts(0.02, 4), 2);
        int burstLost = 0;
        int runs = 0;
        boolean prev = false;
        for (int i = 0; i < 200_000; i++) {
            boolean gone = bursty.transit(1000, 0).length == 0;
            burstLost += gone ? 1 : 0;
            runs += gone && !prev ? 1 : 0;
            prev = gone;
        }
        assertEquals(0.02, burstLost / 200_000.0, 0.004);
        assertEquals(4, burstLost / (double) runs, 0.5, "mean burst length");
        Link capped = new Link(LinkProfile.PERFECT.withRate(1_000_000, 10_000), 3);
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            accepted += capped.transit(1000, 0).length;
        }
        assertEquals(10, accepted, "a 10 kB queue holds 10 datagrams sent at once; the rest are tail-dropped");
    }
}
