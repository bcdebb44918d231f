package io.seedcast.bench;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkRange;
import io.seedcast.ppspp.wire.Data;
import io.seedcast.ppspp.wire.Datagram;
import io.seedcast.ppspp.wire.DatagramCodec;
import io.seedcast.ppspp.wire.DecodeResult;
import io.seedcast.ppspp.wire.WireContext;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Datagrams per second through the codec for one 1024-byte DATA under 32-bit chunk ranges
 * (1041 bytes on the wire). The baseline {@code copyOnly} copies the same bytes into a buffer:
 * the floor any codec that yields an owned payload pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    private Datagram datagram;
    private byte[] wire;
    private ByteBuffer out;
    private final WireContext context = WireContext.DEFAULT;

    @Setup
    public void setup() {
        byte[] chunk = new byte[1024];
        new java.util.Random(3).nextBytes(chunk);
        datagram = Datagram.of(0x1234abcd, new Data(ChunkRange.single(123_456), 0x0004e94180b7db44L, Bytes.of(chunk)));
        wire = DatagramCodec.encode(datagram, context);
        out = ByteBuffer.allocate(DatagramCodec.MAX_DATAGRAM);
    }

    @Benchmark
    public ByteBuffer encode() {
        out.clear();
        DatagramCodec.encode(datagram, context, out);
        return out;
    }

    @Benchmark
    public DecodeResult decode() {
        return DatagramCodec.decode(wire, context);
    }

    @Benchmark
    public byte[] copyOnly() {
        return wire.clone();
    }
}
