package io.seedcast.peer;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts the verified output (whole TS packets from a keyframe on, {@link KeyframeStart}) into HLS segments (RFC 8216):
 * each starts at the PAT before a video keyframe, so it decodes alone, and lasts at least the target duration, by the
 * video's PTS. A segment whose keyframe carries discontinuity_indicator (a splice after chunks were given up, or a new
 * encoder configuration at ingest) is preceded by {@code #EXT-X-DISCONTINUITY}. It keeps the last {@code keep} segments;
 * the live playlist names the newest {@code window}. The segment being filled is also the GOP cache {@code /live.ts}
 * starts a new client with.
 */
final class HlsSegmenter {

    record Segment(long sequence, byte[] data, double seconds, boolean discontinuity) {
    }

    private final long targetTicks;
    private final int window;
    private final int keep;
    private final TsPacket.Program program = new TsPacket.Program();
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private ByteArrayOutputStream current;
    private long currentStartPts = -1;
    private boolean currentDiscontinuity;
    /** Where the latest PAT starts in {@link #current}, if no video packet followed it yet. */
    private int patAt = -1;
    private long nextSequence;
    private int discontinuitiesDropped;
    private long lastPts = -1;

    /**
     * @param targetSeconds the least a segment lasts (it ends at the first keyframe after that)
     * @param window        segments the playlist names
     * @param keep          segments kept for clients still fetching (at least {@code window})
     */
    HlsSegmenter(double targetSeconds, int window, int keep) {
        this.targetTicks = (long) (targetSeconds * 90_000);
        this.window = window;
        this.keep = Math.max(keep, window);
    }

    /** Whole packets, in order. */
    synchronized void write(byte[] b, int off, int len) {
        for (int p = off; p + TsPacket.SIZE <= off + len; p += TsPacket.SIZE) {
            packet(b, p);
        }
    }

    private void packet(byte[] b, int off) {
        program.see(b, off);
        int pid = TsPacket.pid(b, off);
        if (pid == 0 && TsPacket.unitStart(b, off) && current != null) {
            patAt = current.size();
        }
        if (pid == program.videoPid && program.videoPid >= 0) {
            long pts = TsPacket.pts(b, off);
            if (pts >= 0 && TsPacket.randomAccess(b, off)) {
                keyframe(b, off, pts);
            }
            if (pts >= 0) {
                lastPts = pts;
            }
            if (current != null) {
                current.write(b, off, TsPacket.SIZE);
                patAt = -1;
            }
            return;
        }
        if (current != null) {
            current.write(b, off, TsPacket.SIZE);
        } else if (pid == 0 && TsPacket.unitStart(b, off)) {
            current = new ByteArrayOutputStream();
            patAt = 0;
            current.write(b, off, TsPacket.SIZE);
        }
    }

    private void keyframe(byte[] b, int off, long pts) {
        boolean discontinuity = TsPacket.discontinuity(b, off);
        if (current == null) {
            current = new ByteArrayOutputStream();
            patAt = 0;
        }
        if (currentStartPts < 0) {
            currentStartPts = pts;
            currentDiscontinuity = discontinuity;
            return;
        }
        long elapsed = (pts - currentStartPts) & ((1L << 33) - 1);
        if (elapsed < targetTicks && !discontinuity) {
            return;
        }
        byte[] all = current.toByteArray();
        int cut = patAt >= 0 ? patAt : all.length;
        // Across a discontinuity the new PTS says nothing about this segment: its own last frame does (plus about one frame).
        long ticks = discontinuity ? ((lastPts - currentStartPts) & ((1L << 33) - 1)) + 3000 : elapsed;
        add(new Segment(nextSequence++, java.util.Arrays.copyOfRange(all, 0, cut), ticks / 90_000.0, currentDiscontinuity));
        current = new ByteArrayOutputStream();
        current.write(all, cut, all.length - cut);
        patAt = cut < all.length ? 0 : -1;
        currentStartPts = pts;
        currentDiscontinuity = discontinuity;
    }

    private void add(Segment s) {
        segments.addLast(s);
        while (segments.size() > keep) {
            if (segments.removeFirst().discontinuity()) {
                discontinuitiesDropped++;
            }
        }
    }

    /** The live playlist, or null until a segment is complete. */
    synchronized String playlist() {
        if (segments.isEmpty()) {
            return null;
        }
        List<Segment> listed = new ArrayList<>(segments).subList(Math.max(0, segments.size() - window), segments.size());
        long discontinuitySequence = discontinuitiesDropped;
        for (Segment s : segments) {
            if (s == listed.getFirst()) {
                break;
            }
            if (s.discontinuity()) {
                discontinuitySequence++;
            }
        }
        double longest = listed.stream().mapToDouble(Segment::seconds).max().orElse(1);
        StringBuilder m = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n");
        m.append("#EXT-X-TARGETDURATION:").append((long) Math.ceil(longest)).append('\n');
        m.append("#EXT-X-MEDIA-SEQUENCE:").append(listed.getFirst().sequence()).append('\n');
        m.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
        for (Segment s : listed) {
            if (s.discontinuity() && s != listed.getFirst()) {
                m.append("#EXT-X-DISCONTINUITY\n");
            }
            m.append(String.format(Locale.ROOT, "#EXTINF:%.3f,%n", s.seconds())).append("segment-").append(s.sequence()).append(".ts\n");
        }
        return m.toString();
    }

    synchronized Segment segment(long sequence) {
        for (Segment s : segments) {
            if (s.sequence() == sequence) {
                return s;
            }
        }
        return null;
    }

    /** What a new /live.ts client starts with: the segment being filled, from its keyframe (empty before the first). */
    synchronized byte[] gopCache() {
        return current == null || currentStartPts < 0 ? new byte[0] : current.toByteArray();
    }

    synchronized int segmentCount() {
        return segments.size();
    }
}
