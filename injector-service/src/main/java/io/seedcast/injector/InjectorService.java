package io.seedcast.injector;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seedcast.injector.channels.ClusterState;
import io.seedcast.injector.config.InjectorConfig;
import io.seedcast.injector.swarms.PublisherKeys;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.tracker.Tracker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** The injector's parts: cluster state from Kafka, the tracker, the publisher key, the admin token. */
@ApplicationScoped
public class InjectorService {

    private static final Logger LOG = Logger.getLogger(InjectorService.class);

    private final InjectorConfig config;
    private final String bootstrap;
    private ClusterState state;
    private Tracker tracker;
    private PublisherKeys publisher;
    private String adminToken;

    public InjectorService(InjectorConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) throws Exception {
        adminToken = config.adminToken().filter(t -> !t.isBlank()).orElseGet(() -> {
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            String t = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            LOG.infof("no seedcast.injector.admin-token (SEEDCAST_ADMIN_TOKEN) set: this run's admin token is %s", t);
            return t;
        });
        SwarmKeyPair key = config.publisherKey().isPresent()
                ? SwarmKeyPair.fromPem(Files.readString(config.publisherKey().get()), SignatureAlgorithm.ED25519)
                : SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
        Instant now = Instant.now();
        publisher = new PublisherKeys(key, now, now.plus(config.publisherKeyOverlap()).plus(java.time.Duration.ofDays(365)));
        for (java.nio.file.Path old : config.previousPublisherKeys().orElse(java.util.List.of())) {
            SwarmKeyPair previous = SwarmKeyPair.fromPem(Files.readString(old), SignatureAlgorithm.ED25519);
            publisher.previous(previous.swarmId(), now.plus(config.publisherKeyOverlap()));
        }
        if (config.publisherKey().isEmpty()) {
            LOG.warn("no seedcast.injector.publisher-key: metadata is signed with a key made for this run; viewers pinning it must re-pin after a restart");
        }
        tracker = new Tracker(Clock.systemUTC(), config.trackerTtl());
        state = new ClusterState(bootstrap);
    }

    void stop(@Observes ShutdownEvent event) {
        if (state != null) {
            state.close();
        }
    }

    public InjectorConfig config() {
        return config;
    }

    public ClusterState state() {
        return state;
    }

    public Tracker tracker() {
        return tracker;
    }

    public PublisherKeys publisher() {
        return publisher;
    }

    public String adminToken() {
        return adminToken;
    }
}
