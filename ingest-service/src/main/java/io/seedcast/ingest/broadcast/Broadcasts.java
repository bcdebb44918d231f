package io.seedcast.ingest.broadcast;

import io.seedcast.ingest.IngestMetrics;
import io.seedcast.ingest.channels.ChannelDirectory;
import io.seedcast.ingest.kafka.ChunkProducer;
import io.seedcast.ingest.media.Remuxer;
import io.seedcast.ingest.media.Timeline;
import io.seedcast.ingest.media.TsChunker;
import io.seedcast.ingest.media.TsContinuity;
import io.seedcast.pipeline.ChannelRecord;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The live broadcasts, one per channel, and the publishers feeding them. A broadcast outlives its
 * publisher's connection by a grace period: a publisher that comes back with the same key within it
 * continues the same broadcast and chunk numbering; a second publisher on a live key takes over from
 * the first (OBS's reconnect races); after the grace period the broadcast gets its end marker.
 * Transports (RTMP, SRT) only authorize, {@link #publish}, feed and end.
 */
public final class Broadcasts implements AutoCloseable {

    /** A transport connection, as far as broadcasts care. */
    public interface Connection {
        String protocol();

        String remote();

        /** Close the connection; {@code reason} has been logged. */
        void disconnect(String reason);
    }

    private final ChannelDirectory channels;
    private final ChunkProducer producer;
    private final IngestMetrics metrics;
    private final Duration grace;
    private static final Logger LOG = Logger.getLogger(Broadcasts.class);
    private final Map<String, Broadcast> live = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("seedcast-ingest-grace").daemon().unstarted(r));
    private final SecureRandom random = new SecureRandom();

    public Broadcasts(ChannelDirectory channels, ChunkProducer producer, IngestMetrics metrics, Duration grace) {
        this.channels = channels;
        this.producer = producer;
        this.metrics = metrics;
        this.grace = grace;
    }

    /** The channel a stream key publishes to; an unknown key is counted and logged without the key. */
    public Optional<ChannelRecord> authorize(String protocol, String remote, String streamKey) {
        Optional<ChannelRecord> c = streamKey == null || streamKey.isEmpty() ? Optional.empty() : channels.byKey(streamKey);
        if (c.isEmpty()) {
            metrics.rejected(protocol, "unknown-key");
            LOG.warn(protocol + " publisher " + remote + " refused: unknown stream key"
                    + (channels.caughtUp() ? "" : " (channels are still loading from Kafka)"));
        }
        return c;
    }

    /** Starts feeding {@code channel}'s broadcast from {@code connection}. */
    public synchronized Publisher publish(ChannelRecord channel, Connection connection, Remuxer.Format format) {
        Broadcast b = live.get(channel.channelId());
        if (b == null) {
            b = new Broadcast(channel);
            live.put(channel.channelId(), b);
            metrics.broadcasts.set(live.size());
            LOG.info("broadcast " + b.broadcastId + " of channel " + channel.channelId() + " (" + channel.name() + ") started by "
                    + connection.protocol() + " publisher " + connection.remote());
        } else {
            if (b.grace != null) {
                b.grace.cancel(false);
                b.grace = null;
                metrics.reconnects.increment();
                LOG.info(connection.protocol() + " publisher " + connection.remote() + " is back on channel " + channel.channelId()
                        + ": broadcast " + b.broadcastId + " continues at chunk " + b.chunker.nextIndex());
            }
            Publisher old = b.current;
            if (old != null) {
                b.current = null;
                metrics.takeovers.increment();
                String why = "another publisher (" + connection.protocol() + " " + connection.remote() + ") took over channel " + channel.channelId();
                LOG.info(old.connection.protocol() + " publisher " + old.connection.remote() + " replaced: " + why
                        + "; broadcast " + b.broadcastId + " continues at chunk " + b.chunker.nextIndex());
                old.remuxer.abort();
                old.connection.disconnect(why);
            }
        }
        Publisher p = new Publisher(b, connection, format);
        synchronized (b) {
            b.current = p;
        }
        metrics.publishers.incrementAndGet();
        p.remuxer.start();
        return p;
    }

    /** What is live, for the publishers endpoint. */
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Broadcast b : live.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("channelId", b.channelId());
            m.put("broadcastId", b.broadcastId);
            m.put("startedAt", b.startedAt.toString());
            Publisher p = b.current;
            m.put("state", p != null ? "live" : "waiting for the publisher to reconnect");
            if (p != null) {
                m.put("protocol", p.connection.protocol());
                m.put("remote", p.connection.remote());
                m.put("publishingSince", p.since.toString());
            }
            m.put("chunks", b.chunker.nextIndex());
            m.put("bytes", b.chunker.bytes());
            m.put("unacknowledgedBatches", producer.unacknowledgedBatches(b));
            out.add(m);
        }
        return out;
    }

    private synchronized void ended(Publisher p, String error) {
        metrics.publishers.decrementAndGet();
        metrics.repairedTimestamps.increment(p.remuxer.repairedTimestamps());
        Broadcast b = p.broadcast;
        if (error != null) {
            metrics.rejected(p.connection.protocol(), "broken-media");
            LOG.warn(p.connection.protocol() + " publisher " + p.connection.remote() + " on channel " + b.channelId() + " cut off: " + error);
            p.connection.disconnect(error);
        }
        if (b.current == p) {
            b.current = null;
            b.grace = timers.schedule(() -> expire(b), grace.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info(p.connection.protocol() + " publisher " + p.connection.remote() + " left channel " + b.channelId() + "; broadcast "
                    + b.broadcastId + " waits " + grace.toSeconds() + " s for it to come back");
        }
    }

    private synchronized void expire(Broadcast b) {
        if (b.current != null || live.get(b.channelId()) != b) {
            return;
        }
        live.remove(b.channelId());
        metrics.broadcasts.set(live.size());
        b.chunker.finish();
        producer.end(b);
        LOG.info("broadcast " + b.broadcastId + " of channel " + b.channelId() + " ended after " + b.chunker.nextIndex() + " chunks ("
                + b.chunker.bytes() + " bytes)");
    }

    /** Ends every broadcast now (shutdown): their end markers go to Kafka. */
    @Override
    public synchronized void close() {
        for (Broadcast b : List.copyOf(live.values())) {
            Publisher p = b.current;
            if (p != null) {
                b.current = null;
                p.remuxer.abort();
                p.connection.disconnect("ingest is shutting down");
            }
            if (b.grace != null) {
                b.grace.cancel(false);
            }
            expire(b);
        }
        timers.shutdownNow();
    }

    final class Broadcast implements ChunkProducer.Stream {
        final ChannelRecord channel;
        final String broadcastId;
        final Instant startedAt = Instant.now();
        final TsChunker chunker;
        /** The broadcast's clock and TS continuity across publisher sessions. */
        final Timeline timeline = new Timeline();
        final TsContinuity continuity;
        volatile Publisher current;
        ScheduledFuture<?> grace;

        Broadcast(ChannelRecord channel) {
            this.channel = channel;
            byte[] r = new byte[4];
            random.nextBytes(r);
            this.broadcastId = channel.channelId() + "-" + Long.toString(startedAt.getEpochSecond(), 36) + "-" + HexFormat.of().formatHex(r);
            this.chunker = new TsChunker((int) channel.parameters().chunkSize(), 0, c -> producer.add(this, c),
                    () -> ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
            this.continuity = new TsContinuity(chunker::write);
        }

        @Override
        public String channelId() {
            return channel.channelId();
        }

        @Override
        public String broadcastId() {
            return broadcastId;
        }

        @Override
        public int chunksPerSignature() {
            return Math.max(1, channel.parameters().chunksPerSignature());
        }

        @Override
        public void kafkaStalled(String reason) {
            metrics.rejected("kafka", "kafka-unavailable");
            // No lock: this may run on the remuxer's thread inside a write, which holds the broadcast's.
            Publisher p = current;
            LOG.info("channel " + channelId() + ": " + reason + (p == null ? "" : "; disconnecting " + p.connection.protocol() + " publisher " + p.connection.remote()));
            if (p != null) {
                p.remuxer.abort();
                p.connection.disconnect(reason);
            }
        }
    }

    /** One connection's publish into a broadcast. */
    public static final long PAUSE_ABOVE = 8L << 20;
    public static final long RESUME_BELOW = 2L << 20;
    public static final java.time.Duration STUCK = java.time.Duration.ofSeconds(10);

    public final class Publisher {
        final Broadcast broadcast;
        final Connection connection;
        final Remuxer remuxer;
        final Instant since = Instant.now();

        Publisher(Broadcast broadcast, Connection connection, Remuxer.Format format) {
            this.broadcast = broadcast;
            this.connection = connection;
            this.remuxer = new Remuxer(format, broadcast.channelId(), new Remuxer.Output() {
                @Override
                public void session(boolean discontinuous) {
                    synchronized (broadcast) {
                        if (broadcast.current == Publisher.this) {
                            broadcast.continuity.newSession(discontinuous);
                            if (discontinuous) {
                                LOG.warnf("channel %s: the publisher's encoder configuration changed; the stream is marked discontinuous there",
                                        broadcast.channelId());
                            }
                        }
                    }
                }

                @Override
                public void keyframe() {
                    synchronized (broadcast) {
                        if (broadcast.current == Publisher.this) {
                            broadcast.chunker.keyframe();
                        }
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    // The check and the write as one: a replaced publisher's last bytes never land after its successor's first.
                    synchronized (broadcast) {
                        if (broadcast.current == Publisher.this) {
                            broadcast.continuity.write(b, off, len);
                        }
                    }
                }

                @Override
                public void ended(String error) {
                    Broadcasts.this.ended(Publisher.this, error);
                }
            }, broadcast.timeline);
        }

        public void feed(byte[] media) {
            metrics.bytesIn.increment(media.length);
            remuxer.feed(media);
        }

        /** Media received and not yet remuxed. */
        public long queuedBytes() {
            return remuxer.queuedBytes();
        }

        /**
         * The one back-pressure rule, for RTMP and SRT alike: a transport stops reading a publisher while more than
         * {@link #PAUSE_ABOVE} waits for FFmpeg, and reads again below {@link #RESUME_BELOW}. TCP then slows the RTMP
         * publisher; SRT's live mode drops what is too late at the sender. A publisher that stays overloaded for
         * {@link #STUCK} is cut off with a line that says so: FFmpeg is not keeping up at all.
         */
        public boolean overloaded() {
            return queuedBytes() > PAUSE_ABOVE;
        }

        public boolean drained() {
            return queuedBytes() < RESUME_BELOW;
        }

        /** The publisher stopped or its connection closed: what it sent is remuxed to the end. */
        public void end() {
            remuxer.endOfInput();
        }

        public String broadcastId() {
            return broadcast.broadcastId;
        }

        public String channelId() {
            return broadcast.channelId();
        }
    }
}
