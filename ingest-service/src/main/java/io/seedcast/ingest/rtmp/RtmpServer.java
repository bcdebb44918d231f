package io.seedcast.ingest.rtmp;

import io.seedcast.ingest.IngestMetrics;
import io.seedcast.ingest.broadcast.Broadcasts;
import io.seedcast.ingest.media.Remuxer;
import io.seedcast.pipeline.ChannelRecord;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * RTMP on a Vert.x TCP server: one {@link RtmpSession} per connection, many publishers on one port.
 * A protocol error closes that connection only (logged with the peer's address, never the key);
 * a connection that says nothing for the idle timeout (a half handshake) is closed; a publisher
 * faster than FFmpeg is paused (TCP back-pressure, {@link Broadcasts.Publisher#overloaded}) instead of buffered without bound.
 */
public final class RtmpServer implements AutoCloseable {

    static final int MAX_UNPARSED = ChunkReader.MAX_MESSAGE + (1 << 20);

    private final Vertx vertx;
    private final Broadcasts broadcasts;
    private final IngestMetrics metrics;
    private static final Logger LOG = Logger.getLogger(RtmpServer.class);
    private final NetServer server;
    private final int configuredPort;

    public RtmpServer(Vertx vertx, Broadcasts broadcasts, IngestMetrics metrics, String host, int port, Duration idleTimeout) {
        this.vertx = vertx;
        this.broadcasts = broadcasts;
        this.metrics = metrics;
        this.configuredPort = port;
        NetServerOptions o = new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
                .setIdleTimeout((int) idleTimeout.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        this.server = vertx.createNetServer(o).connectHandler(s -> new Connection(s).start());
    }

    /** Binds; fails with the port in the message when it is taken. */
    public RtmpServer listen() {
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("RTMP cannot listen on port " + port() + ": " + cause.getMessage(), cause);
        }
        return this;
    }

    public int port() {
        return server.actualPort() > 0 ? server.actualPort() : configuredPort;
    }

    @Override
    public void close() {
        server.close();
    }

    private final class Connection implements Broadcasts.Connection, RtmpSession.Listener {
        final NetSocket socket;
        final String remote;
        final RtmpSession session = new RtmpSession(this);
        ByteBuffer unparsed = ByteBuffer.allocate(64 * 1024);
        ChannelRecord channel;
        Broadcasts.Publisher publisher;
        boolean paused;
        volatile boolean closing;

        Connection(NetSocket socket) {
            this.socket = socket;
            this.remote = socket.remoteAddress().toString();
        }

        void start() {
            socket.handler(this::onData);
            socket.closeHandler(v -> ended());
            socket.exceptionHandler(e -> {
                // Resets and timeouts: the close handler ends the publish.
            });
        }

        void onData(Buffer data) {
            if (closing) {
                return;
            }
            int n = data.length();
            if (unparsed.remaining() < n) {
                int need = unparsed.position() + n;
                if (need > MAX_UNPARSED) {
                    fail("more than " + MAX_UNPARSED + " bytes without a complete message");
                    return;
                }
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(need, unparsed.capacity() * 2));
                unparsed.flip();
                bigger.put(unparsed);
                unparsed = bigger;
            }
            unparsed.put(data.getBytes());
            unparsed.flip();
            byte[] reply;
            try {
                reply = session.onBytes(unparsed);
            } catch (RtmpException e) {
                fail(e.getMessage());
                return;
            }
            unparsed.compact();
            if (reply.length > 0) {
                socket.write(Buffer.buffer(reply));
            }
            if (session.closed()) {
                closing = true;
                socket.end();
                return;
            }
            if (publisher != null && publisher.overloaded() && !paused) {
                paused = true;
                socket.pause();
                long pausedAt = System.nanoTime();
                vertx.setPeriodic(20, id -> {
                    if (closing || publisher == null || publisher.drained()) {
                        vertx.cancelTimer(id);
                        paused = false;
                        socket.resume();
                    } else if (System.nanoTime() - pausedAt > Broadcasts.STUCK.toNanos()) {
                        vertx.cancelTimer(id);
                        metrics.rejected("rtmp", "overloaded");
                        LOG.warn("RTMP publisher " + remote + " cut off: FFmpeg took nothing for " + Broadcasts.STUCK.toSeconds() + " s");
                        closing = true;
                        socket.close();
                    }
                });
            }
        }

        void fail(String why) {
            metrics.rejected("rtmp", "protocol-error");
            LOG.info("RTMP connection from " + remote + " closed: " + why);
            closing = true;
            socket.close();
        }

        void ended() {
            closing = true;
            if (publisher != null) {
                publisher.end();
                publisher = null;
            }
        }

        @Override
        public boolean accept(String app, String key) {
            channel = broadcasts.authorize("rtmp", remote, key).orElse(null);
            return channel != null;
        }

        @Override
        public void onPublish(String app, String key) {
            publisher = broadcasts.publish(channel, this, Remuxer.Format.FLV);
            publisher.feed(FlvMuxer.header());
        }

        @Override
        public void onMedia(RtmpMessage message) {
            byte[] tag = FlvMuxer.tag(message);
            if (tag != null && publisher != null) {
                publisher.feed(tag);
            }
        }

        @Override
        public void onUnpublish() {
            if (publisher != null) {
                publisher.end();
                publisher = null;
            }
        }

        @Override
        public String protocol() {
            return "rtmp";
        }

        @Override
        public String remote() {
            return remote;
        }

        @Override
        public void disconnect(String reason) {
            closing = true;
            socket.close();
        }
    }
}
