package io.seedcast.ppspp.chunk;

import java.nio.ByteBuffer;

/**
 * The chunk addressing methods of the Chunk Addressing Method option. The method fixes how every
 * chunk specification, and the live discard window, is written on the wire.
 */
// RFC 7574 §7.8
public enum ChunkAddressing {
    BINS_32(0, 4, "32-bit bins"),
    BYTE_RANGES_64(1, 16, "64-bit byte ranges"),
    CHUNK_RANGES_32(2, 8, "32-bit chunk ranges"),
    BINS_64(3, 8, "64-bit bins"),
    CHUNK_RANGES_64(4, 16, "64-bit chunk ranges");

    /** The RFC's default, and ours. */
    public static final ChunkAddressing DEFAULT = CHUNK_RANGES_32;

    private final int code;
    private final int specLength;
    private final String description;

    ChunkAddressing(int code, int specLength, String description) {
        this.code = code;
        this.specLength = specLength;
        this.description = description;
    }

    /** The method as RFC 7574's Table 6 names it. */
    public String description() {
        return description;
    }

    public int code() {
        return code;
    }

    /** Bytes one chunk specification takes on the wire. */
    public int specLength() {
        return specLength;
    }

    /** Bytes of one integer (a bin, a range end, the live discard window). */
    public int integerLength() {
        return this == BINS_32 || this == CHUNK_RANGES_32 ? 4 : 8;
    }

    public boolean isBins() {
        return this == BINS_32 || this == BINS_64;
    }

    /**
     * A method by name as an operator writes it: {@code chunk-ranges} (the default), {@code bins}, {@code chunk-ranges-64},
     * {@code bins-64}, or the enum's name. Byte ranges are left out: live chunks are fixed-size, bytes say nothing more.
     */
    public static ChunkAddressing parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (ChunkAddressing a : values()) {
            if (a != BYTE_RANGES_64 && (a.name().equals(t) || a.name().equals(t + "_32"))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown chunk addressing '" + text + "': use chunk-ranges (the RFC's default), bins, chunk-ranges-64 or bins-64");
    }

    public static ChunkAddressing ofCode(int code) {
        for (ChunkAddressing a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return null;
    }

    /**
     * Converts a specification to this method's kind: a bin to its chunk range or back, a chunk
     * range to bytes or back. Throws if the conversion does not exist (a range that is not one bin).
     */
    public ChunkSpec convert(ChunkSpec spec, long chunkSize) {
        return switch (this) {
            case BINS_32, BINS_64 -> switch (spec) {
                case Bin b -> b;
                case ChunkRange r -> r.toBin();
                case ByteRange r -> r.toChunkRange(chunkSize).toBin();
            };
            case CHUNK_RANGES_32, CHUNK_RANGES_64 -> spec.chunks(chunkSize);
            case BYTE_RANGES_64 -> switch (spec) {
                case ByteRange r -> r;
                case Bin b -> b.chunks().toByteRange(chunkSize);
                case ChunkRange r -> r.toByteRange(chunkSize);
            };
        };
    }

    /** Whether {@code spec} can be written as it is under this method. */
    public boolean accepts(ChunkSpec spec) {
        return switch (this) {
            case BINS_32 -> spec instanceof Bin b && b.fits32();
            case BINS_64 -> spec instanceof Bin;
            case CHUNK_RANGES_32 -> spec instanceof ChunkRange r && r.fits32();
            case CHUNK_RANGES_64 -> spec instanceof ChunkRange;
            case BYTE_RANGES_64 -> spec instanceof ByteRange;
        };
    }

    /** Writes {@code spec}, which must already be of this method's kind ({@link #accepts}). */
    public void write(ChunkSpec spec, ByteBuffer out) {
        if (!accepts(spec)) {
            throw new IllegalArgumentException(spec + " cannot be written as " + this);
        }
        switch (spec) {
            case Bin b -> {
                if (this == BINS_32) {
                    out.putInt((int) (b.isNone() ? Bin.NONE32 : b.value()));
                } else {
                    out.putLong(b.value());
                }
            }
            case ChunkRange r -> {
                if (this == CHUNK_RANGES_32) {
                    out.putInt((int) r.start()).putInt((int) r.end());
                } else {
                    out.putLong(r.start()).putLong(r.end());
                }
            }
            case ByteRange r -> out.putLong(r.start()).putLong(r.end());
        }
    }

    /**
     * Reads one specification; the caller has checked that {@link #specLength()} bytes remain.
     * Returns null for a specification that is well-formed bytes but no valid range (start after end,
     * or beyond the 63 bits Java can hold).
     */
    public ChunkSpec read(ByteBuffer in) {
        return switch (this) {
            case BINS_32 -> {
                long v = Integer.toUnsignedLong(in.getInt());
                yield v == Bin.NONE32 ? Bin.NONE : new Bin(v);
            }
            case BINS_64 -> {
                long v = in.getLong();
                // Above 0x7FFF…F lies nothing of the tree but the empty bin.
                yield v >= 0 ? new Bin(v) : v == -1L ? Bin.NONE : null;
            }
            case CHUNK_RANGES_32 -> range(Integer.toUnsignedLong(in.getInt()), Integer.toUnsignedLong(in.getInt()), false);
            case CHUNK_RANGES_64 -> range(in.getLong(), in.getLong(), false);
            case BYTE_RANGES_64 -> range(in.getLong(), in.getLong(), true);
        };
    }

    private static ChunkSpec range(long start, long end, boolean bytes) {
        if (start < 0 || end < start) {
            return null;
        }
        return bytes ? new ByteRange(start, end) : new ChunkRange(start, end);
    }

    public void writeInteger(long value, ByteBuffer out) {
        if (integerLength() == 4) {
            out.putInt((int) value);
        } else {
            out.putLong(value);
        }
    }

    public long readInteger(ByteBuffer in) {
        return integerLength() == 4 ? Integer.toUnsignedLong(in.getInt()) : in.getLong();
    }

    /** The "all ones" value of this method's integer width. */
    public long allOnes() {
        return integerLength() == 4 ? 0xFFFF_FFFFL : -1L;
    }
}
