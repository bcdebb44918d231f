package io.seedcast.signer.signing;

import io.seedcast.kafka.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/** For @QuarkusTest: an embedded Kafka broker and a master key directory holding version k1. */
public class SignerTestResources implements QuarkusTestResourceLifecycleManager {

    static EmbeddedKafka kafka;
    public static Path keys;

    public static String bootstrap() {
        return kafka.bootstrap();
    }

    @Override
    public Map<String, String> start() {
        try {
            kafka = new EmbeddedKafka();
            keys = Files.createTempDirectory("master-keys");
            byte[] k = new byte[32];
            new java.security.SecureRandom().nextBytes(k);
            Files.writeString(keys.resolve("k1"), Base64.getEncoder().encodeToString(k));
            Files.writeString(keys.resolve("active"), "k1");
            return Map.of("kafka.bootstrap.servers", kafka.bootstrap(), "seedcast.signer.master-key-dir", keys.toString(),
                    "seedcast.signer.transactional-id", "signer-quarkus-test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        try {
            kafka.close();
        } catch (Exception ignored) {
            // The JVM is going away with it.
        }
    }
}
