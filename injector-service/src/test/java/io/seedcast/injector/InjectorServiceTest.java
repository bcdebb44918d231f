package io.seedcast.injector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.seedcast.injector.api.ChannelResource;
import io.seedcast.injector.swarms.PublisherKeys;
import io.seedcast.kafka.EmbeddedKafka;
import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.SwarmCommand;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.pipeline.Topics;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import io.seedcast.tracker.TrackerClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The injector as operators and viewers use it, on a real broker. */
@QuarkusTest
@WithTestResource(InjectorServiceTest.Kafka.class)
class InjectorServiceTest {

    static final String TOKEN = "test-admin-token";
    static final SwarmKeyPair OLD_PUBLISHER = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);

    public static class Kafka implements QuarkusTestResourceLifecycleManager {
        static EmbeddedKafka kafka;

        @Override
        public Map<String, String> start() {
            try {
                kafka = new EmbeddedKafka();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            try {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("publisher");
                java.nio.file.Files.writeString(dir.resolve("current.pem"), SwarmKeyPair.generate(SignatureAlgorithm.ED25519).toPem());
                java.nio.file.Files.writeString(dir.resolve("old.pem"), OLD_PUBLISHER.toPem());
                return Map.of("kafka.bootstrap.servers", kafka.bootstrap(), "seedcast.injector.admin-token", TOKEN,
                        "seedcast.injector.rtmp-url", "rtmp://ingest.example.net:1935/live",
                        "seedcast.injector.publisher-key", dir.resolve("current.pem").toString(),
                        "seedcast.injector.previous-publisher-keys", dir.resolve("old.pem").toString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
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
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return call(method, path, body, TOKEN);
    }

    JsonNode createChannel(String name) throws Exception {
        HttpResponse<String> r = admin("POST", "/api/channels", "{\"name\":\"" + name + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    @Test
    void theKeySetKeepsTheReplacedPublisherKeyDuringTheOverlap() throws Exception {
        JsonNode keys = json.readTree(call("GET", "/.well-known/seedcast/keys.json", null, null).body()).get("keys");
        assertEquals(2, keys.size(), keys.toString());
        JsonNode old = keys.get(1);
        assertEquals(OLD_PUBLISHER.swarmId().hex(), old.get("publicKey").asText());
        java.time.Instant until = java.time.Instant.parse(old.get("notAfter").asText());
        assertTrue(until.isAfter(java.time.Instant.now().plus(Duration.ofDays(6))), "a week of overlap by default: " + until);
        // Metadata the old key signed still verifies against the key set.
        Map<String, SwarmId> set = io.seedcast.tracker.SwarmMetadata.keySet(keys.toString().startsWith("[")
                ? "{\"keys\":" + keys + "}" : keys.toString(), java.time.Instant.now());
        assertTrue(set.containsKey(io.seedcast.tracker.SwarmMetadata.keyId(OLD_PUBLISHER.swarmId())));
    }

    @Test
    void adminCallsNeedTheToken() throws Exception {
        HttpResponse<String> none = call("GET", "/api/channels", null, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("Authorization: Bearer"), none.body());
        assertEquals(401, call("POST", "/api/channels", "{\"name\":\"x\"}", "wrong").statusCode());
        assertEquals(200, admin("GET", "/api/channels", null).statusCode());
    }

    @Test
    void channelLifecycleWithStreamKeysShownOnceAndStoredHashed() throws Exception {
        JsonNode c = createChannel("Main stage");
        String id = c.get("id").asText();
        String key = c.get("streamKey").asText();
        assertTrue(key.startsWith("sk_") && key.length() > 30, key);
        assertEquals("rtmp://ingest.example.net:1935/live", c.at("/obs/server").asText());
        assertEquals(key, c.at("/obs/streamKey").asText());
        assertTrue(c.get("srtUrl").asText().contains("r=live/" + key), c.toString());
        assertEquals("UNIFIED_MERKLE_TREE", c.get("integrity").asText());
        String listed = admin("GET", "/api/channels", null).body();
        assertTrue(listed.contains("Main stage") && !listed.contains(key), "the key is never shown again: " + listed);
        assertEquals(List.of(io.seedcast.pipeline.StreamKeys.hash(key)), channelRecord(id).streamKeyHashes(), "only the hash is stored");

        JsonNode renewed = json.readTree(admin("POST", "/api/channels/" + id + "/stream-key", null).body());
        String key2 = renewed.get("streamKey").asText();
        assertNotEquals(key, key2);
        assertEquals(List.of(io.seedcast.pipeline.StreamKeys.hash(key2)), channelRecord(id).streamKeyHashes(), "the old key stops working");

        assertEquals(204, admin("DELETE", "/api/channels/" + id, null).statusCode());
        assertEquals(404, admin("GET", "/api/channels/" + id, null).statusCode());
    }

    @Test
    void validationErrorsSayWhatToFix() throws Exception {
        HttpResponse<String> noName = admin("POST", "/api/channels", "{}");
        assertEquals(400, noName.statusCode());
        assertTrue(noName.body().contains("'name' is required"), noName.body());
        HttpResponse<String> alg = admin("POST", "/api/channels", "{\"name\":\"a\",\"algorithm\":\"DSA\"}");
        assertEquals(400, alg.statusCode());
        assertTrue(alg.body().contains("ECDSAP256SHA256"), alg.body());
        HttpResponse<String> cps = admin("POST", "/api/channels", "{\"name\":\"a\",\"chunksPerSignature\":12}");
        assertEquals(400, cps.statusCode());
        assertTrue(cps.body().contains("power of 2"), cps.body());
        HttpResponse<String> cam = admin("POST", "/api/channels", "{\"name\":\"a\",\"chunkAddressing\":\"byte-ranges\"}");
        assertEquals(400, cam.statusCode());
        assertTrue(cam.body().contains("use chunk-ranges (the RFC's default), bins"), cam.body());
        HttpResponse<String> bins = admin("POST", "/api/channels", "{\"name\":\"b\",\"chunkAddressing\":\"bins\"}");
        assertEquals(201, bins.statusCode(), bins.body());
        assertTrue(bins.body().contains("\"chunkAddressing\":\"BINS_32\""), bins.body());
        assertFalse(bins.body().contains("warnings"), bins.body());
        HttpResponse<String> big = admin("POST", "/api/channels", "{\"name\":\"c\",\"chunkSize\":4096}");
        assertEquals(201, big.statusCode(), big.body());
        assertTrue(big.body().contains("IP fragments every chunk") && big.body().contains("at most 1451"), big.body());
    }

    @Test
    void swarmMetadataIsSignedFollowsRotationAndListsSeeders() throws Exception {
        JsonNode c = createChannel("Signed");
        String id = c.get("id").asText();
        SwarmParameters params = SwarmParameters.defaults(Profile.RFC7574);
        SwarmKeyPair first = SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256);
        SwarmRecord live = new SwarmRecord(first.swarmId().encoded(), id, "b1", params, SwarmRecord.State.LIVE, null, 0, System.currentTimeMillis());
        publish(Topics.SWARMS, live.key(), live.encode());
        // A seeder registers with the tracker for that swarm.
        TrackerClient seeder = new TrackerClient(base.resolve("/ppsp-tp"), "seeder-0");
        seeder.connect(new InetSocketAddress("203.0.113.5", 7758), List.of(new TrackerClient.SwarmAction(first.swarmId().hex(), true, true)));

        JsonNode signed = awaitMetadata(id, first.swarmId().hex());

        // Live status: the signer's output gives bitrate and chunks/s; STAT_REPORTs give peer efficiency.
        TrackerClient viewer = new TrackerClient(base.resolve("/ppsp-tp"), "viewer-0");
        viewer.connect(new InetSocketAddress("198.51.100.5", 6000), List.of(new TrackerClient.SwarmAction(first.swarmId().hex(), true, false)));
        seeder.statReport(List.of(new TrackerClient.StreamStats(first.swarmId().hex(), 9_000_000, 0, 1)));
        viewer.statReport(List.of(new TrackerClient.StreamStats(first.swarmId().hex(), 1_000_000, 9_000_000, 1)));
        List<io.seedcast.pipeline.SignedBatch.SignedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            chunks.add(new io.seedcast.pipeline.SignedBatch.SignedChunk(i, 0, i == 0, Bytes.of(new byte[1024]), 0, null));
        }
        var batch = new io.seedcast.pipeline.SignedBatch(first.swarmId().encoded(), "b1", chunks, List.of(), false);
        long deadline = System.currentTimeMillis() + 15_000;
        JsonNode status = null;
        while (System.currentTimeMillis() < deadline) {
            publish(Topics.SIGNED, batch.key(), batch.encode());
            status = json.readTree(admin("GET", "/api/channels/" + id, null).body()).get("status");
            if (status.path("bitrateKbps").asLong() > 0) {
                break;
            }
            Thread.sleep(300);
        }
        assertTrue(status.path("bitrateKbps").asLong() > 0 && status.path("chunksPerSecond").asDouble() > 0, status.toString());
        assertEquals(0.1, status.path("peerEfficiency").asDouble(), 1e-9, status.toString());
        assertEquals(2, status.path("peers").asInt(), status.toString());
        HttpResponse<String> openapi = call("GET", "/q/openapi", null, null);
        assertEquals(200, openapi.statusCode());
        assertTrue(openapi.body().contains("/api/channels/{id}/rotate"), "OpenAPI lists the API");
        assertEquals(List.of("203.0.113.5:7758"), json.convertValue(signed.at("/metadata/seeders"), List.class));
        assertTrue(verifies(signed), "metadata verifies with the published key set");
        ObjectNode tampered = signed.deepCopy();
        ((ObjectNode) tampered.get("metadata")).put("swarmId", SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256).swarmId().hex());
        assertFalse(verifies(tampered), "a record with another swarm ID does not verify");

        HttpResponse<String> rotate = admin("POST", "/api/channels/" + id + "/rotate", null);
        assertEquals(202, rotate.statusCode(), rotate.body());
        SwarmCommand cmd = lastCommand(SwarmCommand.Action.ROTATE);
        assertEquals(id, cmd.channelId());
        // What the signer does on that command: a successor, and the old swarm names it.
        SwarmKeyPair second = SwarmKeyPair.generate(SignatureAlgorithm.ECDSAP256SHA256);
        SwarmRecord successor = new SwarmRecord(second.swarmId().encoded(), id, "b1", params, SwarmRecord.State.LIVE, null, 75, System.currentTimeMillis() + 1);
        publish(Topics.SWARMS, successor.key(), successor.encode());
        SwarmRecord rolled = live.with(SwarmRecord.State.ROLLED_OVER, second.swarmId().encoded());
        publish(Topics.SWARMS, rolled.key(), rolled.encode());
        JsonNode after = awaitMetadata(id, second.swarmId().hex());
        assertTrue(verifies(after));
        assertEquals(202, admin("POST", "/api/swarms/" + first.swarmId().hex() + "/revoke", null).statusCode());
        assertEquals(SwarmCommand.Action.REVOKE, lastCommand(SwarmCommand.Action.REVOKE).action());
    }

    /** The dashboard in a real headless Chromium: a live broadcast appears, with its swarm. */
    @Test
    void theDashboardShowsALiveBroadcast() throws Exception {
        java.nio.file.Path chromium = java.nio.file.Path.of("/usr/bin/chromium");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(chromium),
                "needs Debian's chromium (.ci/run installs it)");
        JsonNode c = createChannel("Dashboard stage");
        String id = c.get("id").asText();
        SwarmKeyPair key = SwarmKeyPair.generate(SignatureAlgorithm.ED25519);
        SwarmRecord live = new SwarmRecord(key.swarmId().encoded(), id, "broadcast-42", SwarmParameters.defaults(Profile.RFC7574)
                .withAlgorithm(SignatureAlgorithm.ED25519), SwarmRecord.State.LIVE, null, 0, System.currentTimeMillis());
        publish(Topics.SWARMS, live.key(), live.encode());
        awaitMetadata(id, key.swarmId().hex());
        java.nio.file.Path profile = java.nio.file.Files.createTempDirectory("chromium");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--virtual-time-budget=10000", "--dump-dom", base.resolve("/").toString() + "#token=" + TOKEN).redirectErrorStream(false).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(dom.contains("data-channel=\"" + id + "\""), "the channel is listed: " + dom);
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("<tr data-channel=\"" + id + "\"[^>]*>(.*?)</tr>").matcher(dom);
        assertTrue(row.find(), dom);
        assertTrue(row.group(0).contains("data-live=\"true\""), row.group(0));
        assertTrue(row.group(1).contains("LIVE") && row.group(1).contains("broadcast-42") && row.group(1).contains("Dashboard stage"), row.group(1));
        HttpResponse<String> noToken = call("GET", "/", null, null);
        assertEquals(200, noToken.statusCode());
        assertFalse(noToken.body().contains("broadcast-42"), "the page itself holds no data; it asks the API with the token");
    }

    JsonNode awaitMetadata(String channel, String swarmHex) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = call("GET", "/api/channels/" + channel + "/swarm", null, null);
            if (r.statusCode() == 200 && json.readTree(r.body()).at("/metadata/swarmId").asText().equals(swarmHex)) {
                return json.readTree(r.body());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("metadata never named swarm " + swarmHex);
    }

    boolean verifies(JsonNode signed) throws Exception {
        JsonNode keys = json.readTree(call("GET", "/.well-known/seedcast/keys.json", null, null).body());
        JsonNode key = keys.at("/keys/0");
        assertEquals(signed.get("keyId").asText(), key.get("kid").asText());
        SwarmId publisher = SwarmId.fromHex(key.get("publicKey").asText());
        byte[] canonical = PublisherKeys.CANONICAL.writeValueAsString(json.convertValue(signed.get("metadata"), Map.class)).getBytes(StandardCharsets.UTF_8);
        return publisher.verify(Bytes.of(Base64.getDecoder().decode(signed.get("signature").asText())), canonical);
    }

    void publish(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> p = Kafka.kafka.producer()) {
            p.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        return Kafka.kafka.readAll(topic, Duration.ofMillis(500));
    }

    ChannelRecord channelRecord(String id) throws Exception {
        ChannelRecord last = null;
        for (ConsumerRecord<String, byte[]> r : readAll(Topics.CHANNELS)) {
            if (r.key().equals(id) && r.value() != null) {
                last = ChannelRecord.decode(r.value());
            }
        }
        return last;
    }

    /** The newest swarm command, once it is {@code action}: it is sent after the 202, and a loaded machine may take a while. */
    SwarmCommand lastCommand(SwarmCommand.Action action) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        SwarmCommand last = null;
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<String, byte[]>> all = readAll(Topics.SWARM_COMMANDS);
            last = all.isEmpty() ? null : SwarmCommand.decode(all.getLast().value());
            if (last != null && last.action() == action) {
                return last;
            }
        }
        throw new AssertionError("no " + action + " command within 15 s; the last: " + last);
    }
}
