package io.seedcast.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.seedcast.kafka.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seeder as deployed: ready once bound and caught up, with its meters. */
@QuarkusTest
@WithTestResource(SeederServiceTest.Kafka.class)
class SeederServiceTest {

    public static class Kafka implements QuarkusTestResourceLifecycleManager {
        EmbeddedKafka kafka;

        @Override
        public Map<String, String> start() {
            try {
                kafka = new EmbeddedKafka();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of("kafka.bootstrap.servers", kafka.bootstrap(), "seedcast.seeder.listen", "127.0.0.1:0",
                    "seedcast.seeder.advertised-address", "seeder-0.example.net:7758", "seedcast.seeder.drain", "0s");
        }

        @Override
        public void stop() {
            try {
                kafka.close();
            } catch (Exception ignored) {
                // Going away anyway.
            }
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void readyWithItsAdvertisedAddressAndMeters() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            ready = http.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() == 200) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("seeder-0.example.net:7758"), ready.body());
        String metrics = http.send(HttpRequest.newBuilder(base.resolve("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("seedcast_seeder_swarms 0.0"), "swarm gauge");
        assertTrue(metrics.contains("seedcast_seeder_handshakes_refused_total"), "handshake counters");
    }
}
