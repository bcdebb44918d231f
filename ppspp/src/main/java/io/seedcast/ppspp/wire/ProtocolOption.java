package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

/**
 * A HANDSHAKE protocol option: an 8-bit code and its value. The End option (255) is not one of
 * these: {@link ProtocolOptions} always writes it last.
 */
// RFC 7574 §7
public sealed interface ProtocolOption {

    int END = 255;

    int code();

    /** Bytes of the option, code included. {@code addressing} is the method in force where it stands. */
    int encodedLength(ChunkAddressing addressing);

    void writeTo(ByteBuffer out, ChunkAddressing addressing);

    // RFC 7574 §7.2
    record Version(int version) implements ProtocolOption {
        public Version {
            requireByte(version, "version");
        }

        public int code() {
            return 0;
        }

        public int encodedLength(ChunkAddressing a) {
            return 2;
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 0).put((byte) version);
        }
    }

    // RFC 7574 §7.3
    record MinimumVersion(int version) implements ProtocolOption {
        public MinimumVersion {
            requireByte(version, "minimum version");
        }

        public int code() {
            return 1;
        }

        public int encodedLength(ChunkAddressing a) {
            return 2;
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 1).put((byte) version);
        }
    }

    // RFC 7574 §7.4
    record SwarmIdentifier(Bytes swarmId) implements ProtocolOption {
        public SwarmIdentifier {
            if (swarmId == null || swarmId.length() > 0xFFFF) {
                throw new IllegalArgumentException("a swarm identifier must be 0–65535 bytes");
            }
        }

        public int code() {
            return 2;
        }

        public int encodedLength(ChunkAddressing a) {
            return 3 + swarmId.length();
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 2).putShort((short) swarmId.length());
            swarmId.writeTo(out);
        }
    }

    // RFC 7574 §7.5
    record ContentIntegrityProtection(IntegrityMethod method) implements ProtocolOption {
        public int code() {
            return 3;
        }

        public int encodedLength(ChunkAddressing a) {
            return 2;
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 3).put((byte) method.code());
        }
    }

    // RFC 7574 §7.6
    record MerkleHashTreeFunction(MerkleHashFunction function) implements ProtocolOption {
        public int code() {
            return 4;
        }

        public int encodedLength(ChunkAddressing a) {
            return 2;
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 4).put((byte) function.code());
        }
    }

    // RFC 7574 §7.7
    record LiveSignatureAlgorithm(SignatureAlgorithm algorithm) implements ProtocolOption {
        public int code() {
            return 5;
        }

        public int encodedLength(ChunkAddressing a) {
            return 2;
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 5).put((byte) algorithm.number());
        }
    }

    // RFC 7574 §7.8
    record ChunkAddressingMethod(ChunkAddressing addressing) implements ProtocolOption {
        public int code() {
            return 6;
        }

        public int encodedLength(ChunkAddressing a) {
            return 2;
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 6).put((byte) addressing.code());
        }
    }

    /**
     * How many chunks (bytes, under byte ranges) a peer keeps behind the newest it announced; all ones
     * means it keeps everything. Its width is the addressing method's, which must come before it.
     */
    // RFC 7574 §7.9
    record LiveDiscardWindow(long window) implements ProtocolOption {
        public static final long UNLIMITED = -1L;

        public boolean unlimited() {
            return window == UNLIMITED;
        }

        public int code() {
            return 7;
        }

        public int encodedLength(ChunkAddressing a) {
            return 1 + a.integerLength();
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 7);
            a.writeInteger(unlimited() ? a.allOnes() : window, out);
        }
    }

    /**
     * The messages a peer supports, as the compressed bitmap it sent (bit X from the left is
     * message type X, truncated after the last non-zero byte), kept as sent.
     */
    // RFC 7574 §7.10
    record SupportedMessages(Bytes bitmap) implements ProtocolOption {
        public SupportedMessages {
            if (bitmap == null || bitmap.length() > 32) {
                throw new IllegalArgumentException("the supported messages bitmap holds at most 256 bits");
            }
        }

        public static SupportedMessages of(Set<MessageType> types) {
            byte[] bits = new byte[32];
            int last = -1;
            for (MessageType t : types) {
                bits[t.code() / 8] |= (byte) (0x80 >>> (t.code() % 8));
                last = Math.max(last, t.code() / 8);
            }
            return new SupportedMessages(Bytes.of(bits, 0, last + 1));
        }

        public boolean supports(MessageType type) {
            int i = type.code() / 8;
            return i < bitmap.length() && (bitmap.get(i) & (0x80 >>> (type.code() % 8))) != 0;
        }

        public Set<MessageType> types() {
            Set<MessageType> out = EnumSet.noneOf(MessageType.class);
            for (MessageType t : MessageType.values()) {
                if (supports(t)) {
                    out.add(t);
                }
            }
            return out;
        }

        public int code() {
            return 8;
        }

        public int encodedLength(ChunkAddressing a) {
            return 2 + bitmap.length();
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 8).put((byte) bitmap.length());
            bitmap.writeTo(out);
        }
    }

    /** Bytes per chunk, or {@link WireContext#VARIABLE_CHUNK_SIZE} for variable-size chunks. */
    // RFC 7574 §7.11
    record ChunkSize(long size) implements ProtocolOption {
        public ChunkSize {
            if (size <= 0 || size > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("chunk size must be 1–4294967295 bytes, got " + size);
            }
        }

        public int code() {
            return 9;
        }

        public int encodedLength(ChunkAddressing a) {
            return 5;
        }

        public void writeTo(ByteBuffer out, ChunkAddressing a) {
            out.put((byte) 9).putInt((int) size);
        }
    }

    private static void requireByte(int v, String what) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException(what + " must be 0–255, got " + v);
        }
    }
}
