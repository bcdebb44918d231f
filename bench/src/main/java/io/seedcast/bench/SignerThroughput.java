package io.seedcast.bench;

import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.LiveTree;
import io.seedcast.ppspp.live.NtpTimestamp;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SignAll;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.WireContext;
import java.time.Clock;

/**
 * Chunks per second one core signs the way signer-service does (spec encoding, NTP timestamp,
 * signature; or the UMT tree with one signature per 32 chunks), against the raw BouncyCastle sign
 * rate over the same bytes measured in the same run. Run: {@code ./seedcast signer-throughput}.
 */
public final class SignerThroughput {

    static final long MEASURE_NANOS = 3_000_000_000L;

    public static void main(String[] args) {
        byte[] chunk = new byte[1024];
        new java.util.Random(1).nextBytes(chunk);
        System.out.println("algorithm | raw BC sign/s | Sign All chunks/s | ratio | UMT (32/signature) chunks/s");
        for (SignatureAlgorithm a : new SignatureAlgorithm[] {SignatureAlgorithm.ECDSAP256SHA256, SignatureAlgorithm.ED25519}) {
            SwarmParameters params = SwarmParameters.defaults(Profile.RFC7574).withAlgorithm(a);
            SwarmKeyPair key = SwarmKeyPair.generate(a);
            WireContext ctx = params.wireContext(key.swarmId());
            byte[] spec = new byte[8];
            byte[] ts = new byte[8];
            Clock clock = Clock.systemUTC();
            // Warm up all three, then measure them in turn, twice, keeping the better figure of each.
            double raw = 0;
            double signAll = 0;
            double umt = 0;
            for (int round = 0; round < 3; round++) {
                boolean measure = round > 0;
                double r = rate(() -> key.sign(spec, ts, chunk));
                long[] n = {0};
                double s = rate(() -> SignAll.sign(key, ctx, ChunkRange.single(n[0]++), NtpTimestamp.of(clock.instant()), chunk));
                LiveTree tree = new LiveTree(params, key, clock);
                double u = rate(() -> tree.append(chunk));
                if (measure) {
                    raw = Math.max(raw, r);
                    signAll = Math.max(signAll, s);
                    umt = Math.max(umt, u);
                }
            }
            System.out.printf("%s | %.0f | %.0f | %.2f | %.0f%n", a, raw, signAll, signAll / raw, umt);
        }
    }

    static double rate(Runnable op) {
        long n = 0;
        long start = System.nanoTime();
        long end = start + MEASURE_NANOS;
        long now;
        do {
            for (int i = 0; i < 16; i++) {
                op.run();
            }
            n += 16;
            now = System.nanoTime();
        } while (now < end);
        return n / ((now - start) / 1e9);
    }
}
