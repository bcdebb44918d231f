package io.seedcast.peer;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The verified output as HTTP serves it: cut into HLS segments, and copied to every {@code /live.ts} client. It is
 * written on the engine's thread and never waits: each client has its own queue, and one that falls
 * {@link #CLIENT_BUFFER} behind (a stalled player, a slow link) is dropped, never the swarm nor the other clients.
 */
final class LiveOutput extends OutputStream {

    /** How far a /live.ts client may fall behind before it is dropped: about 30 s of a 2 Mbit/s stream. */
    static final int CLIENT_BUFFER = 8 << 20;
    private static final byte[] END = new byte[0];

    private final HlsSegmenter hls;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();

    LiveOutput(HlsSegmenter hls) {
        this.hls = hls;
    }

    HlsSegmenter hls() {
        return hls;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        hls.write(b, off, len);
        if (!clients.isEmpty()) {
            byte[] copy = Arrays.copyOfRange(b, off, off + len);
            clients.forEach(c -> c.offer(copy));
        }
    }

    /** A new /live.ts client: it starts with the current GOP, from its keyframe, then gets everything written after. */
    synchronized Client subscribe() {
        Client c = new Client();
        c.offer(hls.gopCache());
        clients.add(c);
        return c;
    }

    int clients() {
        return clients.size();
    }

    /** Clients dropped for falling behind. */
    long dropped() {
        return dropped.get();
    }

    /** Ends every client's stream (the watch is over). */
    @Override
    public void close() {
        clients.forEach(Client::end);
    }

    final class Client implements AutoCloseable {
        private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        private final AtomicLong queued = new AtomicLong();
        private volatile boolean over;
        private volatile boolean tooSlow;

        private void offer(byte[] bytes) {
            if (over || bytes.length == 0) {
                return;
            }
            if (queued.addAndGet(bytes.length) > CLIENT_BUFFER) {
                tooSlow = true;
                dropped.incrementAndGet();
                end();
                return;
            }
            queue.add(bytes);
        }

        private void end() {
            over = true;
            queue.clear();
            queue.add(END);
        }

        /** The next bytes to send; null when the stream is over for this client; empty after {@code millis} with nothing new. */
        byte[] next(long millis) throws InterruptedException {
            byte[] b = queue.poll(millis, TimeUnit.MILLISECONDS);
            if (b == END) {
                return null;
            }
            if (b == null) {
                return new byte[0];
            }
            queued.addAndGet(-b.length);
            return b;
        }

        boolean tooSlow() {
            return tooSlow;
        }

        @Override
        public void close() {
            over = true;
            clients.remove(this);
        }
    }
}
