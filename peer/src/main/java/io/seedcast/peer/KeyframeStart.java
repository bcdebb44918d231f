package io.seedcast.peer;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a live MPEG-TS stream so that a player can decode it from the first byte: it starts at the PAT before a video
 * random-access point (ingest sends PAT and PMT before every keyframe, and FFmpeg flags the keyframe's first TS packet
 * with random_access_indicator), not at whatever chunk boundary the viewer joined on, in the middle of a packet and of a
 * GOP. After chunks were given up (a hole), it drops to the next random-access point again and marks it with
 * discontinuity_indicator, as a TS splice must be. A stream that is not TS passes through as it comes.
 */
// ISO/IEC 13818-1 §2.4.3.2-§2.4.3.5 (packet header, adaptation field), §2.4.4.3 (PAT), §2.4.4.8 (PMT)
final class KeyframeStart {

    static final int PACKET = TsPacket.SIZE;
    static final int SYNC = TsPacket.SYNC;
    /** Sync bytes in a row that make a stream TS (random bytes: about one chance in 4·10^9 per offset). */
    static final int SYNC_RUN = 5;
    /** How much is looked at before deciding whether the stream is TS at all. */
    static final int DETECT_BYTES = 5 * PACKET;

    private enum Mode { DETECT, TS, RAW }

    private final OutputStream out;
    private Mode mode = Mode.DETECT;
    private long nextIndex = -1;
    /** Bytes not yet a whole packet (or, before sync, not yet aligned). */
    private byte[] carry = new byte[0];
    private boolean aligned;
    private boolean started;
    private boolean afterHole;
    /** Packets since the latest PAT, while waiting for a keyframe. */
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
    private boolean pendingHasPat;
    private final TsPacket.Program program = new TsPacket.Program();
    private long skipped;
    private long written;
    private long holes;

    KeyframeStart(OutputStream out) {
        this.out = out;
    }

    /** Chunk {@code index} of the stream, in order; an index past the next one means chunks were lost in between. */
    void write(long index, byte[] chunk) throws IOException {
        if (nextIndex >= 0 && index != nextIndex) {
            hole();
        }
        nextIndex = index + 1;
        switch (mode) {
            case RAW -> emit(chunk, 0, chunk.length);
            case DETECT, TS -> feed(chunk);
        }
    }

    /** Bytes dropped before the first random-access point (and after holes). */
    long skippedBytes() {
        return skipped;
    }

    long writtenBytes() {
        return written;
    }

    boolean started() {
        return started || mode == Mode.RAW;
    }

    long holes() {
        return holes;
    }

    private void hole() {
        holes++;
        if (mode == Mode.RAW) {
            return;
        }
        skipped += carry.length + pending.size();
        carry = new byte[0];
        pending.reset();
        pendingHasPat = false;
        aligned = false;
        if (started) {
            afterHole = true;
        }
        started = false;
    }

    private void feed(byte[] chunk) throws IOException {
        byte[] buf = new byte[carry.length + chunk.length];
        System.arraycopy(carry, 0, buf, 0, carry.length);
        System.arraycopy(chunk, 0, buf, carry.length, chunk.length);
        int off = 0;
        if (!aligned) {
            int sync = findSync(buf);
            if (sync < 0) {
                if (mode == Mode.DETECT) {
                    if (buf.length >= DETECT_BYTES + SYNC_RUN * PACKET) {
                        // No run of sync bytes: not MPEG-TS. Everything goes out as it comes, from the join point on.
                        mode = Mode.RAW;
                        carry = new byte[0];
                        emit(buf, 0, buf.length);
                    } else {
                        carry = buf;
                    }
                    return;
                }
                int keep = Math.min(buf.length, SYNC_RUN * PACKET);
                skipped += buf.length - keep;
                carry = java.util.Arrays.copyOfRange(buf, buf.length - keep, buf.length);
                return;
            }
            mode = Mode.TS;
            aligned = true;
            skipped += sync;
            off = sync;
        }
        while (buf.length - off >= PACKET) {
            if ((buf[off] & 0xFF) != SYNC) {
                // Lost alignment (should not happen in a verified stream): look for it again.
                aligned = false;
                started = false;
                afterHole = true;
                carry = java.util.Arrays.copyOfRange(buf, off, buf.length);
                feed(new byte[0]);
                return;
            }
            packet(buf, off);
            off += PACKET;
        }
        carry = java.util.Arrays.copyOfRange(buf, off, buf.length);
    }

    /** The first offset with a sync byte at the start of {@link #SYNC_RUN} packets in a row, or -1. */
    private static int findSync(byte[] b) {
        outer:
        for (int i = 0; i + (SYNC_RUN - 1) * PACKET < b.length; i++) {
            for (int k = 0; k < SYNC_RUN; k++) {
                if ((b[i + k * PACKET] & 0xFF) != SYNC) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void packet(byte[] b, int off) throws IOException {
        program.see(b, off);
        if (started) {
            emit(b, off, PACKET);
            return;
        }
        int pid = TsPacket.pid(b, off);
        if (pid == 0 && TsPacket.unitStart(b, off)) {
            skipped += pending.size();
            pending.reset();
            pendingHasPat = true;
        }
        if (pendingHasPat && pid == program.videoPid && program.videoPid >= 0 && TsPacket.randomAccess(b, off)) {
            started = true;
            byte[] first = java.util.Arrays.copyOfRange(b, off, off + PACKET);
            if (afterHole) {
                first[5] |= (byte) 0x80; // discontinuity_indicator: the stream is spliced here
                afterHole = false;
            }
            byte[] before = pending.toByteArray();
            pending.reset();
            emit(before, 0, before.length);
            emit(first, 0, PACKET);
            return;
        }
        if (pendingHasPat) {
            pending.write(b, off, PACKET);
            if (pending.size() > 8 << 20) {
                // No keyframe in 8 MiB after a PAT: not the stream we expect; start over at the next PAT.
                skipped += pending.size();
                pending.reset();
                pendingHasPat = false;
            }
        } else {
            skipped += PACKET;
        }
    }

    private void emit(byte[] b, int off, int len) throws IOException {
        if (len > 0) {
            out.write(b, off, len);
            written += len;
        }
    }
}
