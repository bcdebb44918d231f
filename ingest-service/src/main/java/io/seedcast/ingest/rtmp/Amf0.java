package io.seedcast.ingest.rtmp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0, the encoding of RTMP commands (connect, createStream, publish, onStatus…): numbers, booleans,
 * strings, objects, null/undefined, ECMA and strict arrays. Values map to Double, Boolean, String,
 * Map, null and List. Decoding is bounded: a length is checked against what remains, nesting is
 * limited, and any malformed input is an {@link AmfException}.
 */
public final class Amf0 {

    static final int NUMBER = 0, BOOLEAN = 1, STRING = 2, OBJECT = 3, NULL = 5, UNDEFINED = 6, ECMA_ARRAY = 8, OBJECT_END = 9,
            STRICT_ARRAY = 10, DATE = 11, LONG_STRING = 12;
    static final int MAX_DEPTH = 16;

    private Amf0() {
    }

    /** Decodes every value in {@code in}. */
    public static List<Object> decodeAll(ByteBuffer in) throws AmfException {
        List<Object> out = new ArrayList<>();
        while (in.hasRemaining()) {
            out.add(decode(in, 0));
        }
        return out;
    }

    static Object decode(ByteBuffer in, int depth) throws AmfException {
        if (depth > MAX_DEPTH) {
            throw new AmfException("AMF0 nested deeper than " + MAX_DEPTH);
        }
        int type = u8(in);
        return switch (type) {
            case NUMBER -> {
                need(in, 8);
                yield in.getDouble();
            }
            case BOOLEAN -> u8(in) != 0;
            case STRING -> string(in, u16(in));
            case LONG_STRING -> string(in, u32(in));
            case OBJECT -> properties(in, depth);
            case ECMA_ARRAY -> {
                u32(in); // approximate count; the end marker is what ends it
                yield properties(in, depth);
            }
            case STRICT_ARRAY -> {
                long n = u32(in);
                if (n > in.remaining()) {
                    throw new AmfException("AMF0 strict array of " + n + " items in " + in.remaining() + " bytes");
                }
                List<Object> l = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    l.add(decode(in, depth + 1));
                }
                yield l;
            }
            case DATE -> {
                need(in, 10);
                double t = in.getDouble();
                in.getShort();
                yield t;
            }
            case NULL, UNDEFINED -> null;
            default -> throw new AmfException("AMF0 type " + type + " is not supported");
        };
    }

    private static Map<String, Object> properties(ByteBuffer in, int depth) throws AmfException {
        Map<String, Object> m = new LinkedHashMap<>();
        while (true) {
            String key = string(in, u16(in));
            if (key.isEmpty()) {
                if (u8(in) != OBJECT_END) {
                    throw new AmfException("AMF0 object without its end marker");
                }
                return m;
            }
            m.put(key, decode(in, depth + 1));
        }
    }

    private static String string(ByteBuffer in, long n) throws AmfException {
        need(in, n);
        byte[] b = new byte[(int) n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void need(ByteBuffer in, long n) throws AmfException {
        if (in.remaining() < n) {
            throw new AmfException("AMF0 value needs " + n + " bytes, " + in.remaining() + " left");
        }
    }

    private static int u8(ByteBuffer in) throws AmfException {
        need(in, 1);
        return in.get() & 0xFF;
    }

    private static int u16(ByteBuffer in) throws AmfException {
        need(in, 2);
        return in.getShort() & 0xFFFF;
    }

    private static long u32(ByteBuffer in) throws AmfException {
        need(in, 4);
        return Integer.toUnsignedLong(in.getInt());
    }

    /** Encodes values: Number/Integer/Long as numbers, Boolean, String, Map as object, null. */
    public static byte[] encode(Object... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object v : values) {
            write(out, v);
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        switch (v) {
            case null -> out.write(NULL);
            case Number n -> {
                out.write(NUMBER);
                long bits = Double.doubleToLongBits(n.doubleValue());
                for (int s = 56; s >= 0; s -= 8) {
                    out.write((int) (bits >>> s));
                }
            }
            case Boolean b -> {
                out.write(BOOLEAN);
                out.write(b ? 1 : 0);
            }
            case String s -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.write(STRING);
                out.write(b.length >>> 8);
                out.write(b.length);
                out.writeBytes(b);
            }
            case Map<?, ?> m -> {
                out.write(OBJECT);
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    byte[] k = String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8);
                    out.write(k.length >>> 8);
                    out.write(k.length);
                    out.writeBytes(k);
                    write(out, e.getValue());
                }
                out.write(0);
                out.write(0);
                out.write(OBJECT_END);
            }
            default -> throw new IllegalArgumentException("no AMF0 encoding for " + v.getClass());
        }
    }

    /** Malformed AMF0. */
    public static final class AmfException extends Exception {
        public AmfException(String message) {
            super(message, null, false, false);
        }
    }
}
