package io.seedcast.ppspp.sim;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay that puts a simulated path between real processes: datagrams to {@code listen} go on to {@code target}
 * and the answers come back, each direction through its own {@link Link} (delay, jitter, loss, bursts, duplication,
 * reordering, rate cap). Each client address gets a socket of its own toward the target, so the target sees one peer
 * per client. One thread, deterministic per seed given the same arrival times.
 */
public final class UdpRelay implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(UdpRelay.class.getName());

    private record Due(long at, long seq, byte[] bytes, DatagramChannel via, InetSocketAddress to) {
    }

    /** One client: its socket toward the target and the two directions of its path. */
    private final class Session {
        final InetSocketAddress client;
        final DatagramChannel back;
        final Link up;
        final Link down;

        Session(InetSocketAddress client) throws IOException {
            this.client = client;
            this.back = DatagramChannel.open();
            back.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            back.bind(new InetSocketAddress(target.getAddress(), 0));
            back.connect(target);
            back.configureBlocking(false);
            back.register(selector, SelectionKey.OP_READ, this);
            this.up = new Link(profile, random.nextLong());
            this.down = new Link(profile, random.nextLong());
        }
    }

    private final InetSocketAddress target;
    private final LinkProfile profile;
    private final SplittableRandom random;
    private final Selector selector;
    private final DatagramChannel front;
    private final Map<InetSocketAddress, Session> sessions = new HashMap<>();
    private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final ByteBuffer buffer = ByteBuffer.allocate(65_536);
    private final Thread thread;
    private volatile boolean running = true;
    private long seq;

    public final AtomicLong forwarded = new AtomicLong();
    public final AtomicLong dropped = new AtomicLong();

    public UdpRelay(InetSocketAddress listen, InetSocketAddress target, LinkProfile profile, long seed) throws IOException {
        this.target = target;
        this.profile = profile;
        this.random = new SplittableRandom(seed);
        this.selector = Selector.open();
        this.front = DatagramChannel.open();
        try {
            front.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            front.bind(listen);
        } catch (IOException e) {
            front.close();
            selector.close();
            throw new IOException("cannot listen on UDP " + listen + ": " + e.getMessage(), e);
        }
        front.configureBlocking(false);
        front.register(selector, SelectionKey.OP_READ);
        this.thread = new Thread(this::run, "udp-relay-" + localAddress().getPort());
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) front.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void run() {
        while (running) {
            try {
                long now = System.nanoTime();
                long waitMs = due.isEmpty() ? 50 : Math.max(0, (due.peek().at - now) / 1_000_000);
                if (waitMs > 0) {
                    selector.select(Math.min(waitMs, 50));
                } else {
                    selector.selectNow();
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    if (k.attachment() instanceof Session s) {
                        receive(s.back, s.down, front, s.client);
                    } else {
                        receiveFront();
                    }
                }
                selector.selectedKeys().clear();
                sendDue(System.nanoTime());
            } catch (IOException e) {
                if (running) {
                    LOG.log(Level.WARNING, "relay: " + e.getMessage());
                }
            }
        }
    }

    private void receiveFront() throws IOException {
        for (int i = 0; i < 256; i++) {
            buffer.clear();
            InetSocketAddress from = (InetSocketAddress) front.receive(buffer);
            if (from == null) {
                return;
            }
            Session s = sessions.get(from);
            if (s == null) {
                s = new Session(from);
                sessions.put(from, s);
            }
            buffer.flip();
            schedule(s.up, s.back, null);
        }
    }

    private void receive(DatagramChannel from, Link link, DatagramChannel via, InetSocketAddress to) throws IOException {
        for (int i = 0; i < 256; i++) {
            buffer.clear();
            if (from.receive(buffer) == null) {
                return;
            }
            buffer.flip();
            schedule(link, via, to);
        }
    }

    private void schedule(Link link, DatagramChannel via, InetSocketAddress to) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        long[] times = link.transit(bytes.length, System.nanoTime());
        if (times.length == 0) {
            dropped.incrementAndGet();
        }
        for (long at : times) {
            due.add(new Due(at, seq++, bytes, via, to));
        }
    }

    private void sendDue(long now) {
        while (!due.isEmpty() && due.peek().at <= now) {
            Due d = due.poll();
            try {
                if (d.to == null) {
                    d.via.write(ByteBuffer.wrap(d.bytes));
                } else {
                    d.via.send(ByteBuffer.wrap(d.bytes), d.to);
                }
                forwarded.incrementAndGet();
            } catch (IOException e) {
                // The other side is gone (ICMP unreachable on a connected socket): like a loss on the path.
                dropped.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
            for (Session s : sessions.values()) {
                s.back.close();
            }
            front.close();
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // Closing sockets we are done with.
        }
    }
}
