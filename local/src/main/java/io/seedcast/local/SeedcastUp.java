package io.seedcast.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code ./seedcast up [--demo] [--demo-output FILE] [--port-offset N]}: the cluster on this machine, until Ctrl-C. */
public final class SeedcastUp {

    static final String USAGE = """
            usage: ./seedcast up [--demo] [--demo-output FILE] [--port-offset N]
              --demo              also broadcast a test pattern over RTMP and watch it with seedcast-peer
              --demo-output FILE  where the demo viewer writes the verified stream (default seedcast-demo.ts)
              --port-offset N     add N to every port (to run beside something that holds the defaults)
            """;

    public static void main(String[] argv) throws Exception {
        boolean demo = false;
        String demoOutput = "seedcast-demo.ts";
        int offset = 0;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--demo" -> demo = true;
                case "--demo-output" -> {
                    demo = true;
                    demoOutput = value(argv, ++i);
                }
                case "--port-offset" -> offset = Integer.parseInt(value(argv, ++i));
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> {
                    System.err.print("seedcast up: unknown option " + argv[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        Path root = Path.of(System.getProperty("seedcast.root", ".")).toAbsolutePath().normalize();
        LocalCluster cluster = new LocalCluster(root, root.resolve(".seedcast"), LocalCluster.Ports.offset(offset), m -> System.out.println("seedcast: " + m));
        List<Process> extras = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nseedcast: stopping...");
            extras.forEach(Process::destroy);
            cluster.close();
            System.out.println("seedcast: stopped.");
            stopped.countDown();
        }));
        try {
            cluster.start(Map.of()).supervise().serveStatus();
        } catch (IllegalStateException e) {
            System.err.println("seedcast up: " + e.getMessage());
            System.exit(1);
        }
        LocalCluster.Channel c = cluster.demo();
        LocalCluster.Ports p = cluster.ports();
        System.out.printf("""

                Seedcast is up (ready in %.1f s; services use %d MiB).

                  Broadcast with OBS: Settings -> Stream -> Service: Custom...
                    Server:      rtmp://127.0.0.1:%d/live
                    Stream Key:  %s
                  Or over SRT (OBS: Service Custom..., Server = this URL, Stream Key empty):
                    srt://127.0.0.1:%d?streamid=live/%s
                  Dashboard:     %s
                  Admin token:   %s
                  Watch:         ./seedcast peer join --metadata %s --http 127.0.0.1:%d
                                 then open %s
                  Logs:          .seedcast/logs/

                Ctrl-C stops everything.

                """, cluster.readyMillis() / 1000.0, cluster.servicesRssBytes() >> 20, p.rtmp(), c.streamKey(), p.srt(), c.streamKey(),
                cluster.dashboardUrl(), cluster.adminToken(), cluster.metadataUrl(c), cluster.viewerHttpPort(),
                cluster.watchPageUrl("http://127.0.0.1:" + cluster.viewerHttpPort() + "/live.m3u8"));
        if (demo) {
            Path log = root.resolve(".seedcast/logs/demo-publisher.log");
            extras.add(Ffmpeg.start(Ffmpeg.testBroadcast(-1, "2M", "flv", cluster.rtmpUrl(c)), log));
            System.out.println("seedcast: demo publisher: a 720p test pattern and tone at 2 Mbit/s over RTMP (log .seedcast/logs/demo-publisher.log)");
            awaitSwarm(cluster.metadataUrl(c));
            Path peerJar = root.resolve("peer/target/seedcast-peer.jar");
            String java = ProcessHandle.current().info().command().orElse("java");
            String viewerHttp = "127.0.0.1:" + cluster.viewerHttpPort();
            Process viewer = new ProcessBuilder(java, "-jar", peerJar.toString(), "join", "--metadata", cluster.metadataUrl(c), "--output", demoOutput,
                    "--http", viewerHttp).directory(Path.of(System.getProperty("user.dir")).toFile()).inheritIO().start();
            extras.add(viewer);
            System.out.println("seedcast: demo viewer: writing the verified stream to " + demoOutput + "; watch it in a browser at "
                    + cluster.watchPageUrl("http://" + viewerHttp + "/live.m3u8") + " or in VLC/ffplay/mpv at http://" + viewerHttp + "/live.ts");
        }
        stopped.await();
    }

    static void awaitSwarm(String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no swarm for the demo channel after 60 s: is the publisher running? see .seedcast/logs/");
    }

    static String value(String[] argv, int i) {
        if (i >= argv.length) {
            System.err.print("seedcast up: " + argv[i - 1] + " needs a value\n" + USAGE);
            System.exit(2);
        }
        return argv[i];
    }

    private SeedcastUp() {
    }
}
