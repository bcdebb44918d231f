package io.seedcast.ppspp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.wire.DecodeError.Reason;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Each kind of bad datagram gets a typed error that says what was wrong and where. */
class MalformedDatagramTest {

    static DecodeError error(String hex, WireContext ctx) {
        DecodeResult r = DatagramCodec.decode(HexFormat.of().parseHex(hex), ctx);
        return assertInstanceOf(DecodeResult.Malformed.class, r, () -> "expected an error, got " + r).error();
    }

    static DecodeError error(String hex) {
        return error(hex, WireContext.DEFAULT);
    }

    @Test
    void shorterThanAChannelId() {
        assertEquals(Reason.TOO_SHORT, error("000000").reason());
        assertEquals(Reason.TOO_SHORT, error("").reason());
    }

    @Test
    void keepaliveIsJustTheChannel() {
        DecodeResult r = DatagramCodec.decode(HexFormat.of().parseHex("0badf00d"), WireContext.DEFAULT);
        assertTrue(assertInstanceOf(DecodeResult.Decoded.class, r).datagram().isKeepalive());
    }

    @Test
    void unknownAndReservedMessageTypes() {
        DecodeError e = error("00000001" + "0e");
        assertEquals(Reason.UNKNOWN_MESSAGE_TYPE, e.reason());
        assertEquals(4, e.offset());
        assertTrue(e.toString().contains("message type 14"), e.toString());
        assertTrue(error("00000001" + "ff").detail().contains("reserved"));
    }

    @Test
    void truncatedMessagesSayWhatTheyNeeded() {
        DecodeError e = error("00000001" + "04" + "00000000" + "00000000" + "abcd");
        assertEquals(Reason.TRUNCATED, e.reason());
        assertTrue(e.detail().contains("INTEGRITY hash needs 32 bytes, 2 left"), e.detail());
        assertEquals(Reason.TRUNCATED, error("00000001" + "03" + "000000").reason());
        assertEquals(Reason.TRUNCATED, error("00000001" + "02" + "00000000" + "00000000" + "00").reason());
    }

    @Test
    void handshakeWithoutEndOption() {
        DecodeError e = error("00000000" + "00" + "00000001" + "0001" + "0101");
        assertEquals(Reason.TRUNCATED, e.reason());
        assertTrue(e.detail().contains("255"), e.detail());
    }

    @Test
    void optionsOutOfOrderOrRepeated() {
        assertEquals(Reason.OPTIONS_NOT_ASCENDING, error("00000000" + "00" + "00000001" + "0101" + "0001" + "ff").reason());
        assertEquals(Reason.OPTIONS_NOT_ASCENDING, error("00000000" + "00" + "00000001" + "0001" + "0001" + "ff").reason());
    }

    @Test
    void unassignedOptionCode() {
        DecodeError e = error("00000000" + "00" + "00000001" + "0a00" + "ff");
        assertEquals(Reason.UNKNOWN_OPTION, e.reason());
        assertEquals(9, e.offset());
    }

    @Test
    void unsupportedOptionValues() {
        assertEquals(Reason.UNSUPPORTED_OPTION_VALUE, error("00000000" + "00" + "00000001" + "0307" + "ff").reason());
        assertEquals(Reason.UNSUPPORTED_OPTION_VALUE, error("00000000" + "00" + "00000001" + "0405" + "ff").reason());
        assertEquals(Reason.UNSUPPORTED_OPTION_VALUE, error("00000000" + "00" + "00000001" + "0510" + "ff").reason());
        assertEquals(Reason.UNSUPPORTED_OPTION_VALUE, error("00000000" + "00" + "00000001" + "0605" + "ff").reason());
        assertEquals(Reason.UNSUPPORTED_OPTION_VALUE, error("00000000" + "00" + "00000001" + "0900000000" + "ff").reason());
    }

    @Test
    void lengthFieldsLargerThanTheDatagramAllocateNothing() {
        // A swarm ID claiming 65535 bytes in a 16-byte datagram.
        DecodeError e = error("00000000" + "00" + "00000001" + "02ffff" + "0d0d0d");
        assertEquals(Reason.TRUNCATED, e.reason());
        assertTrue(e.detail().contains("65535"), e.detail());
        assertEquals(Reason.TRUNCATED, error("00000001" + "0d" + "ffff" + "3082").reason());
        assertEquals(Reason.BAD_LENGTH, error("00000000" + "00" + "00000001" + "0821" + "ff".repeat(33) + "ff").reason());
    }

    @Test
    void rangesThatRunBackwards() {
        DecodeError e = error("00000001" + "08" + "00000005" + "00000004");
        assertEquals(Reason.INVALID_CHUNK_SPEC, e.reason());
        assertTrue(e.detail().contains("REQUEST"), e.detail());
    }

    @Test
    void signedIntegrityNeedsAKnownAlgorithm() {
        WireContext unknown = WireContext.DEFAULT.withSignatureLength(0);
        assertEquals(Reason.MISSING_PARAMETER, error("00000001" + "07" + "00000000" + "0000001f" + "00".repeat(72), unknown).reason());
    }

    @Test
    void handshakeOptionsSizeTheRestOfTheDatagram() {
        // The handshake switches to 64-bit chunk ranges and SHA-1: the INTEGRITY after it is 1 + 16 + 20 bytes.
        String hex = "00000000" + "00" + "00000001" + "0400" + "0604" + "ff"
                + "04" + "0000000000000000" + "0000000000000001" + "11".repeat(20);
        Datagram d = assertInstanceOf(DecodeResult.Decoded.class, DatagramCodec.decode(HexFormat.of().parseHex(hex), WireContext.DEFAULT)).datagram();
        assertEquals(new Integrity(new ChunkRange(0, 1), Bytes.fromHex("11".repeat(20))), d.messages().get(1));
    }

    @Test
    void encoderRefusesWhatTheReceiverCouldNotParse() {
        Data shortData = new Data(new ChunkRange(0, 0), 1, Bytes.of(new byte[10]));
        Datagram bad = Datagram.of(1, shortData, new Have(new ChunkRange(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> DatagramCodec.encode(bad, WireContext.DEFAULT));
        Datagram wrongHash = Datagram.of(1, new Integrity(new ChunkRange(0, 0), Bytes.of(new byte[20])));
        assertThrows(IllegalArgumentException.class, () -> DatagramCodec.encode(wrongHash, WireContext.DEFAULT));
    }
}
