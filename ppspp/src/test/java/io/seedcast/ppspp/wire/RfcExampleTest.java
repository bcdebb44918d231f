package io.seedcast.ppspp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7574 §8.16, "Example of Operation": the bit-level datagrams of a leecher fetching "Hello world!".
 * The text calls the swarm ID a 32-byte root hash but its length field says 20 (0x0014); the
 * datagram is what we check, with the root hash's shown bytes (47a013e6…86aab03b) around a fill.
 */
class RfcExampleTest {

    static final HexFormat HEX = HexFormat.of();
    static final String SWARM_ID = "47a013e6" + "00112233445566778899aabb" + "86aab03b";

    static Datagram decode(String hex) {
        DecodeResult r = DatagramCodec.decode(HEX.parseHex(hex), WireContext.DEFAULT);
        return assertInstanceOf(DecodeResult.Decoded.class, r, () -> r.toString()).datagram();
    }

    static void roundTrips(String hex, Datagram d) {
        assertArrayEquals(HEX.parseHex(hex), DatagramCodec.encode(d, WireContext.DEFAULT));
    }

    @Test
    void firstHandshake() {
        String hex = "00000000" + "00" + "00000001"
                + "0001" + "0101" + "020014" + SWARM_ID + "0301" + "0402" + "0602" + "0900000400" + "ff";
        Datagram d = decode(hex);
        assertEquals(0, d.channel());
        Handshake h = assertInstanceOf(Handshake.class, d.messages().getFirst());
        assertEquals(1, h.sourceChannel());
        ProtocolOptions o = h.options();
        assertEquals(1, o.version());
        assertEquals(1, o.minimumVersion());
        assertEquals(Bytes.fromHex(SWARM_ID), o.swarmId());
        assertEquals(IntegrityMethod.MERKLE_HASH_TREE, o.integrityMethod());
        assertEquals(MerkleHashFunction.SHA256, o.merkleHashFunction());
        assertEquals(ChunkAddressing.CHUNK_RANGES_32, o.addressing());
        assertEquals(1024L, o.chunkSize());
        roundTrips(hex, d);
    }

    @Test
    void responseHandshakeWithHave() {
        String hex = "00000001" + "00" + "00000008" + "0001" + "0301" + "0402" + "0602" + "0900000400" + "ff"
                + "03" + "00000000" + "00000000";
        Datagram d = decode(hex);
        assertEquals(1, d.channel());
        Handshake h = assertInstanceOf(Handshake.class, d.messages().get(0));
        assertEquals(8, h.sourceChannel());
        assertEquals(null, h.options().minimumVersion());
        assertEquals(new Have(new ChunkRange(0, 0)), d.messages().get(1));
        roundTrips(hex, d);
    }

    @Test
    void requestWithPexReq() {
        String hex = "00000008" + "08" + "00000000" + "00000000" + "06";
        Datagram d = decode(hex);
        assertEquals(List.of(new Request(new ChunkRange(0, 0)), PexReq.INSTANCE), d.messages());
        roundTrips(hex, d);
    }

    @Test
    void dataCarryingHelloWorld() {
        String hex = "00000001" + "01" + "00000000" + "00000000" + "0004e94180b7db44" + "48656c6c6f20776f726c6421";
        Datagram d = decode(hex);
        Data data = assertInstanceOf(Data.class, d.messages().getFirst());
        assertEquals(new ChunkRange(0, 0), data.chunks());
        assertEquals(0x0004e94180b7db44L, data.timestampMicros());
        assertEquals("Hello world!", new String(data.payload().toArray()));
        roundTrips(hex, d);
    }

    @Test
    void ackWithDelaySampleAndHave() {
        String hex = "00000008" + "02" + "00000000" + "00000000" + "0000000000000064" + "03" + "00000000" + "00000000";
        Datagram d = decode(hex);
        assertEquals(List.of(new Ack(new ChunkRange(0, 0), 100), new Have(new ChunkRange(0, 0))), d.messages());
        roundTrips(hex, d);
    }

    @Test
    void closingHandshake() {
        String hex = "00000008" + "00" + "00000000" + "ff";
        Datagram d = decode(hex);
        Handshake h = assertInstanceOf(Handshake.class, d.messages().getFirst());
        assertTrue(h.isClose());
        assertEquals(ProtocolOptions.NONE, h.options());
        roundTrips(hex, d);
    }

    @Test
    void haveWithA32BitBinIsFiveBytes() {
        // RFC 7574 §8.2: "its on-the-wire representation for UDP can be written in hex as 0300000001".
        WireContext bins = WireContext.DEFAULT.withAddressing(ChunkAddressing.BINS_32);
        byte[] wire = DatagramCodec.encode(Datagram.of(7, new Have(new io.seedcast.ppspp.chunk.Bin(1))), bins);
        assertEquals("00000007" + "0300000001", HEX.formatHex(wire));
    }
}
