package io.seedcast.injector;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the channels and swarms on Kafka have been read: before that, answers would be wrong, not just late. */
@Readiness
@ApplicationScoped
public class InjectorReadiness implements HealthCheck {

    private final InjectorService service;

    public InjectorReadiness(InjectorService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        boolean ready = service.state() != null && service.state().ready();
        return HealthCheckResponse.named("injector").status(ready)
                .withData("channels", ready ? service.state().channels().size() : 0)
                .withData("publisherKey", service.publisher() == null ? "none" : service.publisher().keyId()).build();
    }
}
