package io.seedcast.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/** The ffmpeg and ffprobe executables shipped in the bytedeco jar: publishers and checks in tests. */
public final class Ffmpeg {

    public static String ffmpeg() {
        io.seedcast.ingest.media.Remuxer.load(); // extracts the libraries the executables link to
        return Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    }

    public static String ffprobe() {
        io.seedcast.ingest.media.Remuxer.load();
        return Loader.load(org.bytedeco.ffmpeg.ffprobe.class);
    }

    /** A process of one of the executables, finding its libraries next to it. */
    static ProcessBuilder process(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LD_LIBRARY_PATH", Path.of(cmd.getFirst()).getParent().toString());
        return pb;
    }

    /** A synthetic H.264/AAC source: test pattern and tone, 25 fps, a keyframe every second. */
    public static List<String> testSource(double seconds, String videoBitrate) {
        return List.of("-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                "-c:v", "libopenh264", "-b:v", videoBitrate, "-g", "25", "-c:a", "aac", "-b:a", "96k");
    }

    public static Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ffmpeg());
        cmd.addAll(List.of("-hide_banner", "-nostdin", "-loglevel", "warning", "-y"));
        cmd.addAll(args);
        return process(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs ffmpeg to the end; returns its exit code. */
    public static int run(List<String> args, Path log, long timeoutSeconds) throws Exception {
        Process p = start(args, log);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ffmpeg did not finish in " + timeoutSeconds + " s: " + Files.readString(log));
        }
        return p.exitValue();
    }

    /** ffprobe's answer about {@code file}, for what the test asks (e.g. stream or packet entries). */
    public static String probe(Path file, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ffprobe(), "-v", "error"));
        cmd.addAll(List.of(args));
        cmd.add(file.toString());
        Process p = process(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private Ffmpeg() {
    }
}
