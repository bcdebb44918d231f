package io.seedcast.ppspp.wire;

import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.wire.ProtocolOption.ChunkAddressingMethod;
import io.seedcast.ppspp.wire.ProtocolOption.ChunkSize;
import io.seedcast.ppspp.wire.ProtocolOption.ContentIntegrityProtection;
import io.seedcast.ppspp.wire.ProtocolOption.LiveDiscardWindow;
import io.seedcast.ppspp.wire.ProtocolOption.LiveSignatureAlgorithm;
import io.seedcast.ppspp.wire.ProtocolOption.MerkleHashTreeFunction;
import io.seedcast.ppspp.wire.ProtocolOption.MinimumVersion;
import io.seedcast.ppspp.wire.ProtocolOption.SupportedMessages;
import io.seedcast.ppspp.wire.ProtocolOption.SwarmIdentifier;
import io.seedcast.ppspp.wire.ProtocolOption.Version;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The protocol options of a HANDSHAKE, held and written in ascending order of code, each at most
 * once, and always followed by the End option on the wire.
 */
// RFC 7574 §7
public record ProtocolOptions(List<ProtocolOption> options) {

    public static final ProtocolOptions NONE = new ProtocolOptions(List.of());

    public ProtocolOptions {
        options = List.copyOf(options);
        for (int i = 1; i < options.size(); i++) {
            if (options.get(i).code() <= options.get(i - 1).code()) {
                throw new IllegalArgumentException("protocol options must be in ascending order of code, each once: " + options);
            }
        }
    }

    /** Sorts {@code options} into the order the wire requires; a code twice is an error. */
    public static ProtocolOptions of(ProtocolOption... options) {
        List<ProtocolOption> l = new ArrayList<>(List.of(options));
        l.sort(Comparator.comparingInt(ProtocolOption::code));
        return new ProtocolOptions(l);
    }

    @SuppressWarnings("unchecked")
    private <T extends ProtocolOption> T find(Class<T> type) {
        for (ProtocolOption o : options) {
            if (type.isInstance(o)) {
                return (T) o;
            }
        }
        return null;
    }

    public boolean has(int code) {
        return options.stream().anyMatch(o -> o.code() == code);
    }

    public Integer version() {
        Version v = find(Version.class);
        return v == null ? null : v.version();
    }

    public Integer minimumVersion() {
        MinimumVersion v = find(MinimumVersion.class);
        return v == null ? null : v.version();
    }

    public Bytes swarmId() {
        SwarmIdentifier s = find(SwarmIdentifier.class);
        return s == null ? null : s.swarmId();
    }

    public IntegrityMethod integrityMethod() {
        ContentIntegrityProtection c = find(ContentIntegrityProtection.class);
        return c == null ? null : c.method();
    }

    public MerkleHashFunction merkleHashFunction() {
        MerkleHashTreeFunction m = find(MerkleHashTreeFunction.class);
        return m == null ? null : m.function();
    }

    public SignatureAlgorithm liveSignatureAlgorithm() {
        LiveSignatureAlgorithm l = find(LiveSignatureAlgorithm.class);
        return l == null ? null : l.algorithm();
    }

    public ChunkAddressing addressing() {
        ChunkAddressingMethod c = find(ChunkAddressingMethod.class);
        return c == null ? null : c.addressing();
    }

    /** The live discard window, {@link LiveDiscardWindow#UNLIMITED}, or null if not sent. */
    public Long liveDiscardWindow() {
        LiveDiscardWindow w = find(LiveDiscardWindow.class);
        return w == null ? null : w.window();
    }

    public Long chunkSize() {
        ChunkSize c = find(ChunkSize.class);
        return c == null ? null : c.size();
    }

    /** These options without the ones whose codes are given: for a peer profile that must not see them. */
    public ProtocolOptions without(int... codes) {
        List<ProtocolOption> l = new ArrayList<>(options);
        for (int c : codes) {
            l.removeIf(o -> o.code() == c);
        }
        return new ProtocolOptions(l);
    }

