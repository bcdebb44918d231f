package io.seedcast.ppspp.engine;

/** What a peer is in one swarm. */
public enum Role {
    /** Signs the stream it publishes (RFC 7574 §6.1: the injector of a live swarm). */
    SOURCE,
    /** Serves chunks signed elsewhere, after checking them against the swarm ID: a seeder. Never fetches from peers. */
    RELAY,
    /** Fetches chunks from peers, verifies each, outputs them in order and serves them on. */
    VIEWER;

    /** Whether chunks reach this peer from the swarm (and so are verified and picked) rather than from its owner. */
    boolean fetches() {
        return this == VIEWER;
    }
}
