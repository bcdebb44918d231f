package io.seedcast.bench;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Signatures per second and verifications per second for each live signature algorithm, over what
 * a munro signature covers (RFC profile: 8-byte spec ‖ 8-byte timestamp ‖ 32-byte hash). The
 * {@code jdk*} benchmarks are the baseline: the JDK's own providers on the same input.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SignatureBenchmark {

    @Param({"ECDSAP256SHA256", "ECDSAP384SHA384", "ED25519", "RSASHA256", "RSASHA1"})
    public String algorithm;

    private SwarmKeyPair key;
    private byte[] message;
    private Bytes signature;

    private KeyPair jdkKey;
    private String jdkName;
    private byte[] jdkSignature;

    @Setup
    public void setup() throws Exception {
        SignatureAlgorithm a = SignatureAlgorithm.parse(algorithm);
        key = SwarmKeyPair.generate(a);
        message = new byte[48];
        new java.util.Random(1).nextBytes(message);
        signature = key.sign(message);

        KeyPairGenerator g;
        switch (a) {
            case ECDSAP256SHA256, ECDSAP384SHA384 -> {
                g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec(a == SignatureAlgorithm.ECDSAP256SHA256 ? "secp256r1" : "secp384r1"));
                jdkName = a == SignatureAlgorithm.ECDSAP256SHA256 ? "SHA256withECDSAinP1363Format" : "SHA384withECDSAinP1363Format";
            }
            case ED25519 -> {
                g = KeyPairGenerator.getInstance("Ed25519");
                jdkName = "Ed25519";
            }
            default -> {
                g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                jdkName = a == SignatureAlgorithm.RSASHA1 ? "SHA1withRSA" : "SHA256withRSA";
            }
        }
        jdkKey = g.generateKeyPair();
        jdkSignature = jdkSign();
    }

    @Benchmark
    public Bytes sign() {
        return key.sign(message);
    }

    @Benchmark
    public boolean verify() {
        return key.swarmId().verify(signature, message);
    }

    @Benchmark
    public byte[] jdkSign() throws Exception {
        Signature s = Signature.getInstance(jdkName);
        s.initSign(jdkKey.getPrivate());
        s.update(message);
        return s.sign();
    }

    @Benchmark
    public boolean jdkVerify() throws Exception {
        Signature s = Signature.getInstance(jdkName);
        s.initVerify(jdkKey.getPublic());
        s.update(message);
        return s.verify(jdkSignature);
    }
}
