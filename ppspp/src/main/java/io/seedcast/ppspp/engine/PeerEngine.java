package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.ppspp.wire.Datagram;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A {@link PeerCore} on one UDP socket with one thread that owns all its state: the selector loop reads datagrams into
 * the core, calls its timer every {@link PeerCore#TICK_NANOS}, and runs the tasks other threads hand it.
 */
public final class PeerEngine implements AutoCloseable, PeerCore.Loop {

    private static final System.Logger LOG = System.getLogger(PeerEngine.class.getName());
    static final int MAX_TASKS_PER_TURN = 256;

    private final DatagramChannel socket;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(65_536);
    private final PeerCore core;
    private long nextTick;

    public final AtomicLong malformedDatagrams;
    public final AtomicLong handshakesAccepted;
    public final AtomicLong handshakesRefused;
    public final AtomicLong datagramsSent;
    public final AtomicLong bytesSent;
    /** Times a peer's upload limit held back a chunk it asked for. */
    public final AtomicLong uploadLimitHits;

    private PeerEngine(EngineConfig config, Clock clock) throws IOException {
        this.selector = Selector.open();
        this.socket = DatagramChannel.open();
        try {
            socket.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            socket.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            socket.bind(config.listen());
        } catch (IOException e) {
            socket.close();
            selector.close();
            throw new IOException("cannot listen on UDP " + config.listen() + ": " + e.getMessage(), e);
        }
        socket.configureBlocking(false);
        socket.register(selector, SelectionKey.OP_READ);
        InetSocketAddress local = (InetSocketAddress) socket.getLocalAddress();
        this.core = new PeerCore(config, clock, local, this::sendDatagram, this, new SecureRandom(), System.nanoTime());
        this.malformedDatagrams = core.malformedDatagrams;
        this.handshakesAccepted = core.handshakesAccepted;
        this.handshakesRefused = core.handshakesRefused;
        this.datagramsSent = core.datagramsSent;
        this.bytesSent = core.bytesSent;
        this.uploadLimitHits = core.uploadLimitHits;
        this.thread = new Thread(this::run, "ppspp-engine-" + local.getPort());
        thread.setDaemon(true);
    }

    public static PeerEngine start(EngineConfig config) throws IOException {
        return start(config, Clock.systemUTC());
    }

    public static PeerEngine start(EngineConfig config, Clock clock) throws IOException {
        PeerEngine e = new PeerEngine(config, clock);
        e.thread.start();
        return e;
    }

    public InetSocketAddress localAddress() {
        return core.localAddress();
    }

    /** Starts serving a live swarm as its source. */
    public LiveSwarm addSource(SwarmParameters params, SwarmKeyPair key) {
        return core.addSource(params, key);
    }

    /** Serves a live swarm signed elsewhere, as a seeder does. */
    public LiveSwarm addRelay(SwarmId id, SwarmParameters params) {
        return core.addRelay(id, params);
    }

    /** Joins a live swarm as a viewer through the given peers; verified chunks reach {@code sink} in order. */
    public LiveSwarm join(SwarmId id, SwarmParameters params, List<InetSocketAddress> peers, ChunkSink sink) {
        return core.join(id, params, peers, sink);
    }

    /**
     * Joins a live swarm with output from chunk {@code startAt} instead of a tune-in point near the live edge: a
     * successor swarm is watched from its first chunk, so that it continues its predecessor exactly.
     */
    public LiveSwarm join(SwarmId id, SwarmParameters params, List<InetSocketAddress> peers, ChunkSink sink, long startAt) {
        return core.join(id, params, peers, sink, startAt);
    }

    /** Pending handshakes right now (for tests and metrics). */
    public int pendingHandshakes() {
        return core.pendingHandshakes();
    }

    /** Fault injection for tests: every datagram we send passes through {@code filter} first. */
    void setOutboundFilter(UnaryOperator<Datagram> filter) {
        core.setOutboundFilter(filter);
    }

    // PeerCore.Loop

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    @Override
    public <T> T call(Supplier<T> task) {
        if (Thread.currentThread() == thread) {
            return task.get();
        }
        var f = new CompletableFuture<T>();
        execute(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("engine did not answer: " + e.getMessage(), e);
        }
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        try {
            call(() -> {
                core.closeAll();
                return null;
            });
        } catch (IllegalStateException ignored) {
            // The loop is gone already; nothing left to close politely.
        }
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
            socket.close();
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // Closing a socket we are done with.
        }
    }

    // The loop.

    private void run() {
        while (running) {
            try {
                long now = System.nanoTime();
                long wait = Math.max(1, (nextTick - now) / 1_000_000);
                if (tasks.isEmpty()) {
                    selector.select(Math.min(wait, 5));
                } else {
                    selector.selectNow();
                }
                selector.selectedKeys().clear();
                // A bounded batch of tasks, then the socket: a source whose publishing (signing) outruns the CPU must
                // still answer handshakes and requests, not drain an ever-refilled queue forever.
                Runnable t;
                for (int i = 0; i < MAX_TASKS_PER_TURN && (t = tasks.poll()) != null; i++) {
                    t.run();
                }
                receiveAll();
                now = System.nanoTime();
                if (now >= nextTick) {
                    core.onTick(now);
                    nextTick = now + PeerCore.TICK_NANOS;
                }
            } catch (IOException e) {
                if (running) {
                    LOG.log(Level.WARNING, "socket error: " + e.getMessage());
                }
            } catch (RuntimeException e) {
                // A bug must not take the whole peer down: say so loudly and go on.
                LOG.log(Level.ERROR, "engine error (continuing)", e);
            }
        }
    }

    private void receiveAll() throws IOException {
        for (int i = 0; i < 1024; i++) {
            receiveBuffer.clear();
            InetSocketAddress from = (InetSocketAddress) socket.receive(receiveBuffer);
            if (from == null) {
                return;
            }
            receiveBuffer.flip();
            core.onDatagram(receiveBuffer, from, System.nanoTime());
        }
    }

    private void sendDatagram(ByteBuffer datagram, InetSocketAddress to) {
        try {
            socket.send(datagram, to);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "send to {0} failed: {1}", to, e.getMessage());
        }
    }
}
