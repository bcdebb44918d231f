package io.seedcast.ppspp.wire;

/** The message types of PPSPP over UDP; the first byte of every message. */
// RFC 7574 §8.2, Table 7
public enum MessageType {
    HANDSHAKE(0),
    DATA(1),
    ACK(2),
    HAVE(3),
    INTEGRITY(4),
    PEX_RESv4(5),
    PEX_REQ(6),
    SIGNED_INTEGRITY(7),
    REQUEST(8),
    CANCEL(9),
    CHOKE(10),
    UNCHOKE(11),
    PEX_RESv6(12),
    PEX_REScert(13);

    private static final MessageType[] BY_CODE = values();

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type of a type byte, or null for the unassigned (14–254) and reserved (255) ones. */
    public static MessageType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
