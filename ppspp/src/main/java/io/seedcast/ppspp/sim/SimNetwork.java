package io.seedcast.ppspp.sim;

import io.seedcast.ppspp.engine.EngineConfig;
import io.seedcast.ppspp.engine.PeerCore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Many {@link PeerCore}s on one virtual clock, joined by {@link Link}s: a 60 s swarm runs in seconds of CPU, and a seed
 * replays a run exactly. Events (datagram deliveries, timers, tasks) run one at a time in time order.
 */
public final class SimNetwork {

    private record Event(long at, long seq, Runnable task) {
    }

    private record Pair(InetSocketAddress from, InetSocketAddress to) {
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final SplittableRandom random;
    private final Map<InetSocketAddress, Node> nodes = new HashMap<>();
    private final Map<Pair, Link> links = new HashMap<>();
    private final Map<Pair, LinkProfile> profiles = new HashMap<>();
    private final Map<InetSocketAddress, Link> uplinks = new HashMap<>();
    private LinkProfile defaultProfile = LinkProfile.PERFECT;
    private long now;
    private long seq;
    private long bytesSent;
    private long datagramsSent;
    /** Wall time at virtual time 0. */
    private static final Instant EPOCH = Instant.parse("2026-12-02T12:00:00Z");

    public SimNetwork(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Every path not given its own profile gets this one, each direction. */
    public SimNetwork defaultLink(LinkProfile p) {
        this.defaultProfile = p;
        return this;
    }

    /** The path between two nodes, both directions. */
    public void link(Node a, Node b, LinkProfile p) {
        profiles.put(new Pair(a.address, b.address), p);
        profiles.put(new Pair(b.address, a.address), p);
    }

    /** Caps what a node can send in total (its upload), in front of its paths. */
    public void capUpload(Node n, long bytesPerSecond, long queueBytes) {
        uplinks.put(n.address, new Link(LinkProfile.PERFECT.withRate(bytesPerSecond, queueBytes), random.nextLong()));
    }

    public long now() {
        return now;
    }

    /** Wall time, as the cores see it: signatures' timestamps and ages. */
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return EPOCH.plusNanos(now);
            }
        };
    }

    public Node node(EngineConfig config) {
        int n = nodes.size() + 1;
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, (byte) (n >> 8), (byte) n}), 7758);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        Node node = new Node(address, config);
        nodes.put(address, node);
        return node;
    }

    /**
     * The process at {@code old}'s address killed (SIGKILL: no goodbye, its state gone) and started again, empty, at
     * the same address. Datagrams in flight to it arrive at the new one.
     */
    public Node restart(Node old, EngineConfig config) {
        old.kill();
        Node node = new Node(old.address, config);
        nodes.put(old.address, node);
        return node;
    }

    public void at(long atNanos, Runnable task) {
        events.add(new Event(Math.max(atNanos, now), seq++, task));
    }

    /** Runs {@code task} every {@code periodNanos} from {@code firstNanos} on. */
    public void every(long firstNanos, long periodNanos, Runnable task) {
        at(firstNanos, new Runnable() {
            @Override
            public void run() {
                task.run();
                at(now + periodNanos, this);
            }
        });
    }

    /** Runs events until virtual time {@code untilNanos}. */
    public void runUntil(long untilNanos) {
        while (!events.isEmpty() && events.peek().at <= untilNanos) {
            Event e = events.poll();
            now = e.at;
            e.task.run();
        }
        now = untilNanos;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long datagramsSent() {
        return datagramsSent;
    }

    private void send(InetSocketAddress from, ByteBuffer datagram, InetSocketAddress to) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        bytesSent += bytes.length;
        datagramsSent++;
        if (!nodes.containsKey(to)) {
            return;
        }
        long departs = now;
        Link up = uplinks.get(from);
        if (up != null) {
            long[] t = up.transit(bytes.length, now);
            if (t.length == 0) {
                return;
            }
            departs = t[0];
        }
        Pair pair = new Pair(from, to);
        Link link = links.computeIfAbsent(pair, p -> new Link(profiles.getOrDefault(p, defaultProfile), random.nextLong()));
        for (long at : link.transit(bytes.length, departs)) {
            at(at, () -> {
                // Whoever is at that address when it arrives gets it: a restarted process, or nobody.
                Node target = nodes.get(to);
                if (target.up) {
                    target.core.onDatagram(ByteBuffer.wrap(bytes), from, now);
                }
            });
        }
    }

    /** One peer on the simulated network. */
    public final class Node implements PeerCore.Loop {
        public final InetSocketAddress address;
        public final PeerCore core;
        private boolean up = true;

        private Node(InetSocketAddress address, EngineConfig config) {
            this.address = address;
            this.core = new PeerCore(config, clock(), address, (d, to) -> send(address, d, to), this,
                    new SplittableRandom(random.nextLong()), now);
            every(now + random.nextLong(PeerCore.TICK_NANOS), PeerCore.TICK_NANOS, () -> {
                if (up) {
                    core.onTick(now);
                }
            });
        }

        /** Stops receiving and ticking, as a process killed with SIGKILL: its state is gone with it. */
        public void kill() {
            up = false;
        }

        @Override
        public void execute(Runnable task) {
            at(now, task);
        }

        @Override
        public <T> T call(Supplier<T> task) {
            return task.get();
        }

        @Override
        public long nanoTime() {
            return now;
        }
    }
}
