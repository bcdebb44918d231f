package io.seedcast.ingest.rtmp;

/** A protocol violation by the client: the connection is closed, the service goes on. */
public final class RtmpException extends Exception {
    public RtmpException(String message) {
        super(message, null, false, false);
    }
}
