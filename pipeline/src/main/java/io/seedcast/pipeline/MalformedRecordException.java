package io.seedcast.pipeline;

/** A record value that cannot be decoded, with the reason: what goes into the dead-letter topic's header. */
public final class MalformedRecordException extends Exception {
    public MalformedRecordException(String reason) {
        super(reason, null, false, false);
    }
}
