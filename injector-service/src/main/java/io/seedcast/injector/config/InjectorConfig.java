package io.seedcast.injector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The injector's settings ({@code seedcast.injector.*}). */
@ConfigMapping(prefix = "seedcast.injector")
public interface InjectorConfig {

    /** Bearer token for the admin API; empty: one is generated at start and logged once. */
    Optional<String> adminToken();

    /** Where viewers and seeders reach this service, for the tracker URL in swarm metadata. */
    @WithDefault("http://127.0.0.1:8080")
    String publicUrl();

    /** The RTMP server URL shown to broadcasters (OBS: Settings, Stream, Server). */
    @WithDefault("rtmp://127.0.0.1:1935/live")
    String rtmpUrl();

    /** The SRT listener shown to broadcasters. */
    @WithDefault("srt://127.0.0.1:9000")
    String srtUrl();

    /** A PKCS #8 PEM Ed25519 key that signs swarm metadata; without one a key is made at start (and changes on restart). */
    Optional<java.nio.file.Path> publisherKey();

    /**
     * Publisher keys that were active before (PKCS #8 PEM files): still listed in the key set, valid for
     * {@code publisher-key-overlap} from this start, so viewers holding metadata they signed keep trusting it.
     */
    Optional<java.util.List<java.nio.file.Path>> previousPublisherKeys();

    /** How long a publisher key stays valid in the key set after it is replaced: the overlap viewers rely on. */
    @WithDefault("P7D")
    Duration publisherKeyOverlap();

    /** The signer's internal admin endpoint, for GET /api/keys (e.g. http://signer:8082). */
    Optional<String> signerUrl();

    /** How long a tracker entry lives without a report (RFC 7846 STAT_REPORT). */
    @WithDefault("90s")
    Duration trackerTtl();
}