    int encodedLength(ChunkAddressing addressing) {
        int n = 1;
        ChunkAddressing a = addressing;
        for (ProtocolOption o : options) {
            n += o.encodedLength(a);
            if (o instanceof ChunkAddressingMethod c) {
                a = c.addressing();
            }
        }
        return n;
    }

    void writeTo(ByteBuffer out, ChunkAddressing addressing) {
        ChunkAddressing a = addressing;
        for (ProtocolOption o : options) {
            o.writeTo(out, a);
            if (o instanceof ChunkAddressingMethod c) {
                a = c.addressing();
            }
        }
        out.put((byte) ProtocolOption.END);
    }

    /** Reads options up to and including End. A discard window before any addressing option takes the channel's. */
    static ProtocolOptions read(WireReader in) throws Malformed {
        List<ProtocolOption> out = new ArrayList<>();
        ChunkAddressing addressing = in.context.addressing();
        int previous = -1;
        while (true) {
            int at = in.offset();
            int code = in.u8("HANDSHAKE option code (options must end with 255)");
            if (code == ProtocolOption.END) {
                return new ProtocolOptions(out);
            }
            if (code > 9) {
                throw in.error(DecodeError.Reason.UNKNOWN_OPTION, at, "HANDSHAKE option " + code + " is not assigned by RFC 7574");
            }
            if (code <= previous) {
                throw in.error(DecodeError.Reason.OPTIONS_NOT_ASCENDING, at,
                        "HANDSHAKE option " + code + " follows option " + previous + ": options must ascend, each once");
            }
            previous = code;
            ProtocolOption option = switch (code) {
                case 0 -> new Version(in.u8("version"));
                case 1 -> new MinimumVersion(in.u8("minimum version"));
                case 2 -> {
                    int len = in.u16("swarm ID length");
                    yield new SwarmIdentifier(in.bytes(len, "swarm ID"));
                }
                case 3 -> {
                    int v = in.u8("content integrity protection method");
                    IntegrityMethod m = IntegrityMethod.ofCode(v);
                    if (m == null) {
                        throw unsupported(in, at, "content integrity protection method " + v);
                    }
                    yield new ContentIntegrityProtection(m);
                }
                case 4 -> {
                    int v = in.u8("Merkle hash tree function");
                    MerkleHashFunction f = MerkleHashFunction.ofCode(v);
                    if (f == null) {
                        throw unsupported(in, at, "Merkle hash tree function " + v);
                    }
                    yield new MerkleHashTreeFunction(f);
                }
                case 5 -> {
                    int v = in.u8("live signature algorithm");
                    SignatureAlgorithm s = SignatureAlgorithm.ofNumber(v);
                    if (s == null) {
                        throw unsupported(in, at, "live signature algorithm (DNSSEC number) " + v);
                    }
                    yield new LiveSignatureAlgorithm(s);
                }
                case 6 -> {
                    int v = in.u8("chunk addressing method");
                    ChunkAddressing c = ChunkAddressing.ofCode(v);
                    if (c == null) {
                        throw unsupported(in, at, "chunk addressing method " + v);
                    }
                    addressing = c;
                    yield new ChunkAddressingMethod(c);
                }
                case 7 -> {
                    in.need(addressing.integerLength(), "live discard window");
                    long w = addressing.readInteger(in.buffer());
                    yield new LiveDiscardWindow(w == addressing.allOnes() ? LiveDiscardWindow.UNLIMITED : w);
                }
                case 8 -> {
                    int len = in.u8("supported messages length");
                    if (len > 32) {
                        throw in.error(DecodeError.Reason.BAD_LENGTH, at, "supported messages bitmap of " + len + " bytes: at most 32 (256 bits)");
                    }
                    yield new SupportedMessages(in.bytes(len, "supported messages bitmap"));
                }
                case 9 -> {
                    long size = in.u32("chunk size");
                    if (size == 0) {
                        throw unsupported(in, at, "chunk size 0");
                    }
                    yield new ChunkSize(size);
                }
                default -> throw new IllegalStateException("unreachable: option " + code);
            };
            out.add(option);
        }
    }

    private static Malformed unsupported(WireReader in, int at, String what) {
        return in.error(DecodeError.Reason.UNSUPPORTED_OPTION_VALUE, at, what + " is not supported");
    }
}
