package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Big-endian writing of record fields; strings and byte strings carry a length prefix. */
final class RecordWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    RecordWriter(int type) {
        u8(RecordReader.VERSION);
        u8(type);
    }

    RecordWriter u8(int v) {
        out.write(v);
        return this;
    }

    RecordWriter bool(boolean b) {
        return u8(b ? 1 : 0);
    }

    RecordWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    RecordWriter i32(int v) {
        for (int s = 24; s >= 0; s -= 8) {
            out.write(v >>> s);
        }
        return this;
    }

    RecordWriter i64(long v) {
        for (int s = 56; s >= 0; s -= 8) {
            out.write((int) (v >>> s));
        }
        return this;
    }

    RecordWriter bytes(Bytes b) {
        i32(b.length());
        out.writeBytes(b.unsafeArray());
        return this;
    }

    RecordWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u16(b.length);
        out.writeBytes(b);
        return this;
    }

    RecordWriter optionalBytes(Bytes b) {
        bool(b != null);
        return b == null ? this : bytes(b);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
