package io.seedcast.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmId;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A channel's swarm metadata as the injector publishes it for viewers, signed with a publisher key
 * over its canonical JSON (keys sorted, no whitespace), and its verification against a pinned key or
 * the key set at {@code /.well-known/seedcast/keys.json}.
 */
public final class SwarmMetadata {

    public static final ObjectMapper CANONICAL = JsonMapper.builder().enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private SwarmMetadata() {
    }

    /** A publisher key's id: the first 16 hex digits of the SHA-256 of its swarm-ID form. */
    public static String keyId(SwarmId publisherKey) {
        return MerkleHashFunction.SHA256.hash(publisherKey.encoded()).hex().substring(0, 16);
    }

    /**
     * What a verified record says.
     *
     * @param broadcast  the broadcast the swarm carries (null if not said)
     * @param firstChunk the broadcast chunk the swarm's chunk 0 is (-1 if not said): with the same broadcast, a successor
     *                   swarm continues its predecessor at exactly this chunk
     * @param predecessorRevoked the swarm this one succeeds was revoked: it is no longer served, switch at once
     */
    public record Verified(String channel, SwarmId swarm, SwarmParameters parameters, String tracker, List<String> seeders, String successor,
            String broadcast, long firstChunk, boolean predecessorRevoked) {
    }

    public static Map<String, Object> sign(SwarmKeyPair publisher, String keyId, Map<String, Object> metadata) throws Exception {
        byte[] canonical = CANONICAL.writeValueAsString(metadata).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metadata", metadata);
        out.put("keyId", keyId);
        out.put("algorithm", "ED25519");
        out.put("signature", Base64.getEncoder().encodeToString(publisher.sign(canonical).toArray()));
        return out;
    }

    /** Publisher keys by key id, from a key set document, keeping only those valid {@code at}. */
    public static Map<String, SwarmId> keySet(String json, Instant at) throws InvalidMetadataException {
        Map<String, SwarmId> out = new LinkedHashMap<>();
        try {
            for (JsonNode k : CANONICAL.readTree(json).path("keys")) {
                Instant from = Instant.parse(k.path("notBefore").asText());
                Instant to = Instant.parse(k.path("notAfter").asText());
                if (!at.isBefore(from) && at.isBefore(to)) {
                    out.put(k.path("kid").asText(), SwarmId.fromHex(k.path("publicKey").asText()));
                }
            }
        } catch (Exception e) {
            throw new InvalidMetadataException("the publisher key set is not readable: " + e.getMessage());
        }
        return out;
    }

    /** Verifies a signed record with the given publisher keys (a pinned one, or the key set's) and reads it. */
    public static Verified verify(String json, Map<String, SwarmId> publisherKeys) throws InvalidMetadataException {
        JsonNode root;
        try {
            root = CANONICAL.readTree(json);
        } catch (Exception e) {
            throw new InvalidMetadataException("swarm metadata is not JSON: " + e.getMessage());
        }
        JsonNode m = root.path("metadata");
        String kid = root.path("keyId").asText();
        SwarmId key = publisherKeys.get(kid);
        if (key == null) {
            throw new InvalidMetadataException("swarm metadata is signed with key '" + kid + "', which is not a trusted, valid publisher key");
        }
        byte[] sig;
        byte[] canonical;
        try {
            sig = Base64.getDecoder().decode(root.path("signature").asText());
            canonical = CANONICAL.writeValueAsString(CANONICAL.convertValue(m, Map.class)).getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new InvalidMetadataException("swarm metadata's signature is not readable: " + e.getMessage());
        }
        if (!m.isObject() || !key.verify(Bytes.of(sig), canonical)) {
            throw new InvalidMetadataException("swarm metadata's signature does not verify with publisher key '" + kid + "': refusing it");
        }
        try {
            SwarmParameters p = new SwarmParameters(IntegrityMethod.valueOf(m.path("integrity").asText()),
                    MerkleHashFunction.valueOf(m.path("hash").asText()), SignatureAlgorithm.valueOf(m.path("algorithm").asText()),
                    ChunkAddressing.valueOf(m.path("chunkAddressing").asText()), m.path("chunkSize").asLong(),
                    m.path("chunksPerSignature").asInt(), m.path("discardWindow").asLong(), Profile.valueOf(m.path("profile").asText()));
            List<String> seeders = new ArrayList<>();
            m.path("seeders").forEach(s -> seeders.add(s.asText()));
            return new Verified(m.path("channel").asText(), SwarmId.fromHex(m.path("swarmId").asText()), p, m.path("tracker").isTextual() ? m.path("tracker").asText() : null,
                    seeders, m.path("successor").isTextual() ? m.path("successor").asText() : null,
                    m.path("broadcast").isTextual() ? m.path("broadcast").asText() : null,
                    m.path("firstChunk").canConvertToLong() && m.path("firstChunk").asLong() >= 0 ? m.path("firstChunk").asLong() : -1,
                    "REVOKED".equals(m.path("predecessorState").asText()));
        } catch (RuntimeException e) {
            throw new InvalidMetadataException("swarm metadata is signed but does not describe a swarm: " + e.getMessage());
        }
    }

    /** Metadata that cannot be trusted or used, and why. */
    public static final class InvalidMetadataException extends Exception {
        public InvalidMetadataException(String message) {
            super(message);
        }
    }
}
