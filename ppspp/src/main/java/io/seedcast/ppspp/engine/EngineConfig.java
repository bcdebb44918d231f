package io.seedcast.ppspp.engine;

import io.seedcast.ppspp.live.SwarmParameters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;

/**
 * What a {@link PeerEngine} may spend and how long it waits. The defaults suit a viewer or a
 * seeder on the open Internet; seeders tighten the limits from their own config.
 *
 * @param maxDatagram          largest UDP payload we send: 1472 fits a 1500-byte Ethernet MTU (RFC 7574 §8.1)
 * @param handshakeTimeout     how long an unconfirmed handshake is remembered (RFC 7574 §12.1)
 * @param maxPendingHandshakes how many unconfirmed handshakes are remembered at once, oldest dropped first
 * @param handshakesPerSecond  first datagrams answered per second; the rest are dropped unanswered
 * @param uploadBytesPerSecond per-peer upload limit, 0 for none (RFC 7574 §12.6.6)
 * @param totalUploadBytesPerSecond the whole engine's upload limit (its uplink, as the operator knows it), 0 for none: what
 *                             the peers ask beyond it waits here, where the engine chooses what to send, instead of in a
 *                             queue on the path that drops it
 * @param requestTimeout       after this a requested chunk is asked of another peer
 * @param requestWindow        how many chunks past the playout point a viewer requests at once
 * @param pexToUntrusted       whether to answer PEX_REQ from peers not in {@code trustedPeers}; a live source says no (RFC 7574 §12.2.3)
 * @param ledbatTarget         LEDBAT's queuing delay target (RFC 6817 §2.4.2; 100 ms there, lower is more polite)
 * @param maxSignatureAge      signed munros older than this are discarded; null for the profile's (RFC 7574 §6.1.2.4)
 * @param peerFirstWait        seeder offload: how long a viewer with peers waits for one of them to hold a chunk that
 *                             only seeders hold yet, for the chunks it does not fetch first-hand; zero turns offload off
 * @param quietPeer            a peer silent this long while we wait on chunks we asked of it is handshaken again: it may
 *                             have restarted and forgotten our channel (well under {@code peerTimeout}, which drops it)
 * @param tuneInLookback       how far behind the live edge a viewer starts (in stream time, from the rate it sees the edge
 *                             move at): at a GOP or more, the output can begin at a keyframe at once instead of waiting
 *                             for the next one; zero starts at the newest signed munro
 */
