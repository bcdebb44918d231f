package io.seedcast.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PPSP-TP/1.0 tracker (RFC 7846): peers CONNECT to join or leave swarms as SEEDER or LEECH, FIND
 * peers of a swarm (seeders first, then a random sample of the others), and keep their entries
 * alive with STAT_REPORT; entries expire when reports stop. Transport-free: {@link #handle} takes
 * the JSON body and the address the request came from and answers the JSON to send back, so the
 * injector mounts it at {@code /ppsp-tp} and tests can host it anywhere.
 */
public final class Tracker {

    public static final String MEDIA_TYPE = "application/ppsp-tracker+json";
    public static final int VERSION = 1;
    /** RFC 7846 §3.2.2: peer_count "should be less than 30". */
    public static final int MAX_PEERS = 30;

    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;
    private final Duration ttl;
    /** swarm id → peer id → entry. */
    private final Map<String, Map<String, Entry>> swarms = new HashMap<>();
    /** Peers that have CONNECTed (the PEER REGISTERED state of §2.3), with when last heard from. */
    private final Map<String, Long> registered = new HashMap<>();
    /** Last answer per (peer id, transaction id): a repeated request gets the same answer (§4.3). */
    private final Map<String, String> answered = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> e) {
            return size() > 4096;
        }
    });

    record Entry(String peerId, List<PeerAddress> addresses, boolean seeder, long lastSeenMillis, long uploaded, long downloaded) {
        Entry(String peerId, List<PeerAddress> addresses, boolean seeder, long lastSeenMillis) {
            this(peerId, addresses, seeder, lastSeenMillis, 0, 0);
        }
    }

    public Tracker(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Handles one request body from {@code remote}; always returns a PPSP-TP response body. */
    public synchronized String handle(String body, InetSocketAddress remote) {
        JsonNode root;
        try {
            root = json.readTree(body).path("PPSPTrackerProtocol");
        } catch (Exception e) {
            return error(null, TrackerError.BAD_REQUEST);
        }
        if (!root.isObject()) {
            return error(null, TrackerError.BAD_REQUEST);
        }
        String tx = root.path("transaction_id").asText(null);
        String peer = root.path("peer_id").asText(null);
        String type = root.path("request_type").asText("");
        if (!root.path("version").isInt()) {
            return error(tx, TrackerError.BAD_REQUEST);
        }
        if (root.path("version").asInt() != VERSION) {
            return error(tx, TrackerError.UNSUPPORTED_VERSION);
        }
        if (tx == null || peer == null || peer.isEmpty()) {
            return error(tx, TrackerError.BAD_REQUEST);
        }
        String cacheKey = peer + "\u0000" + tx + "\u0000" + body.hashCode();
        String previous = answered.get(cacheKey);
        if (previous != null) {
            return previous;
        }
        expire();
        String answer;
        try {
            answer = switch (type) {
                case "CONNECT" -> connect(tx, peer, root.path("connect"), remote);
                case "FIND" -> find(tx, peer, root.path("find"), remote);
                case "STAT_REPORT" -> statReport(tx, peer, root.path("stat_report"), remote);
                default -> error(tx, TrackerError.BAD_REQUEST);
            };
        } catch (BadRequest e) {
            answer = error(tx, TrackerError.BAD_REQUEST);
        }
        answered.put(cacheKey, answer);
        return answer;
    }

    private String connect(String tx, String peer, JsonNode connect, InetSocketAddress remote) throws BadRequest {
        if (!connect.isObject()) {
            throw new BadRequest();
        }
        List<PeerAddress> addresses = new ArrayList<>();
        for (JsonNode a : asList(connect.path("peer_addr"))) {
            addresses.add(address(a));
        }
        if (addresses.isEmpty()) {
            // Without a stated address the peer is reachable where its request came from.
            addresses.add(new PeerAddress(remote, 1, "REFLEXIVE"));
        }
        int limit = peerCount(connect.path("peer_num"));
        List<JsonNode> actions = asList(connect.path("swarm_action"));
        if (actions.isEmpty()) {
            throw new BadRequest();
        }
        long now = clock.millis();
        registered.put(peer, now);
        ObjectNode response = response(tx, TrackerError.NO_ERROR, remote);
        ArrayNode results = response.putArray("swarm_result");
        for (JsonNode a : actions) {
            String swarm = a.path("swarm_id").asText("");
            String action = a.path("action").asText("");
            String mode = a.path("peer_mode").asText("");
            if (swarm.isEmpty() || !(action.equals("JOIN") || action.equals("LEAVE")) || !(mode.equals("SEEDER") || mode.equals("LEECH"))) {
                throw new BadRequest();
            }
            ObjectNode result = results.addObject().put("swarm_id", swarm).put("result", 0);
            if (action.equals("JOIN")) {
                swarms.computeIfAbsent(swarm, s -> new HashMap<>()).put(peer, new Entry(peer, List.copyOf(addresses), mode.equals("SEEDER"), now));
                result.set("peer_group", peerGroup(swarm, peer, limit));
            } else {
                Map<String, Entry> members = swarms.get(swarm);
                if (members != null) {
                    members.remove(peer);
                    if (members.isEmpty()) {
                        swarms.remove(swarm);
                    }
                }
            }
        }
        return wrap(response);
    }

    private String find(String tx, String peer, JsonNode find, InetSocketAddress remote) throws BadRequest {
        if (!registered.containsKey(peer)) {
            // §2.3.2: FIND before CONNECT is not allowed.
            return error(tx, TrackerError.FORBIDDEN_ACTION);
        }
        String swarm = find.path("swarm_id").asText("");
        if (swarm.isEmpty()) {
            throw new BadRequest();
        }
        registered.put(peer, clock.millis());
        ObjectNode response = response(tx, TrackerError.NO_ERROR, remote);
        ObjectNode result = response.putArray("swarm_result").addObject().put("swarm_id", swarm).put("result", 0);
        result.set("peer_group", peerGroup(swarm, peer, peerCount(find.path("peer_num"))));
        return wrap(response);
    }

    private String statReport(String tx, String peer, JsonNode report, InetSocketAddress remote) {
        if (!registered.containsKey(peer)) {
            return error(tx, TrackerError.FORBIDDEN_ACTION);
        }
        long now = clock.millis();
        registered.put(peer, now);
        Map<String, JsonNode> stats = new HashMap<>();
        // §3.2.5 defines "stat"; §4.1.3.1's example spells it "Stat": take either.
        for (JsonNode st : asList(report.has("stat") ? report.path("stat") : report.path("Stat"))) {
            stats.put(st.path("swarm_id").asText(), st);
        }
        for (Map.Entry<String, Map<String, Entry>> swarm : swarms.entrySet()) {
            Entry e = swarm.getValue().get(peer);
            if (e != null) {
                JsonNode st = stats.get(swarm.getKey());
                long up = st == null ? e.uploaded() : st.path("uploaded_bytes").asLong(e.uploaded());
                long down = st == null ? e.downloaded() : st.path("downloaded_bytes").asLong(e.downloaded());
                swarm.getValue().put(peer, new Entry(e.peerId(), e.addresses(), e.seeder(), now, up, down));
            }
        }
        return wrap(response(tx, TrackerError.NO_ERROR, remote));
    }

    /**
     * Peer efficiency of a swarm from its members' STAT_REPORTs: the share of all uploaded bytes that
     * viewers uploaded to each other rather than seeders to viewers. -1 before any report.
     */
    public synchronized double efficiency(String swarm) {
        expire();
        long peers = 0;
        long all = 0;
        for (Entry e : swarms.getOrDefault(swarm, Map.of()).values()) {
            all += e.uploaded();
            if (!e.seeder()) {
                peers += e.uploaded();
            }
        }
        return all == 0 ? -1 : (double) peers / all;
    }

    /** Seeders first, then a random sample of the other peers, never the asker itself. */
    private ObjectNode peerGroup(String swarm, String asker, int limit) {
        List<Entry> seeders = new ArrayList<>();
        List<Entry> others = new ArrayList<>();
        for (Entry e : swarms.getOrDefault(swarm, Map.of()).values()) {
            if (!e.peerId().equals(asker)) {
                (e.seeder() ? seeders : others).add(e);
            }
        }
        Collections.shuffle(seeders, ThreadLocalRandom.current());
        Collections.shuffle(others, ThreadLocalRandom.current());
        List<Entry> chosen = new ArrayList<>(seeders);
        chosen.addAll(others);
        ObjectNode group = json.createObjectNode();
        ArrayNode infos = group.putArray("peer_info");
        for (Entry e : chosen.subList(0, Math.min(limit, chosen.size()))) {
            ObjectNode info = infos.addObject().put("peer_id", e.peerId());
            info.set("peer_addr", addressJson(e.addresses().getFirst()));
            info.put("peer_mode", e.seeder() ? "SEEDER" : "LEECH");
        }
        return group;
    }

    /** The peers of a swarm, seeders first: for the injector's status pages. */
    public synchronized List<InetSocketAddress> seeders(String swarm) {
        expire();
        List<InetSocketAddress> out = new ArrayList<>();
        for (Entry e : swarms.getOrDefault(swarm, Map.of()).values()) {
            if (e.seeder()) {
                out.add(e.addresses().getFirst().address());
            }
        }
        return out;
    }

    public synchronized int peerCount(String swarm) {
        expire();
        return swarms.getOrDefault(swarm, Map.of()).size();
    }

    private void expire() {
        long cutoff = clock.millis() - ttl.toMillis();
        registered.values().removeIf(t -> t < cutoff);
        swarms.values().forEach(m -> m.values().removeIf(e -> e.lastSeenMillis() < cutoff));
        swarms.values().removeIf(Map::isEmpty);
    }

    private int peerCount(JsonNode peerNum) {
        if (!peerNum.isObject() || !peerNum.path("peer_count").canConvertToInt()) {
            return MAX_PEERS;
        }
        return Math.max(0, Math.min(MAX_PEERS, peerNum.path("peer_count").asInt()));
    }

    private static List<JsonNode> asList(JsonNode n) {
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(out::add);
        } else if (n.isObject()) {
            out.add(n);
        }
        return out;
    }

    private static PeerAddress address(JsonNode a) throws BadRequest {
        JsonNode ip = a.path("ip_address");
        String text = ip.path("address").asText("");
        String family = ip.path("address_type").asText("");
        int port = a.path("port").asInt(-1);
        if (text.isEmpty() || port < 1 || port > 65535 || !(family.equals("ipv4") || family.equals("ipv6"))
                || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new BadRequest();
        }
        try {
            // Only literal addresses: the character check above keeps host names (and DNS lookups) out.
            InetAddress addr = InetAddress.getByName(text);
            return new PeerAddress(new InetSocketAddress(addr, port), a.path("priority").asInt(1), a.path("type").asText("HOST"));
        } catch (UnknownHostException e) {
            throw new BadRequest();
        }
    }

    private ObjectNode addressJson(PeerAddress a) {
        ObjectNode n = json.createObjectNode();
        n.putObject("ip_address").put("address_type", a.addressType()).put("address", a.ip().getHostAddress());
        n.put("port", a.address().getPort()).put("priority", a.priority()).put("type", a.type()).put("peer_protocol", "PPSP-PP");
        return n;
    }

    private ObjectNode response(String tx, TrackerError error, InetSocketAddress remote) {
        ObjectNode r = json.createObjectNode();
        r.put("version", VERSION).put("response_type", error == TrackerError.NO_ERROR ? 0 : 1).put("error_code", error.code());
        r.put("transaction_id", tx == null ? "" : tx);
        if (remote != null && error == TrackerError.NO_ERROR) {
            r.set("peer_addr", addressJson(new PeerAddress(remote, 1, "REFLEXIVE")));
        }
        return r;
    }

    private String error(String tx, TrackerError error) {
        return wrap(response(tx, error, null));
    }

    private String wrap(ObjectNode response) {
        ObjectNode root = json.createObjectNode();
        root.set("PPSPTrackerProtocol", response);
        return root.toString();
    }

    private static final class BadRequest extends Exception {
        BadRequest() {
            super(null, null, false, false);
        }
    }
}
