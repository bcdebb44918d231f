package io.seedcast.ppspp.keys;

import io.seedcast.ppspp.Bytes;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jcajce.interfaces.EdDSAPrivateKey;
import org.bouncycastle.jce.interfaces.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/**
 * A live source's key pair: its public half is the swarm ID, its private half signs chunks
 * (Sign All) or munros (Unified Merkle Tree). Private keys travel only as PKCS #8 PEM, never in
 * {@link #toString()}.
 */
public final class SwarmKeyPair {

    private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PEM_END = "-----END PRIVATE KEY-----";

    private final SignatureAlgorithm algorithm;
    private final PrivateKey privateKey;
    private final SwarmId swarmId;

    private SwarmKeyPair(SignatureAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {
        this.algorithm = algorithm;
        this.privateKey = privateKey;
        this.swarmId = SwarmId.of(algorithm, publicKey);
    }

    public static SwarmKeyPair generate(SignatureAlgorithm algorithm) {
        return generate(algorithm, new SecureRandom());
    }

    public static SwarmKeyPair generate(SignatureAlgorithm algorithm, SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm.keyAlgorithm(), Jca.BC);
            switch (algorithm) {
                case RSASHA1, RSASHA256 -> g.initialize(new RSAKeyGenParameterSpec(algorithm.keyBits(), RSAKeyGenParameterSpec.F4), random);
                case ECDSAP256SHA256, ECDSAP384SHA384 -> g.initialize(new ECGenParameterSpec(SwarmId.curveName(algorithm)), random);
                case ED25519 -> g.initialize(255, random);
            }
            var kp = g.generateKeyPair();
            return new SwarmKeyPair(algorithm, kp.getPrivate(), kp.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a PKCS #8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}) for {@code algorithm};
     * the public key is derived from it. Throws {@link InvalidKeyFileException} saying what is wrong.
     */
    public static SwarmKeyPair fromPem(String pem, SignatureAlgorithm algorithm) {
        int b = pem.indexOf(PEM_BEGIN);
        int e = pem.indexOf(PEM_END);
        if (b < 0 || e < b) {
            if (pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")) {
                throw new InvalidKeyFileException("key is in the traditional OpenSSL format; convert it to PKCS #8 with "
                        + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem'");
            }
            throw new InvalidKeyFileException("not a PKCS #8 PEM private key: expected a '" + PEM_BEGIN + "' block");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(b + PEM_BEGIN.length(), e).strip());
        } catch (IllegalArgumentException x) {
            throw new InvalidKeyFileException("the PEM block is not valid base64: " + x.getMessage());
        }
        try {
            return fromPkcs8(der, algorithm);
        } finally {
            java.util.Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * Reads a DER-encoded PKCS #8 private key for {@code algorithm}, as {@link #pkcs8()} writes it; the caller may wipe
     * {@code der} afterwards. Throws {@link InvalidKeyFileException} saying what is wrong.
     */
    public static SwarmKeyPair fromPkcs8(byte[] der, SignatureAlgorithm algorithm) {
        PrivateKey key;
        try {
            // getPrivateKey consults converters a BouncyCastleProvider instance registers: make sure one exists.
            java.util.Objects.requireNonNull(Jca.BC);
            key = BouncyCastleProvider.getPrivateKey(PrivateKeyInfo.getInstance(der));
        } catch (IOException | RuntimeException x) {
            throw new InvalidKeyFileException("the PEM block is not a PKCS #8 private key: " + x.getMessage());
        }
        if (key == null) {
            throw new InvalidKeyFileException("the PEM block holds a key of an algorithm BouncyCastle does not know");
        }
        try {
            return new SwarmKeyPair(algorithm, key, publicKeyOf(algorithm, key));
        } catch (GeneralSecurityException | IllegalArgumentException x) {
            throw new InvalidKeyFileException("the key in the PEM file does not suit " + algorithm + ": " + x.getMessage());
        }
    }

    private static PublicKey publicKeyOf(SignatureAlgorithm algorithm, PrivateKey key) throws GeneralSecurityException {
        return switch (algorithm) {
            case RSASHA1, RSASHA256 -> {
                if (!(key instanceof RSAPrivateCrtKey rsa)) {
                    throw new IllegalArgumentException("it is a " + key.getAlgorithm() + " key, not an RSA key with its public exponent");
                }
                yield KeyFactory.getInstance("RSA", Jca.BC).generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            case ECDSAP256SHA256, ECDSAP384SHA384 -> {
                if (!(key instanceof ECPrivateKey ec)) {
                    throw new IllegalArgumentException("it is a " + key.getAlgorithm() + " key, not an EC key");
                }
                ECParameterSpec params = ec.getParameters();
                int bits = params.getCurve().getFieldSize();
                if (bits != algorithm.keyBits()) {
                    throw new IllegalArgumentException("its curve has " + bits + " bits, " + algorithm + " needs " + algorithm.keyBits());
                }
                BigInteger d = ec.getD();
                yield KeyFactory.getInstance("EC", Jca.BC).generatePublic(new ECPublicKeySpec(params.getG().multiply(d).normalize(), params));
            }
            case ED25519 -> {
                if (!(key instanceof EdDSAPrivateKey ed) || !key.getAlgorithm().equals("Ed25519")) {
                    throw new IllegalArgumentException("it is a " + key.getAlgorithm() + " key, not an Ed25519 key");
                }
                yield ed.getPublicKey();
            }
        };
    }

    /** The private key as PKCS #8 PEM: for a key file of the operator's. */
    public String toPem() {
        byte[] der = pkcs8();
        try {
            String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
            return PEM_BEGIN + "\n" + b64 + "\n" + PEM_END + "\n";
        } finally {
            java.util.Arrays.fill(der, (byte) 0);
        }
    }

    /** The private key as DER-encoded PKCS #8, a fresh array the caller wipes when done (to wrap under a master key). */
    public byte[] pkcs8() {
        return privateKey.getEncoded();
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    public SwarmId swarmId() {
        return swarmId;
    }

    /** Signs the concatenation of {@code parts}. */
    public Bytes sign(byte[]... parts) {
        try {
            Signature s = Signature.getInstance(algorithm.jcaSignature(), Jca.BC);
            s.initSign(privateKey);
            for (byte[] p : parts) {
                s.update(p);
            }
            return Bytes.of(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + algorithm + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SwarmKeyPair[" + swarmId + ", private key withheld]";
    }
}
