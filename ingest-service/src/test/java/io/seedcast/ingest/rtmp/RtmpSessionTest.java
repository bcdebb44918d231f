package io.seedcast.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The RTMP session as OBS drives it: handshake, connect, createStream, publish with a stream key, media. */
class RtmpSessionTest {

    static final String KEY = "sk_good";

    final List<String> published = new ArrayList<>();
    final List<RtmpMessage> media = new ArrayList<>();
    final RtmpSession.Listener listener = new RtmpSession.Listener() {
        public boolean accept(String app, String key) {
            return app.equals("live") && key.equals(KEY);
        }

        public void onPublish(String app, String key) {
            published.add(app + "/" + key);
        }

        public void onMedia(RtmpMessage m) {
            media.add(m);
        }

        public void onUnpublish() {
            published.add("unpublished");
        }
    };

    /** The client side: our own chunk writer and reader, as a publisher uses them. */
    final ChunkWriter client = new ChunkWriter();
    final ChunkReader fromServer = new ChunkReader();
    final RtmpSession session = new RtmpSession(listener);
    final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Feeds bytes to the session (one at a time when {@code trickle}); what it answers waits in {@code pending}. */
    void send(byte[] bytes, boolean trickle) throws Exception {
        ByteBuffer in = ByteBuffer.allocate(bytes.length + 8192);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += trickle ? 1 : bytes.length) {
            in.put(bytes, i, trickle ? 1 : bytes.length);
            in.flip();
            out.writeBytes(session.onBytes(in));
            in.compact();
        }
        pending.writeBytes(out.toByteArray());
    }

    List<List<Object>> serverCommands() throws Exception {
        ByteBuffer b = ByteBuffer.wrap(pending.toByteArray());
        pending.reset();
        List<List<Object>> out = new ArrayList<>();
        for (RtmpMessage m : fromServer.read(b)) {
            if (m.type() == RtmpMessage.COMMAND_AMF0) {
                out.add(Amf0.decodeAll(ByteBuffer.wrap(m.payload())));
            }
        }
        return out;
    }

    byte[] handshake(boolean trickle) throws Exception {
        byte[] c0c1 = new byte[1 + 1536];
        c0c1[0] = 3;
        new SplittableRandom(1).nextBytes(c0c1);
        c0c1[0] = 3;
        send(c0c1, trickle);
        byte[] s = pending.toByteArray();
        pending.reset();
        assertEquals(1 + 1536 * 2, s.length);
        assertEquals(3, s[0]);
        assertArrayEquals(java.util.Arrays.copyOfRange(c0c1, 1, 1537), java.util.Arrays.copyOfRange(s, 1537, 3073), "S2 echoes C1");
        send(new byte[1536], trickle);
        return s;
    }

    byte[] command(int stream, Object... values) {
        return client.write(3, RtmpMessage.COMMAND_AMF0, 0, stream, Amf0.encode(values));
    }

    void publishFlow(String key, boolean trickle) throws Exception {
        handshake(trickle);
        send(command(0, "connect", 1, Map.of("app", "live", "type", "nonprivate", "tcUrl", "rtmp://127.0.0.1/live")), trickle);
        List<List<Object>> r = serverCommands();
        assertEquals("_result", r.getFirst().getFirst());
        assertEquals("NetConnection.Connect.Success", ((Map<?, ?>) r.getFirst().get(3)).get("code"));
        send(command(0, "releaseStream", 2, null, key), trickle);
        send(command(0, "FCPublish", 3, null, key), trickle);
        send(command(0, "createStream", 4, null), trickle);
        List<List<Object>> cs = serverCommands();
        assertEquals(List.of("_result", 4.0, "stream id 1"), List.of(cs.getLast().get(0), cs.getLast().get(1), "stream id " + ((Double) cs.getLast().get(3)).intValue()));
        send(command(1, "publish", 5, null, key, "live"), trickle);
    }

    @Test
    void aPublisherWithAGoodKeyStreams() throws Exception {
        publishFlow(KEY, false);
        List<List<Object>> r = serverCommands();
        assertEquals("onStatus", r.getLast().getFirst());
        assertEquals("NetStream.Publish.Start", ((Map<?, ?>) r.getLast().get(3)).get("code"));
        assertEquals(List.of("live/" + KEY), published);
        // A 10 KB keyframe, in 128-byte chunks, then audio.
        byte[] frame = new byte[10_000];
        new SplittableRandom(2).nextBytes(frame);
        send(client.write(6, RtmpMessage.VIDEO, 40, 1, frame), false);
        send(client.write(4, RtmpMessage.AUDIO, 41, 1, new byte[] {(byte) 0xAF, 1, 2, 3}), false);
        assertEquals(2, media.size());
        assertArrayEquals(frame, media.get(0).payload());
        assertEquals(40, media.get(0).timestamp());
        assertEquals(RtmpMessage.AUDIO, media.get(1).type());
        send(command(1, "deleteStream", 6, null, 1), false);
        assertEquals("unpublished", published.getLast());
    }

    @Test
    void theSameFlowArrivingOneByteAtATime() throws Exception {
        publishFlow(KEY, true);
        assertEquals(List.of("live/" + KEY), published);
        byte[] frame = new byte[3000];
        send(client.write(6, RtmpMessage.VIDEO, 0xFFFFFF + 5, 1, frame), true);
        assertEquals(1, media.size());
        assertEquals(0xFFFFFF + 5, media.getFirst().timestamp(), "extended timestamps");
    }

    @Test
    void anUnknownKeyIsRefusedBeforeAnyMedia() throws Exception {
        publishFlow("sk_wrong", false);
        List<List<Object>> r = serverCommands();
        assertEquals("NetStream.Publish.BadName", ((Map<?, ?>) r.getLast().get(3)).get("code"));
        assertTrue(session.closed());
        assertTrue(published.isEmpty());
    }

    @Test
    void brokenInputClosesTheConnectionWithAReason() throws Exception {
        RtmpSession s = new RtmpSession(listener);
        byte[] wrongVersion = new byte[1537];
        wrongVersion[0] = 6;
        assertTrue(assertThrows(RtmpException.class, () -> s.onBytes(ByteBuffer.wrap(wrongVersion))).getMessage().contains("version 6"));

        handshake(false);
        // Media before publish.
        byte[] early = client.write(6, RtmpMessage.VIDEO, 0, 1, new byte[10]);
        assertThrows(RtmpException.class, () -> send(early, false));
    }

    @Test
    void oversizedChunkSizesAndMessagesAreRefused() throws Exception {
        handshake(false);
        byte[] huge = client.write(2, RtmpMessage.SET_CHUNK_SIZE, 0, 0, new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        RtmpException e = assertThrows(RtmpException.class, () -> send(huge, false));
        assertTrue(e.getMessage().contains("chunk size"), e.getMessage());

        ChunkReader r = new ChunkReader();
        // A type 0 header claiming a 16 MB message.
        byte[] header = {3, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 9, 1, 0, 0, 0};
        assertThrows(RtmpException.class, () -> r.read(ByteBuffer.wrap(header)));
        byte[] continuationFirst = {(byte) 0xC5};
        assertThrows(RtmpException.class, () -> new ChunkReader().read(ByteBuffer.wrap(continuationFirst)));
    }

    @Test
    void randomBytesAfterTheHandshakeNeverEscapeAsAnythingButRtmpException() throws Exception {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < 2000; i++) {
            ChunkReader r = new ChunkReader();
            byte[] b = new byte[rnd.nextInt(1, 300)];
            rnd.nextBytes(b);
            try {
                for (RtmpMessage m : r.read(ByteBuffer.wrap(b))) {
                    if (m.type() == RtmpMessage.COMMAND_AMF0) {
                        Amf0.decodeAll(ByteBuffer.wrap(m.payload()));
                    }
                }
            } catch (RtmpException | Amf0.AmfException expected) {
                // Malformed input: the connection would close, the service goes on.
            }
        }
    }
}
