package io.seedcast.ingest.media;

import io.seedcast.ingest.rtmp.FlvMuxer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ingest.Ffmpeg;
import io.seedcast.ingest.TsCheck;
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
        assertEquals(0, Ffmpeg.run(args, dir.resolve("encode.log"), 120), () -> TsCheck.read(dir.resolve("encode.log")));
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
        TsCheck.assertKeyframeFlags(r.chunks(), r.ts());
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
        TsCheck.assertKeyframeFlags(r.chunks(), r.ts());
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
}
