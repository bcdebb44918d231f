package io.seedcast.signer.signing;

import java.time.Duration;

/**
 * What a signer replica needs to run its loop.
 *
 * @param transactionalId unique per replica and stable across its restarts (the pod name in a StatefulSet,
 *                        or a fresh one per Deployment pod: fencing then relies on the consumer group generation, KIP-447)
 * @param transactionTimeout how long an open transaction of a vanished replica may hold back the signed stream
 */
public record SignerSettings(String bootstrapServers, String groupId, String transactionalId, Duration pollTimeout, Duration transactionTimeout) {
}
