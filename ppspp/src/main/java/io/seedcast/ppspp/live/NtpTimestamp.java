package io.seedcast.ppspp.live;

import java.time.Instant;

/**
 * A 64-bit NTP timestamp: seconds since 1900-01-01 in the high 32 bits, the fraction of a second in
 * the low 32 (RFC 5905 §6). Sign All and munro signatures carry the time they were made in it.
 */
// RFC 7574 §6.1.1, §6.1.2.2
public final class NtpTimestamp {

    /** Seconds from the NTP era 0 epoch (1900) to the Unix epoch (1970). */
    static final long UNIX_OFFSET_SECONDS = 2_208_988_800L;

    private NtpTimestamp() {
    }

    public static long of(Instant instant) {
        long seconds = instant.getEpochSecond() + UNIX_OFFSET_SECONDS;
        long fraction = ((long) instant.getNano() << 32) / 1_000_000_000L;
        return (seconds << 32) | fraction;
    }

    public static Instant toInstant(long ntp) {
        long seconds = (ntp >>> 32) - UNIX_OFFSET_SECONDS;
        long nanos = ((ntp & 0xFFFF_FFFFL) * 1_000_000_000L) >>> 32;
        return Instant.ofEpochSecond(seconds, nanos);
    }
}
