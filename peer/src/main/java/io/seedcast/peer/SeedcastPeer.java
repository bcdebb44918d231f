package io.seedcast.peer;

import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.engine.EngineConfig;
import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.engine.PeerEngine;
import io.seedcast.ppspp.engine.SwarmStats;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.keys.InvalidKeyFileException;
import io.seedcast.ppspp.keys.InvalidSwarmIdException;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.sim.LinkProfile;
import io.seedcast.ppspp.sim.UdpRelay;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * seedcast-peer: a standalone PPSPP live source ({@code inject}) and viewer ({@code join}).
 * Exit status: 0 done, 1 nothing received (join) or a runtime failure, 2 a usage or input error.
 */
public final class SeedcastPeer {

    static final String USAGE = """
            usage:
              seedcast-peer inject --listen HOST:PORT --input FILE|- [--rate-kbps N] [--upload-kbps N]
                  [--integrity umt|sign-all] [--algorithm ECDSAP256SHA256|ECDSAP384SHA384|ED25519|RSASHA256|RSASHA1]
                  [--hash sha256|sha1] [--key FILE.pem] [--chunk-size 1024] [--chunks-per-signature 32]
                  [--addressing chunk-ranges|bins] [--profile rfc7574|libswift] [--swarm-id-out FILE] [--linger SECONDS]
                  --upload-kbps: this machine's uplink (or the share of it to use); what the viewers ask beyond it they take
                  from each other (each chunk leaves the source about once); without it, a source learns a limit when
                  its uplink queues (logged as "the uplink queues: sending at most N kbit/s")
              seedcast-peer join --metadata URL [--publisher-key HEX] [--output FILE|-] [--http HOST:PORT] [--listen HOST:PORT]
                  [--duration SECONDS] [--tune-in 2.5s] [--upload-kbps N]   (start that far behind the live edge, at a keyframe)
                  --http serves the verified stream to players: /live.m3u8 (HLS), /live.ts (MPEG-TS), /status (JSON)
              seedcast-peer join --swarm HEX --peer HOST:PORT [--peer ...] [--output FILE|-] [--http HOST:PORT]
                  [--listen HOST:PORT] [--profile rfc7574|libswift] [--duration SECONDS]
                  [--integrity umt|sign-all] [--hash sha256|sha1] [--chunk-size 1024] [--chunks-per-signature 32]
                  [--addressing chunk-ranges|bins]
              seedcast-peer netsim --listen HOST:PORT --target HOST:PORT [--rtt 50ms] [--jitter 5ms] [--loss 2%]
                  [--burst-loss 2%] [--burst-length 4] [--duplicate 1%] [--reorder 1%] [--rate-kbps N] [--queue-kb 64]
                  [--seed N] [--duration SECONDS]
                  A UDP relay that delays, jitters, drops, duplicates and reorders what passes, each direction alike.
            """;

    static final Set<String> COMMON = Set.of("integrity", "hash", "chunk-size", "chunks-per-signature", "addressing", "profile", "listen",
            "upload-kbps");
    static final Set<String> INJECT = union(COMMON, Set.of("input", "rate-kbps", "algorithm", "key", "swarm-id-out", "linger"));
    static final Set<String> JOIN = union(COMMON, Set.of("swarm", "peer", "output", "http", "duration", "metadata", "publisher-key", "tune-in"));
    static final Set<String> NETSIM = Set.of("listen", "target", "rtt", "jitter", "loss", "burst-loss", "burst-length", "duplicate",
            "reorder", "rate-kbps", "queue-kb", "seed", "duration");

    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stop;

    SeedcastPeer(PrintStream out, PrintStream err, CountDownLatch stop) {
        this.out = out;
        this.err = err;
        this.stop = stop;
    }

