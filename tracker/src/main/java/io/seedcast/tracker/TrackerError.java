package io.seedcast.tracker;

/** PPSP-TP error codes (RFC 7846 §4.3). */
public enum TrackerError {
    NO_ERROR(0), BAD_REQUEST(1), UNSUPPORTED_VERSION(2), FORBIDDEN_ACTION(3), INTERNAL_SERVER_ERROR(4), SERVICE_UNAVAILABLE(5),
    AUTHENTICATION_REQUIRED(6);

    final int code;

    TrackerError(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
