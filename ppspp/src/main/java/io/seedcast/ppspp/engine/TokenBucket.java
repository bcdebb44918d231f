package io.seedcast.ppspp.engine;

/** A rate limit in units per second with a burst of one second's worth (or as given); a rate of 0 means no limit. */
final class TokenBucket {
    private long rate;
    private double burst;
    private double tokens;
    private long last;

    TokenBucket(long perSecond, long nowNanos) {
        this(perSecond, perSecond, nowNanos);
    }

    TokenBucket(long perSecond, long burst, long nowNanos) {
        this.rate = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    boolean tryTake(long units, long nowNanos) {
        if (rate <= 0) {
            return true;
        }
        tokens = Math.min(burst, tokens + (nowNanos - last) * rate / 1e9);
        last = nowNanos;
        if (tokens < units) {
            return false;
        }
        tokens -= units;
        return true;
    }

    /** A new rate and burst from now on; the tokens saved so far stay, up to the new burst. */
    void rate(long perSecond, long burst, long nowNanos) {
        if (perSecond == rate) {
            return;
        }
        if (rate > 0) {
            tokens = Math.min(burst, tokens + (nowNanos - last) * rate / 1e9);
        } else {
            tokens = burst;
        }
        last = nowNanos;
        this.rate = perSecond;
        this.burst = burst;
    }

    /** Returns units taken for something that was not sent after all. */
    void giveBack(long units) {
        if (rate > 0) {
            tokens = Math.min(burst, tokens + units);
        }
    }
}
