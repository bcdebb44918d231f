package io.seedcast.injector.swarms;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.keys.SwarmKeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The publisher key that signs swarm metadata for viewers (Ed25519), and the key set viewers pin
 * or fetch. Metadata is signed over its canonical JSON: keys sorted, no whitespace.
 */
public final class PublisherKeys {

    /** Canonical JSON: what is signed is what a verifier re-serialises from the parsed metadata. */
    public static final ObjectMapper CANONICAL = io.seedcast.tracker.SwarmMetadata.CANONICAL;

    private final SwarmKeyPair key;
    private final String keyId;
    private final Instant notBefore;
    private final Instant notAfter;
    /** Keys replaced by this one, listed until their overlap ends: key id → (swarm-ID hex, not after). */
    private final Map<String, Map.Entry<String, Instant>> previous = new LinkedHashMap<>();

    public PublisherKeys(SwarmKeyPair key, Instant notBefore, Instant notAfter) {
        if (key.algorithm() != SignatureAlgorithm.ED25519) {
            throw new IllegalArgumentException("the publisher key is an Ed25519 key");
        }
        this.key = key;
        this.keyId = io.seedcast.tracker.SwarmMetadata.keyId(key.swarmId());
        this.notBefore = notBefore;
        this.notAfter = notAfter;
    }

    /** Keeps a replaced key in the key set until {@code until}: metadata it signed still verifies meanwhile. */
    public void previous(io.seedcast.ppspp.keys.SwarmId publicKey, Instant until) {
        previous.put(io.seedcast.tracker.SwarmMetadata.keyId(publicKey), Map.entry(publicKey.hex(), until));
    }

    public String keyId() {
        return keyId;
    }

    /** {@code {"metadata": …, "keyId": …, "signature": base64}}. */
    public Map<String, Object> sign(Map<String, Object> metadata) throws Exception {
        return io.seedcast.tracker.SwarmMetadata.sign(key, keyId, metadata);
    }

    /** The key set at /.well-known/seedcast/keys.json. */
    public Map<String, Object> keySet() {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("kid", keyId);
        k.put("alg", "ED25519");
        // The public key in swarm-ID form (algorithm byte 15, then the 32-byte key), hex: ppspp's SwarmId reads it.
        k.put("publicKey", key.swarmId().hex());
        k.put("notBefore", notBefore.toString());
        k.put("notAfter", notAfter.toString());
        List<Map<String, Object>> keys = new java.util.ArrayList<>(List.of(k));
        previous.forEach((kid, e) -> {
            Map<String, Object> old = new LinkedHashMap<>();
            old.put("kid", kid);
            old.put("alg", "ED25519");
            old.put("publicKey", e.getKey());
            old.put("notBefore", notBefore.toString());
            old.put("notAfter", e.getValue().toString());
            keys.add(old);
        });
        return Map.of("keys", keys);
    }
}
