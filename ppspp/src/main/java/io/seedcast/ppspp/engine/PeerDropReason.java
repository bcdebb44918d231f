package io.seedcast.ppspp.engine;

/** Why a peer was dropped. */
public enum PeerDropReason {
    BAD_SIGNATURE, BAD_CHUNK, BAD_HASH, TIMEOUT, CLOSED_BY_PEER, MALFORMED, SHUTDOWN
}
