package io.seedcast.ppspp.engine;

/** A rate limit in units per second with a burst of one second's worth; a rate of 0 means no limit. */
final class TokenBucket {
    private final long rate;
    private double tokens;
    private long last;

    TokenBucket(long perSecond, long nowNanos) {
        this.rate = perSecond;
        this.tokens = perSecond;
        this.last = nowNanos;
    }

    boolean tryTake(long units, long nowNanos) {
        if (rate <= 0) {
            return true;
        }
        tokens = Math.min(rate, tokens + (nowNanos - last) * rate / 1e9);
        last = nowNanos;
        if (tokens < units) {
            return false;
        }
        tokens -= units;
        return true;
    }
}
