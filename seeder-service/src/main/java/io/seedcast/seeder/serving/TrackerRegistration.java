package io.seedcast.seeder.serving;

import io.seedcast.ppspp.engine.LiveSwarm;
import io.seedcast.tracker.TrackerClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Keeps this seeder registered with the injector's PPSP-TP tracker (RFC 7846): CONNECT with JOIN as
 * SEEDER, at the advertised address, for each swarm it starts serving and LEAVE for each it stops;
 * STAT_REPORT in between so the entries do not expire; LEAVE for everything on drain.
 */
public final class TrackerRegistration implements Runnable, AutoCloseable {

    private final TrackerClient client;
    private final InetSocketAddress advertised;
    private final SeederLoop loop;
    private final Duration interval;
    private static final Logger LOG = Logger.getLogger(TrackerRegistration.class);
    private final Set<String> registered = new HashSet<>();
    private volatile boolean running = true;
    private final Thread thread;

    public TrackerRegistration(TrackerClient client, InetSocketAddress advertised, SeederLoop loop, Duration interval) {
        this.client = client;
        this.advertised = advertised;
        this.loop = loop;
        this.interval = interval;
        this.thread = new Thread(this, "seedcast-tracker-registration");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    @Override
    public void run() {
        long lastReport = 0;
        boolean failing = false;
        while (running) {
            try {
                Set<String> serving = new HashSet<>();
                List<TrackerClient.StreamStats> stats = new ArrayList<>();
                for (LiveSwarm s : loop.relays().values()) {
                    serving.add(s.swarmId().hex());
                    stats.add(new TrackerClient.StreamStats(s.swarmId().hex(), s.stats().bytesOut.get(), 0, (int) s.stats().peers.get()));
                }
                List<TrackerClient.SwarmAction> actions = new ArrayList<>();
                for (String s : serving) {
                    if (!registered.contains(s)) {
                        actions.add(new TrackerClient.SwarmAction(s, true, true));
                    }
                }
                for (String s : registered) {
                    if (!serving.contains(s)) {
                        actions.add(new TrackerClient.SwarmAction(s, false, true));
                    }
                }
                long now = System.nanoTime();
                if (!actions.isEmpty()) {
                    client.connect(advertised, actions);
                    registered.clear();
                    registered.addAll(serving);
                    lastReport = now;
                } else if (!registered.isEmpty() && now - lastReport > interval.toNanos()) {
                    client.statReport(stats);
                    lastReport = now;
                }
                if (failing) {
                    LOG.info("tracker reachable again; registered for " + registered.size() + " swarm(s)");
                    failing = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                if (!failing) {
                    LOG.warn("cannot register with the tracker (will keep trying): " + e.getMessage());
                    failing = true;
                }
                // An expired registration is re-made from scratch.
                registered.clear();
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Drain: leave every swarm at the tracker so no new viewer is sent here. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
            // Whatever this replica registered, or may have registered while interrupted: leaving twice is harmless.
            Set<String> all = new HashSet<>(registered);
            loop.relays().values().forEach(s -> all.add(s.swarmId().hex()));
            if (!all.isEmpty()) {
                List<TrackerClient.SwarmAction> leave = new ArrayList<>();
                all.forEach(s -> leave.add(new TrackerClient.SwarmAction(s, false, true)));
                client.connect(advertised, leave);
                registered.clear();
            }
        } catch (Exception e) {
            LOG.warn("could not leave the tracker cleanly: " + e.getMessage());
        }
    }
}
