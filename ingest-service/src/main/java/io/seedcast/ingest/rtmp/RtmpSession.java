package io.seedcast.ingest.rtmp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of one RTMP connection, transport-free: bytes in, bytes out, events to a
 * {@link Listener}. It does the handshake (C0-C2/S0-S2), answers the commands OBS and FFmpeg send
 * (connect, releaseStream, FCPublish, createStream, publish, FCUnpublish, deleteStream), keeps the
 * window acknowledgements, and checks the stream key - the publish name - before it takes any media:
 * an unknown key gets NetStream.Publish.BadName and the connection closes.
 */
public final class RtmpSession {

    static final int HANDSHAKE = 1536;
    static final int WINDOW = 2_500_000;
    static final int OUR_CHUNK_SIZE = 4096;

    /** What the session tells the service. */
    public interface Listener {
        /** Whether {@code key} may publish to {@code app}; never logged by the session. */
        boolean accept(String app, String key);

        void onPublish(String app, String key);

        void onMedia(RtmpMessage message);

        void onUnpublish();
    }

    enum State { C0C1, C2, CONNECTED, PUBLISHING, CLOSED }

    private final Listener listener;
    private final ChunkReader reader = new ChunkReader();
    private final ChunkWriter writer = new ChunkWriter();
    private final SecureRandom random = new SecureRandom();
    private State state = State.C0C1;
    private String app = "";
    private long received;
    private long acknowledged;
    private long windowFromPeer = WINDOW;

    public RtmpSession(Listener listener) {
        this.listener = listener;
    }

    public boolean closed() {
        return state == State.CLOSED;
    }

