package io.seedcast.ingest.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ingest.Ffmpeg;
import io.seedcast.ingest.rtmp.RtmpMessage;
import io.seedcast.pipeline.Chunk;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FLV and MPEG-TS through FFmpeg into chunks: what comes out decodes, keyframes are flagged, bad input ends cleanly. */
class RemuxerTest {

    @TempDir
    static Path dir;
    static Path flv;

    @BeforeAll
    static void source() throws Exception {
        flv = dir.resolve("source.flv");
        List<String> args = new ArrayList<>(Ffmpeg.testSource(4, "800k"));
        args.removeFirst(); // not -re: as fast as it encodes
        args.addAll(List.of("-f", "flv", flv.toString()));
        assertEquals(0, Ffmpeg.run(args, dir.resolve("encode.log"), 120), () -> read(dir.resolve("encode.log")));
    }

    /** The tags of an FLV file as RTMP would carry them. */
    static List<RtmpMessage> tags(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        b.position(13);
        List<RtmpMessage> out = new ArrayList<>();
        while (b.remaining() >= 15) {
            int type = b.get() & 0xFF;
            int size = (b.get() & 0xFF) << 16 | (b.get() & 0xFF) << 8 | b.get() & 0xFF;
            long ts = (b.get() & 0xFF) << 16 | (b.get() & 0xFF) << 8 | b.get() & 0xFF | (long) (b.get() & 0xFF) << 24;
            b.position(b.position() + 3);
            byte[] payload = new byte[size];
            b.get(payload);
            b.getInt();
            out.add(new RtmpMessage(4, type, ts, 1, payload));
        }
        return out;
    }

    record Result(List<Chunk> chunks, String error, byte[] ts, long repaired) {
    }

    static Result remux(Remuxer.Format format, List<byte[]> pieces) throws Exception {
        List<Chunk> chunks = new ArrayList<>();
        CompletableFuture<String> ended = new CompletableFuture<>();
        TsChunker chunker = new TsChunker(1024, 0, chunks::add, () -> System.currentTimeMillis() * 1000);
        Remuxer r = new Remuxer(format, "test", new Remuxer.Output() {
            public void keyframe() {
                chunker.keyframe();
            }

            public void write(byte[] b, int off, int len) {
                chunker.write(b, off, len);
            }

            public void ended(String error) {
                chunker.finish();
                ended.complete(error == null ? "" : error);
            }
        }).start();
        pieces.forEach(r::feed);
        r.endOfInput();
        String error = ended.get(60, TimeUnit.SECONDS);
        ByteArrayOutputStream ts = new ByteArrayOutputStream();
        chunks.forEach(c -> ts.writeBytes(c.data().toArray()));
        return new Result(chunks, error.isEmpty() ? null : error, ts.toByteArray(), r.repairedTimestamps());
    }

    static List<byte[]> flvPieces(List<RtmpMessage> tags) {
        List<byte[]> pieces = new ArrayList<>();
        pieces.add(FlvMuxer.header());
        for (RtmpMessage m : tags) {
            byte[] t = FlvMuxer.tag(m);
            if (t != null) {
                pieces.add(t);
            }
        }
        return pieces;
    }

    /** TS packet offsets of video packets that start a keyframe (random access indicator) and of PATs. */
    static List<long[]> keyframesAndPats(byte[] ts) {
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

    static void assertKeyframeFlags(Result r) {
        List<long[]> keys = keyframesAndPats(r.ts());
        assertTrue(keys.size() >= 4, "a keyframe a second for 4 s: " + keys.size());
        List<Long> flagged = r.chunks().stream().filter(Chunk::keyframe).map(Chunk::index).toList();
        assertEquals(keys.size(), flagged.size(), "one flagged chunk per keyframe");
        for (int i = 0; i < keys.size(); i++) {
            long keyChunk = keys.get(i)[0] / 1024;
            long patChunk = keys.get(i)[1] / 1024;
            long f = flagged.get(i);
            assertTrue(keys.get(i)[1] >= 0 && keys.get(i)[0] - keys.get(i)[1] <= 2 * 188, "PAT and PMT right before keyframe " + i);
            assertTrue(f >= patChunk && f <= keyChunk, "keyframe " + i + " in chunk " + keyChunk + ", flag on " + f);
        }
    }

    @Test
    void flvFromRtmpTagsBecomesDecodableChunkedTs() throws Exception {
        Result r = remux(Remuxer.Format.FLV, flvPieces(tags(flv)));
        assertNull(r.error());
        for (int i = 0; i < r.chunks().size(); i++) {
            assertEquals(i, r.chunks().get(i).index());
            assertEquals(i == r.chunks().size() - 1 ? r.ts().length - 1024L * i : 1024, r.chunks().get(i).data().length());
        }
        Path out = dir.resolve("out.ts");
        Files.write(out, r.ts());
        String streams = Ffmpeg.probe(out, "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0");
        assertTrue(streams.contains("h264,video") && streams.contains("aac,audio"), streams);
        String duration = Ffmpeg.probe(out, "-show_entries", "format=duration", "-of", "csv=p=0").strip();
        assertEquals(4.0, Double.parseDouble(duration), 0.3, "duration");
        assertKeyframeFlags(r);
    }

    @Test
    void timestampsRunningBackwardsAreRepaired() throws Exception {
        List<RtmpMessage> tags = new ArrayList<>(tags(flv));
        // An encoder hiccup: a stretch of tags stamped 2 s in the past.
        for (int i = 60; i < 80; i++) {
            RtmpMessage m = tags.get(i);
            tags.set(i, new RtmpMessage(m.chunkStream(), m.type(), Math.max(0, m.timestamp() - 2000), m.streamId(), m.payload()));
        }
        Result r = remux(Remuxer.Format.FLV, flvPieces(tags));
        assertNull(r.error());
        assertTrue(r.repaired() > 0, "repaired " + r.repaired());
        Path out = dir.resolve("repaired.ts");
        Files.write(out, r.ts());
        String frames = Ffmpeg.probe(out, "-select_streams", "v", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0").strip();
        assertEquals(100, Integer.parseInt(frames.lines().findFirst().orElseThrow().strip()), "every video frame kept");
    }

    @Test
    void mpegTsInputIsRemuxed() throws Exception {
        Path ts = dir.resolve("source.ts");
        assertEquals(0, Ffmpeg.run(List.of("-i", flv.toString(), "-c", "copy", "-f", "mpegts", ts.toString()), dir.resolve("ts.log"), 60));
        byte[] all = Files.readAllBytes(ts);
        List<byte[]> pieces = new ArrayList<>();
        for (int off = 0; off < all.length; off += 1316) {
            pieces.add(java.util.Arrays.copyOfRange(all, off, Math.min(all.length, off + 1316)));
        }
        Result r = remux(Remuxer.Format.MPEGTS, pieces);
        assertNull(r.error());
        assertKeyframeFlags(r);
    }

    @Test
    void brokenMediaEndsWithAClearError() throws Exception {
        byte[] garbage = new byte[200_000];
        new java.util.Random(7).nextBytes(garbage);
        List<byte[]> pieces = new ArrayList<>();
        pieces.add(FlvMuxer.header());
        pieces.add(garbage);
        Result r = remux(Remuxer.Format.FLV, pieces);
        assertNotNull(r.error());
        assertTrue(r.error().contains("FFmpeg"), r.error());
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
