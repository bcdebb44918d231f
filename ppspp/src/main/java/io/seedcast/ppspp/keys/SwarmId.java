package io.seedcast.ppspp.keys;

import io.seedcast.ppspp.Bytes;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECNamedCurveSpec;

/**
 * A live swarm's identifier: the 1-byte DNSSEC algorithm number followed by the public key in its
 * DNSKEY form (RFC 7574 §6.1): RSA as exponent length, exponent, modulus (RFC 3110 §2); ECDSA as
 * the uncompressed point X ‖ Y without the 0x04 prefix (RFC 6605 §4); Ed25519 as its 32 bytes
 * (RFC 8080 §3). It verifies the swarm's signatures.
 */
// RFC 7574 §6.1
public final class SwarmId {

    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    /** Bounds what an untrusted swarm ID may make us parse (RSA 4096 with a 4-byte exponent fits). */
    public static final int MAX_LENGTH = 1024;

    private final SignatureAlgorithm algorithm;
    private final Bytes encoded;
    private final PublicKey publicKey;

    private SwarmId(SignatureAlgorithm algorithm, Bytes encoded, PublicKey publicKey) {
        this.algorithm = algorithm;
        this.encoded = encoded;
        this.publicKey = publicKey;
    }

    /** Parses a swarm ID from its wire bytes; throws {@link InvalidSwarmIdException} saying what is wrong. */
    public static SwarmId decode(Bytes encoded) {
        if (encoded.length() < 2) {
            throw new InvalidSwarmIdException("swarm ID is " + encoded.length() + " bytes: too short to hold an algorithm and a key");
        }
        if (encoded.length() > MAX_LENGTH) {
            throw new InvalidSwarmIdException("swarm ID is " + encoded.length() + " bytes, more than the " + MAX_LENGTH + " any supported key needs");
        }
        int number = encoded.get(0) & 0xFF;
        SignatureAlgorithm algorithm = SignatureAlgorithm.ofNumber(number);
        if (algorithm == null) {
            throw new InvalidSwarmIdException("swarm ID names DNSSEC algorithm " + number
                    + ", which is not supported (5, 8, 13, 14 and 15 are)");
        }
        byte[] key = Arrays.copyOfRange(encoded.unsafeArray(), 1, encoded.length());
        return new SwarmId(algorithm, encoded, publicKeyOf(algorithm, key));
    }

    public static SwarmId fromHex(String hex) {
        String h = hex.trim();
        if (h.isEmpty() || h.length() % 2 != 0 || !h.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new InvalidSwarmIdException("swarm ID must be an even number of hex digits, got '"
                    + (h.length() > 20 ? h.substring(0, 20) + "…" : h) + "'");
        }
        return decode(Bytes.fromHex(h));
    }

