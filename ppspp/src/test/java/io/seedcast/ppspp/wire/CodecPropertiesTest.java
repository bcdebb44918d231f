package io.seedcast.ppspp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.Bin;
import io.seedcast.ppspp.chunk.ByteRange;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.chunk.ChunkSpec;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of the codec over generated input: encode∘decode is the identity for any datagram we
 * can build, and no byte string, random or a mutation of a valid datagram, makes decode throw.
 * The seed is fixed so that a failure names the case that reproduces it.
 */
class CodecPropertiesTest {

    static final long SEED = 0x7574L;

    @Test
    void encodeThenDecodeIsIdentity() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < 20_000; i++) {
            WireContext ctx = context(r);
            Datagram d = datagram(r, ctx);
            byte[] wire = DatagramCodec.encode(d, ctx);
            assertEquals(DatagramCodec.encodedLength(d, ctx), wire.length);
            DecodeResult result = DatagramCodec.decode(wire, ctx);
            if (!(result instanceof DecodeResult.Decoded decoded)) {
                fail("case " + i + ": " + result + " for " + d);
                return;
            }
            assertEquals(d, decoded.datagram(), "case " + i);
            assertArrayEquals(wire, DatagramCodec.encode(decoded.datagram(), ctx), "case " + i);
        }
    }

    @Test
    void randomBytesNeverThrow() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        int decoded = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[r.nextInt(0, 200)];
            r.nextBytes(b);
            // Bias towards valid type bytes so that decoding gets past the first message.
            if (b.length > 4) {
                b[4] = (byte) r.nextInt(0, 16);
            }
            if (decodeSafely(b, context(r)) instanceof DecodeResult.Decoded) {
                decoded++;
            }
        }
        System.out.printf("random datagrams: 200000 decoded without an exception, %d of them valid%n", decoded);
    }

    @Test
    void mutatedDatagramsNeverThrow() {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        int malformed = 0;
        for (int i = 0; i < 100_000; i++) {
            WireContext ctx = context(r);
            byte[] wire = DatagramCodec.encode(datagram(r, ctx), ctx);
            switch (r.nextInt(4)) {
                case 0 -> wire[r.nextInt(wire.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> wire = java.util.Arrays.copyOf(wire, r.nextInt(wire.length + 1));
                case 2 -> {
                    int at = r.nextInt(wire.length);
                    wire[at] = (byte) 0xFF;
                }
                default -> {
                    for (int k = 0; k < 4; k++) {
                        wire[r.nextInt(wire.length)] = (byte) r.nextInt(256);
                    }
                }
            }
            if (decodeSafely(wire, ctx) instanceof DecodeResult.Malformed) {
                malformed++;
            }
        }
        System.out.printf("mutated datagrams: 100000 decoded without an exception, %d reported malformed%n", malformed);
    }

    private static DecodeResult decodeSafely(byte[] b, WireContext ctx) {
        try {
            return DatagramCodec.decode(b, ctx);
        } catch (RuntimeException e) {
            throw new AssertionError("decode threw on " + java.util.HexFormat.of().formatHex(b) + " under " + ctx, e);
        }
    }

    // Generators.

    static WireContext context(SplittableRandom r) {
        ChunkAddressing a = ChunkAddressing.values()[r.nextInt(ChunkAddressing.values().length)];
        int hash = MerkleHashFunction.values()[r.nextInt(5)].length();
        int sig = new int[] {64, 96, 128, 256, 0}[r.nextInt(5)];
        long chunkSize = r.nextInt(3) == 0 ? WireContext.VARIABLE_CHUNK_SIZE : new long[] {16, 512, 1024}[r.nextInt(3)];
        return new WireContext(a, hash, sig, chunkSize);
    }

    static Datagram datagram(SplittableRandom r, WireContext start) {
        List<Message> messages = new ArrayList<>();
        WireContext ctx = start;
        int n = r.nextInt(0, 7);
        for (int i = 0; i < n; i++) {
            Message m = message(r, ctx, i == n - 1);
            if (m == null) {
                continue;
            }
            messages.add(m);
            if (m instanceof Handshake h) {
                ctx = ctx.with(h.options());
            }
        }
        return new Datagram(r.nextInt(), messages);
    }

    static Message message(SplittableRandom r, WireContext ctx, boolean last) {
        int type = r.nextInt(14);
        return switch (type) {
            case 0 -> new Handshake(r.nextInt(), options(r, ctx));
            case 1 -> {
                ChunkSpec spec = spec(r, ctx.addressing());
                int len;
                if (spec instanceof ByteRange br) {
                    len = (int) br.length();
                } else if (last || !ctx.fixedChunkSize()) {
                    if (!last) {
                        yield null;
                    }
                    len = (int) Math.min(r.nextInt(0, 1100), ctx.fixedChunkSize() ? ctx.chunkSize() : 1100);
                } else {
                    len = (int) ctx.chunkSize();
                }
                yield new Data(spec, r.nextLong(), bytes(r, len));
            }
            case 2 -> new Ack(spec(r, ctx.addressing()), r.nextLong());
            case 3 -> new Have(spec(r, ctx.addressing()));
            case 4 -> new Integrity(spec(r, ctx.addressing()), bytes(r, ctx.hashLength()));
            case 5 -> new PexResV4(new InetSocketAddress(address(r, 4), r.nextInt(65536)));
            case 6 -> PexReq.INSTANCE;
            case 7 -> ctx.signatureLength() == 0 ? Choke.INSTANCE
                    : new SignedIntegrity(spec(r, ctx.addressing()), r.nextLong(), bytes(r, ctx.signatureLength()));
            case 8 -> new Request(spec(r, ctx.addressing()));
            case 9 -> new Cancel(spec(r, ctx.addressing()));
            case 10 -> Choke.INSTANCE;
            case 11 -> Unchoke.INSTANCE;
            case 12 -> new PexResV6(new InetSocketAddress(address(r, 16), r.nextInt(65536)));
            default -> new PexResCert(bytes(r, r.nextInt(0, 300)));
        };
    }

    static ProtocolOptions options(SplittableRandom r, WireContext ctx) {
        List<ProtocolOption> o = new ArrayList<>();
        if (r.nextBoolean()) {
            o.add(new ProtocolOption.Version(r.nextInt(256)));
        }
        if (r.nextBoolean()) {
            o.add(new ProtocolOption.MinimumVersion(r.nextInt(256)));
        }
        if (r.nextBoolean()) {
            o.add(new ProtocolOption.SwarmIdentifier(bytes(r, r.nextInt(0, 100))));
        }
        if (r.nextBoolean()) {
            o.add(new ProtocolOption.ContentIntegrityProtection(IntegrityMethod.values()[r.nextInt(4)]));
        }
        if (r.nextBoolean()) {
            o.add(new ProtocolOption.MerkleHashTreeFunction(MerkleHashFunction.values()[r.nextInt(5)]));
        }
        if (r.nextBoolean()) {
            // Not RSA: its signature length would need a real RSA swarm ID.
            o.add(new ProtocolOption.LiveSignatureAlgorithm(SignatureAlgorithm.values()[r.nextInt(2, 5)]));
        }
        ChunkAddressing a = ctx.addressing();
        if (r.nextBoolean()) {
            a = ChunkAddressing.values()[r.nextInt(5)];
            o.add(new ProtocolOption.ChunkAddressingMethod(a));
        }
        if (r.nextBoolean()) {
            long w = r.nextInt(4) == 0 ? ProtocolOption.LiveDiscardWindow.UNLIMITED
                    : a.integerLength() == 4 ? r.nextLong(0, 0xFFFF_FFFFL) : r.nextLong(0, Long.MAX_VALUE);
            o.add(new ProtocolOption.LiveDiscardWindow(w));
        }
        if (r.nextBoolean()) {
            EnumSet<MessageType> types = EnumSet.noneOf(MessageType.class);
            for (MessageType t : MessageType.values()) {
                if (r.nextBoolean()) {
                    types.add(t);
                }
            }
            o.add(ProtocolOption.SupportedMessages.of(types));
        }
        if (r.nextBoolean()) {
            o.add(new ProtocolOption.ChunkSize(new long[] {512, 1024, 8192, WireContext.VARIABLE_CHUNK_SIZE}[r.nextInt(4)]));
        }
        return new ProtocolOptions(o);
    }

    static ChunkSpec spec(SplittableRandom r, ChunkAddressing a) {
        return switch (a) {
            case BINS_32 -> r.nextInt(10) == 0 ? Bin.NONE : new Bin(r.nextLong(0, 0xFFFF_FFFFL));
            case BINS_64 -> r.nextInt(10) == 0 ? Bin.NONE : new Bin(r.nextLong(0, Long.MAX_VALUE) | (r.nextBoolean() ? 0 : Long.MAX_VALUE));
            case CHUNK_RANGES_32 -> {
                long s = r.nextLong(0, 0xFFFF_FFFFL);
                yield new ChunkRange(s, s + r.nextLong(0, 0x1_0000_0000L - s));
            }
            case CHUNK_RANGES_64 -> {
                long s = r.nextLong(0, Long.MAX_VALUE);
                yield new ChunkRange(s, s + r.nextLong(0, Long.MAX_VALUE - s + 1));
            }
            case BYTE_RANGES_64 -> {
                long s = r.nextLong(0, Long.MAX_VALUE / 2);
                yield new ByteRange(s, s + r.nextInt(0, 1024));
            }
        };
    }

    static Bytes bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return Bytes.of(b);
    }

    static InetAddress address(SplittableRandom r, int len) {
        byte[] b = new byte[len];
        r.nextBytes(b);
        try {
            return len == 4 ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
