package io.seedcast.ingest.media;

import java.util.Arrays;

/**
 * Keeps a broadcast one valid MPEG-TS stream across publisher sessions. Each session's FFmpeg muxer counts
 * continuity_counter from zero again; this moves every PID's counters on from where the last session left them
 * (ISO/IEC 13818-1 §2.4.3.3), so a player sees no continuity error at a reconnect. When the session cannot continue
 * the previous one (another encoder configuration), the counters are left alone and the first packet of each PID that
 * has an adaptation field (the keyframe's, the PCR's) carries discontinuity_indicator (§2.4.3.5): players reset their
 * decoders there, and a segmenter writes {@code #EXT-X-DISCONTINUITY}. Only whole packets go out; a session cut off in
 * the middle of a packet loses that packet, not the stream's alignment.
 */
public final class TsContinuity {

    /** Where whole packets go. */
    public interface Sink {
        void write(byte[] b, int off, int len);
    }

    static final int PACKET = 188;
    private static final int PIDS = 8192;

    private final Sink out;
    private final int[] nextCc = new int[PIDS];
    private final int[] shift = new int[PIDS];
    private final boolean[] seen = new boolean[PIDS];
    private final boolean[] marked = new boolean[PIDS];
    private final byte[] carry = new byte[PACKET];
    private int carried;
    private boolean discontinuous;
    private boolean firstSession = true;
    private long rewritten;

    public TsContinuity(Sink out) {
        this.out = out;
        Arrays.fill(nextCc, -1);
    }

    /** A publisher session starts; {@code discontinuous}: it cannot continue the last one seamlessly. */
    public synchronized void newSession(boolean discontinuous) {
        carried = 0;
        Arrays.fill(seen, false);
        Arrays.fill(marked, false);
        this.discontinuous = discontinuous && !firstSession;
        firstSession = false;
    }

    public synchronized void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (carried > 0 || len < PACKET) {
                int n = Math.min(len, PACKET - carried);
                System.arraycopy(b, off, carry, carried, n);
                carried += n;
                off += n;
                len -= n;
                if (carried == PACKET) {
                    carried = 0;
                    packet(carry, 0);
                    out.write(carry, 0, PACKET);
                }
                continue;
            }
            int whole = len / PACKET * PACKET;
            byte[] copy = Arrays.copyOfRange(b, off, off + whole);
            for (int p = 0; p < whole; p += PACKET) {
                packet(copy, p);
            }
            out.write(copy, 0, whole);
            off += whole;
            len -= whole;
        }
    }

    /** Counters moved on so far (for tests and the log). */
    public synchronized long rewritten() {
        return rewritten;
    }

    private void packet(byte[] b, int p) {
        if ((b[p] & 0xFF) != 0x47) {
            return; // not aligned: FFmpeg's muxer never does this; pass it as it is
        }
        int pid = (b[p + 1] & 0x1F) << 8 | (b[p + 2] & 0xFF);
        int afc = (b[p + 3] >> 4) & 3;
        boolean payload = (afc & 1) != 0;
        int cc = b[p + 3] & 0x0F;
        if (!seen[pid]) {
            seen[pid] = true;
            shift[pid] = discontinuous || nextCc[pid] < 0 || !payload ? 0 : (nextCc[pid] - cc) & 0x0F;
        }
        if (discontinuous && !marked[pid] && (afc & 2) != 0 && (b[p + 4] & 0xFF) > 0) {
            b[p + 5] |= (byte) 0x80;
            marked[pid] = true;
        }
        if (shift[pid] != 0) {
            cc = (cc + shift[pid]) & 0x0F;
            b[p + 3] = (byte) ((b[p + 3] & 0xF0) | cc);
            rewritten++;
        }
        if (payload) {
            nextCc[pid] = (cc + 1) & 0x0F;
        }
    }
}
