package io.seedcast.signer.signing;

import java.util.concurrent.atomic.AtomicLong;

/** Counters the service exposes as Micrometer meters; plain atomics so the loop runs without Quarkus in tests. */
public final class SignerMetrics {
    public final AtomicLong chunksSigned = new AtomicLong();
    public final AtomicLong munrosSigned = new AtomicLong();
    public final AtomicLong swarmsCreated = new AtomicLong();
    public final AtomicLong activeSwarms = new AtomicLong();
    public final AtomicLong deadLettered = new AtomicLong();
    public final AtomicLong transactionsAborted = new AtomicLong();
    public final AtomicLong signNanos = new AtomicLong();
}
