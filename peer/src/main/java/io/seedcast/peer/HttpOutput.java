package io.seedcast.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves a watch to any player, from verified chunks only (libswift's HTTP gateway, and what hybrid P2P players hand
 * their player): {@code GET /live.ts} a continuous MPEG-TS stream from a keyframe (VLC, ffplay, mpv), {@code GET
 * /live.m3u8} and its segments a sliding-window HLS playlist (Safari, hls.js), {@code GET /status} the watch's figures
 * as JSON. Any origin may read it (CORS), so a page elsewhere (the injector's dashboard) can play it.
 */
final class HttpOutput implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a playlist request waits for the first segment before saying there is none yet. */
    private static final long FIRST_SEGMENT_WAIT_MILLIS = 15_000;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final LiveOutput live;
    private final Supplier<Map<String, Object>> status;
    private volatile boolean open = true;

    HttpOutput(InetSocketAddress listen, LiveOutput live, Supplier<Map<String, Object>> status) throws IOException {
        this.live = live;
        this.status = status;
        server = HttpServer.create(listen, 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
            ex.getResponseHeaders().add("Cache-Control", "no-cache");
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                send(ex, 405, "text/plain", "GET only\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/live.ts" -> stream(ex);
                case "/live.m3u8" -> playlist(ex);
                case "/status" -> send(ex, 200, "application/json", JSON.writeValueAsString(status.get()));
                case "/" -> send(ex, 200, "text/plain", "seedcast-peer: the verified stream\n  /live.ts    MPEG-TS (VLC, ffplay, mpv)\n"
                        + "  /live.m3u8  HLS (Safari, hls.js)\n  /status     JSON\n");
                default -> segment(ex, path);
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    private void stream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "video/mp2t");
        ex.sendResponseHeaders(200, 0);
        OutputStream body = ex.getResponseBody();
        try (LiveOutput.Client c = live.subscribe()) {
            while (open) {
                byte[] b = c.next(1000);
                if (b == null) {
                    return;
                }
                if (b.length > 0) {
                    body.write(b);
                    body.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void playlist(HttpExchange ex) throws IOException {
        String m3u8 = live.hls().playlist();
        long deadline = System.currentTimeMillis() + FIRST_SEGMENT_WAIT_MILLIS;
        while (m3u8 == null && open && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            m3u8 = live.hls().playlist();
        }
        if (m3u8 == null) {
            send(ex, 503, "text/plain", "no segment yet: the watch has not reached a keyframe\n");
        } else {
            send(ex, 200, "application/vnd.apple.mpegurl", m3u8);
        }
    }

    private void segment(HttpExchange ex, String path) throws IOException {
        if (path.startsWith("/segment-") && path.endsWith(".ts")) {
            try {
                HlsSegmenter.Segment s = live.hls().segment(Long.parseLong(path.substring(9, path.length() - 3)));
                if (s != null) {
                    ex.getResponseHeaders().add("Content-Type", "video/mp2t");
                    ex.sendResponseHeaders(200, s.data().length);
                    ex.getResponseBody().write(s.data());
                    return;
                }
            } catch (NumberFormatException e) {
                // Not one of ours.
            }
            send(ex, 404, "text/plain", "no such segment (it may have left the live window)\n");
            return;
        }
        send(ex, 404, "text/plain", "not found: try /live.ts, /live.m3u8 or /status\n");
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(code, ex.getRequestMethod().equals("HEAD") ? -1 : b.length);
        if (!ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        open = false;
        live.close();
        server.stop(0);
        threads.shutdownNow();
    }
}
