package io.seedcast.ppspp;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: hashes, signatures, swarm IDs, chunk payloads. Messages are records,
 * and a record holding a {@code byte[]} would be neither immutable nor comparable by value.
 */
public final class Bytes implements Comparable<Bytes> {

    public static final Bytes EMPTY = new Bytes(new byte[0]);
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] value;

    private Bytes(byte[] owned) {
        this.value = owned;
    }

    /** A copy of {@code bytes}; later changes to the array do not show. */
    public static Bytes of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    public static Bytes of(byte[] bytes, int offset, int length) {
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Reads {@code length} bytes from the buffer's position, advancing it. */
    public static Bytes read(ByteBuffer buffer, int length) {
        byte[] b = new byte[length];
        buffer.get(b);
        return length == 0 ? EMPTY : new Bytes(b);
    }

    public static Bytes fromHex(String hex) {
        return of(HEX.parseHex(hex));
    }

    public static Bytes zeros(int length) {
        return new Bytes(new byte[length]);
    }

    public int length() {
        return value.length;
    }

    public byte get(int index) {
        return value[index];
    }

    public boolean isAllZero() {
        for (byte b : value) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    public byte[] toArray() {
        return value.clone();
    }

    public void writeTo(ByteBuffer out) {
        out.put(value);
    }

    public Bytes slice(int from, int to) {
        return of(value, from, to - from);
    }

    public Bytes concat(Bytes other) {
        byte[] b = Arrays.copyOf(value, value.length + other.value.length);
        System.arraycopy(other.value, 0, b, value.length, other.value.length);
        return new Bytes(b);
    }

    /** The backing array, for feeding digests and signatures without a copy. Never modify it. */
    public byte[] unsafeArray() {
        return value;
    }

    public String hex() {
        return HEX.formatHex(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return value.length <= 32 ? hex() : hex().substring(0, 16) + "…(" + value.length + " bytes)";
    }
}
