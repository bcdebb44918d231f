package io.seedcast.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedcast.kafka.EmbeddedKafka;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole cluster on one machine, as {@code ./seedcast up} runs it: a real Kafka broker (KRaft,
 * in this JVM, data under {@code .seedcast/kafka}) and the four services as child processes from
 * their built Quarkus apps, each waited for on {@code /q/health/ready}; then a channel "demo". What
 * it makes once (master key, admin token, publisher key, the demo stream key) stays in
 * {@code .seedcast/} and is reused on the next run.
 */
public final class LocalCluster implements AutoCloseable {

    /** Where everything listens. {@link #defaults()} are the services' own defaults. */
    public record Ports(int injector, int ingest, int signer, int seeder, int rtmp, int srt, int ppspp) {
        public static Ports defaults() {
            return new Ports(8080, 8081, 8082, 8083, 1935, 9000, 7758);
        }

        public static Ports offset(int delta) {
            Ports d = defaults();
            return new Ports(d.injector + delta, d.ingest + delta, d.signer + delta, d.seeder + delta, d.rtmp + delta, d.srt + delta, d.ppspp + delta);
        }
    }

    /** A channel and its stream key, which only this machine knows. */
    public record Channel(String id, String name, String streamKey) {
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private final Path root;
    private final Path state;
    private final Ports ports;
    private final Consumer<String> out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The services in start order, each with how to start it again. */
    private final Map<String, Service> services = new LinkedHashMap<>();
    private volatile boolean closing;
    private Thread supervisor;

    /** One service process and what it takes to start it again. */
    private static final class Service {
        final String name;
        final int httpPort;
        final ProcessBuilder builder;
        volatile Process process;
        volatile int restarts;
        volatile long startedNanos;
        /** Deaths within a minute of starting, in a row: a service that keeps dying at start is left down. */
        int quickDeaths;
        /** What the supervisor last said about it ("killed by signal 9 after 41.2 s at 12:03:04"), null if it never died. */
        volatile String lastExit;
        volatile String state = "running";

        Service(String name, int httpPort, ProcessBuilder builder) {
            this.name = name;
            this.httpPort = httpPort;
            this.builder = builder;
        }
    }

    /** How a supervised service fared: for the launcher's lines and the dashboard. */
    public record ServiceState(String name, boolean alive, int restarts, long pid, String state, String lastExit) {
    }
    private EmbeddedKafka kafka;
    private String adminToken;
    private Channel demo;
    private long readyMillis;
    private Duration ingestGrace = Duration.ofSeconds(30);

    private int seeders = 1;

    /** How many seeder replicas to run (default 1), as a horizontally scaled deployment would. */
    public LocalCluster seeders(int n) {
        this.seeders = n;
        return this;
    }

    static String seederName(int i) {
        return i == 1 ? "seeder" : "seeder-" + i;
    }

    private int seederHttpPort(int i) {
        return ports.seeder() + 100 * (i - 1);
    }

    /** How long ingest keeps a broadcast open for its publisher to return (tests shorten it). */
    public LocalCluster ingestGrace(Duration grace) {
        this.ingestGrace = grace;
        return this;
    }

    public LocalCluster(Path root, Path state, Ports ports, Consumer<String> out) {
        this.root = root.toAbsolutePath().normalize();
        this.state = state.toAbsolutePath().normalize();
        this.ports = ports;
        this.out = out;
    }

    /** Starts everything and waits until it is ready; throws with a plain reason when something is in the way. */
    public LocalCluster start(Map<String, String> channelSettings) throws Exception {
        try {
            return startAll(channelSettings);
        } catch (Exception | Error e) {
            // Nothing half-started is left behind (ports held, processes orphaned).
            close();
            throw e;
        }
    }

