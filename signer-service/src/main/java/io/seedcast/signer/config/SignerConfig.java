package io.seedcast.signer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The signer's settings ({@code seedcast.signer.*}); Kafka's address is {@code kafka.bootstrap.servers}. */
@ConfigMapping(prefix = "seedcast.signer")
public interface SignerConfig {

    /** The master key directory: one file per key version, plus {@code active}. A mounted Secret in Kubernetes. */
    Path masterKeyDir();

    /** The consumer group all signer replicas share. */
    @WithDefault("seedcast-signer")
    String groupId();

    /** Stable per replica (the pod name of a StatefulSet); defaults to {@code seedcast-signer-<hostname>}. */
    Optional<String> transactionalId();

    @WithDefault("100ms")
    Duration pollTimeout();

    /** How long a vanished replica's open transaction may hold the signed stream back. */
    @WithDefault("10s")
    Duration transactionTimeout();
}
