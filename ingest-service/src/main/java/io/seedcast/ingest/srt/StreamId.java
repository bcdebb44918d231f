package io.seedcast.ingest.srt;

import java.util.Optional;

/**
 * The stream key in an SRT streamid: the access-control form {@code #!::r=live/KEY,m=publish}
 * (SRT's recommended syntax), or plain {@code live/KEY} or {@code KEY}. A caller that asks for
 * another mode than publish (m=request, a player) is not a publisher.
 */
public record StreamId(String key, String mode) {

    public static Optional<StreamId> parse(String streamId) {
        if (streamId == null || streamId.isBlank()) {
            return Optional.empty();
        }
        String resource = streamId.strip();
        String mode = "publish";
        if (resource.startsWith("#!::")) {
            resource = null;
            for (String pair : streamId.substring(4).split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String k = pair.substring(0, eq).strip();
                String v = pair.substring(eq + 1).strip();
                if (k.equals("r")) {
                    resource = v;
                } else if (k.equals("m")) {
                    mode = v;
                }
            }
            if (resource == null) {
                return Optional.empty();
            }
        }
        String key = resource.substring(resource.lastIndexOf('/') + 1);
        return key.isEmpty() ? Optional.empty() : Optional.of(new StreamId(key, mode));
    }

    public boolean publishing() {
        return mode.equals("publish");
    }
}
