package io.seedcast.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A peer's transport address as PPSP-TP carries it (ppsp_tp_peer_addr_t, RFC 7846 §3.2.4). */
public record PeerAddress(InetSocketAddress address, int priority, String type) {

    public static PeerAddress host(InetSocketAddress address) {
        return new PeerAddress(address, 1, "HOST");
    }

    public String addressType() {
        return address.getAddress() instanceof java.net.Inet6Address ? "ipv6" : "ipv4";
    }

    public InetAddress ip() {
        return address.getAddress();
    }
}
