package io.seedcast.ingest.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.avformat.AVFormatContext.AVFMT_FLAG_CUSTOM_IO;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avformat.avio_flush;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One publisher's media through FFmpeg, without re-encoding: FLV (from RTMP) or MPEG-TS (from SRT)
 * in through a custom AVIOContext fed from {@link #feed}, MPEG-TS out through another to an
 * {@link Output}, on its own thread. Timestamps that run backwards (encoders do this around
 * reconnects and B-frames gone wrong) are pulled forward, not fatal. Broken media ends this remuxer
 * with a message naming what FFmpeg said; nothing else is affected.
 */
public final class Remuxer {

    /** Where the MPEG-TS goes. Called on the remuxer's thread. */
    public interface Output {
        /** The bytes written next begin a video keyframe (with the PAT/PMT FFmpeg writes before it). */
        void keyframe();

        void write(byte[] b, int off, int len);

        /** A session begins (before its first bytes); {@code discontinuous}: its encoder configuration differs from the last one's. */
        default void session(boolean discontinuous) {
        }

        /** The input ended ({@code error} null) or broke. */
        void ended(String error);
    }

    public enum Format {
        FLV("flv"), MPEGTS("mpegts");

        final String ffmpegName;

        Format(String ffmpegName) {
            this.ffmpegName = ffmpegName;
        }
    }

    private static final byte[] EOF = new byte[0];
    private static final int IN_BUFFER = 64 * 1024;
    private static final int OUT_BUFFER = 188 * 64;
    private static final Map<Long, Remuxer> BY_OPAQUE = new ConcurrentHashMap<>();
    // JavaCPP allocates a native thunk per callback object: one each for all remuxers, found by opaque.
    private static final Read_packet_Pointer_BytePointer_int READ = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            Remuxer r = BY_OPAQUE.get(opaque.address());
            return r == null ? AVERROR_EOF : r.read(buf, size);
        }
    }.retainReference();
    private static final Write_packet_Pointer_BytePointer_int WRITE = new Write_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            Remuxer r = BY_OPAQUE.get(opaque.address());
            return r == null ? -1 : r.written(buf, size);
        }
    }.retainReference();
    private static volatile boolean loaded;

    private final Format format;
    private final Output output;
    private final Timeline timeline;
    private final String name;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final LongPointer opaque = new LongPointer(1);
    private final Thread thread;
    private volatile boolean aborted;
    private byte[] current;
    private int position;
    private byte[] scratch = new byte[OUT_BUFFER];
    private long repairedTimestamps;

    /** Loads FFmpeg's natives (about a second the first time); the service does it at start. */
    public static synchronized void load() {
        if (!loaded) {
            Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
            av_log_set_level(AV_LOG_FATAL);
            loaded = true;
        }
    }

    public Remuxer(Format format, String name, Output output) {
        this(format, name, output, new Timeline());
    }

    /** A remuxer for one publisher session of a broadcast whose clock is {@code timeline}. */
    public Remuxer(Format format, String name, Output output, Timeline timeline) {
        load();
        this.format = format;
        this.name = name;
        this.output = output;
        this.timeline = timeline;
        this.thread = Thread.ofPlatform().name("remux-" + name).daemon().unstarted(this::run);
    }

    public Remuxer start() {
        BY_OPAQUE.put(opaque.address(), this);
        thread.start();
        return this;
    }

    /** Hands media bytes to FFmpeg; the caller keeps nothing. */
    public void feed(byte[] bytes) {
        if (bytes.length > 0 && !aborted) {
            queuedBytes.addAndGet(bytes.length);
            queue.add(bytes);
        }
    }

    /** Bytes fed and not yet read by FFmpeg: the transport pauses its reads above a limit. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** The input is over: FFmpeg drains what it has, writes the trailer, and the remuxer ends. */
    public void endOfInput() {
        queue.add(EOF);
    }

    /** Stops at once (a taken-over or refused publisher); what is queued is not remuxed. */
    public void abort() {
        aborted = true;
        queue.add(EOF);
    }

    public boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    public long repairedTimestamps() {
        return repairedTimestamps;
    }

    private int read(BytePointer buf, int size) {
        try {
            while (current == null || position == current.length) {
                if (current == EOF || aborted) {
                    return AVERROR_EOF;
                }
                current = queue.poll(1, TimeUnit.SECONDS);
                position = 0;
            }
            if (current == EOF) {
                return AVERROR_EOF;
            }
            int n = Math.min(size, current.length - position);
            buf.position(0).put(current, position, n);
            position += n;
            queuedBytes.addAndGet(-n);
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AVERROR_EOF;
        }
    }

    private int written(BytePointer buf, int size) {
        if (scratch.length < size) {
            scratch = new byte[size];
        }
        buf.position(0).get(scratch, 0, size);
        output.write(scratch, 0, size);
        return size;
    }

    private void run() {
        String error = null;
        AVFormatContext in = null;
        AVFormatContext out = null;
        AVIOContext inIo = null;
        AVIOContext outIo = null;
        AVPacket pkt = av_packet_alloc();
        boolean headerWritten = false;
        try {
            in = avformat_alloc_context();
            inIo = avio_alloc_context(new BytePointer(av_malloc(IN_BUFFER)), IN_BUFFER, 0, opaque, READ, null, null);
            in.pb(inIo);
            in.flags(in.flags() | AVFMT_FLAG_CUSTOM_IO);
            AVDictionary options = new AVDictionary(null);
            av_dict_set(options, "probesize", "1000000", 0);
            av_dict_set(options, "analyzeduration", "2000000", 0);
            AVInputFormat inputFormat = av_find_input_format(format.ffmpegName);
            int r = avformat_open_input(in, (String) null, inputFormat, options);
            av_dict_free(options);
            if (r < 0) {
                in = null;
                throw new MediaException("FFmpeg could not open the " + format.ffmpegName + " input: " + err(r));
            }
            check(avformat_find_stream_info(in, (AVDictionary) null), "FFmpeg found no usable streams");
            out = new AVFormatContext(null);
            check(avformat_alloc_output_context2(out, null, "mpegts", (String) null), "FFmpeg has no MPEG-TS muxer");
            outIo = avio_alloc_context(new BytePointer(av_malloc(OUT_BUFFER)), OUT_BUFFER, 1, opaque, null, WRITE, null);
            out.pb(outIo);
            out.flags(out.flags() | AVFMT_FLAG_CUSTOM_IO);
            int streams = in.nb_streams();
            int[] map = new int[streams];
            boolean[] video = new boolean[streams];
            int mapped = 0;
            for (int i = 0; i < streams; i++) {
                AVStream is = in.streams(i);
                int type = is.codecpar().codec_type();
                if (type != AVMEDIA_TYPE_VIDEO && type != AVMEDIA_TYPE_AUDIO) {
                    map[i] = -1;
                    continue;
                }
                AVStream os = avformat_new_stream(out, null);
                check(avcodec_parameters_copy(os.codecpar(), is.codecpar()), "could not copy codec parameters");
                os.codecpar().codec_tag(0);
                os.time_base(is.time_base());
                video[i] = type == AVMEDIA_TYPE_VIDEO;
                map[i] = mapped++;
            }
            if (mapped == 0) {
                throw new MediaException("the stream carries neither audio nor video");
            }
            output.session(timeline.begin(configuration(in, map)));
            check(avformat_write_header(out, (AVDictionary) null), "FFmpeg refused the MPEG-TS header");
            headerWritten = true;
            avio_flush(out.pb());
            long[] last = new long[streams];
            java.util.Arrays.fill(last, AV_NOPTS_VALUE);
            long offset = AV_NOPTS_VALUE;
            while (!aborted) {
                r = av_read_frame(in, pkt);
                if (r == AVERROR_EOF) {
                    break;
                }
                if (r < 0) {
                    throw new MediaException("FFmpeg could not read the input: " + err(r));
                }
                int si = pkt.stream_index();
                if (si >= map.length || map[si] < 0) {
                    av_packet_unref(pkt);
                    continue;
                }
                repair(pkt, last, si);
                AVStream is = in.streams(si);
                AVStream os = out.streams(map[si]);
                av_packet_rescale_ts(pkt, is.time_base(), os.time_base());
                // The broadcast's clock: a reconnected publisher's timestamps continue the last session's (Timeline).
                long now = System.nanoTime();
                if (offset == AV_NOPTS_VALUE) {
                    offset = timeline.offsetFor(pkt.dts(), now);
                }
                pkt.dts(pkt.dts() + offset);
                pkt.pts(pkt.pts() + offset);
                timeline.wrote(pkt.dts(), now);
                pkt.stream_index(map[si]);
                pkt.pos(-1);
                if (video[si] && (pkt.flags() & AV_PKT_FLAG_KEY) != 0) {
                    output.keyframe();
                }
                r = av_write_frame(out, pkt);
                av_packet_unref(pkt);
                if (r < 0) {
                    throw new MediaException("FFmpeg could not write MPEG-TS: " + err(r));
                }
                avio_flush(out.pb());
            }
        } catch (MediaException e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            error = "remuxing failed: " + e;
        } finally {
            try {
                if (headerWritten && out != null) {
                    av_write_trailer(out);
                    avio_flush(out.pb());
                }
            } catch (RuntimeException ignored) {
                // The trailer of a broken stream is best effort.
            }
            av_packet_free(pkt);
            if (in != null) {
                avformat_close_input(in);
            }
            if (inIo != null) {
                av_free(inIo.buffer());
                avio_context_free(inIo);
            }
            if (out != null) {
                avformat_free_context(out);
            }
            if (outIo != null) {
                av_free(outIo.buffer());
                avio_context_free(outIo);
            }
            BY_OPAQUE.remove(opaque.address());
            queue.clear();
            queuedBytes.set(0);
            output.ended(error);
        }
    }

    /** What a player must reset its decoders for when it changes: the mapped streams' codecs, sizes and sample rates. */
    private static String configuration(AVFormatContext in, int[] map) {
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < map.length; i++) {
            if (map[i] >= 0) {
                var p = in.streams(i).codecpar();
                c.append(p.codec_type()).append(':').append(p.codec_id()).append(':').append(p.width()).append('x').append(p.height())
                        .append(':').append(p.sample_rate()).append(';');
            }
        }
        return c.toString();
    }

    /** DTS must increase per stream; a packet that goes backwards is moved to just after the last one. */
    private void repair(AVPacket pkt, long[] last, int si) {
        long dts = pkt.dts();
        long pts = pkt.pts();
        if (dts == AV_NOPTS_VALUE) {
            dts = pts;
        }
        if (dts == AV_NOPTS_VALUE) {
            dts = last[si] == AV_NOPTS_VALUE ? 0 : last[si] + 1;
        }
        if (last[si] != AV_NOPTS_VALUE && dts <= last[si]) {
            long shift = last[si] + 1 - dts;
            dts += shift;
            if (pts != AV_NOPTS_VALUE) {
                pts += shift;
            }
            repairedTimestamps++;
        }
        if (pts == AV_NOPTS_VALUE || pts < dts) {
            pts = dts;
        }
        pkt.dts(dts);
        pkt.pts(pts);
        last[si] = dts;
    }

    private static void check(int r, String what) throws MediaException {
        if (r < 0) {
            throw new MediaException(what + ": " + err(r));
        }
    }

    static String err(int code) {
        BytePointer b = new BytePointer(256);
        av_strerror(code, b, 256);
        return b.getString() + " (" + code + ")";
    }

    static final class MediaException extends Exception {
        MediaException(String message) {
            super(message, null, false, false);
        }
    }
}
