package io.seedcast.ingest.media;

/**
 * A broadcast's clock across its publisher sessions. OBS (or ffmpeg) reconnecting after a network blip starts its
 * timestamps at zero again; a player fed that jumps back in time, and glitches or stalls. As SRS does on a republish,
 * a new session's timestamps are moved to continue where the last session ended, plus the time the publisher was away.
 * A session whose encoder configuration differs (another codec, size or sample rate) is a discontinuity that cannot
 * be hidden: it is reported so that the TS can mark it ({@link TsContinuity}).
 */
public final class Timeline {

    /** MPEG-TS timestamps tick at 90 kHz. */
    public static final long HZ = 90_000;
    /** The smallest step between sessions: one frame at 30 fps. */
    static final long MIN_STEP = HZ / 30;

    private long end = Long.MIN_VALUE;
    private long endAtNanos;
    private String config;
    private int sessions;

    /** A session starts with encoder configuration {@code config}; whether it differs from the previous session's. */
    public synchronized boolean begin(String config) {
        boolean changed = sessions > 0 && !config.equals(this.config);
        this.config = config;
        sessions++;
        return changed;
    }

    /**
     * The offset (90 kHz) to add to every timestamp of a session whose first DTS is {@code firstDts}: zero for the
     * broadcast's first session, else what moves it to just after the previous session's end plus the wall-clock gap.
     */
    public synchronized long offsetFor(long firstDts, long nowNanos) {
        if (end == Long.MIN_VALUE) {
            return 0;
        }
        long gap = Math.max(MIN_STEP, (nowNanos - endAtNanos) * HZ / 1_000_000_000L);
        return end + gap - firstDts;
    }

    /** A packet with {@code dts} (offset applied) went out. */
    public synchronized void wrote(long dts, long nowNanos) {
        if (dts >= end) {
            end = dts;
            endAtNanos = nowNanos;
        }
    }

    public synchronized int sessions() {
        return sessions;
    }
}
