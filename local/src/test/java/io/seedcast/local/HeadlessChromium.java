package io.seedcast.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chromium without a screen (Debian's {@code chromium} package), driven over the DevTools protocol with the JDK's own
 * WebSocket client: open a page, evaluate JavaScript in it. Enough to see a video element play.
 */
final class HeadlessChromium implements AutoCloseable {

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    HeadlessChromium(String url, Path profile, Path log) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String exe = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no chromium: ./seedcast test installs Debian's 'chromium' package"));
        process = new ProcessBuilder(exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio", "--no-first-run",
                "--autoplay-policy=no-user-gesture-required", "--remote-debugging-port=" + port, "--user-data-dir=" + profile, url)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        String ws = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (ws == null) {
            if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                throw new IllegalStateException("chromium did not open its DevTools port: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (JsonNode t : LocalCluster.JSON.readTree(r.body())) {
                    if (t.path("type").asText().equals("page")) {
                        ws = t.path("webSocketDebuggerUrl").asText();
                    }
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            if (ws == null) {
                Thread.sleep(200);
            }
        }
        socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        JsonNode m = LocalCluster.JSON.readTree(text.toString());
                        CompletableFuture<JsonNode> f = m.has("id") ? pending.remove(m.path("id").asInt()) : null;
                        if (f != null) {
                            f.complete(m);
                        }
                    } catch (Exception e) {
                        // not ours to read
                    }
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** The value of a JavaScript expression in the page. */
    JsonNode eval(String expression) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        String msg = LocalCluster.JSON.writeValueAsString(Map.of("id", id, "method", "Runtime.evaluate",
                "params", Map.of("expression", expression, "returnByValue", true)));
        socket.sendText(msg, true).get(5, TimeUnit.SECONDS);
        return f.get(10, TimeUnit.SECONDS).path("result").path("result").path("value");
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        } catch (RuntimeException e) {
            // closing anyway
        }
        process.destroyForcibly();
    }
}
