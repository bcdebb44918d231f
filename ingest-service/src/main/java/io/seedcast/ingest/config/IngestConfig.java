package io.seedcast.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Ingest's settings ({@code seedcast.ingest.*}); Kafka's address is {@code kafka.bootstrap.servers}. */
@ConfigMapping(prefix = "seedcast.ingest")
public interface IngestConfig {

    Rtmp rtmp();

    Srt srt();

    /** How long a broadcast waits for its publisher to come back before it ends. */
    @WithDefault("30s")
    Duration reconnectGrace();

    /** A batch goes to Kafka when it holds chunks-per-signature chunks or its first chunk is this old. */
    @WithDefault("20ms")
    Duration flushAfter();

    /** How long chunks may wait for Kafka's acknowledgement before the publisher is disconnected. */
    @WithDefault("30s")
    Duration kafkaBuffer();

    interface Rtmp {
        @WithDefault("0.0.0.0")
        String host();

        @WithDefault("1935")
        int port();

        /** A connection that sends nothing this long (a half handshake, a stalled encoder) is closed. */
        @WithDefault("20s")
        Duration idleTimeout();
    }

    interface Srt {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("0.0.0.0")
        String host();

        @WithDefault("9000")
        int port();

        /** SRT receive latency (the retransmission window), milliseconds. */
        @WithDefault("120")
        int latencyMs();

        /** libsrt to load, if not Debian's libsrt.so.1.5. */
        Optional<String> library();

        /** Per channel id, the SRT passphrase (10-79 characters) its publishers must use; from a Secret. */
        Map<String, String> passphrases();
    }
}