    private LocalCluster startAll(Map<String, String> channelSettings) throws Exception {
        long t0 = System.nanoTime();
        checkPorts();
        Files.createDirectories(state.resolve("logs"));
        Path keys = masterKeys();
        adminToken = secret(state.resolve("admin-token"));
        Path publisherKey = state.resolve("publisher.pem");
        if (!Files.exists(publisherKey)) {
            Files.writeString(publisherKey, SwarmKeyPair.generate(SignatureAlgorithm.ED25519).toPem());
        }
        out.accept("starting Kafka (KRaft, in-process, data in " + root.relativize(state.resolve("kafka")) + ")");
        kafka = new EmbeddedKafka(state.resolve("kafka"));
        String bootstrap = kafka.bootstrap();
        Map<String, String> common = Map.of("SEEDCAST_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        String injectorUrl = "http://127.0.0.1:" + ports.injector();
        start("injector", ports.injector(), common, Map.of(
                "SEEDCAST_ADMIN_TOKEN", adminToken,
                "SEEDCAST_INJECTOR_PUBLIC_URL", injectorUrl,
                "SEEDCAST_INJECTOR_RTMP_URL", "rtmp://127.0.0.1:" + ports.rtmp() + "/live",
                "SEEDCAST_INJECTOR_SRT_URL", "srt://127.0.0.1:" + ports.srt(),
                "SEEDCAST_INJECTOR_PUBLISHER_KEY", publisherKey.toString(),
                "SEEDCAST_INJECTOR_SIGNER_URL", "http://127.0.0.1:" + ports.signer()));
        start("signer", ports.signer(), common, Map.of(
                "SEEDCAST_SIGNER_MASTER_KEY_DIR", keys.toString(),
                "SEEDCAST_SIGNER_TRANSACTIONAL_ID", "seedcast-signer-local"));
        for (int i = 1; i <= seeders; i++) {
            // Seeder n (n > 1): HTTP on the seeder port + 100 (n - 1), PPSPP on the PPSPP port + (n - 1).
            start(seederName(i), seederHttpPort(i), common, Map.of(
                    "SEEDCAST_SEEDER_LISTEN", "127.0.0.1:" + (ports.ppspp() + i - 1),
                    "SEEDCAST_SEEDER_TRACKER_URL", injectorUrl + "/ppsp-tp",
                    "SEEDCAST_SEEDER_REPORT_INTERVAL", "5s"));
        }
        start("ingest", ports.ingest(), common, Map.of(
                "SEEDCAST_INGEST_RTMP_PORT", Integer.toString(ports.rtmp()),
                "SEEDCAST_INGEST_SRT_PORT", Integer.toString(ports.srt()),
                "SEEDCAST_INGEST_RECONNECT_GRACE", ingestGrace.toMillis() + "ms"));
        for (String s : services.keySet()) {
            awaitReady(s);
        }
        demo = ensureChannel("demo", channelSettings);
        readyMillis = (System.nanoTime() - t0) / 1_000_000;
        return this;
    }

    public long readyMillis() {
        return readyMillis;
    }

    public Ports ports() {
        return ports;
    }

    public String adminToken() {
        return adminToken;
    }

    public Channel demo() {
        return demo;
    }

    public String bootstrap() {
        return kafka.bootstrap();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public String rtmpUrl(Channel c) {
        return "rtmp://127.0.0.1:" + ports.rtmp() + "/live/" + c.streamKey();
    }

    public String srtUrl(Channel c) {
        return "srt://127.0.0.1:" + ports.srt() + "?streamid=%23!::r=live/" + c.streamKey() + ",m=publish";
    }

    public String metadataUrl(Channel c) {
        return "http://127.0.0.1:" + ports.injector() + "/api/channels/" + c.id() + "/swarm";
    }

    /** Where a viewer started with the cluster (the demo's) serves HTTP: 10 above the injector, 8090 by default. */
    public int viewerHttpPort() {
        return ports.injector() + 10;
    }

    /** The dashboard's player page for a viewer's HLS playlist. */
    public String watchPageUrl(String playlist) {
        return "http://127.0.0.1:" + ports.injector() + "/watch.html?src=" + java.net.URLEncoder.encode(playlist, java.nio.charset.StandardCharsets.UTF_8);
    }

    public String dashboardUrl() {
        return "http://127.0.0.1:" + ports.injector() + "/#token=" + adminToken + (statusServer == null ? "" : "&launcher=http://127.0.0.1:" + launcherPort());
    }

    /** Resident memory of the service processes, in bytes (from /proc). */
    public long servicesRssBytes() {
        long total = 0;
        for (Service s : services.values()) {
            Process p = s.process;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        total += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // A process that has gone has no memory to count.
            }
        }
        return total;
    }

    private void checkPorts() {
        Map<String, Integer> tcp = new LinkedHashMap<>();
        tcp.put("injector (HTTP API, dashboard, tracker)", ports.injector());
        tcp.put("ingest (HTTP health)", ports.ingest());
        tcp.put("signer (HTTP health)", ports.signer());
        tcp.put("seeder (HTTP health)", ports.seeder());
        tcp.put("ingest (RTMP)", ports.rtmp());
        List<String> busy = new ArrayList<>();
        tcp.forEach((who, port) -> {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(port));
            } catch (IOException e) {
                busy.add("tcp port " + port + " is in use; " + who + " needs it");
            }
        });
        for (int i = 2; i <= seeders; i++) {
            tcp.put(seederName(i) + " (HTTP health)", seederHttpPort(i));
        }
        Map<String, Integer> udp = new LinkedHashMap<>(Map.of("ingest (SRT)", ports.srt()));
        for (int i = 1; i <= seeders; i++) {
            udp.put(seederName(i) + " (PPSPP)", ports.ppspp() + i - 1);
        }
        udp.forEach((who, port) -> {
            try (DatagramSocket s = new DatagramSocket(null)) {
                s.bind(new InetSocketAddress(port));
            } catch (IOException e) {
                busy.add("udp port " + port + " is in use; " + who + " needs it");
            }
        });
        if (!busy.isEmpty()) {
            throw new IllegalStateException(String.join("\n", busy) + "\n(is another ./seedcast up running? stop it, or free the port)");
        }
    }

