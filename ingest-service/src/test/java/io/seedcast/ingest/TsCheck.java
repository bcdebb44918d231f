package io.seedcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.pipeline.Chunk;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Checks on ingest's MPEG-TS output: packets, keyframes, and the chunks' keyframe flags. */
public final class TsCheck {

    /** TS packet offsets of video packets that start a keyframe (random access indicator) and of PATs. */
    public static List<long[]> keyframesAndPats(byte[] ts) {
        List<Long> keys = new ArrayList<>();
        List<Long> pats = new ArrayList<>();
        int videoPid = -1;
        for (int off = 0; off + 188 <= ts.length; off += 188) {
            assertEquals(0x47, ts[off] & 0xFF, "TS sync at " + off);
            int pid = (ts[off + 1] & 0x1F) << 8 | ts[off + 2] & 0xFF;
            boolean start = (ts[off + 1] & 0x40) != 0;
            boolean adaptation = (ts[off + 3] & 0x20) != 0;
            if (pid == 0) {
                pats.add((long) off);
            }
            if (pid == 0x1000 && start && videoPid < 0) {
                // PMT: the first stream of type 0x1B (H.264) is the video.
                int p = off + 4 + 1 + (ts[off + 4] & 0xFF);
                int sectionLength = (ts[p + 1] & 0x0F) << 8 | ts[p + 2] & 0xFF;
                int programInfo = (ts[p + 10] & 0x0F) << 8 | ts[p + 11] & 0xFF;
                int q = p + 12 + programInfo;
                int end = p + 3 + sectionLength - 4;
                while (q < end) {
                    int type = ts[q] & 0xFF;
                    int es = (ts[q + 1] & 0x1F) << 8 | ts[q + 2] & 0xFF;
                    if (type == 0x1B && videoPid < 0) {
                        videoPid = es;
                    }
                    q += 5 + ((ts[q + 3] & 0x0F) << 8 | ts[q + 4] & 0xFF);
                }
            }
            if (pid == videoPid && start && adaptation && (ts[off + 4] & 0xFF) > 0 && (ts[off + 5] & 0x40) != 0) {
                keys.add((long) off);
            }
        }
        List<long[]> out = new ArrayList<>();
        for (long k : keys) {
            long pat = pats.stream().filter(p -> p < k).reduce((a, b) -> b).orElse(-1L);
            out.add(new long[] {k, pat});
        }
        return out;
    }

    public static void assertKeyframeFlags(List<Chunk> chunks, byte[] ts) {
        List<long[]> keys = keyframesAndPats(ts);
        assertTrue(keys.size() >= 2, "keyframes: " + keys.size());
        List<Long> flagged = chunks.stream().filter(Chunk::keyframe).map(Chunk::index).toList();
        assertEquals(keys.size(), flagged.size(), "one flagged chunk per keyframe");
        for (int i = 0; i < keys.size(); i++) {
            long keyChunk = keys.get(i)[0] / 1024;
            long patChunk = keys.get(i)[1] / 1024;
            long f = flagged.get(i);
            assertTrue(keys.get(i)[1] >= 0 && keys.get(i)[0] - keys.get(i)[1] <= 2 * 188, "PAT and PMT right before keyframe " + i);
            assertTrue(f >= patChunk && f <= keyChunk, "keyframe " + i + " in chunk " + keyChunk + ", flag on " + f);
        }
    }

    /** The chunks' bytes in order. */
    public static byte[] join(List<Chunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(c -> out.writeBytes(c.data().toArray()));
        return out.toByteArray();
    }

    public static String read(java.nio.file.Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private TsCheck() {
    }

    /** Continuity counter errors (ISO/IEC 13818-1 §2.4.3.3): "pid N: expected X got Y at packet P", for payload packets. */
    public static List<String> continuityErrors(byte[] ts) {
        List<String> errors = new java.util.ArrayList<>();
        int[] next = new int[8192];
        java.util.Arrays.fill(next, -1);
        for (int p = 0; p + 188 <= ts.length; p += 188) {
            int pid = (ts[p + 1] & 0x1F) << 8 | (ts[p + 2] & 0xFF);
            int afc = (ts[p + 3] >> 4) & 3;
            int cc = ts[p + 3] & 0x0F;
            if (pid == 0x1FFF || (afc & 1) == 0) {
                continue;
            }
            boolean discontinuity = (afc & 2) != 0 && (ts[p + 4] & 0xFF) > 0 && (ts[p + 5] & 0x80) != 0;
            if (next[pid] >= 0 && cc != next[pid] && !discontinuity) {
                errors.add("pid " + pid + ": expected " + next[pid] + " got " + cc + " at packet " + p / 188);
            }
            next[pid] = (cc + 1) & 0x0F;
        }
        return errors;
    }

    /** The packets (by number) that carry discontinuity_indicator. */
    public static List<Integer> discontinuityPackets(byte[] ts) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int p = 0; p + 188 <= ts.length; p += 188) {
            int afc = (ts[p + 3] >> 4) & 3;
            if ((afc & 2) != 0 && (ts[p + 4] & 0xFF) > 0 && (ts[p + 5] & 0x80) != 0) {
                out.add(p / 188);
            }
        }
        return out;
    }
}
