package io.seedcast.signer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seedcast.signer.config.SignerConfig;
import io.seedcast.signer.keys.MasterKeyring;
import io.seedcast.signer.signing.SignerLoop;
import io.seedcast.signer.signing.SignerMetrics;
import io.seedcast.signer.signing.SignerSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Starts the signing loop with the master keyring, and exposes its meters. */
@ApplicationScoped
public class SignerService {

    private static final Logger LOG = Logger.getLogger(SignerService.class);

    private final SignerConfig config;
    private final String bootstrap;
    private final MeterRegistry registry;
    private final SignerMetrics metrics = new SignerMetrics();
    private MasterKeyring keyring;
    private SignerLoop loop;
    private Thread thread;

    public SignerService(SignerConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, MeterRegistry registry) {
        this.config = config;
        this.bootstrap = bootstrap;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) throws Exception {
        try {
            keyring = new MasterKeyring(config.masterKeyDir());
        } catch (MasterKeyring.InvalidKeyringException e) {
            throw new IllegalStateException("the signer cannot start: " + e.getMessage());
        }
        String txId = config.transactionalId().orElse("seedcast-signer-" + InetAddress.getLocalHost().getHostName());
        loop = new SignerLoop(new SignerSettings(bootstrap, config.groupId(), txId, config.pollTimeout(), config.transactionTimeout()), keyring,
                Clock.systemUTC(), metrics);
        thread = new Thread(() -> {
            try {
                loop.run();
            } catch (RuntimeException e) {
                LOG.error("signing loop stopped", e);
            }
        }, "seedcast-signer-loop");
        thread.setDaemon(true);
        thread.start();
        meters();
        LOG.infof("signer %s started: Kafka %s, master keys in %s (active %s)", txId, bootstrap, config.masterKeyDir(), keyring.activeKeyId());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.close();
            thread.join(5000);
        }
    }

    private void meters() {
        counter("seedcast_signer_chunks_signed_total", "Chunks signed (Sign All) or added to a signed munro (UMT)", metrics.chunksSigned);
        counter("seedcast_signer_munros_signed_total", "Munro hashes signed", metrics.munrosSigned);
        counter("seedcast_signer_swarms_created_total", "Swarms created, rollovers included", metrics.swarmsCreated);
        counter("seedcast_signer_dead_letters_total", "Records sent to seedcast.chunks.dlq", metrics.deadLettered);
        counter("seedcast_signer_transactions_aborted_total", "Signing transactions aborted and retried", metrics.transactionsAborted);
        counter("seedcast_signer_sign_seconds_total", "Time spent signing", metrics.signNanos, 1e-9);
        Gauge.builder("seedcast_signer_active_swarms", metrics.activeSwarms, AtomicLong::get).description("Live swarms this replica signs").register(registry);
        Gauge.builder("seedcast_signer_master_key_versions", () -> keyring.keyIds().size()).description("Master key versions loaded").register(registry);
    }

    private void counter(String name, String help, AtomicLong value) {
        counter(name, help, value, 1);
    }

    private void counter(String name, String help, AtomicLong value, double scale) {
        FunctionCounter.builder(name, value, v -> v.get() * scale).description(help).register(registry);
    }

    public MasterKeyring keyring() {
        return keyring;
    }

    public SignerLoop loop() {
        return loop;
    }

    public boolean ready() {
        return loop != null && loop.isReady();
    }
}
