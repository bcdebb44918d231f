package io.seedcast.bench;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.integrity.MerkleTree;
import java.security.MessageDigest;
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
 * Merkle hashing throughput: the tree over 1 MiB of content in 1024-byte chunks (1024 leaves,
 * 1023 parents). One op is 1 MiB, so MB/s = ops/s × 1.048576. The baseline {@code rawDigest}
 * hashes the same bytes in one pass: the ratio is the price of the tree.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MerkleBenchmark {

    @Param({"SHA1", "SHA224", "SHA256", "SHA384", "SHA512"})
    public String function;

    private MerkleHashFunction f;
    private byte[] content;
    private MessageDigest digest;

    @Setup
    public void setup() throws Exception {
        f = MerkleHashFunction.valueOf(function);
        content = new byte[1 << 20];
        new java.util.Random(2).nextBytes(content);
        digest = MessageDigest.getInstance(switch (f) {
            case SHA1 -> "SHA-1";
            case SHA224 -> "SHA-224";
            case SHA256 -> "SHA-256";
            case SHA384 -> "SHA-384";
            case SHA512 -> "SHA-512";
        });
    }

    @Benchmark
    public Bytes merkleRoot() {
        return MerkleTree.ofContent(f, content, 1024).rootHash();
    }

    @Benchmark
    public byte[] rawDigest() {
        return digest.digest(content);
    }
}
