package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The output's start on a random-access point, on TS built packet by packet as ingest's FFmpeg writes it. */
class KeyframeStartTest {

    static final int VIDEO = 0x100;
    static final int AUDIO = 0x101;
    static final int PMT = 0x1000;

    /** A stream of GOPs: PAT, PMT, a keyframe packet (random access), then video and audio packets. */
    static byte[] stream(int gops, int packetsPerGop) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int[] cc = new int[0x2000];
        SplittableRandom r = new SplittableRandom(3);
        for (int g = 0; g < gops; g++) {
            b.writeBytes(pat(cc[0]++ & 15));
            b.writeBytes(pmt(cc[PMT]++ & 15));
            b.writeBytes(es(VIDEO, cc[VIDEO]++ & 15, true, r));
            for (int i = 0; i < packetsPerGop; i++) {
                int pid = i % 4 == 3 ? AUDIO : VIDEO;
                b.writeBytes(es(pid, cc[pid]++ & 15, false, r));
            }
        }
        return b.toByteArray();
    }

    static byte[] header(int pid, boolean unitStart, int afc, int cc) {
        byte[] p = new byte[188];
        Arrays.fill(p, (byte) 0xFF);
        p[0] = 0x47;
        p[1] = (byte) ((unitStart ? 0x40 : 0) | (pid >> 8));
        p[2] = (byte) pid;
        p[3] = (byte) (afc << 4 | cc);
        return p;
    }

    static byte[] pat(int cc) {
        byte[] p = header(0, true, 1, cc);
        byte[] section = {0, 0x00, (byte) 0xB0, 13, 0, 1, (byte) 0xC1, 0, 0, 0, 1, (byte) (0xE0 | PMT >> 8), (byte) PMT, 1, 2, 3, 4};
        System.arraycopy(section, 0, p, 4, section.length);
        return p;
    }

    static byte[] pmt(int cc) {
        byte[] p = header(PMT, true, 1, cc);
        byte[] section = {0, 0x02, (byte) 0xB0, 23, 0, 1, (byte) 0xC1, 0, 0, (byte) (0xE0 | VIDEO >> 8), (byte) VIDEO, (byte) 0xF0, 0,
                0x1B, (byte) (0xE0 | VIDEO >> 8), (byte) VIDEO, (byte) 0xF0, 0,
                0x0F, (byte) (0xE0 | AUDIO >> 8), (byte) AUDIO, (byte) 0xF0, 0, 1, 2, 3, 4};
        System.arraycopy(section, 0, p, 4, section.length);
        return p;
    }

    static byte[] es(int pid, int cc, boolean randomAccess, SplittableRandom r) {
        byte[] p = header(pid, randomAccess, randomAccess ? 3 : 1, cc);
        int payload = 4;
        if (randomAccess) {
            p[4] = 1;
            p[5] = 0x40;
            payload = 6;
        }
        for (int i = payload; i < 188; i++) {
            p[i] = (byte) (r.nextInt(255) == 0x47 ? 0 : r.nextInt(256));
        }
        return p;
    }

    static void feed(KeyframeStart k, byte[] stream, int from, int chunk, long... skipChunks) throws Exception {
        long index = 0;
        for (int off = from; off < stream.length; off += chunk, index++) {
            long i = index;
            if (Arrays.stream(skipChunks).anyMatch(x -> x == i)) {
                continue;
            }
            k.write(index, Arrays.copyOfRange(stream, off, Math.min(stream.length, off + chunk)));
        }
    }

    @Test
    void aJoinInTheMiddleOfAPacketAndAGopStartsAtThePatBeforeTheNextKeyframe() throws Exception {
        byte[] ts = stream(6, 200);
        int gop = (3 + 200) * 188;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KeyframeStart k = new KeyframeStart(out);
        int join = gop + 5000; // mid-GOP, mid-packet
        feed(k, ts, join, 1024);
        byte[] written = out.toByteArray();
        assertArrayEquals(Arrays.copyOfRange(ts, 2 * gop, ts.length), written, "from the PAT of the next GOP on, byte for byte");
        assertEquals(ts.length - join, k.skippedBytes() + written.length, "nothing else dropped");
    }

    @Test
    void afterAHoleTheOutputResumesAtAKeyframeMarkedAsADiscontinuity() throws Exception {
        byte[] ts = stream(6, 200);
        int gop = (3 + 200) * 188;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KeyframeStart k = new KeyframeStart(out);
        // Join at GOP 0's start; chunk 50 (inside GOP 1) is lost for good.
        feed(k, ts, 0, 1024, 50);
        byte[] written = out.toByteArray();
        int holeChunkEnd = 51 * 1024;
        int resume = ((holeChunkEnd + gop - 1) / gop) * gop; // the next GOP's PAT
        int before = 50 * 1024 / 188 * 188; // whole packets written before the hole
        assertArrayEquals(Arrays.copyOfRange(ts, 0, before), Arrays.copyOfRange(written, 0, before));
        byte[] after = Arrays.copyOfRange(written, before, written.length);
        byte[] expected = Arrays.copyOfRange(ts, resume, ts.length);
        expected[2 * 188 + 5] |= (byte) 0x80;
        assertArrayEquals(expected, after, "resumed at the PAT before the next keyframe, its first packet flagged discontinuous");
        assertEquals(1, k.holes());
    }

    @Test
    void aStreamThatIsNotTsPassesThroughFromTheFirstByte() throws Exception {
        byte[] random = new byte[50_000];
        new SplittableRandom(1).nextBytes(random);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KeyframeStart k = new KeyframeStart(out);
        feed(k, random, 0, 1024);
        assertArrayEquals(random, out.toByteArray());
        assertTrue(k.started());
    }
}
