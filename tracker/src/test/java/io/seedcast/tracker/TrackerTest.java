package io.seedcast.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tracker over real HTTP on 127.0.0.1, driven by the client seeders and viewers use. */
class TrackerTest {

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T12:00:00Z"));
    final Clock clock = new Clock() {
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId z) {
            return this;
        }

        public Instant instant() {
            return now.get();
        }
    };
    Tracker tracker;
    HttpServer server;
    URI uri;

    @BeforeEach
    void start() throws IOException {
        tracker = new Tracker(clock, Duration.ofSeconds(90));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ppsp-tp", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] out = tracker.handle(body, ex.getRemoteAddress()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", Tracker.MEDIA_TYPE);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ppsp-tp");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static InetSocketAddress addr(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    @Test
    void seedersComeFirstAndEntriesExpire() throws Exception {
        TrackerClient seeder = new TrackerClient(uri, "seeder-1");
        seeder.connect(addr("203.0.113.10", 7758), List.of(new TrackerClient.SwarmAction("abcd", true, true)));
        for (int i = 0; i < 40; i++) {
            new TrackerClient(uri, "viewer-" + i).connect(addr("198.51.100." + (i + 1), 6000 + i), List.of(new TrackerClient.SwarmAction("abcd", true, false)));
        }
        TrackerClient me = new TrackerClient(uri, "me");
        List<TrackerClient.Peer> peers = me.connect(addr("198.51.100.200", 7000), List.of(new TrackerClient.SwarmAction("abcd", true, false)));
        assertEquals(30, peers.size(), "at most 30 peers (RFC 7846 §3.2.2)");
        assertEquals(addr("203.0.113.10", 7758), peers.getFirst().address());
        assertTrue(peers.getFirst().seeder());
        assertTrue(peers.stream().noneMatch(p -> p.peerId().equals("me")));
        // Two minutes without a report: everyone but the seeder that reports is gone.
        now.set(now.get().plusSeconds(60));
        seeder.statReport(List.of(new TrackerClient.StreamStats("abcd", 1000, 0, 3)));
        now.set(now.get().plusSeconds(60));
        assertEquals(1, tracker.peerCount("abcd"));
        assertEquals(List.of(addr("203.0.113.10", 7758)), tracker.seeders("abcd"));
        seeder.connect(addr("203.0.113.10", 7758), List.of(new TrackerClient.SwarmAction("abcd", false, true)));
        assertEquals(0, tracker.peerCount("abcd"));
    }

    @Test
    void malformedAndOutOfOrderRequestsGetTheRfcErrors() throws Exception {
        assertTrue(tracker.handle("not json", null).contains("\"error_code\":1"));
        assertTrue(tracker.handle("{\"PPSPTrackerProtocol\":{\"version\":2,\"request_type\":\"FIND\",\"transaction_id\":\"1\",\"peer_id\":\"p\"}}", null)
                .contains("\"error_code\":2"));
        assertTrue(tracker.handle("{\"PPSPTrackerProtocol\":{\"version\":1,\"request_type\":\"FIND\",\"transaction_id\":\"1\",\"peer_id\":\"p\",\"find\":{\"swarm_id\":\"x\"}}}",
                null).contains("\"error_code\":3"), "FIND before CONNECT is forbidden");
        assertTrue(tracker.handle("{\"PPSPTrackerProtocol\":{\"version\":1,\"request_type\":\"CONNECT\",\"transaction_id\":\"1\",\"peer_id\":\"p\",\"connect\":{\"swarm_action\":{\"swarm_id\":\"x\",\"action\":\"DANCE\",\"peer_mode\":\"LEECH\"}}}}",
                null).contains("\"error_code\":1"));
        String hostName = "{\"PPSPTrackerProtocol\":{\"version\":1,\"request_type\":\"CONNECT\",\"transaction_id\":\"2\",\"peer_id\":\"p\",\"connect\":{"
                + "\"peer_addr\":{\"ip_address\":{\"address_type\":\"ipv4\",\"address\":\"evil.example.com\"},\"port\":1},"
                + "\"swarm_action\":{\"swarm_id\":\"x\",\"action\":\"JOIN\",\"peer_mode\":\"LEECH\"}}}}";
        assertTrue(tracker.handle(hostName, null).contains("\"error_code\":1"), "addresses are literal IPs, never names to resolve");
        TrackerClient stranger = new TrackerClient(uri, "stranger");
        IOException e = assertThrows(IOException.class, () -> stranger.find("abcd"));
        assertTrue(e.getMessage().contains("error_code 3"), e.getMessage());
    }

    @Test
    void peerEfficiencyComesFromStatReports() throws Exception {
        TrackerClient seeder = new TrackerClient(uri, "s");
        TrackerClient viewer = new TrackerClient(uri, "v");
        seeder.connect(addr("203.0.113.1", 7758), List.of(new TrackerClient.SwarmAction("sw", true, true)));
        viewer.connect(addr("198.51.100.1", 6000), List.of(new TrackerClient.SwarmAction("sw", true, false)));
        assertEquals(-1, tracker.efficiency("sw"));
        seeder.statReport(List.of(new TrackerClient.StreamStats("sw", 3_000_000, 0, 2)));
        viewer.statReport(List.of(new TrackerClient.StreamStats("sw", 1_000_000, 3_000_000, 2)));
        assertEquals(0.25, tracker.efficiency("sw"), 1e-9);
    }

    @Test
    void aRepeatedTransactionGetsTheSameAnswer() {
        String req = "{\"PPSPTrackerProtocol\":{\"version\":1,\"request_type\":\"CONNECT\",\"transaction_id\":\"7\",\"peer_id\":\"p\",\"connect\":{"
                + "\"peer_addr\":{\"ip_address\":{\"address_type\":\"ipv4\",\"address\":\"192.0.2.2\"},\"port\":80},"
                + "\"swarm_action\":{\"swarm_id\":\"x\",\"action\":\"JOIN\",\"peer_mode\":\"LEECH\"}}}}";
        String first = tracker.handle(req, addr("192.0.2.2", 5000));
        assertEquals(first, tracker.handle(req, addr("192.0.2.2", 5000)));
        assertEquals(1, tracker.peerCount("x"));
    }
}