public record EngineConfig(InetSocketAddress listen, int maxDatagram, Duration keepaliveInterval, Duration peerTimeout,
        Duration handshakeTimeout, int maxPendingHandshakes, int handshakesPerSecond, int maxPeersPerSwarm, int maxPeers,
        long uploadBytesPerSecond, long totalUploadBytesPerSecond, Duration requestTimeout, int requestWindow, int maxRequestsPerPeer,
        boolean pexToUntrusted, Set<InetAddress> trustedPeers, Duration ledbatTarget, Duration maxSignatureAge,
        Duration peerFirstWait, Duration quietPeer, Duration tuneInLookback) {

    public EngineConfig {
        quietPeer = quietPeer == null ? Duration.ofMillis(2500) : quietPeer;
        tuneInLookback = tuneInLookback == null ? Duration.ZERO : tuneInLookback;
        trustedPeers = Set.copyOf(trustedPeers);
        peerFirstWait = peerFirstWait == null ? Duration.ZERO : peerFirstWait;
        if (maxDatagram < 576 || maxDatagram > 65_507) {
            throw new IllegalArgumentException("max datagram must be 576–65507 bytes, got " + maxDatagram);
        }
    }

    public static EngineConfig defaults(InetSocketAddress listen) {
        return new EngineConfig(listen, SwarmParameters.ETHERNET_DATAGRAM, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(3),
                4096, 2000, 200, 1000, 0, 0, Duration.ofMillis(1500), 256, 96, true, Set.of(), Duration.ofMillis(100), null,
                Duration.ofMillis(200),
                Duration.ofMillis(2500), Duration.ZERO);
    }

    /** A live source's defaults: PEX answered only to trusted peers (attack E1, RFC 7574 §12.2.3). */
    public static EngineConfig source(InetSocketAddress listen) {
        return defaults(listen).withPexToUntrusted(false);
    }

    public EngineConfig withPexToUntrusted(boolean b) {
        return edit(e -> e.pexToUntrusted = b);
    }

    public EngineConfig withUploadLimit(long bytesPerSecond) {
        return edit(e -> e.uploadBytesPerSecond = bytesPerSecond);
    }

    /** The whole engine's upload limit in bytes per second, 0 for none. */
    public EngineConfig withTotalUploadLimit(long bytesPerSecond) {
        return edit(e -> e.totalUploadBytesPerSecond = bytesPerSecond);
    }

    public EngineConfig withHandshakeLimits(int maxPending, int perSecond) {
        return edit(e -> {
            e.maxPendingHandshakes = maxPending;
            e.handshakesPerSecond = perSecond;
        });
    }

    public EngineConfig withPeerLimits(int perSwarm, int total) {
        return edit(e -> {
            e.maxPeersPerSwarm = perSwarm;
            e.maxPeers = total;
        });
    }

    public EngineConfig withMaxSignatureAge(Duration age) {
        return edit(e -> e.maxSignatureAge = age);
    }

    public EngineConfig withQuietPeer(Duration quiet) {
        return edit(e -> e.quietPeer = quiet);
    }

    public EngineConfig withTuneInLookback(Duration lookback) {
        return edit(e -> e.tuneInLookback = lookback);
    }

    public EngineConfig withPeerFirstWait(Duration wait) {
        return edit(e -> e.peerFirstWait = wait);
    }

    /** A copy with the changes {@code change} makes: the one place the canonical constructor is called from a copy. */
    private EngineConfig edit(java.util.function.Consumer<Editable> change) {
        Editable e = new Editable(this);
        change.accept(e);
        return e.build();
    }

    /** The fields as variables, for {@link #edit}. */
    private static final class Editable {
        InetSocketAddress listen;
        int maxDatagram;
        Duration keepaliveInterval;
        Duration peerTimeout;
        Duration handshakeTimeout;
        int maxPendingHandshakes;
        int handshakesPerSecond;
        int maxPeersPerSwarm;
        int maxPeers;
        long uploadBytesPerSecond;
        long totalUploadBytesPerSecond;
        Duration requestTimeout;
        int requestWindow;
        int maxRequestsPerPeer;
        boolean pexToUntrusted;
        Set<InetAddress> trustedPeers;
        Duration ledbatTarget;
        Duration maxSignatureAge;
        Duration peerFirstWait;
        Duration quietPeer;
        Duration tuneInLookback;

        Editable(EngineConfig c) {
            listen = c.listen;
            maxDatagram = c.maxDatagram;
            keepaliveInterval = c.keepaliveInterval;
            peerTimeout = c.peerTimeout;
            handshakeTimeout = c.handshakeTimeout;
            maxPendingHandshakes = c.maxPendingHandshakes;
            handshakesPerSecond = c.handshakesPerSecond;
            maxPeersPerSwarm = c.maxPeersPerSwarm;
            maxPeers = c.maxPeers;
            uploadBytesPerSecond = c.uploadBytesPerSecond;
            totalUploadBytesPerSecond = c.totalUploadBytesPerSecond;
            requestTimeout = c.requestTimeout;
            requestWindow = c.requestWindow;
            maxRequestsPerPeer = c.maxRequestsPerPeer;
            pexToUntrusted = c.pexToUntrusted;
            trustedPeers = c.trustedPeers;
            ledbatTarget = c.ledbatTarget;
            maxSignatureAge = c.maxSignatureAge;
            peerFirstWait = c.peerFirstWait;
            quietPeer = c.quietPeer;
            tuneInLookback = c.tuneInLookback;
        }

        EngineConfig build() {
            return new EngineConfig(listen, maxDatagram, keepaliveInterval, peerTimeout, handshakeTimeout, maxPendingHandshakes,
                    handshakesPerSecond, maxPeersPerSwarm, maxPeers, uploadBytesPerSecond, totalUploadBytesPerSecond, requestTimeout, requestWindow,
                    maxRequestsPerPeer, pexToUntrusted, trustedPeers, ledbatTarget, maxSignatureAge, peerFirstWait, quietPeer, tuneInLookback);
        }
    }
}