    /** The swarm ID of a public key. */
    public static SwarmId of(SignatureAlgorithm algorithm, PublicKey key) {
        byte[] dnskey = dnskeyOf(algorithm, key);
        byte[] encoded = new byte[dnskey.length + 1];
        encoded[0] = (byte) algorithm.number();
        System.arraycopy(dnskey, 0, encoded, 1, dnskey.length);
        return new SwarmId(algorithm, Bytes.of(encoded), publicKeyOf(algorithm, dnskey));
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    /** The wire form: algorithm number ‖ DNSKEY public key. */
    public Bytes encoded() {
        return encoded;
    }

    public String hex() {
        return encoded.hex();
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The length of this swarm's signatures: fixed for ECDSA and Ed25519, the modulus's for RSA (RFC 7574 §8.9). */
    public int signatureLength() {
        if (algorithm.isRsa()) {
            return (((RSAPublicKey) publicKey).getModulus().bitLength() + 7) / 8;
        }
        return algorithm.fixedSignatureLength();
    }

    /**
     * The signature length a swarm ID implies, read off its bytes without building the key: for the
     * wire codec, which must size SIGNED_INTEGRITY before any key is trusted. -1 if it cannot tell.
     */
    // RFC 7574 §8.9
    public static int signatureLength(SignatureAlgorithm algorithm, io.seedcast.ppspp.Bytes encoded) {
        if (!algorithm.isRsa()) {
            return algorithm.fixedSignatureLength();
        }
        if (encoded.length() < 4 || (encoded.get(0) & 0xFF) != algorithm.number()) {
            return -1;
        }
        int expLen = encoded.get(1) & 0xFF;
        int at = 2;
        if (expLen == 0) {
            expLen = ((encoded.get(2) & 0xFF) << 8) | (encoded.get(3) & 0xFF);
            at = 4;
        }
        at += expLen;
        while (at < encoded.length() && encoded.get(at) == 0) {
            at++;
        }
        return at < encoded.length() ? encoded.length() - at : -1;
    }

    /** Whether {@code signature} is this swarm's over the concatenation of {@code parts}. Never throws. */
    public boolean verify(Bytes signature, byte[]... parts) {
        if (signature.length() != signatureLength()) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(algorithm.jcaSignature(), Jca.BC);
            s.initVerify(publicKey);
            for (byte[] p : parts) {
                s.update(p);
            }
            return s.verify(signature.unsafeArray());
        } catch (GeneralSecurityException | RuntimeException e) {
            // A malformed signature (an r or s out of range, say) is just a bad signature.
            return false;
        }
    }

    private static PublicKey publicKeyOf(SignatureAlgorithm algorithm, byte[] key) {
        try {
            return switch (algorithm) {
                case RSASHA1, RSASHA256 -> rsaPublicKey(key);
                case ECDSAP256SHA256, ECDSAP384SHA384 -> ecPublicKey(algorithm, key);
                case ED25519 -> {
                    if (key.length != 32) {
                        throw new InvalidSwarmIdException("an Ed25519 swarm ID holds a 32-byte key, this one " + key.length);
                    }
                    byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
                    System.arraycopy(key, 0, spki, ED25519_SPKI_PREFIX.length, 32);
                    yield KeyFactory.getInstance("Ed25519", Jca.BC).generatePublic(new X509EncodedKeySpec(spki));
                }
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            if (e instanceof InvalidSwarmIdException i) {
                throw i;
            }
            throw new InvalidSwarmIdException("swarm ID does not hold a valid " + algorithm + " public key: " + e.getMessage());
        }
    }

    // RFC 3110 §2
    private static PublicKey rsaPublicKey(byte[] key) throws GeneralSecurityException {
        int expLen;
        int at;
        if (key.length >= 1 && key[0] != 0) {
            expLen = key[0] & 0xFF;
            at = 1;
        } else if (key.length >= 3) {
            expLen = ((key[1] & 0xFF) << 8) | (key[2] & 0xFF);
            at = 3;
        } else {
            throw new InvalidSwarmIdException("RSA swarm ID too short for its exponent length");
        }
        if (expLen == 0 || at + expLen >= key.length) {
            throw new InvalidSwarmIdException("RSA swarm ID's exponent length " + expLen + " leaves no modulus");
        }
        BigInteger e = new BigInteger(1, Arrays.copyOfRange(key, at, at + expLen));
        BigInteger n = new BigInteger(1, Arrays.copyOfRange(key, at + expLen, key.length));
        if (n.bitLength() < 512) {
            throw new InvalidSwarmIdException("RSA swarm ID's modulus is " + n.bitLength() + " bits: too small");
        }
        return KeyFactory.getInstance("RSA", Jca.BC).generatePublic(new RSAPublicKeySpec(n, e));
    }

    // RFC 6605 §4
    private static PublicKey ecPublicKey(SignatureAlgorithm algorithm, byte[] key) throws GeneralSecurityException {
        int half = algorithm.fixedSignatureLength() / 2;
        if (key.length != 2 * half) {
            throw new InvalidSwarmIdException(algorithm + " swarm ID holds a " + 2 * half + "-byte point X ‖ Y, this one " + key.length);
        }
        ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec(curveName(algorithm));
        ECNamedCurveSpec spec = new ECNamedCurveSpec(curve.getName(), curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(key, 0, half));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(key, half, key.length));
        // Rejects points not on the curve: a swarm ID is untrusted input.
        curve.getCurve().validatePoint(x, y);
        return KeyFactory.getInstance("EC", Jca.BC).generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec));
    }

    static String curveName(SignatureAlgorithm algorithm) {
        return algorithm == SignatureAlgorithm.ECDSAP256SHA256 ? "secp256r1" : "secp384r1";
    }

    private static byte[] dnskeyOf(SignatureAlgorithm algorithm, PublicKey key) {
        return switch (algorithm) {
            case RSASHA1, RSASHA256 -> {
                if (!(key instanceof RSAPublicKey rsa)) {
                    throw new IllegalArgumentException(algorithm + " needs an RSA key, got " + key.getAlgorithm());
                }
                byte[] e = unsigned(rsa.getPublicExponent());
                byte[] n = unsigned(rsa.getModulus());
                int head = e.length <= 255 ? 1 : 3;
                byte[] out = new byte[head + e.length + n.length];
                if (head == 1) {
                    out[0] = (byte) e.length;
                } else {
                    out[1] = (byte) (e.length >>> 8);
                    out[2] = (byte) e.length;
                }
                System.arraycopy(e, 0, out, head, e.length);
                System.arraycopy(n, 0, out, head + e.length, n.length);
                yield out;
            }
            case ECDSAP256SHA256, ECDSAP384SHA384 -> {
                if (!(key instanceof ECPublicKey ec)) {
                    throw new IllegalArgumentException(algorithm + " needs an EC key, got " + key.getAlgorithm());
                }
                int half = algorithm.fixedSignatureLength() / 2;
                if ((ec.getParams().getCurve().getField().getFieldSize() + 7) / 8 != half) {
                    throw new IllegalArgumentException(algorithm + " needs a " + algorithm.keyBits() + "-bit curve, the key's is "
                            + ec.getParams().getCurve().getField().getFieldSize());
                }
                byte[] out = new byte[2 * half];
                fixed(ec.getW().getAffineX(), out, 0, half);
                fixed(ec.getW().getAffineY(), out, half, half);
                yield out;
            }
            case ED25519 -> {
                byte[] spki = key.getEncoded();
                if (!key.getAlgorithm().startsWith("Ed") || spki.length != ED25519_SPKI_PREFIX.length + 32) {
                    throw new IllegalArgumentException("ED25519 needs an Ed25519 key, got " + key.getAlgorithm());
                }
                yield Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
            }
        };
    }

    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b[0] == 0 && b.length > 1 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static void fixed(BigInteger v, byte[] out, int at, int len) {
        byte[] b = unsigned(v);
        System.arraycopy(b, 0, out, at + len - b.length, b.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SwarmId other && encoded.equals(other.encoded);
    }

    @Override
    public int hashCode() {
        return encoded.hashCode();
    }

    @Override
    public String toString() {
        return algorithm + ":" + encoded.hex().substring(2, Math.min(encoded.length() * 2, 18)) + "…";
    }
}
