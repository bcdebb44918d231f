package io.seedcast.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the channels are loaded from Kafka (so keys can be checked); Kafka itself is Quarkus's own check. */
@Readiness
@ApplicationScoped
public class IngestReadiness implements HealthCheck {

    @Inject
    IngestService service;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("seedcast-ingest");
        var channels = service.channels();
        if (channels == null) {
            return b.down().withData("reason", "starting").build();
        }
        b.withData("channels", channels.size()).withData("rtmpPort", service.rtmpPort())
                .withData("srt", service.srtPort().map(p -> "udp " + p).orElse("disabled"))
                .withData("broadcasts", service.broadcasts().describe().size());
        channels.failure().ifPresent(f -> b.withData("reason", f));
        return channels.caughtUp() ? b.up().build() : b.down().withData("waiting", "channels are loading from Kafka").build();
    }
}