    public static void main(String[] argv) {
        // The engine logs through System.Logger (java.util.logging here): one line each, like the status lines.
        System.setProperty("java.util.logging.SimpleFormatter.format", "[ppspp] %4$s %5$s%6$s%n");
        CountDownLatch stop = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                main.join(3000);
            } catch (InterruptedException ignored) {
                // Exiting anyway.
            }
        }));
        int status = new SeedcastPeer(System.out, System.err, stop).run(argv);
        System.out.flush();
        System.exit(status);
    }

    int run(String[] argv) {
        try {
            if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
                out.print(USAGE);
                return argv.length == 0 ? 2 : 0;
            }
            return switch (argv[0]) {
                case "inject" -> inject(new Args(argv, 1, INJECT));
                case "join" -> join(new Args(argv, 1, JOIN));
                case "netsim" -> netsim(new Args(argv, 1, NETSIM));
                default -> throw new Args.UsageException("unknown command '" + argv[0] + "': use inject, join or netsim");
            };
        } catch (Args.UsageException | IllegalArgumentException e) {
            // InvalidSwarmIdException and InvalidKeyFileException are IllegalArgumentExceptions with a reason.
            err.println("seedcast-peer: " + e.getMessage());
            if (e instanceof Args.UsageException) {
                err.print(USAGE);
            }
            return 2;
        } catch (IOException | UncheckedIOException e) {
            err.println("seedcast-peer: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    static SwarmParameters parameters(Args a, SignatureAlgorithm algorithm) {
        Profile profile = Profile.parse(a.get("profile", "rfc7574"));
        SwarmParameters p = SwarmParameters.defaults(profile).withAlgorithm(algorithm)
                .withIntegrity(IntegrityMethod.parse(a.get("integrity", "umt")))
                .withChunkSize(a.number("chunk-size", 1024, 1, 65_000))
                .withChunksPerSignature((int) a.number("chunks-per-signature", 32, 2, 1 << 20))
                .withAddressing(ChunkAddressing.parse(a.get("addressing", "chunk-ranges")));
        if (a.has("hash")) {
            p = p.withHash(MerkleHashFunction.parse(a.get("hash", null)));
        }
        if (profile == Profile.LIBSWIFT && p.hash() != MerkleHashFunction.SHA1) {
            throw new IllegalArgumentException("the libswift profile uses SHA-1 Merkle trees: drop --hash or use --hash sha1");
        }
        return p;
    }

    /** The network simulator as a UDP relay, so real processes (ours, or SRT's tools) can be put behind a bad path. */
    private int netsim(Args a) throws IOException, InterruptedException {
        InetSocketAddress listen = Args.address("listen", a.require("listen"));
        InetSocketAddress target = Args.address("target", a.require("target"));
        java.time.Duration rtt = a.duration("rtt", java.time.Duration.ZERO);
        LinkProfile p = LinkProfile.rtt(rtt, a.duration("jitter", java.time.Duration.ZERO), a.fraction("loss"))
                .withDuplicates(a.fraction("duplicate")).withReordering(a.fraction("reorder"));
        if (a.has("burst-loss")) {
            p = p.withBursts(a.fraction("burst-loss"), a.number("burst-length", 4, 1, 1000));
        }
        if (a.has("rate-kbps")) {
            p = p.withRate(a.number("rate-kbps", 0, 1, 100_000_000) * 1000 / 8, a.number("queue-kb", 64, 1, 1 << 20) * 1024);
        }
        long duration = a.number("duration", -1, -1, Long.MAX_VALUE / 1000);
        try (UdpRelay relay = new UdpRelay(listen, target, p, a.number("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE))) {
            err.println("netsim: " + relay.localAddress() + " -> " + target + ": " + p + " (each direction)");
            long start = System.nanoTime();
            while (duration < 0 || System.nanoTime() - start < duration * 1_000_000_000L) {
                if (stop.await(1, TimeUnit.SECONDS)) {
                    break;
                }
                err.printf("forwarded=%d dropped=%d%n", relay.forwarded.get(), relay.dropped.get());
            }
        }
        return 0;
    }

    /** {@code --upload-kbps}: the engine's upload limit in bytes per second, 0 for none. */
    static long uploadLimit(Args a) {
        return a.number("upload-kbps", 0, 0, 100_000_000) * 1000 / 8;
    }

    private int inject(Args a) throws IOException, InterruptedException {
        InetSocketAddress listen = Args.address("listen", a.require("listen"));
        String input = a.require("input");
        SignatureAlgorithm algorithm = SignatureAlgorithm.parse(a.get("algorithm", SignatureAlgorithm.DEFAULT.name()));
        SwarmParameters params = parameters(a, algorithm);
        String fragmented = params.fragmentationWarning();
        if (fragmented != null) {
            err.println("seedcast-peer: warning: " + fragmented);
        }
        long rateKbps = a.number("rate-kbps", input.equals("-") ? 0 : 2000, 0, 10_000_000);
        long linger = a.number("linger", -1, -1, Long.MAX_VALUE / 1000);
        SwarmKeyPair key;
        if (a.has("key")) {
            Path keyFile = Path.of(a.get("key", null));
            String pem;
            try {
                pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                throw new InvalidKeyFileException("key file " + keyFile + " does not exist");
            } catch (IOException | UncheckedIOException e) {
                throw new InvalidKeyFileException("cannot read key file " + keyFile + ": " + e.getMessage());
            }
            key = SwarmKeyPair.fromPem(pem, algorithm);
        } else {
            key = SwarmKeyPair.generate(algorithm);
        }
        InputStream in;
        if (input.equals("-")) {
            in = System.in;
        } else {
            try {
                in = Files.newInputStream(Path.of(input));
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("input file " + input + " does not exist");
            }
        }
        try (PeerEngine engine = PeerEngine.start(EngineConfig.source(listen).withTotalUploadLimit(uploadLimit(a)));
                InputStream source = in) {
            LiveSwarm swarm = engine.addSource(params, key);
            out.println(key.swarmId().hex());
            out.flush();
            if (a.has("swarm-id-out")) {
                Files.writeString(Path.of(a.get("swarm-id-out", null)), key.swarmId().hex() + "\n");
            }
            err.printf("seedcast-peer: live source on %s, %s %s %s, %d-byte chunks%s%n", engine.localAddress(), params.integrity(),
                    params.hash(), params.algorithm(), params.chunkSize(),
                    params.integrity() == IntegrityMethod.UNIFIED_MERKLE_TREE ? ", " + params.chunksPerSignature() + " per signature" : "");
            SwarmStats st = swarm.stats();
            Progress progress = new Progress(err, st.bytesIn::get, st.bytesOut::get,
                    (kIn, kOut) -> String.format("served=%d out=%dkbit/s peers=%d", st.chunksServed.get(), kOut, st.peers.get()));
            progress.start();
            long chunks = pump(source, swarm, (int) params.chunkSize(), rateKbps);
            swarm.finish();
            err.printf("seedcast-peer: input ended after %d chunks; serving the window%s%n", chunks,
                    linger < 0 ? " until interrupted" : " for " + linger + " s");
            if (linger < 0) {
                stop.await();
            } else {
                stop.await(linger, TimeUnit.SECONDS);
            }
            progress.stop();
            return 0;
        }
    }

    /** Reads the input as it comes, cut into chunks; a file is paced at {@code rateKbps}. */
    private long pump(InputStream in, LiveSwarm swarm, int chunkSize, long rateKbps) throws IOException, InterruptedException {
        byte[] buf = new byte[chunkSize];
        long count = 0;
        long started = System.nanoTime();
        while (stop.getCount() > 0) {
            int n = in.readNBytes(buf, 0, chunkSize);
            if (n <= 0) {
                break;
            }
            swarm.publish(n == chunkSize ? buf : java.util.Arrays.copyOf(buf, n));
            count++;
            if (rateKbps > 0) {
                long due = started + count * chunkSize * 8L * 1_000_000L / rateKbps;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            if (n < chunkSize) {
                break;
            }
        }
        return count;
    }

    private int join(Args a) throws IOException, InterruptedException {
        List<InetSocketAddress> peers = new ArrayList<>();
        for (String p : a.all("peer")) {
            peers.add(Args.address("peer", p));
        }
        if (!a.has("output") && !a.has("http")) {
            throw new Args.UsageException("--output FILE|- or --http HOST:PORT is required: where should the stream go?");
        }
        String output = a.get("output", null);
        InetSocketAddress listen = Args.address("listen", a.get("listen", "0.0.0.0:0"));
        long duration = a.number("duration", -1, 1, Long.MAX_VALUE / 1000);
        SwarmId swarm;
        SwarmParameters params;
        String tracker = null;
        List<InetSocketAddress> seeders = new ArrayList<>();
        String broadcast = null;
        long firstChunk = -1;
        if (a.has("metadata")) {
            io.seedcast.tracker.SwarmMetadata.Verified v = metadata(a);
            swarm = v.swarm();
            params = v.parameters();
            tracker = v.tracker();
            seeders.addAll(addresses(v.seeders()));
            broadcast = v.broadcast();
            firstChunk = v.firstChunk();
            err.printf("seedcast-peer: verified swarm metadata of channel %s: swarm %s, %s%n", v.channel(), swarm, params.integrity());
        } else {
            swarm = SwarmId.fromHex(a.require("swarm"));
            params = parameters(a, swarm.algorithm());
        }
        if (peers.isEmpty() && seeders.isEmpty() && tracker == null) {
            throw new Args.UsageException("--peer HOST:PORT is required (at least one), or --metadata URL");
        }
        OutputStream file = output == null ? OutputStream.nullOutputStream() : output.equals("-") ? new BufferedOutputStream(System.out, 1 << 16)
                : new BufferedOutputStream(new FileOutputStream(output), 1 << 16);
        LiveOutput live = a.has("http") ? new LiveOutput(new HlsSegmenter(2.0, 4, 8)) : null;
        OutputStream sinkStream = live == null ? file : new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                file.write(b, off, len);
                live.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                file.flush();
            }
        };
        // A player decodes the output from its first byte: TS starts at a keyframe (and resumes at one after a hole).
        Splicer splicer = new Splicer(new KeyframeStart(sinkStream), System::nanoTime);
        // Start a GOP behind the edge (OBS sends a keyframe every 2 s): the output begins at a keyframe at once.
        java.time.Duration lookback = a.duration("tune-in", java.time.Duration.ofMillis(2500));
        HttpOutput http = null;
        try (PeerEngine engine = PeerEngine.start(EngineConfig.defaults(listen).withTuneInLookback(lookback).withTotalUploadLimit(uploadLimit(a)))) {
            InetSocketAddress me = engine.localAddress();
            if (me.getAddress().isAnyLocalAddress()) {
                me = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), me.getPort());
            }
            var trackerClient = tracker == null ? null
                    : new io.seedcast.tracker.TrackerClient(java.net.URI.create(tracker), io.seedcast.tracker.TrackerClient.newPeerId());
            Watch watch = new Watch(engine, splicer, err, peers, trackerClient, me);
            watch.join(swarm, params, seeders, broadcast, firstChunk);
            long watchStarted = System.nanoTime();
            if (live != null) {
                http = new HttpOutput(Args.address("http", a.get("http", null)), live, () -> statusJson(watch, splicer, live, params, watchStarted));
                String base = "http://" + http.address().getHostString() + ":" + http.address().getPort();
                err.printf("seedcast-peer: serving the verified stream at %s/live.m3u8 (HLS), %s/live.ts (MPEG-TS), %s/status%n", base, base, base);
            }
            SwarmId following = swarm;
            long lastPoll = System.nanoTime();
            Progress progress = new Progress(err, () -> watch.status().bytesIn(), () -> watch.status().bytesOut(),
                    (kIn, kOut) -> watch.status().line(kIn, kOut));
            progress.start();
            long deadline = duration < 0 ? Long.MAX_VALUE : System.nanoTime() + duration * 1_000_000_000L;
            boolean warned = false;
            try {
                while (stop.getCount() > 0 && System.nanoTime() < deadline && splicer.error() == null) {
                    stop.await(200, TimeUnit.MILLISECONDS);
                    synchronized (splicer) {
                        sinkStream.flush();
                    }
                    if (a.has("metadata") && System.nanoTime() - lastPoll > 2_000_000_000L) {
                        lastPoll = System.nanoTime();
                        try {
                            io.seedcast.tracker.SwarmMetadata.Verified v = metadata(a);
                            if (!v.swarm().equals(following)) {
                                following = v.swarm();
                                watch.join(v.swarm(), v.parameters(), addresses(v.seeders()), v.broadcast(), v.firstChunk(), v.predecessorRevoked());
                            }
                        } catch (IllegalArgumentException | IOException e) {
                            err.println("seedcast-peer: could not refresh the swarm metadata: " + e.getMessage());
                        }
                    }
                    watch.tick();
                    if (!warned && watch.status().verified() == 0 && System.nanoTime() - progress.startedNanos > 5_000_000_000L) {
                        warned = true;
                        err.println("seedcast-peer: no data after 5 s: check that " + (seeders.isEmpty() ? peers : seeders) + " is reachable and that"
                                + " the swarm's parameters match the source's (--integrity, --hash, --chunk-size, --chunks-per-signature, --addressing, --profile)");
                    }
                }
            } finally {
                progress.stop();
                watch.close();
                if (http != null) {
                    http.close();
                }
            }
            long written;
            synchronized (splicer) {
                // What is written is what we report: chunks still arriving while we leave are not output.
                sinkStream.flush();
                written = splicer.writtenBytes();
            }
            Watch.Status st = watch.status();
            long first = watch.firstChunkNanos();
            if (splicer.error() != null) {
                err.println("seedcast-peer: cannot write " + (output == null ? "the output" : output) + ": " + splicer.error().getMessage());
            }
            err.printf("verified=%d rejected=%d lost=%d rerequested=%d first_chunk_ms=%d bytes=%d first_output_ms=%d skipped=%d successors=%d"
                            + " exact_splices=%d output_chunks=%d duplicates=%d%n",
                    st.verified(), st.rejected(), st.lost(), st.reRequested(), first < 0 ? -1 : first / 1_000_000, written,
                    splicer.firstOutputNanos() < 0 ? -1 : splicer.firstOutputNanos() / 1_000_000, splicer.skippedBytes(), st.generation(),
                    st.exactSplices(), splicer.chunksOut(), st.duplicates());
            return st.verified() > 0 ? 0 : 1;
        } finally {
            if (output != null && !output.equals("-")) {
                file.close();
            }
        }
    }

    /** What GET /status answers: the whole watch, across successors. */
    static java.util.Map<String, Object> statusJson(Watch watch, Splicer splicer, LiveOutput live, SwarmParameters params, long startedNanos) {
        Watch.Status st = watch.status();
        double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        // The stream's rate as it arrives: lag in chunks becomes lag in seconds of stream.
        double bytesPerSecond = splicer.writtenBytes() / seconds;
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("swarm", st.swarm());
        m.put("successors", st.generation());
        m.put("verified", st.verified());
        m.put("rejected", st.rejected());
        m.put("lost", st.lost());
        m.put("rerequested", st.reRequested());
        m.put("duplicates", st.duplicates());
        m.put("peers", st.peers());
        m.put("bytesIn", st.bytesIn());
        m.put("bytesFromPeers", st.bytesFromPeers());
        m.put("shareFromPeers", st.bytesIn() == 0 ? 0.0 : (double) st.bytesFromPeers() / st.bytesIn());
        m.put("lagChunks", st.lag());
        m.put("lagSeconds", bytesPerSecond <= 0 ? null : st.lag() * params.chunkSize() / bytesPerSecond);
        m.put("outputChunks", splicer.chunksOut());
        m.put("outputBytes", st.written());
        m.put("firstOutputMs", splicer.firstOutputNanos() < 0 ? null : splicer.firstOutputNanos() / 1_000_000);
        m.put("segments", live.hls().segmentCount());
        m.put("httpClients", live.clients());
        m.put("httpClientsDropped", live.dropped());
        return m;
    }

    private static List<InetSocketAddress> addresses(List<String> seeders) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String s : seeders) {
            out.add(Args.address("metadata seeder", s));
        }
        return out;
    }

    /** Fetches and verifies swarm metadata: against --publisher-key if pinned, else the key set beside it. */
    private io.seedcast.tracker.SwarmMetadata.Verified metadata(Args a) throws IOException, InterruptedException {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(a.get("metadata", null));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--metadata must be a URL, got '" + a.get("metadata", null) + "'");
        }
        var http = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();
        String body = fetch(http, uri);
        try {
            java.util.Map<String, SwarmId> keys;
            if (a.has("publisher-key")) {
                SwarmId pinned = SwarmId.fromHex(a.get("publisher-key", null));
                keys = java.util.Map.of(io.seedcast.tracker.SwarmMetadata.keyId(pinned), pinned);
            } else {
                keys = io.seedcast.tracker.SwarmMetadata.keySet(fetch(http, uri.resolve("/.well-known/seedcast/keys.json")), java.time.Instant.now());
            }
            return io.seedcast.tracker.SwarmMetadata.verify(body, keys);
        } catch (io.seedcast.tracker.SwarmMetadata.InvalidMetadataException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static String fetch(java.net.http.HttpClient http, java.net.URI uri) throws IOException, InterruptedException {
        var r = http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(uri + " answered HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** Prints one line a second to stderr, with the byte rates in and out over that second. */
    static final class Progress {
        interface Line {
            String format(long inKbps, long outKbps);
        }

        final PrintStream err;
        final java.util.function.LongSupplier bytesIn;
        final java.util.function.LongSupplier bytesOut;
        final Line line;
        final long startedNanos = System.nanoTime();
        private final Thread thread;
        private volatile boolean running = true;

        Progress(PrintStream err, java.util.function.LongSupplier bytesIn, java.util.function.LongSupplier bytesOut, Line line) {
            this.err = err;
            this.bytesIn = bytesIn;
            this.bytesOut = bytesOut;
            this.line = line;
            this.thread = new Thread(this::loop, "progress");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() {
            running = false;
            thread.interrupt();
        }

        private void loop() {
            long lastIn = bytesIn.getAsLong();
            long lastOut = bytesOut.getAsLong();
            while (running) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                long in = bytesIn.getAsLong();
                long out = bytesOut.getAsLong();
                err.println(line.format((in - lastIn) * 8 / 1000, (out - lastOut) * 8 / 1000));
                lastIn = in;
                lastOut = out;
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
