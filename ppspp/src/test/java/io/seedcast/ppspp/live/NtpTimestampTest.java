package io.seedcast.ppspp.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NtpTimestampTest {

    @Test
    void unixEpochIsSecond2208988800OfNtpEra0() {
        assertEquals(2_208_988_800L << 32, NtpTimestamp.of(Instant.EPOCH));
        assertEquals(Instant.EPOCH, NtpTimestamp.toInstant(2_208_988_800L << 32));
    }

    @Test
    void roundTripsToTheNanosecondPrecisionItHas() {
        Instant t = Instant.parse("2026-11-23T12:34:56.789012345Z");
        Instant back = NtpTimestamp.toInstant(NtpTimestamp.of(t));
        // A 32-bit fraction resolves 233 ps; truncation costs at most a nanosecond each way.
        assertTrue(Duration.between(back, t).abs().toNanos() <= 1, back.toString());
        assertEquals(0x80000000L, NtpTimestamp.of(Instant.parse("2026-01-01T00:00:00.5Z")) & 0xFFFFFFFFL);
    }

    @Test
    void libswiftStampsMicrosecondsSinceTheUnixEpoch() {
        Instant t = Instant.parse("2026-11-23T12:00:00.000001Z");
        assertEquals(t.getEpochSecond() * 1_000_000 + 1, Profile.LIBSWIFT.timestamp(t));
        assertEquals(t, Profile.LIBSWIFT.instant(Profile.LIBSWIFT.timestamp(t)));
    }
}
