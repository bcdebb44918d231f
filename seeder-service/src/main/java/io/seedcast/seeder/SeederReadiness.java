package io.seedcast.seeder;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the UDP socket is bound and the window has been read from Kafka. */
@Readiness
@ApplicationScoped
public class SeederReadiness implements HealthCheck {

    private final SeederService service;

    public SeederReadiness(SeederService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("seeder").status(service.ready()).withData("advertised", service.advertised())
                .withData("swarms", service.loop() == null ? 0 : service.loop().relays().size()).build();
    }
}
