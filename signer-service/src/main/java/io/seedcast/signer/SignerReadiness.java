package io.seedcast.signer;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the master keyring is loaded and the loop has joined Kafka. */
@Readiness
@ApplicationScoped
public class SignerReadiness implements HealthCheck {

    private final SignerService service;

    public SignerReadiness(SignerService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        boolean keyring = service.keyring() != null;
        return HealthCheckResponse.named("signer").status(keyring && service.ready())
                .withData("keyring", keyring ? "active " + service.keyring().activeKeyId() : "not loaded")
                .withData("kafka", service.ready() ? "joined" : "connecting").build();
    }
}