    private Path masterKeys() throws IOException {
        Path dir = state.resolve("master-keys");
        Files.createDirectories(dir);
        if (!Files.exists(dir.resolve("active"))) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            Files.writeString(dir.resolve("k1"), Base64.getEncoder().encodeToString(k));
            Files.writeString(dir.resolve("active"), "k1");
        }
        return dir;
    }

    private static String secret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        String s = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Files.writeString(file, s);
        return s;
    }

    private void start(String service, int httpPort, Map<String, String> common, Map<String, String> env) throws IOException {
        // seeder-2, seeder-3 ... are replicas of the seeder.
        String module = service.replaceFirst("-\\d+$", "");
        Path app = root.resolve(module + "-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(app)) {
            throw new IllegalStateException(module + " is not built (" + root.relativize(app) + " is missing): run ./seedcast build");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xms32m", "-Xmx512m", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-Dquarkus.http.port=" + httpPort, "-Dquarkus.http.host=127.0.0.1",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", app.toString());
        Path log = state.resolve("logs/" + service + ".log");
        Files.deleteIfExists(log);
        // Appended to: a restarted service's log follows its previous life's.
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(common);
        pb.environment().putAll(env);
        Service s = new Service(service, httpPort, pb);
        services.put(service, s);
        launch(s);
        out.accept("starting " + service + " (http://127.0.0.1:" + httpPort + ", log " + root.relativize(state.resolve("logs/" + service + ".log")) + ")");
    }

    private void launch(Service s) throws IOException {
        s.startedNanos = System.nanoTime();
        s.process = s.builder.start();
    }

    /**
     * Watches the services as a Kubernetes Deployment would: one that exits is reported (how, and after how long) and
     * started again, after 1, 2, 4 ... up to 30 s when it keeps dying soon after starting; after five such deaths in a row
     * it is left down, with a line that says so. A service that ran for a minute starts over at 1 s.
     */
    public LocalCluster supervise() {
        supervisor = new Thread(() -> {
            while (!closing) {
                for (Service s : services.values()) {
                    Process p = s.process;
                    if (p == null || p.isAlive() || closing || s.quickDeaths > 5) {
                        continue;
                    }
                    long ranMs = (System.nanoTime() - s.startedNanos) / 1_000_000;
                    int code = p.exitValue();
                    String how = code > 128 ? "was killed by signal " + (code - 128) : "exited with status " + code;
                    s.quickDeaths = ranMs < 60_000 ? s.quickDeaths + 1 : 1;
                    s.lastExit = how + " after " + ranMs / 1000.0 + " s, at " + java.time.LocalTime.now().withNano(0);
                    if (s.quickDeaths > 5) {
                        s.state = "left down: it keeps dying at start";
                        out.accept(s.name + " " + how + " after " + ranMs + " ms, the fifth time in a row soon after starting: leaving it down;"
                                + " see " + root.relativize(state.resolve("logs/" + s.name + ".log")));
                        continue;
                    }
                    long backoffMs = Math.min(30_000, 1000L << (s.quickDeaths - 1));
                    s.state = "restarting in " + backoffMs / 1000.0 + " s";
                    out.accept(s.name + " " + how + " after " + ranMs / 1000.0 + " s: starting it again in " + backoffMs / 1000.0 + " s");
                    long died = System.nanoTime();
                    try {
                        Thread.sleep(backoffMs);
                        if (closing) {
                            return;
                        }
                        s.restarts++;
                        launch(s);
                        s.state = "starting";
                        awaitReady(s.name);
                        s.state = "running";
                        out.accept(s.name + " is back (restart " + s.restarts + ", ready " + (System.nanoTime() - died) / 1_000_000 + " ms after it died)");
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        s.state = "not ready after its restart";
                        out.accept(s.name + " did not come back: " + e.getMessage().lines().findFirst().orElse(""));
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "seedcast-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
        return this;
    }

    /** The services as they are now. */
    public List<ServiceState> serviceStates() {
        List<ServiceState> out = new ArrayList<>();
        for (Service s : services.values()) {
            Process p = s.process;
            boolean alive = p != null && p.isAlive();
            out.add(new ServiceState(s.name, alive, s.restarts, p == null ? -1 : p.pid(), alive ? s.state : s.state.equals("running") ? "exited" : s.state,
                    s.lastExit));
        }
        return out;
    }

    /** Where the launcher reports its services: 9 above the injector, 8089 by default. */
    public int launcherPort() {
        return ports.injector() + 9;
    }

    /**
     * Serves {@code GET /services} (the supervised processes as JSON, any origin may read it) on {@link #launcherPort()},
     * for the dashboard: what the launcher restarted, and why, shows there as well as in its lines.
     */
    public LocalCluster serveStatus() throws java.io.IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", launcherPort()), 8);
        server.createContext("/services", ex -> {
            try (ex) {
                byte[] body = JSON.writeValueAsBytes(serviceStates());
                ex.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
        statusServer = server;
        return this;
    }

    private com.sun.net.httpserver.HttpServer statusServer;

    /** SIGKILL to a service, as an operator or the OOM killer would (for fault tests). */
    public void kill(String service) {
        Process p = services.get(service).process;
        p.destroyForcibly();
        try {
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a service that is down again and waits until it is ready (without a supervisor). */
    public void restart(String service) throws Exception {
        Service s = services.get(service);
        if (s.process.isAlive()) {
            throw new IllegalStateException(service + " is running");
        }
        s.restarts++;
        launch(s);
        awaitReady(service);
    }

    /** Waits until {@code service} answers ready on /q/health/ready (180 s at the most), or says why it will not. */
    public void awaitReady(String service) throws Exception {
        Process p = services.get(service).process;
        URI ready = URI.create("http://127.0.0.1:" + services.get(service).httpPort + "/q/health/ready");
        long deadline = System.currentTimeMillis() + 180_000;
        String last = "no answer";
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(service + " exited (" + p.exitValue() + "); the end of its log:\n" + tail(service));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    out.accept(service + " is ready");
                    return;
                }
                last = r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(service + " was not ready after 180 s: " + last + "\n" + tail(service));
    }

    private String tail(String service) {
        try {
            List<String> lines = Files.readAllLines(state.resolve("logs/" + service + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** HTTP to the injector's admin API. */
    public JsonNode admin(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.injector() + path))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /**
     * The channel called {@code name}, created if missing; its stream key is kept in {@code .seedcast/<name>.key}
     * (the injector stores only hashes: if the file is gone, a new key is issued).
     */
    public Channel ensureChannel(String name, Map<String, String> settings) throws Exception {
        Path keyFile = state.resolve(name + ".key");
        for (JsonNode c : admin("GET", "/api/channels", null)) {
            if (c.path("name").asText().equals(name)) {
                String id = c.path("id").asText();
                if (Files.exists(keyFile)) {
                    return new Channel(id, name, Files.readString(keyFile).strip());
                }
                String key = admin("POST", "/api/channels/" + id + "/stream-key", null).path("streamKey").asText();
                Files.writeString(keyFile, key);
                return new Channel(id, name, key);
            }
        }
        Map<String, Object> req = new LinkedHashMap<>(settings);
        req.put("name", name);
        JsonNode created = admin("POST", "/api/channels", JSON.writeValueAsString(req));
        String key = created.path("streamKey").asText();
        Files.writeString(keyFile, key);
        out.accept("created channel " + name + " (" + created.path("id").asText() + ")");
        return new Channel(created.path("id").asText(), name, key);
    }

    @Override
    public void close() {
        // Ingest first (end markers), the injector last; each gets SIGTERM and a few seconds.
        closing = true;
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (statusServer != null) {
            statusServer.stop(0);
        }
        List<Process> reversed = new ArrayList<>();
        services.values().forEach(s -> reversed.add(s.process));
        java.util.Collections.reverse(reversed);
        for (Process p : reversed) {
            p.destroy();
        }
        for (Process p : reversed) {
            try {
                if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (kafka != null) {
            try {
                kafka.close();
            } catch (Exception e) {
                out.accept("Kafka did not stop cleanly: " + e.getMessage());
            }
        }
    }
}
