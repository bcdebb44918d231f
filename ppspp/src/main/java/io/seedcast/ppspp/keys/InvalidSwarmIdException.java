package io.seedcast.ppspp.keys;

/** A swarm ID that cannot be used, with a message that says why. */
public final class InvalidSwarmIdException extends IllegalArgumentException {
    public InvalidSwarmIdException(String message) {
        super(message);
    }
}
