package io.seedcast.ppspp.integrity;

import io.seedcast.ppspp.Bytes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash functions a Merkle hash tree can use (the Merkle Hash Tree Function option). Hashing
 * uses the JDK's digests, which have CPU intrinsics for SHA-1 and SHA-2.
 */
// RFC 7574 §7.6
public enum MerkleHashFunction {
    SHA1(0, "SHA-1", 20),
    SHA224(1, "SHA-224", 28),
    SHA256(2, "SHA-256", 32),
    SHA384(3, "SHA-384", 48),
    SHA512(4, "SHA-512", 64);

    /** The RFC's default, and ours. */
    public static final MerkleHashFunction DEFAULT = SHA256;

    private final int code;
    private final String jcaName;
    private final int length;
    private final Bytes zero;
    private final ThreadLocal<MessageDigest> digest;

    MerkleHashFunction(int code, String jcaName, int length) {
        this.code = code;
        this.jcaName = jcaName;
        this.length = length;
        this.zero = Bytes.zeros(length);
        this.digest = ThreadLocal.withInitial(() -> {
            try {
                return MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(jcaName + " is missing from this JDK", e);
            }
        });
    }

    public int code() {
        return code;
    }

    /** Hash length in bytes: the length of every INTEGRITY hash in a swarm using this function. */
    public int length() {
        return length;
    }

    /** The all-zero hash of an empty leaf or subtree (RFC 7574 §5.1). */
    public Bytes zero() {
        return zero;
    }

    public static MerkleHashFunction ofCode(int code) {
        for (MerkleHashFunction f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }

    public static MerkleHashFunction parse(String text) {
        String t = text.trim().toUpperCase().replace("-", "");
        for (MerkleHashFunction f : values()) {
            if (f.name().equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown hash function '" + text + "': use one of sha1, sha224, sha256, sha384, sha512");
    }

    /** The hash of a chunk: a leaf of the tree. */
    public Bytes hash(byte[] data, int offset, int length) {
        MessageDigest d = digest.get();
        d.update(data, offset, length);
        return Bytes.of(d.digest());
    }

    public Bytes hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    public Bytes hash(Bytes data) {
        return hash(data.unsafeArray());
    }

    /** A parent node's hash: H(left ‖ right), but all zeros if both children are (RFC 7574 §5.1). */
    public Bytes parent(Bytes left, Bytes right) {
        if (left.isAllZero() && right.isAllZero()) {
            return zero;
        }
        MessageDigest d = digest.get();
        d.update(left.unsafeArray());
        d.update(right.unsafeArray());
        return Bytes.of(d.digest());
    }

    String jcaName() {
        return jcaName;
    }
}
