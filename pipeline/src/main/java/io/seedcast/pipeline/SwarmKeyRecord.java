package io.seedcast.pipeline;

import io.seedcast.ppspp.Bytes;

/**
 * A swarm's private key (PKCS #8 DER) wrapped with AES-256-GCM under one master key version, on
 * {@link Topics#SWARM_KEYS}: any signer holding that master key can continue the swarm. A null
 * {@code wrapped} is a tombstone's payload: the swarm is over and its key destroyed.
 */
public record SwarmKeyRecord(Bytes swarmId, String masterKeyId, Bytes nonce, Bytes wrapped) {

    static final int TYPE = 3;

    public String key() {
        return SwarmKeys.digest(swarmId);
    }

    public byte[] encode() {
        return new RecordWriter(TYPE).bytes(swarmId).string(masterKeyId).bytes(nonce).bytes(wrapped).toByteArray();
    }

    public static SwarmKeyRecord decode(byte[] value) throws MalformedRecordException {
        RecordReader r = new RecordReader(value, TYPE, "swarm key record");
        SwarmKeyRecord k = new SwarmKeyRecord(r.bytes("swarm id", 1024), r.string("master key id"), r.bytes("nonce", 64),
                r.bytes("wrapped key", 16_384));
        r.end("swarm key record");
        return k;
    }

    @Override
    public String toString() {
        return "SwarmKeyRecord[" + key() + " under " + masterKeyId + "]";
    }
}
