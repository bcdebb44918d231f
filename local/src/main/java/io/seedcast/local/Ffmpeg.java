package io.seedcast.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;

/** The ffmpeg and ffprobe executables inside the bytedeco jar: the demo's broadcaster, the test's checker. */
public final class Ffmpeg {

    public static synchronized String executable(String name) {
        Loader.load(org.bytedeco.ffmpeg.global.avformat.class); // unpacks the libraries the executables link to
        return Loader.load(name.equals("ffprobe") ? org.bytedeco.ffmpeg.ffprobe.class : org.bytedeco.ffmpeg.ffmpeg.class);
    }

    public static ProcessBuilder process(String name, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable(name));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LD_LIBRARY_PATH", Path.of(cmd.getFirst()).getParent().toString());
        return pb;
    }

    /** A synthetic broadcast: test pattern with a clock and a tone, H.264/AAC, a keyframe every 2 s; -1 seconds for endless. */
    public static List<String> testBroadcast(double seconds, String videoBitrate, String format, String url) {
        String duration = seconds > 0 ? ":duration=" + seconds : "";
        return List.of("-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30" + duration,
                "-f", "lavfi", "-i", "sine=frequency=440:beep_factor=4:sample_rate=48000" + duration,
                "-c:v", "libopenh264", "-b:v", videoBitrate, "-maxrate", videoBitrate, "-g", "60", "-c:a", "aac", "-b:a", "128k",
                "-f", format, url);
    }

    public static Process start(List<String> args, Path log) throws IOException {
        return process("ffmpeg", args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private Ffmpeg() {
    }
}
