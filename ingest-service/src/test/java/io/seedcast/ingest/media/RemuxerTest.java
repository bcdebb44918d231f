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
        TsChunker chunker = new TsChunker(1024, 0, chunks::add, () -> System.currentTimeMillis() * 1000);
        Session s = session(format, pieces, chunker, new Timeline(), new TsContinuity(chunker::write));
        chunker.finish();
        ByteArrayOutputStream ts = new ByteArrayOutputStream();
        chunks.forEach(c -> ts.writeBytes(c.data().toArray()));
        return new Result(chunks, s.error(), ts.toByteArray(), s.repaired());
    }

    record Session(String error, long repaired) {
    }

    /** One publisher session of a broadcast, as Broadcasts runs it: the broadcast's clock and TS continuity shared. */
    static Session session(Remuxer.Format format, List<byte[]> pieces, TsChunker chunker, Timeline clock, TsContinuity continuity) throws Exception {
        CompletableFuture<String> ended = new CompletableFuture<>();
        Remuxer r = new Remuxer(format, "test", new Remuxer.Output() {
            public void session(boolean discontinuous) {
                continuity.newSession(discontinuous);
            }

            public void keyframe() {
                chunker.keyframe();
            }

            public void write(byte[] b, int off, int len) {
                continuity.write(b, off, len);
            }

            public void ended(String error) {
                ended.complete(error == null ? "" : error);
            }
        }, clock).start();
        pieces.forEach(r::feed);
        r.endOfInput();
        String error = ended.get(60, TimeUnit.SECONDS);
        return new Session(error.isEmpty() ? null : error, r.repairedTimestamps());
    }

    @Test
    void aPublisherThatReconnectsContinuesTheBroadcastsClockAndContinuityCounters() throws Exception {
        List<Chunk> chunks = new ArrayList<>();
        TsChunker chunker = new TsChunker(1024, 0, chunks::add, () -> System.currentTimeMillis() * 1000);
        Timeline clock = new Timeline();
        TsContinuity continuity = new TsContinuity(chunker::write);
        List<byte[]> pieces = flvPieces(tags(flv));
        assertNull(session(Remuxer.Format.FLV, pieces, chunker, clock, continuity).error());
        long away = System.nanoTime();
        Thread.sleep(700); // OBS reconnecting: its second session starts its timestamps at zero again
        assertNull(session(Remuxer.Format.FLV, pieces, chunker, clock, continuity).error());
        double awaySeconds = (System.nanoTime() - away) / 1e9;
        chunker.finish();
        byte[] ts = TsCheck.join(chunks);
        Path out = dir.resolve("reconnected.ts");
        Files.write(out, ts);
        List<Double> pts = Ffmpeg.probe(out, "-select_streams", "v", "-show_entries", "packet=dts_time", "-of", "csv=p=0").lines()
                .map(l -> l.split(",")[0].strip()).filter(l -> !l.isEmpty()).map(Double::parseDouble).toList();
        assertEquals(200, pts.size(), "both sessions' frames");
        double seam = 0;
        for (int i = 1; i < pts.size(); i++) {
            double step = pts.get(i) - pts.get(i - 1);
            assertTrue(step > 0, "video timestamps never go back: " + pts.get(i - 1) + " then " + pts.get(i) + " at frame " + i);
            seam = Math.max(seam, step);
        }
        assertTrue(seam <= awaySeconds + 0.1, "at the reconnect the clock moves on by the time the publisher was away (" + awaySeconds
                + " s), not more: " + seam);
        assertEquals(List.of(), TsCheck.continuityErrors(ts), "continuity counters run on across the sessions");
        assertTrue(continuity.rewritten() > 0);
        assertEquals(2, clock.sessions());
    }

    @Test
    void aNewEncoderConfigurationIsMarkedAsADiscontinuity() throws Exception {
        Path small = dir.resolve("small.flv");
        List<String> args = new ArrayList<>(Ffmpeg.testSource(2, "300k"));
        args.removeFirst();
        args.set(args.indexOf("testsrc2=size=640x360:rate=25:duration=2.0"), "testsrc2=size=320x180:rate=25:duration=2.0");
        args.addAll(List.of("-f", "flv", small.toString()));
        assertEquals(0, Ffmpeg.run(args, dir.resolve("small.log"), 120), () -> TsCheck.read(dir.resolve("small.log")));
        List<Chunk> chunks = new ArrayList<>();
        TsChunker chunker = new TsChunker(1024, 0, chunks::add, () -> System.currentTimeMillis() * 1000);
        Timeline clock = new Timeline();
        TsContinuity continuity = new TsContinuity(chunker::write);
        assertNull(session(Remuxer.Format.FLV, flvPieces(tags(flv)), chunker, clock, continuity).error());
        int before = chunks.size();
        assertNull(session(Remuxer.Format.FLV, flvPieces(tags(small)), chunker, clock, continuity).error());
        chunker.finish();
        byte[] ts = TsCheck.join(chunks);
        List<Integer> marked = TsCheck.discontinuityPackets(ts);
        assertTrue(!marked.isEmpty() && marked.getFirst() >= (before - 1) * 1024 / 188, "the second session's first packets are marked: " + marked);
        assertTrue(TsCheck.discontinuityPackets(TsCheck.join(chunks.subList(0, before - 1))).isEmpty(), "nothing before it");
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
