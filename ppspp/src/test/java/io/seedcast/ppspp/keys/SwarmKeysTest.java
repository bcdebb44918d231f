package io.seedcast.ppspp.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seedcast.ppspp.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SwarmKeysTest {

    static final Map<SignatureAlgorithm, SwarmKeyPair> KEYS = new EnumMap<>(SignatureAlgorithm.class);

    static SwarmKeyPair key(SignatureAlgorithm a) {
        return KEYS.computeIfAbsent(a, SwarmKeyPair::generate);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void swarmIdIsAlgorithmByteThenDnskey(SignatureAlgorithm a) {
        SwarmId id = key(a).swarmId();
        assertEquals(a.number(), id.encoded().get(0) & 0xFF);
        int expected = switch (a) {
            case ECDSAP256SHA256 -> 1 + 64;
            case ECDSAP384SHA384 -> 1 + 96;
            case ED25519 -> 1 + 32;
            case RSASHA1, RSASHA256 -> 1 + 1 + 3 + 256; // RFC 3110: exponent length 3 (65537), 2048-bit modulus
        };
        assertEquals(expected, id.encoded().length());
        assertEquals(id, SwarmId.fromHex(id.hex()));
        assertEquals(id.signatureLength(), SwarmId.signatureLength(a, id.encoded()));
        assertEquals(id.signatureLength(), key(a).sign(new byte[] {1, 2, 3}).length());
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void pkcs8PemRoundTripKeepsTheSwarm(SignatureAlgorithm a) {
        SwarmKeyPair original = key(a);
        String pem = original.toPem();
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
        SwarmKeyPair back = SwarmKeyPair.fromPem(pem, a);
        assertEquals(original.swarmId(), back.swarmId());
        byte[] msg = "chunk".getBytes(StandardCharsets.US_ASCII);
        assertTrue(original.swarmId().verify(back.sign(msg), msg));
        assertFalse(original.swarmId().verify(back.sign(msg), "chunK".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(back.toString().contains(pem.substring(30, 60)), "the private key never shows in toString");
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void pkcs8BytesRoundTripKeepsTheSwarmAndCanBeWiped(SignatureAlgorithm a) {
        SwarmKeyPair original = key(a);
        byte[] der = original.pkcs8();
        SwarmKeyPair back = SwarmKeyPair.fromPkcs8(der, a);
        java.util.Arrays.fill(der, (byte) 0);
        assertEquals(original.swarmId(), back.swarmId());
        byte[] msg = "chunk".getBytes(StandardCharsets.US_ASCII);
        assertTrue(original.swarmId().verify(back.sign(msg), msg), "the key still signs after the caller wiped its copy");
        assertThrows(InvalidKeyFileException.class, () -> SwarmKeyPair.fromPkcs8(new byte[] {1, 2, 3}, a));
    }

    @Test
    void rsaDnskeyHoldsExponentThenModulus() {
        SwarmId id = key(SignatureAlgorithm.RSASHA256).swarmId();
        RSAPublicKey k = (RSAPublicKey) id.publicKey();
        assertEquals(3, id.encoded().get(1));
        assertEquals("010001", id.encoded().slice(2, 5).hex());
        assertEquals(256, id.signatureLength());
        assertEquals(2048, k.getModulus().bitLength());
    }

    @Test
    void unusableKeyFilesSayWhy() {
        var e1 = assertThrows(InvalidKeyFileException.class, () -> SwarmKeyPair.fromPem("hello", SignatureAlgorithm.ED25519));
        assertTrue(e1.getMessage().contains("PKCS #8"), e1.getMessage());
        var e2 = assertThrows(InvalidKeyFileException.class,
                () -> SwarmKeyPair.fromPem("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----", SignatureAlgorithm.ECDSAP256SHA256));
        assertTrue(e2.getMessage().contains("openssl pkcs8"), e2.getMessage());
        var e3 = assertThrows(InvalidKeyFileException.class,
                () -> SwarmKeyPair.fromPem("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----", SignatureAlgorithm.ED25519));
        assertTrue(e3.getMessage().contains("base64") || e3.getMessage().contains("PKCS #8"), e3.getMessage());
        String p384 = key(SignatureAlgorithm.ECDSAP384SHA384).toPem();
        var e4 = assertThrows(InvalidKeyFileException.class, () -> SwarmKeyPair.fromPem(p384, SignatureAlgorithm.ECDSAP256SHA256));
        assertTrue(e4.getMessage().contains("384"), e4.getMessage());
        String ed = key(SignatureAlgorithm.ED25519).toPem();
        assertThrows(InvalidKeyFileException.class, () -> SwarmKeyPair.fromPem(ed, SignatureAlgorithm.RSASHA256));
    }

    @Test
    void badSwarmIdsSayWhy() {
        assertTrue(assertThrows(InvalidSwarmIdException.class, () -> SwarmId.fromHex("zz")).getMessage().contains("hex"));
        assertTrue(assertThrows(InvalidSwarmIdException.class, () -> SwarmId.fromHex("10" + "00".repeat(57))).getMessage().contains("algorithm 16"));
        assertTrue(assertThrows(InvalidSwarmIdException.class, () -> SwarmId.fromHex("0d" + "00".repeat(63))).getMessage().contains("64-byte"));
        // Right length, but not a point on P-256.
        var e = assertThrows(InvalidSwarmIdException.class, () -> SwarmId.fromHex("0d" + "01".repeat(64)));
        assertTrue(e.getMessage().contains("ECDSAP256SHA256"), e.getMessage());
        assertThrows(InvalidSwarmIdException.class, () -> SwarmId.decode(Bytes.of(new byte[2000])));
    }

    @Test
    void garbageSignaturesAreJustBad() {
        SwarmId id = key(SignatureAlgorithm.ECDSAP256SHA256).swarmId();
        assertFalse(id.verify(Bytes.of(new byte[64]), new byte[] {1}));
        assertFalse(id.verify(Bytes.of(new byte[63]), new byte[] {1}));
        byte[] ff = new byte[64];
        java.util.Arrays.fill(ff, (byte) 0xFF);
        assertFalse(id.verify(Bytes.of(ff), new byte[] {1}));
    }
}
