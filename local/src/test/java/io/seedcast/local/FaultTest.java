package io.seedcast.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Services killed with SIGKILL under the launcher's supervisor while a broadcast runs and a viewer (a seedcast-peer
 * process, through the signed metadata) watches: the supervisor says so and starts them again, the viewer resumes on its
 * own, and its output has no hole. Printed: how long the viewer's output stood still at each fault, and how long a
 * service took from its death to its restarted readiness.
 */
class FaultTest {

    static final Pattern SUMMARY = Pattern.compile("verified=(\\d+) rejected=(\\d+) lost=(\\d+) rerequested=(\\d+)");

    /** The output file's size every 100 ms: the longest time it stood still between two instants. */
    static final class OutputWatch extends Thread {
        final Path file;
        final List<long[]> samples = new CopyOnWriteArrayList<>();
        volatile boolean running = true;

        OutputWatch(Path file) {
            this.file = file;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                try {
                    samples.add(new long[] {System.nanoTime(), Files.exists(file) ? Files.size(file) : 0});
                    Thread.sleep(100);
                } catch (Exception e) {
                    return;
                }
            }
        }

        long size() {
            return samples.isEmpty() ? 0 : samples.getLast()[1];
        }

        /** The longest stretch without growth that began after {@code from}, in ms. */
        long longestStallAfter(long from) {
            long longest = 0;
            long since = -1;
            long last = -1;
            for (long[] s : samples) {
                if (s[0] < from) {
                    last = s[1];
                    continue;
                }
                if (s[1] == last) {
                    since = since < 0 ? s[0] : since;
                    longest = Math.max(longest, s[0] - since);
                } else {
                    since = -1;
                }
                last = s[1];
            }
            return longest / 1_000_000;
        }
    }

    @Test
    void aKilledSeederAndAKilledSignerComeBackAndTheViewerResumesWithoutAHole() throws Exception {
        Path state = Files.createTempDirectory("seedcast-fault");
        Path root = Path.of(System.getProperty("seedcast.root", "..")).toAbsolutePath().normalize();
        List<String> lines = new CopyOnWriteArrayList<>();
        List<Process> extras = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(root, state, LocalCluster.Ports.offset(21000), m -> {
            lines.add(m);
            System.out.println("[fault] " + m);
        }).ingestGrace(Duration.ofSeconds(5)).seeders(2).start(Map.of()).supervise().serveStatus()) {
            LocalCluster.Channel c = cluster.demo();
            extras.add(Ffmpeg.start(Ffmpeg.testBroadcast(-1, "1M", "flv", cluster.rtmpUrl(c)), state.resolve("logs/publisher.log")));
            SeedcastUp.awaitSwarm(cluster.metadataUrl(c));
            Path output = state.resolve("watch.ts");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process viewer = new ProcessBuilder(java, "-jar", root.resolve("peer/target/seedcast-peer.jar").toString(), "join",
                    "--metadata", cluster.metadataUrl(c), "--output", output.toString())
                    .redirectErrorStream(true).redirectOutput(state.resolve("logs/viewer.log").toFile()).start();
            extras.add(viewer);
            OutputWatch watch = new OutputWatch(output);
            watch.start();
            awaitGrowth(watch, 20_000, "the viewer writes the broadcast");
            Thread.sleep(3000);

            awaitViewerPeers(state.resolve("logs/viewer.log"), 2);

            // Two seeders: losing one must cost the viewer nothing a player would show.
            long[] oneOfTwo = fault(cluster, watch, "seeder-2");
            // Both at once: the viewer waits for one to be back (the restart of a lone seeder).
            long[] both = fault(cluster, watch, "seeder", "seeder-2");
            long[] signer = fault(cluster, watch, "signer");

            viewer.destroy(); // SIGTERM: the viewer prints its summary
            assertTrue(viewer.waitFor(15, TimeUnit.SECONDS));
            watch.running = false;
            String log = Files.readString(state.resolve("logs/viewer.log"));
            Matcher m = SUMMARY.matcher(log.lines().filter(l -> l.contains("first_chunk_ms")).reduce((a, b) -> b).orElse(""));
            assertTrue(m.find(), "the viewer's summary: " + log);
            System.out.printf("[fault] viewer's longest stall: one of two seeders SIGKILLed -> %d ms; both seeders SIGKILLed -> %d ms"
                    + " (ready again %d ms after their death); signer SIGKILLed -> %d ms (ready again %d ms after its death);"
                    + " verified=%s lost=%s rerequested=%s%n",
                    oneOfTwo[0], both[0], both[1], signer[0], signer[1], m.group(1), m.group(3), m.group(4));
            assertTrue(oneOfTwo[0] < 1500, "one of two seeders gone: no stall a 1 s player buffer would not hide (" + oneOfTwo[0] + " ms)");
            assertEquals("0", m.group(2), "nothing rejected");
            assertEquals("0", m.group(3), "no chunk given up: the output has no hole");
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("seeder-2 was killed by signal 9")), "the launcher said what happened: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("signer is back")), lines.toString());
            // What the dashboard shows of the launcher: each service's restarts and how it last exited.
            var services = LocalCluster.JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + cluster.launcherPort() + "/services")).build(), HttpResponse.BodyHandlers.ofString()).body());
            boolean reported = false;
            for (var sv : services) {
                if (sv.path("name").asText().equals("signer")) {
                    reported = sv.path("restarts").asInt() >= 1 && sv.path("lastExit").asText().contains("signal 9") && sv.path("state").asText().equals("running");
                }
            }
            assertTrue(reported, "the launcher reports the signer's restart for the dashboard: " + services);
            assertTrue(cluster.dashboardUrl().contains("&launcher=http://127.0.0.1:" + cluster.launcherPort()), cluster.dashboardUrl());
        } finally {
            extras.forEach(Process::destroyForcibly);
        }
    }

    /** The viewer's per-second line shows this many peers. */
    static void awaitViewerPeers(Path log, int peers) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (Files.readString(log).lines().noneMatch(l -> l.startsWith("verified=") && (" " + l + " ").contains(" peers=" + peers + " "))) {
            assertTrue(System.currentTimeMillis() < deadline, "the viewer never had " + peers + " peers: " + Files.readString(log));
            Thread.sleep(200);
        }
    }

    /** Kills services, waits for the supervisor to bring them back and the viewer to move on: {stall ms, death -> ready ms}. */
    static long[] fault(LocalCluster cluster, OutputWatch watch, String... services) throws Exception {
        long killed = System.nanoTime();
        for (String service : services) {
            cluster.kill(service);
        }
        long deadline = System.currentTimeMillis() + 90_000;
        for (String service : services) {
            int before = cluster.serviceStates().stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow().restarts();
            while (cluster.serviceStates().stream().noneMatch(s -> s.name().equals(service) && s.alive() && s.restarts() > before)) {
                assertTrue(System.currentTimeMillis() < deadline, service + " was not started again (restarts " + before + ")");
                Thread.sleep(100);
            }
            cluster.awaitReady(service);
        }
        long ready = (System.nanoTime() - killed) / 1_000_000;
        long size = watch.size();
        awaitGrowth(watch, 60_000, "the viewer resumes after the " + String.join(" and ", services) + " restart");
        long grown = watch.size();
        Thread.sleep(4000);
        assertTrue(watch.size() > grown, "and keeps going (" + size + " -> " + grown + " -> " + watch.size() + ")");
        return new long[] {watch.longestStallAfter(killed), ready};
    }

    static void awaitGrowth(OutputWatch watch, long millis, String what) throws InterruptedException {
        long before = watch.size();
        long deadline = System.currentTimeMillis() + millis;
        while (watch.size() <= before) {
            assertTrue(System.currentTimeMillis() < deadline, what + " (output stuck at " + before + " bytes)");
            Thread.sleep(100);
        }
    }
}
