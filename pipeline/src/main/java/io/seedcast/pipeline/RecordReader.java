package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Bounds-checked reading of record fields: every length is checked against what remains before use. */
final class RecordReader {
    static final int VERSION = 1;

    private final ByteBuffer in;

    RecordReader(byte[] value, int expectedType, String what) throws MalformedRecordException {
        if (value == null) {
            throw new MalformedRecordException(what + ": null value");
        }
        this.in = ByteBuffer.wrap(value);
        int version = u8("version byte");
        if (version != VERSION) {
            throw new MalformedRecordException(what + ": version byte " + version + ", this build reads version " + VERSION);
        }
        int type = u8("record type");
        if (type != expectedType) {
            throw new MalformedRecordException(what + ": record type " + type + " where " + expectedType + " was expected");
        }
    }

    private void need(int n, String field) throws MalformedRecordException {
        if (n < 0 || in.remaining() < n) {
            throw new MalformedRecordException("truncated at byte " + in.position() + ": " + field + " needs " + n + " bytes, "
                    + in.remaining() + " left");
        }
    }

    int u8(String field) throws MalformedRecordException {
        need(1, field);
        return in.get() & 0xFF;
    }

    boolean bool(String field) throws MalformedRecordException {
        int v = u8(field);
        if (v > 1) {
            throw new MalformedRecordException(field + " is " + v + ", not a boolean");
        }
        return v == 1;
    }

    int u16(String field) throws MalformedRecordException {
        need(2, field);
        return in.getShort() & 0xFFFF;
    }

    int i32(String field) throws MalformedRecordException {
        need(4, field);
        return in.getInt();
    }

    long i64(String field) throws MalformedRecordException {
        need(8, field);
        return in.getLong();
    }

    Bytes bytes(String field, int max) throws MalformedRecordException {
        int n = i32(field + " length");
        if (n < 0 || n > max) {
            throw new MalformedRecordException(field + " length " + n + " is outside 0.." + max);
        }
        need(n, field);
        return Bytes.read(in, n);
    }

    Bytes optionalBytes(String field, int max) throws MalformedRecordException {
        return bool(field + " present") ? bytes(field, max) : null;
    }

    String string(String field) throws MalformedRecordException {
        int n = u16(field + " length");
        need(n, field);
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A count of items that each take at least {@code minItemBytes}: bounded by what remains. */
    int count(String field, int minItemBytes) throws MalformedRecordException {
        int n = i32(field + " count");
        if (n < 0 || (long) n * minItemBytes > in.remaining()) {
            throw new MalformedRecordException(field + " count " + n + " cannot fit in the " + in.remaining() + " bytes left");
        }
        return n;
    }

    void end(String what) throws MalformedRecordException {
        if (in.hasRemaining()) {
            throw new MalformedRecordException(what + ": " + in.remaining() + " unexpected bytes after the record");
        }
    }
}
