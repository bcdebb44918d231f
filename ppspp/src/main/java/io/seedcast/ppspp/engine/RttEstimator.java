package io.seedcast.ppspp.engine;

/** A smoothed round-trip time and its variation from samples, in nanos. */
// RFC 6298 §2
final class RttEstimator {

    private long srtt = -1;
    private long rttvar;

    void sample(long rtt) {
        rtt = Math.max(rtt, 1);
        if (srtt < 0) {
            srtt = rtt;
            rttvar = rtt / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - rtt)) / 4;
            srtt = (7 * srtt + rtt) / 8;
        }
    }

    boolean hasSample() {
        return srtt >= 0;
    }

    /** SRTT, or -1 before the first sample. */
    long srtt() {
        return srtt;
    }

    long rttvar() {
        return rttvar;
    }
}
