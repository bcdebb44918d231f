package io.seedcast.ppspp.engine;

/** A byte-rate limit with a burst of one second's worth; a rate of 0 means no limit. */
final class TokenBucket {
    private final long rate;
    private double tokens;
    private long last;

    TokenBucket(long bytesPerSecond, long nowNanos) {
        this.rate = bytesPerSecond;
        this.tokens = bytesPerSecond;
        this.last = nowNanos;
    }

    boolean tryTake(long bytes, long nowNanos) {
        if (rate <= 0) {
            return true;
        }
        tokens = Math.min(rate, tokens + (nowNanos - last) * rate / 1e9);
        last = nowNanos;
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }

    boolean limited() {
        return rate > 0;
    }
}
