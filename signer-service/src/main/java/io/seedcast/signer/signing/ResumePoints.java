package io.seedcast.signer.signing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The signer's offset metadata on a {@code seedcast.chunks} partition: per broadcast, the first chunk not yet published
 * signed, and whether a rotation was asked for and not yet done. A replacement signer seeks to the committed offset
 * (the batch of the oldest chunk awaiting its munro), skips what these points say is signed, and never signs a chunk
 * twice. Written as {@code id=123;id2=456!R;}, the format committed offsets already hold.
 */
final class ResumePoints {

    private static final Logger LOG = Logger.getLogger(ResumePoints.class);

    /** Where the broadcast resumes: its first unsigned chunk, and a rotation still due at the next keyframe. */
    record Point(long firstUnsigned, boolean rotate) {
    }

    private ResumePoints() {
    }

    static String encode(Map<String, Point> points) {
        StringBuilder out = new StringBuilder();
        points.forEach((id, p) -> out.append(id).append('=').append(p.firstUnsigned()).append(p.rotate() ? "!R" : "").append(';'));
        return out.toString();
    }

    /** The points in {@code metadata}; unreadable entries are logged and skipped (those broadcasts start a new swarm). */
    static Map<String, Point> decode(String metadata) {
        Map<String, Point> out = new LinkedHashMap<>();
        if (metadata == null) {
            return out;
        }
        for (String entry : metadata.split(";")) {
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.lastIndexOf('=');
            String v = eq <= 0 ? "" : entry.substring(eq + 1);
            boolean rotate = v.endsWith("!R");
            try {
                out.put(entry.substring(0, eq), new Point(Long.parseLong(rotate ? v.substring(0, v.length() - 2) : v), rotate));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                LOG.warnf("ignoring an unreadable resume point '%s' in the committed offset metadata", entry);
            }
        }
        return out;
    }
}
