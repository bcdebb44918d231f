package io.seedcast.ppspp.sim;

import java.time.Duration;
import java.util.Locale;

/**
 * What a network path does to datagrams, one direction: delay, jitter, random loss, loss in bursts (Gilbert-Elliott),
 * duplication, reordering, and a rate cap with a bounded queue (tail drop). {@link Link} applies it to datagrams
 * without a socket, so an in-process network ({@link SimNetwork}) and a UDP relay can share it.
 *
 * @param delay       one-way base delay (half the RTT when both directions have it)
 * @param jitter      each datagram gets an extra delay uniform in [-jitter, +jitter] (never below zero in total)
 * @param loss        probability a datagram is lost, independent of the others
 * @param burstLoss   Gilbert-Elliott: long-run fraction lost in bursts (0 for none)
 * @param burstLength Gilbert-Elliott: mean datagrams per burst
 * @param duplicate   probability a datagram is delivered twice
 * @param reorder     probability a datagram is held back by an extra {@code 2 x delay + 1 ms}, so later ones overtake it
 * @param rateBytesPerSecond a rate cap (0 for none): datagrams queue behind each other at this rate
 * @param queueBytes  the queue in front of the rate cap; a datagram that finds it full is dropped
 */
public record LinkProfile(Duration delay, Duration jitter, double loss, double burstLoss, double burstLength, double duplicate,
        double reorder, long rateBytesPerSecond, long queueBytes) {

    public static final LinkProfile PERFECT = new LinkProfile(Duration.ZERO, Duration.ZERO, 0, 0, 1, 0, 0, 0, 0);

    public LinkProfile {
        check(loss, "loss");
        check(burstLoss, "burst loss");
        check(duplicate, "duplicate");
        check(reorder, "reorder");
        if (burstLength < 1) {
            throw new IllegalArgumentException("a burst is at least 1 datagram long, got " + burstLength);
        }
        if (delay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("delay and jitter cannot be negative");
        }
    }

    private static void check(double p, String what) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(what + " must be a fraction in [0, 1), got " + p);
        }
    }

    /** A path with round-trip time {@code rtt} (half each way), jitter and random loss per direction. */
    public static LinkProfile rtt(Duration rtt, Duration jitter, double loss) {
        return new LinkProfile(rtt.dividedBy(2), jitter, loss, 0, 1, 0, 0, 0, 0);
    }

    public LinkProfile withBursts(double fraction, double meanLength) {
        return new LinkProfile(delay, jitter, loss, fraction, meanLength, duplicate, reorder, rateBytesPerSecond, queueBytes);
    }

    public LinkProfile withDuplicates(double p) {
        return new LinkProfile(delay, jitter, loss, burstLoss, burstLength, p, reorder, rateBytesPerSecond, queueBytes);
    }

    public LinkProfile withReordering(double p) {
        return new LinkProfile(delay, jitter, loss, burstLoss, burstLength, duplicate, p, rateBytesPerSecond, queueBytes);
    }

    public LinkProfile withRate(long bytesPerSecond, long queue) {
        return new LinkProfile(delay, jitter, loss, burstLoss, burstLength, duplicate, reorder, bytesPerSecond, queue);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "RTT %d ms", delay.toMillis() * 2));
        if (!jitter.isZero()) {
            b.append(String.format(Locale.ROOT, " ±%d ms", jitter.toMillis()));
        }
        if (loss > 0) {
            b.append(String.format(Locale.ROOT, ", %.0f%% loss", loss * 100));
        }
        if (burstLoss > 0) {
            b.append(String.format(Locale.ROOT, ", %.0f%% loss in bursts of %.0f", burstLoss * 100, burstLength));
        }
        if (duplicate > 0) {
            b.append(String.format(Locale.ROOT, ", %.0f%% duplicated", duplicate * 100));
        }
        if (reorder > 0) {
            b.append(String.format(Locale.ROOT, ", %.0f%% reordered", reorder * 100));
        }
        if (rateBytesPerSecond > 0) {
            b.append(String.format(Locale.ROOT, ", capped at %.1f Mbit/s", rateBytesPerSecond * 8 / 1e6));
        }
        return b.toString();
    }
}
