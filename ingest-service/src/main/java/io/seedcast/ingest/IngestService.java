package io.seedcast.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seedcast.ingest.broadcast.Broadcasts;
import io.seedcast.ingest.channels.ChannelDirectory;
import io.seedcast.ingest.config.IngestConfig;
import io.seedcast.ingest.kafka.ChunkProducer;
import io.seedcast.ingest.media.Remuxer;
import io.seedcast.ingest.rtmp.RtmpServer;
import io.seedcast.ingest.srt.SrtServer;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Wires ingest together at start: channels from Kafka, the chunk producer, broadcasts, RTMP and SRT listeners. */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger("io.seedcast.ingest");

    @Inject
    IngestConfig config;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private ChannelDirectory channels;
    private ChunkProducer producer;
    private Broadcasts broadcasts;
    private RtmpServer rtmp;
    private Optional<SrtServer> srt = Optional.empty();
    private IngestMetrics metrics;

    void start(@Observes StartupEvent event) {
        Remuxer.load();
        metrics = new IngestMetrics(registry);
        channels = new ChannelDirectory(bootstrap);
        producer = ChunkProducer.create(bootstrap, config.flushAfter(), config.kafkaBuffer(), metrics);
        broadcasts = new Broadcasts(channels, producer, metrics, config.reconnectGrace());
        rtmp = new RtmpServer(vertx, broadcasts, metrics, config.rtmp().host(), config.rtmp().port(), config.rtmp().idleTimeout()).listen();
        LOG.infof("RTMP listening on %s:%d (OBS: Server rtmp://<this host>:%d/live, Stream Key: the channel's key)", config.rtmp().host(), rtmp.port(), rtmp.port());
        if (config.srt().enabled()) {
            srt = SrtServer.start(config.srt().library().orElse(null), broadcasts, metrics, config.srt().passphrases(),
                    config.srt().host(), config.srt().port(), config.srt().latencyMs());
            srt.ifPresent(s -> LOG.infof("SRT listening on udp %s:%d (streamid #!::r=live/<key>,m=publish)", config.srt().host(), s.port()));
        } else {
            LOG.info("SRT is disabled (seedcast.ingest.srt.enabled=false)");
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (rtmp != null) {
            rtmp.close();
        }
        srt.ifPresent(SrtServer::close);
        if (broadcasts != null) {
            broadcasts.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (channels != null) {
            channels.close();
        }
    }

    public int rtmpPort() {
        return rtmp.port();
    }

    public Optional<Integer> srtPort() {
        return srt.map(SrtServer::port);
    }

    public ChannelDirectory channels() {
        return channels;
    }

    public Broadcasts broadcasts() {
        return broadcasts;
    }
}
