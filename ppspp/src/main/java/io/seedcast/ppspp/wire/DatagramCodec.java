package io.seedcast.ppspp.wire;

import java.nio.ByteBuffer;

/**
 * Bytes to datagrams and back. It knows bytes and messages and nothing else: channel state lives
 * in the engine, which hands in the channel's {@link WireContext}. A HANDSHAKE's options take effect
 * for the messages after it in the same datagram.
 *
 * <p>Decoding never throws: any byte string becomes a {@link Datagram} or a {@link DecodeError}, and
 * no allocation is sized by a length field before the bytes it claims are known to be there.
 */
// RFC 7574 §8
public final class DatagramCodec {

    /** The largest UDP payload over IPv4. */
    public static final int MAX_DATAGRAM = 65_507;

    private DatagramCodec() {
    }

    public static DecodeResult decode(byte[] datagram, WireContext context) {
        return decode(ByteBuffer.wrap(datagram), context);
    }

    public static DecodeResult decode(byte[] datagram, int offset, int length, WireContext context) {
        return decode(ByteBuffer.wrap(datagram, offset, length), context);
    }

    /** Decodes the buffer's remaining bytes (consuming them). */
    public static DecodeResult decode(ByteBuffer datagram, WireContext context) {
        if (datagram.remaining() < 4) {
            return new DecodeResult.Malformed(new DecodeError(DecodeError.Reason.TOO_SHORT, 0,
                    "datagram of " + datagram.remaining() + " bytes is shorter than a channel ID"));
        }
        WireReader in = new WireReader(datagram.slice(), context);
        datagram.position(datagram.limit());
        try {
            int channel = in.i32("channel ID");
            java.util.ArrayList<Message> messages = new java.util.ArrayList<>();
            while (in.hasRemaining()) {
                messages.add(readMessage(in));
            }
            return new DecodeResult.Decoded(new Datagram(channel, messages));
        } catch (Malformed m) {
            return new DecodeResult.Malformed(m.error);
        }
    }

    private static Message readMessage(WireReader in) throws Malformed {
        int at = in.offset();
        int code = in.u8("message type");
        MessageType type = MessageType.ofCode(code);
        if (type == null) {
            throw in.error(DecodeError.Reason.UNKNOWN_MESSAGE_TYPE, at,
                    "message type " + code + (code == 255 ? " is reserved" : " is not assigned by RFC 7574"));
        }
        return switch (type) {
            case HANDSHAKE -> {
                Handshake h = Handshake.read(in);
                in.context = in.context.with(h.options());
                yield h;
            }
            case DATA -> Data.read(in);
            case ACK -> Ack.read(in);
            case HAVE -> Have.read(in);
            case INTEGRITY -> Integrity.read(in);
            case PEX_RESv4 -> PexResV4.read(in);
            case PEX_REQ -> PexReq.INSTANCE;
            case SIGNED_INTEGRITY -> SignedIntegrity.read(in);
            case REQUEST -> Request.read(in);
            case CANCEL -> Cancel.read(in);
            case CHOKE -> Choke.INSTANCE;
            case UNCHOKE -> Unchoke.INSTANCE;
            case PEX_RESv6 -> PexResV6.read(in);
            case PEX_REScert -> PexResCert.read(in);
        };
    }

    /** The encoded size of {@code datagram}. */
    public static int encodedLength(Datagram datagram, WireContext context) {
        int n = 4;
        WireContext c = context;
        for (Message m : datagram.messages()) {
            n += m.encodedLength(c);
            if (m instanceof Handshake h) {
                c = c.with(h.options());
            }
        }
        return n;
    }

    public static byte[] encode(Datagram datagram, WireContext context) {
        ByteBuffer out = ByteBuffer.allocate(encodedLength(datagram, context));
        encode(datagram, context, out);
        return out.array();
    }

    /**
     * Writes {@code datagram} at the buffer's position. Throws {@link IllegalArgumentException} for a
     * datagram the receiver could not parse back: a short DATA followed by more messages, a hash or
     * signature of the wrong length, a chunk specification the addressing method cannot express.
     */
    public static void encode(Datagram datagram, WireContext context, ByteBuffer out) {
        out.putInt(datagram.channel());
        WireContext c = context;
        var messages = datagram.messages();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m instanceof Data d && i < messages.size() - 1 && !d.canBeFollowed(c)) {
                throw new IllegalArgumentException("a DATA of " + d.payload().length()
                        + " bytes must be the last message of its datagram (RFC 7574 §8.6)");
            }
            m.writeTo(out, c);
            if (m instanceof Handshake h) {
                c = c.with(h.options());
            }
        }
    }
}
