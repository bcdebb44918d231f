package io.seedcast.ingest.srt;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.seedcast.ingest.IngestMetrics;
import io.seedcast.ingest.broadcast.Broadcasts;
import io.seedcast.ingest.media.Remuxer;
import io.seedcast.pipeline.ChannelRecord;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * An SRT listener on libsrt itself (FFmpeg's takes one caller and hides its streamid). libsrt calls
 * us before accepting a caller: the streamid's stream key is checked there, so an unknown key is
 * rejected in the handshake (reason 1403) before any media flows, and a channel's passphrase is set
 * on that caller's socket only. Each accepted caller is read on its own thread into FFmpeg (MPEG-TS in).
 */
public final class SrtServer implements AutoCloseable {

    private final LibSrt srt;
    private final Broadcasts broadcasts;
    private final IngestMetrics metrics;
    private static final Logger LOG = Logger.getLogger(SrtServer.class);
    private final Map<String, String> passphrases;
    private final Map<Integer, ChannelRecord> admitted = new ConcurrentHashMap<>();
    private final Map<Integer, String> peers = new ConcurrentHashMap<>();
    private final LibSrt.ListenCallback callback = this::onCaller;
    private final int listener;
    private final int port;
    private volatile boolean running = true;
    private final Thread acceptor;

    private SrtServer(LibSrt srt, Broadcasts broadcasts, IngestMetrics metrics, Map<String, String> passphrases, String host, int port, int latencyMillis) {
        this.srt = srt;
        this.broadcasts = broadcasts;
        this.metrics = metrics;
        this.passphrases = passphrases;
        srt.srt_startup();
        listener = srt.srt_create_socket();
        if (listener == LibSrt.SRT_ERROR) {
            throw new IllegalStateException("SRT: cannot create a socket: " + srt.srt_getlasterror_str());
        }
        srt.srt_setsockflag(listener, LibSrt.SRTO_LATENCY, new IntByReference(latencyMillis), 4);
        byte[] addr = sockaddr(host, port);
        if (srt.srt_bind(listener, addr, addr.length) == LibSrt.SRT_ERROR) {
            String err = srt.srt_getlasterror_str();
            srt.srt_close(listener);
            throw new IllegalStateException("SRT cannot listen on udp port " + port + ": " + err);
        }
        byte[] bound = new byte[16];
        this.port = srt.srt_getsockname(listener, bound, new IntByReference(16)) == 0 ? (bound[2] & 0xFF) << 8 | bound[3] & 0xFF : port;
        srt.srt_listen_callback(listener, callback, null);
        if (srt.srt_listen(listener, 64) == LibSrt.SRT_ERROR) {
            throw new IllegalStateException("SRT cannot listen: " + srt.srt_getlasterror_str());
        }
        acceptor = Thread.ofPlatform().name("seedcast-srt-accept").daemon().start(this::acceptLoop);
    }

    /** The listener, or empty (with one log line saying why) when libsrt is not installed. */
    public static Optional<SrtServer> start(String library, Broadcasts broadcasts, IngestMetrics metrics,
            Map<String, String> passphrases, String host, int port, int latencyMillis) {
        StringBuilder why = new StringBuilder();
        LibSrt srt = LibSrt.load(library, why);
        if (srt == null) {
            LOG.warn("SRT is disabled: libsrt is not installed (Debian: apt-get install libsrt1.5-openssl). Tried " + why);
            return Optional.empty();
        }
        return Optional.of(new SrtServer(srt, broadcasts, metrics, passphrases, host, port, latencyMillis));
    }

    public int port() {
        return port;
    }

    static byte[] sockaddr(String host, int port) {
        byte[] a = new byte[16];
        a[0] = 2; // AF_INET, little-endian sa_family_t
        a[2] = (byte) (port >>> 8);
        a[3] = (byte) port;
        try {
            byte[] ip = InetAddress.getByName(host).getAddress();
            if (ip.length != 4) {
                throw new IllegalArgumentException("SRT listens on IPv4 addresses here, not " + host);
            }
            System.arraycopy(ip, 0, a, 4, 4);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("SRT listen address " + host + ": " + e.getMessage());
        }
        return a;
    }

    static String peer(Pointer sockaddr) {
        if (sockaddr == null) {
            return "?";
        }
        byte[] a = sockaddr.getByteArray(0, 8);
        int port = (a[2] & 0xFF) << 8 | a[3] & 0xFF;
        return (a[4] & 0xFF) + "." + (a[5] & 0xFF) + "." + (a[6] & 0xFF) + "." + (a[7] & 0xFF) + ":" + port;
    }

    /** libsrt's listen callback, on its receiver thread: admit or reject before the handshake completes. */
    private int onCaller(Pointer opaque, int socket, int hsVersion, Pointer peerAddress, String streamId) {
        String remote = peer(peerAddress);
        try {
            Optional<StreamId> id = StreamId.parse(streamId);
            if (id.isEmpty()) {
                metrics.rejected("srt", "no-stream-key");
                LOG.warn("SRT caller " + remote + " refused: no stream key in its streamid (use #!::r=live/KEY,m=publish)");
                srt.srt_setrejectreason(socket, LibSrt.REJECT_NOT_FOUND);
                return -1;
            }
            if (!id.get().publishing()) {
                metrics.rejected("srt", "not-a-publisher");
                LOG.warn("SRT caller " + remote + " refused: mode " + id.get().mode() + "; this port takes publishers (m=publish)");
                srt.srt_setrejectreason(socket, LibSrt.REJECT_FORBIDDEN);
                return -1;
            }
            Optional<ChannelRecord> channel = broadcasts.authorize("srt", remote, id.get().key());
            if (channel.isEmpty()) {
                srt.srt_setrejectreason(socket, LibSrt.REJECT_FORBIDDEN);
                return -1;
            }
            String pass = passphrases.get(channel.get().channelId());
            if (pass != null && !pass.isEmpty()) {
                byte[] p = pass.getBytes(StandardCharsets.UTF_8);
                if (srt.srt_setsockflag(socket, LibSrt.SRTO_PASSPHRASE, p, p.length) == LibSrt.SRT_ERROR) {
                    LOG.error("SRT: the passphrase configured for channel " + channel.get().channelId() + " is unusable (10 to 79 characters): "
                            + srt.srt_getlasterror_str());
                    srt.srt_setrejectreason(socket, LibSrt.REJECT_FORBIDDEN);
                    return -1;
                }
            }
            admitted.put(socket, channel.get());
            peers.put(socket, remote);
            return 0;
        } catch (RuntimeException e) {
            LOG.warn("SRT caller " + remote + " refused: " + e);
            return -1;
        }
    }

    private void acceptLoop() {
        while (running) {
            int s = srt.srt_accept(listener, new byte[128], new IntByReference(128));
            if (s == LibSrt.SRT_ERROR) {
                if (running) {
                    LOG.error("SRT accept failed: " + srt.srt_getlasterror_str());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue;
            }
            ChannelRecord channel = admitted.remove(s);
            String remote = peers.remove(s);
            if (channel == null) {
                srt.srt_close(s);
                continue;
            }
            Caller c = new Caller(s, remote == null ? "?" : remote);
            Thread.ofPlatform().name("seedcast-srt-" + s).daemon().start(() -> c.run(channel));
        }
    }

    private final class Caller implements Broadcasts.Connection {
        final int socket;
        final String remote;
        volatile String disconnected;

        Caller(int socket, String remote) {
            this.socket = socket;
            this.remote = remote;
        }

        void run(ChannelRecord channel) {
            Broadcasts.Publisher publisher = broadcasts.publish(channel, this, Remuxer.Format.MPEGTS);
            byte[] buf = new byte[1500];
            try {
                while (running && disconnected == null) {
                    int n = srt.srt_recvmsg(socket, buf, buf.length);
                    if (n <= 0) {
                        break;
                    }
                    publisher.feed(Arrays.copyOf(buf, n));
                    if (publisher.overloaded() && !waitUntilDrained(publisher)) {
                        LOG.warn("SRT publisher " + remote + " on channel " + channel.channelId() + " cut off: FFmpeg took nothing for "
                                + Broadcasts.STUCK.toSeconds() + " s");
                        metrics.rejected("srt", "overloaded");
                        break;
                    }
                }
            } finally {
                publisher.end();
                srt.srt_close(socket);
            }
        }

        /** Stops reading (SRT's live mode drops what is too late) until FFmpeg has caught up; false if it never does. */
        private boolean waitUntilDrained(Broadcasts.Publisher publisher) {
            long deadline = System.nanoTime() + Broadcasts.STUCK.toNanos();
            while (running && disconnected == null && !publisher.drained()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        @Override
        public String protocol() {
            return "srt";
        }

        @Override
        public String remote() {
            return remote;
        }

        @Override
        public void disconnect(String reason) {
            disconnected = reason;
            srt.srt_close(socket);
        }
    }

    @Override
    public void close() {
        running = false;
        srt.srt_close(listener);
        acceptor.interrupt();
    }
}
