package io.seedcast.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The HTTP side of a watch without sockets: HLS cut at keyframes, a stalled client dropped without slowing the writer. */
class LiveOutputTest {

    /** A TS of {@code gops} GOPs of {@code seconds} each at 25 fps, with PES headers carrying PTS. */
    static byte[] stream(int gops, double seconds) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int[] cc = new int[0x2000];
        int frames = (int) Math.round(seconds * 25);
        long pts = 90_000;
        for (int g = 0; g < gops; g++) {
            b.writeBytes(KeyframeStartTest.pat(cc[0]++ & 15));
            b.writeBytes(KeyframeStartTest.pmt(cc[KeyframeStartTest.PMT]++ & 15));
            for (int f = 0; f < frames; f++, pts += 3600) {
                b.writeBytes(pes(KeyframeStartTest.VIDEO, cc[KeyframeStartTest.VIDEO]++ & 15, f == 0, pts));
                b.writeBytes(pes(KeyframeStartTest.AUDIO, cc[KeyframeStartTest.AUDIO]++ & 15, false, pts));
            }
        }
        return b.toByteArray();
    }

    static byte[] pes(int pid, int cc, boolean keyframe, long pts) {
        byte[] p = KeyframeStartTest.header(pid, true, keyframe ? 3 : 1, cc);
        int o = 4;
        if (keyframe) {
            p[4] = 1;
            p[5] = 0x40;
            o = 6;
        }
        byte[] h = {0, 0, 1, (byte) 0xE0, 0, 0, (byte) 0x80, (byte) 0x80, 5,
                (byte) (0x21 | ((pts >> 29) & 0x0E)), (byte) (pts >> 22), (byte) (0x01 | ((pts >> 14) & 0xFE)), (byte) (pts >> 7), (byte) (0x01 | ((pts << 1) & 0xFE))};
        System.arraycopy(h, 0, p, o, h.length);
        return p;
    }

    @Test
    void segmentsAreCutAtKeyframesAfterTheTargetDuration() {
        HlsSegmenter hls = new HlsSegmenter(2.0, 3, 5);
        assertNull(hls.playlist(), "no playlist before a segment is complete");
        byte[] ts = stream(8, 1.0); // a keyframe every second: two GOPs a segment
        hls.write(ts, 0, ts.length);
        String m3u8 = hls.playlist();
        assertTrue(m3u8.contains("#EXT-X-TARGETDURATION:2\n"), m3u8);
        assertEquals(3, m3u8.lines().filter(l -> l.startsWith("#EXTINF:2.000,")).count(), m3u8);
        assertTrue(m3u8.contains("#EXT-X-MEDIA-SEQUENCE:0\n") && m3u8.contains("segment-2.ts"), m3u8);
        HlsSegmenter.Segment s = hls.segment(1);
        assertEquals(0, TsPacket.pid(s.data(), 0), "each segment starts with the PAT before its keyframe");
        int gop = (2 + 50) * 188;
        assertTrue(Arrays.equals(Arrays.copyOfRange(ts, 2 * gop, 4 * gop), s.data()), "segment 1 is GOPs 2 and 3, byte for byte");
        assertTrue(Arrays.equals(Arrays.copyOfRange(ts, 6 * gop, ts.length), hls.gopCache()), "the segment being filled is the GOP cache");
    }

    @Test
    void aSpliceIsMarkedInThePlaylist() {
        HlsSegmenter hls = new HlsSegmenter(2.0, 4, 8);
        byte[] ts = stream(6, 2.0);
        int gop = (2 + 100) * 188;
        hls.write(ts, 0, 3 * gop);
        byte[] rest = Arrays.copyOfRange(ts, 3 * gop, ts.length);
        rest[2 * 188 + 5] |= (byte) 0x80; // KeyframeStart marks where output resumed after chunks were given up
        hls.write(rest, 0, rest.length);
        String m3u8 = hls.playlist();
        assertEquals(1, m3u8.lines().filter(l -> l.equals("#EXT-X-DISCONTINUITY")).count(), m3u8);
        assertTrue(m3u8.indexOf("#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\nsegment-3.ts") > 0, m3u8);
    }

    @Test
    void aStalledClientIsDroppedAndNeitherTheWriterNorOtherClientsWait() throws Exception {
        LiveOutput live = new LiveOutput(new HlsSegmenter(2.0, 3, 5));
        byte[] ts = stream(4, 2.0);
        LiveOutput.Client stalled = live.subscribe();
        LiveOutput.Client reading = live.subscribe();
        long written = 0;
        long t0 = System.nanoTime();
        while (written <= LiveOutput.CLIENT_BUFFER + ts.length) {
            live.write(ts, 0, ts.length);
            written += ts.length;
            byte[] got;
            while ((got = reading.next(0)) != null && got.length > 0) {
                // the good player keeps up
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        assertTrue(stalled.tooSlow(), "the stalled player was dropped");
        assertEquals(1, live.dropped());
        byte[] b;
        while ((b = stalled.next(0)) != null && b.length > 0) {
            // drain what it had
        }
        assertNull(b, "its stream ends: it gets a clean end, not more data");
        assertTrue(!reading.tooSlow(), "the player that keeps up stays");
        System.out.printf("LiveOutput: %d MiB written past a stalled client in %.0f ms%n", written >> 20, ms);
    }
}
