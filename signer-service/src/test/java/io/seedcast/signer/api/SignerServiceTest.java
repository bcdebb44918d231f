package io.seedcast.signer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.Chunk;
import io.seedcast.pipeline.ChunkBatch;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.signer.signing.SignerTestResources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The signer as deployed: Quarkus, its health, metrics and key admin endpoint, on a real broker. */
@QuarkusTest
@WithTestResource(SignerTestResources.class)
class SignerServiceTest {

    @TestHTTPResource("/")
    URI base;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    String await(String path, String contains) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        String body = "";
        while (System.currentTimeMillis() < deadline) {
            body = get(path).body();
            if (body.contains(contains)) {
                return body;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " never contained " + contains + ": " + body);
    }

    @Test
    void readySignsAndRefusesToRetireAKeyInUse() throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (get("/q/health/ready").statusCode() != 200 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        HttpResponse<String> ready = get("/q/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("active k1"), ready.body());
        Properties p = new Properties();
        p.put("bootstrap.servers", SignerTestResources.bootstrap());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            SwarmParameters params = SwarmParameters.defaults(Profile.RFC7574);
            producer.send(new ProducerRecord<>(Topics.CHANNELS, "c1", new ChannelRecord("c1", "Test", List.of(), params).encode())).get();
            List<Chunk> chunks = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                chunks.add(new Chunk(i, 0, i == 0, Bytes.of(new byte[1024])));
            }
            producer.send(new ProducerRecord<>(Topics.CHUNKS, "b1", new ChunkBatch("c1", "b1", chunks, false).encode())).get();
        }
        String keys = await("/admin/keys", "\"swarmKeys\":1");
        assertTrue(keys.contains("\"active\":\"k1\""), keys);
        HttpResponse<String> retire = post("/admin/keys/k1/retire");
        assertEquals(409, retire.statusCode());
        assertTrue(retire.body().contains("active master key"), retire.body());
        String metrics = await("/q/metrics", "seedcast_signer_munros_signed_total 1.0");
        assertTrue(metrics.contains("seedcast_signer_active_swarms 1.0"), "active swarms gauge");
        assertEquals(404, post("/admin/keys/k9/retire").statusCode());

        // Rotation as an operator does it: a new version in the Secret, made active; no restart.
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        java.nio.file.Files.writeString(SignerTestResources.keys.resolve("k2"), java.util.Base64.getEncoder().encodeToString(k));
        java.nio.file.Files.writeString(SignerTestResources.keys.resolve("active"), "k2");
        await("/admin/keys", "\"active\":\"k2\"");
        HttpResponse<String> inUse = post("/admin/keys/k1/retire");
        assertEquals(409, inUse.statusCode());
        assertTrue(inUse.body().contains("still wrapped under 'k1'"), inUse.body());
        HttpResponse<String> rewrap = post("/admin/keys/rewrap");
        assertEquals(200, rewrap.statusCode(), rewrap.body());
        assertTrue(rewrap.body().contains("\"rewrapped\":1"), rewrap.body());
        await("/admin/keys", "{\"active\":false,\"id\":\"k1\",\"swarmKeys\":0}");
        HttpResponse<String> retired = post("/admin/keys/k1/retire");
        assertEquals(200, retired.statusCode(), retired.body());
        assertTrue(retired.body().contains("\"safeToRemove\":true"), retired.body());
    }
}
