package io.seedcast.seeder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The seeder's settings ({@code seedcast.seeder.*}); Kafka's address is {@code kafka.bootstrap.servers}. */
@ConfigMapping(prefix = "seedcast.seeder")
public interface SeederConfig {

    /** PPSPP over UDP: where to listen. */
    @WithDefault("0.0.0.0:7758")
    String listen();

    /** host:port viewers reach this replica at (in Kubernetes the pod address is not it); defaults to the listen address. */
    Optional<String> advertisedAddress();

    /** How far back a starting replica reads signed chunks: at least the swarms' discard window. */
    @WithDefault("60s")
    Duration window();

    @WithDefault("1")
    int shardCount();

    @WithDefault("0")
    int shardIndex();

    @WithDefault("200")
    int maxPeersPerSwarm();

    @WithDefault("2000")
    int maxPeers();

    /** Bytes per second to one peer; 0 for no limit. */
    @WithDefault("0")
    long uploadLimitPerPeer();

    /**
     * Bytes per second to all peers together (the replica's share of its uplink); 0 for no limit. What viewers ask beyond
     * it waits here, where only chunks that have not left the replica yet go out, and viewers take the rest from each other.
     */
    @WithDefault("0")
    long uploadLimit();

    @WithDefault("2000")
    int handshakesPerSecond();

    /** The injector's PPSP-TP tracker, e.g. {@code http://injector:8080/ppsp-tp}; without it the seeder registers nowhere. */
    Optional<java.net.URI> trackerUrl();

    /** How often the seeder reports to the tracker (STAT_REPORT), keeping its entries alive. */
    @WithDefault("30s")
    Duration reportInterval();

    /** On shutdown, keep serving this long so viewers move to other replicas. */
    @WithDefault("5s")
    Duration drain();
}
