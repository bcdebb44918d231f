package io.seedcast.seeder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seedcast.ppspp.engine.EngineConfig;
import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.ppspp.engine.PeerEngine;
import io.seedcast.ppspp.engine.SwarmStats;
import io.seedcast.seeder.config.SeederConfig;
import io.seedcast.seeder.serving.SeederLoop;
import io.seedcast.seeder.serving.SeederSettings;
import io.seedcast.seeder.serving.TrackerRegistration;
import io.seedcast.tracker.TrackerClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.ToLongFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Starts the PPSPP engine on the UDP port and the loop that feeds it signed chunks; exposes meters. */
@ApplicationScoped
public class SeederService {

    private static final Logger LOG = Logger.getLogger(SeederService.class);

    private final SeederConfig config;
    private final String bootstrap;
    private final MeterRegistry registry;
    private PeerEngine engine;
    private SeederLoop loop;
    private Thread thread;
    private TrackerRegistration registration;

    public SeederService(SeederConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, MeterRegistry registry) {
        this.config = config;
        this.bootstrap = bootstrap;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) throws Exception {
        InetSocketAddress listen = address(config.listen());
        EngineConfig engineConfig = EngineConfig.source(listen).withPeerLimits(config.maxPeersPerSwarm(), config.maxPeers())
                .withUploadLimit(config.uploadLimitPerPeer()).withTotalUploadLimit(config.uploadLimit())
                .withHandshakeLimits(EngineConfig.defaults(listen).maxPendingHandshakes(), config.handshakesPerSecond());
        engine = PeerEngine.start(engineConfig);
        loop = new SeederLoop(new SeederSettings(bootstrap, config.window(), config.shardCount(), config.shardIndex(), Duration.ofMillis(20)),
                engine);
        thread = new Thread(loop, "seedcast-seeder-loop");
        thread.setDaemon(true);
        thread.start();
        meters();
        if (config.trackerUrl().isPresent()) {
            InetSocketAddress advertised = address(advertised());
            String peerId = "seeder-" + java.net.InetAddress.getLocalHost().getHostName() + "-" + engine.localAddress().getPort();
            registration = new TrackerRegistration(new TrackerClient(config.trackerUrl().get(), peerId), advertised, loop, config.reportInterval());
            registration.start();
        } else {
            LOG.info("no seedcast.seeder.tracker-url: this seeder is not registered with a tracker; viewers must be told its address");
        }
        LOG.infof("seeder serving PPSPP on udp %s, advertised as %s; Kafka %s; window %s; shard %d of %d", engine.localAddress(),
                advertised(), bootstrap, config.window(), config.shardIndex(), config.shardCount());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop == null) {
            return;
        }
        // Graceful drain: leave the tracker so no new viewer comes, stop taking new chunks, keep serving
        // what we hold for a moment, then leave with closing HANDSHAKEs.
        if (registration != null) {
            registration.close();
        }
        loop.close();
        Thread.sleep(config.drain().toMillis());
        engine.close();
    }

    public String advertised() {
        return config.advertisedAddress().orElse(engine.localAddress().getHostString() + ":" + engine.localAddress().getPort());
    }

    public boolean ready() {
        return loop != null && loop.isReady() && engine.localAddress().getPort() > 0;
    }

    public SeederLoop loop() {
        return loop;
    }

    private void meters() {
        Gauge.builder("seedcast_seeder_swarms", loop, l -> l.relays().size()).description("Swarms served").register(registry);
        Gauge.builder("seedcast_seeder_peers", this, s -> sum(st -> st.peers.get())).description("Peers over all swarms").register(registry);
        FunctionCounter.builder("seedcast_seeder_bytes_out_total", engine, e -> e.bytesSent.get()).description("UDP payload bytes sent").register(registry);
        FunctionCounter.builder("seedcast_seeder_datagrams_out_total", engine, e -> e.datagramsSent.get()).register(registry);
        FunctionCounter.builder("seedcast_seeder_chunks_served_total", this, s -> sum(st -> st.chunksServed.get())).register(registry);
        FunctionCounter.builder("seedcast_seeder_handshakes_accepted_total", engine, e -> e.handshakesAccepted.get()).register(registry);
        FunctionCounter.builder("seedcast_seeder_handshakes_refused_total", engine, e -> e.handshakesRefused.get()).register(registry);
        FunctionCounter.builder("seedcast_seeder_upload_limit_hits_total", engine, e -> e.uploadLimitHits.get())
                .description("Times a peer's upload limit held back a chunk").register(registry);
        FunctionCounter.builder("seedcast_seeder_chunks_refused_total", loop, l -> l.refused.get())
                .description("Signed chunks that did not check out against their swarm ID").register(registry);
        Gauge.builder("seedcast_seeder_live_edge_lag_seconds", loop,
                l -> l.newestIngestMicros.get() == 0 ? 0 : (System.currentTimeMillis() * 1000 - l.newestIngestMicros.get()) / 1e6)
                .description("Age of the newest chunk read from Kafka").register(registry);
    }

    private double sum(ToLongFunction<SwarmStats> f) {
        long n = 0;
        for (LiveSwarm s : loop.relays().values()) {
            n += f.applyAsLong(s.stats());
        }
        return n;
    }

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("seedcast.seeder.listen must be HOST:PORT, got '" + hostPort + "'");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
