package io.seedcast.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** A PPSP-TP/1.0 client: what a seeder or viewer says to the tracker (RFC 7846 §4.1). */
public final class TrackerClient {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI tracker;
    private final String peerId;
    private final AtomicLong transactions = new AtomicLong();

    public TrackerClient(URI tracker, String peerId) {
        this.tracker = tracker;
        this.peerId = peerId;
    }

    public static String newPeerId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    public String peerId() {
        return peerId;
    }

    /** One swarm action of a CONNECT. */
    public record SwarmAction(String swarmId, boolean join, boolean seeder) {
    }

    /** A peer the tracker returned. */
    public record Peer(String peerId, InetSocketAddress address, boolean seeder) {
    }

    /** CONNECT: register at {@code address}, joining or leaving swarms; returns the peers of the joined swarms. */
    public List<Peer> connect(InetSocketAddress address, Collection<SwarmAction> actions) throws IOException, InterruptedException {
        ObjectNode connect = json.createObjectNode();
        connect.putObject("peer_num").put("peer_count", Tracker.MAX_PEERS);
        ObjectNode addr = connect.putArray("peer_addr").addObject();
        addr.putObject("ip_address").put("address_type", address.getAddress() instanceof java.net.Inet6Address ? "ipv6" : "ipv4")
                .put("address", address.getAddress().getHostAddress());
        addr.put("port", address.getPort()).put("priority", 1).put("type", "HOST").put("peer_protocol", "PPSP-PP");
        ArrayNode list = connect.putArray("swarm_action");
        for (SwarmAction a : actions) {
            list.addObject().put("swarm_id", a.swarmId()).put("action", a.join() ? "JOIN" : "LEAVE").put("peer_mode", a.seeder() ? "SEEDER" : "LEECH");
        }
        return peers(send("CONNECT", "connect", connect));
    }

    /** FIND: peers of a swarm, seeders first. */
    public List<Peer> find(String swarmId) throws IOException, InterruptedException {
        ObjectNode find = json.createObjectNode().put("swarm_id", swarmId);
        find.putObject("peer_num").put("peer_count", Tracker.MAX_PEERS);
        return peers(send("FIND", "find", find));
    }

    /** One swarm's figures in a STAT_REPORT (stream_stats, RFC 7846 §3.2.5). */
    public record StreamStats(String swarmId, long uploadedBytes, long downloadedBytes, int concurrentLinks) {
    }

    /** STAT_REPORT: keeps our entries alive and tells the tracker how each swarm goes (type STREAM_STATS). */
    public void statReport(Collection<StreamStats> stats) throws IOException, InterruptedException {
        ObjectNode group = json.createObjectNode().put("type", "STREAM_STATS");
        ArrayNode list = group.putArray("stat");
        for (StreamStats st : stats) {
            list.addObject().put("swarm_id", st.swarmId()).put("uploaded_bytes", st.uploadedBytes()).put("downloaded_bytes", st.downloadedBytes())
                    .put("concurrent_links", st.concurrentLinks());
        }
        send("STAT_REPORT", "stat_report", group);
    }

    private JsonNode send(String type, String field, ObjectNode data) throws IOException, InterruptedException {
        ObjectNode req = json.createObjectNode();
        ObjectNode body = req.putObject("PPSPTrackerProtocol");
        body.put("version", Tracker.VERSION).put("request_type", type).put("transaction_id", peerId + "." + transactions.incrementAndGet())
                .put("peer_id", peerId);
        body.set(field, data);
        HttpRequest r = HttpRequest.newBuilder(tracker).timeout(Duration.ofSeconds(10)).header("Content-Type", Tracker.MEDIA_TYPE)
                .header("Accept", Tracker.MEDIA_TYPE).POST(HttpRequest.BodyPublishers.ofString(req.toString())).build();
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        JsonNode root;
        try {
            root = json.readTree(resp.body()).path("PPSPTrackerProtocol");
        } catch (IOException e) {
            throw new IOException("tracker " + tracker + " answered HTTP " + resp.statusCode() + " without a PPSP-TP body");
        }
        int error = root.path("error_code").asInt(-1);
        if (root.path("response_type").asInt(1) != 0 || error != 0) {
            throw new IOException("tracker " + tracker + " refused " + type + ": error_code " + error);
        }
        return root;
    }

    private static List<Peer> peers(JsonNode response) {
        List<Peer> out = new ArrayList<>();
        JsonNode results = response.path("swarm_result");
        for (JsonNode result : results.isArray() ? results : List.of(results)) {
            for (JsonNode info : result.path("peer_group").path("peer_info")) {
                JsonNode a = info.path("peer_addr");
                try {
                    InetAddress ip = InetAddress.getByName(a.path("ip_address").path("address").asText());
                    out.add(new Peer(info.path("peer_id").asText(), new InetSocketAddress(ip, a.path("port").asInt()),
                            "SEEDER".equals(info.path("peer_mode").asText())));
                } catch (IOException e) {
                    // A peer we cannot address is one we skip.
                }
            }
        }
        return out;
    }
}
