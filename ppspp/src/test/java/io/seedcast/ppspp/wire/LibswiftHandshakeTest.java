package io.seedcast.ppspp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Our HANDSHAKE under the libswift profile is byte for byte the one libswift sends (ARCHITECTURE.md). */
class LibswiftHandshakeTest {

    static final String KEY = "eac943a52fe7581576e4f67173fb8bbd9e09bbf8042a9ce718340a6a732945045239df65815aba47ae07db28a1eda3853d5ce776ff99facb2530d55d2399a6a5";

    @Test
    void matchesTheCapturedLibswiftHandshake() {
        SwarmId swarm = SwarmId.fromHex("0d" + KEY);
        SwarmParameters libswift = SwarmParameters.defaults(Profile.LIBSWIFT);
        int channel = 0x1234abcd;
        Datagram d = Datagram.of(0, new Handshake(channel, libswift.handshakeOptions(swarm, true)));
        String expected = "00000000" + "00" + "1234abcd" + "0001" + "0101" + "02" + "0041" + "0d" + KEY
                + "0303" + "050d" + "0602" + "07ffffffff" + "ff";
        assertEquals(expected, HexFormat.of().formatHex(DatagramCodec.encode(d, WireContext.DEFAULT)));
    }

    @Test
    void rfcProfileSendsAllOptionsAscending() {
        SwarmId swarm = SwarmId.fromHex("0d" + KEY);
        SwarmParameters rfc = SwarmParameters.defaults(Profile.RFC7574);
        ProtocolOptions o = rfc.handshakeOptions(swarm, true);
        for (int code = 0; code <= 9; code++) {
            assertEquals(code != 8, o.has(code), "option " + code);
        }
        byte[] wire = DatagramCodec.encode(Datagram.of(0, new Handshake(5, o)), WireContext.DEFAULT);
        Handshake back = assertInstanceOf(Handshake.class,
                assertInstanceOf(DecodeResult.Decoded.class, DatagramCodec.decode(wire, WireContext.DEFAULT)).datagram().messages().getFirst());
        assertEquals(o, back.options());
        assertEquals(8192L, back.options().liveDiscardWindow());
        ProtocolOptions responder = rfc.handshakeOptions(swarm, false);
        assertFalse(responder.has(1));
        assertTrue(responder.has(2));
    }
}