    /** Consumes what it can of {@code in} (the caller keeps the rest); returns bytes to send. */
    public byte[] onBytes(ByteBuffer in) throws RtmpException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int before = in.remaining();
        if (state == State.C0C1) {
            if (in.remaining() < 1 + HANDSHAKE) {
                return out.toByteArray();
            }
            int version = in.get() & 0xFF;
            if (version != 3) {
                state = State.CLOSED;
                throw new RtmpException("RTMP version " + version + " in C0; only 3 (plain RTMP) is spoken here");
            }
            byte[] c1 = new byte[HANDSHAKE];
            in.get(c1);
            out.write(3);
            byte[] s1 = new byte[HANDSHAKE];
            random.nextBytes(s1);
            // Time and zero fields: a plain handshake, which OBS (librtmp) and FFmpeg publish with.
            for (int i = 0; i < 8; i++) {
                s1[i] = 0;
            }
            out.writeBytes(s1);
            out.writeBytes(c1);
            state = State.C2;
        }
        if (state == State.C2) {
            if (in.remaining() < HANDSHAKE) {
                count(before - in.remaining());
                return out.toByteArray();
            }
            in.position(in.position() + HANDSHAKE);
            state = State.CONNECTED;
        }
        if (state == State.CONNECTED || state == State.PUBLISHING) {
            List<RtmpMessage> messages = reader.read(in);
            for (RtmpMessage m : messages) {
                handle(m, out);
                if (state == State.CLOSED) {
                    break;
                }
            }
        }
        count(before - in.remaining());
        if (received - acknowledged >= windowFromPeer / 2 && state != State.CLOSED) {
            // Acknowledgement (RTMP §5.4.3): the publisher waits for it before sending more than a window.
            acknowledged = received;
            out.writeBytes(writer.write(2, RtmpMessage.ACK, 0, 0, int32((int) received)));
        }
        return out.toByteArray();
    }

    private void count(int n) {
        received += n;
    }

    private void handle(RtmpMessage m, ByteArrayOutputStream out) throws RtmpException {
        switch (m.type()) {
            case RtmpMessage.WINDOW_ACK_SIZE -> windowFromPeer = Math.max(1, ByteBuffer.wrap(pad(m.payload())).getInt() & 0x7FFF_FFFFL);
            case RtmpMessage.COMMAND_AMF0 -> command(m, out);
            case RtmpMessage.AUDIO, RtmpMessage.VIDEO, RtmpMessage.DATA_AMF0 -> {
                if (state != State.PUBLISHING) {
                    throw new RtmpException("media before an accepted publish");
                }
                listener.onMedia(m);
            }
            default -> {
                // Set Chunk Size is applied by the reader; Ack, User Control, Abort and AMF3 need nothing from us.
            }
        }
    }

    private void command(RtmpMessage m, ByteArrayOutputStream out) throws RtmpException {
        List<Object> args;
        try {
            args = Amf0.decodeAll(ByteBuffer.wrap(m.payload()));
        } catch (Amf0.AmfException e) {
            throw new RtmpException("unreadable command: " + e.getMessage());
        }
        if (args.isEmpty() || !(args.getFirst() instanceof String name)) {
            throw new RtmpException("a command without a name");
        }
        double tx = args.size() > 1 && args.get(1) instanceof Double d ? d : 0;
        switch (name) {
            case "connect" -> {
                if (args.size() > 2 && args.get(2) instanceof Map<?, ?> props && props.get("app") instanceof String a) {
                    app = a;
                }
                out.writeBytes(writer.write(2, RtmpMessage.WINDOW_ACK_SIZE, 0, 0, int32(WINDOW)));
                out.writeBytes(writer.write(2, RtmpMessage.SET_PEER_BANDWIDTH, 0, 0, new byte[] {0, 0x26, 0x25, (byte) 0xA0, 2}));
                out.writeBytes(writer.write(2, RtmpMessage.SET_CHUNK_SIZE, 0, 0, int32(OUR_CHUNK_SIZE)));
                writer.chunkSize(OUR_CHUNK_SIZE);
                Map<String, Object> props = new LinkedHashMap<>();
                props.put("fmsVer", "FMS/3,0,1,123");
                props.put("capabilities", 31);
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("level", "status");
                info.put("code", "NetConnection.Connect.Success");
                info.put("description", "Connection succeeded.");
                info.put("objectEncoding", 0);
                out.writeBytes(writer.write(3, RtmpMessage.COMMAND_AMF0, 0, 0, Amf0.encode("_result", tx, props, info)));
            }
            case "releaseStream", "FCPublish", "FCUnpublish" ->
                    out.writeBytes(writer.write(3, RtmpMessage.COMMAND_AMF0, 0, 0, Amf0.encode("_result", tx, null, null)));
            case "createStream" -> out.writeBytes(writer.write(3, RtmpMessage.COMMAND_AMF0, 0, 0, Amf0.encode("_result", tx, null, 1)));
            case "publish" -> {
                String key = args.size() > 3 && args.get(3) instanceof String k ? k : "";
                if (key.isEmpty() || !listener.accept(app, key)) {
                    out.writeBytes(status(m.streamId(), "error", "NetStream.Publish.BadName", "Unknown stream key."));
                    state = State.CLOSED;
                    return;
                }
                state = State.PUBLISHING;
                listener.onPublish(app, key);
                out.writeBytes(status(m.streamId(), "status", "NetStream.Publish.Start", "Publishing."));
            }
            case "deleteStream", "closeStream" -> {
                if (state == State.PUBLISHING) {
                    state = State.CONNECTED;
                    listener.onUnpublish();
                }
            }
            default -> {
                // Other commands (getStreamLength, _checkbw, ...) need no answer for publishing.
            }
        }
    }

    private byte[] status(int streamId, String level, String code, String description) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("level", level);
        info.put("code", code);
        info.put("description", description);
        return writer.write(5, RtmpMessage.COMMAND_AMF0, 0, streamId, Amf0.encode("onStatus", 0, null, info));
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] pad(byte[] b) {
        return b.length >= 4 ? b : java.util.Arrays.copyOf(b, 4);
    }
}
