package io.seedcast.ppspp.keys;

/** A private key file that cannot be used, with a message that says why and what to do. */
public final class InvalidKeyFileException extends IllegalArgumentException {
    public InvalidKeyFileException(String message) {
        super(message);
    }
}
