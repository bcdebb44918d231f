package io.seedcast.peer;

/**
 * Reading one 188-byte MPEG-TS packet's header fields, and the program's PIDs from PAT and PMT (ISO/IEC 13818-1
 * §2.4.3.2-§2.4.3.5 packet header and adaptation field, §2.4.4.3 PAT, §2.4.4.8 PMT, §2.4.3.7 PES header). Shared by
 * {@link KeyframeStart} and {@link HlsSegmenter}.
 */
final class TsPacket {

    static final int SIZE = 188;
    static final int SYNC = 0x47;

    private TsPacket() {
    }

    static int pid(byte[] b, int off) {
        return (b[off + 1] & 0x1F) << 8 | b[off + 2] & 0xFF;
    }

    static boolean unitStart(byte[] b, int off) {
        return (b[off + 1] & 0x40) != 0;
    }

    static boolean hasAdaptation(byte[] b, int off) {
        return (b[off + 3] & 0x20) != 0;
    }

    static boolean hasPayload(byte[] b, int off) {
        return (b[off + 3] & 0x10) != 0;
    }

    /** Where the payload starts, or the packet's end when there is none. */
    static int payload(byte[] b, int off) {
        int p = off + 4 + (hasAdaptation(b, off) ? 1 + (b[off + 4] & 0xFF) : 0);
        return Math.min(p, off + SIZE);
    }

    static boolean randomAccess(byte[] b, int off) {
        return hasAdaptation(b, off) && (b[off + 4] & 0xFF) > 0 && (b[off + 5] & 0x40) != 0;
    }

    static boolean discontinuity(byte[] b, int off) {
        return hasAdaptation(b, off) && (b[off + 4] & 0xFF) > 0 && (b[off + 5] & 0x80) != 0;
    }

    /** The PTS (90 kHz, 33 bits) of the PES that starts in this packet, or -1. */
    static long pts(byte[] b, int off) {
        if (!unitStart(b, off) || !hasPayload(b, off)) {
            return -1;
        }
        int p = payload(b, off);
        if (p + 14 > off + SIZE || b[p] != 0 || b[p + 1] != 0 || b[p + 2] != 1 || (b[p + 7] & 0x80) == 0) {
            return -1;
        }
        int q = p + 9;
        return ((long) (b[q] & 0x0E) << 29) | ((b[q + 1] & 0xFF) << 22) | ((b[q + 2] & 0xFE) << 14) | ((b[q + 3] & 0xFF) << 7) | ((b[q + 4] & 0xFE) >> 1);
    }

    /** The program's PMT and video PIDs, learnt from the PAT and PMT packets seen. */
    static final class Program {
        int pmtPid = -1;
        int videoPid = -1;

        void see(byte[] b, int off) {
            if (!unitStart(b, off) || !hasPayload(b, off)) {
                return;
            }
            int pid = pid(b, off);
            int p = payload(b, off);
            int end = off + SIZE;
            if (p >= end) {
                return;
            }
            if (pid == 0) {
                pat(b, p, end);
            } else if (pid == pmtPid) {
                pmt(b, p, end);
            }
        }

        private void pat(byte[] b, int p, int end) {
            p += 1 + (b[p] & 0xFF); // pointer_field
            if (p + 8 > end) {
                return;
            }
            int sectionLength = (b[p + 1] & 0x0F) << 8 | b[p + 2] & 0xFF;
            int last = Math.min(end, p + 3 + sectionLength - 4);
            for (int q = p + 8; q + 4 <= last; q += 4) {
                int program = (b[q] & 0xFF) << 8 | b[q + 1] & 0xFF;
                if (program != 0) {
                    pmtPid = (b[q + 2] & 0x1F) << 8 | b[q + 3] & 0xFF;
                    return;
                }
            }
        }

        private void pmt(byte[] b, int p, int end) {
            p += 1 + (b[p] & 0xFF);
            if (p + 12 > end) {
                return;
            }
            int sectionLength = (b[p + 1] & 0x0F) << 8 | b[p + 2] & 0xFF;
            int programInfo = (b[p + 10] & 0x0F) << 8 | b[p + 11] & 0xFF;
            int last = Math.min(end, p + 3 + sectionLength - 4);
            for (int q = p + 12 + programInfo; q + 5 <= last; ) {
                int type = b[q] & 0xFF;
                int pid = (b[q + 1] & 0x1F) << 8 | b[q + 2] & 0xFF;
                // H.264, H.265, MPEG-2 and MPEG-1 video, MPEG-4 part 2
                if (type == 0x1B || type == 0x24 || type == 0x02 || type == 0x01 || type == 0x10) {
                    videoPid = pid;
                    return;
                }
                q += 5 + ((b[q + 3] & 0x0F) << 8 | b[q + 4] & 0xFF);
            }
        }
    }
}
