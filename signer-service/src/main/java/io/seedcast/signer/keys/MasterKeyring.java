package io.seedcast.signer.keys;

import io.seedcast.pipeline.SwarmKeyRecord;
import io.seedcast.ppspp.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * The master keys that wrap swarm keys: versioned files in one directory (a mounted Kubernetes
 * Secret in production), one file per key id holding 32 bytes (raw or base64), plus a file
 * {@code active} naming the version new wraps use. {@link #reloadIfChanged()} picks up a new
 * version or a new active id without a restart; a broken directory keeps the last good keyring.
 * Swarm keys are wrapped with AES-256-GCM, the swarm ID and key id bound in as associated data.
 */
public final class MasterKeyring {

    public static final String ACTIVE_FILE = "active";
    private static final int NONCE = 12;

    private final Path dir;
    private static final Logger LOG = Logger.getLogger(MasterKeyring.class);
    private final SecureRandom random = new SecureRandom();
    private volatile Snapshot snapshot;
    private String fingerprint = "";

    record Snapshot(Map<String, byte[]> keys, String active) {
    }

    public MasterKeyring(Path dir) throws InvalidKeyringException {
        this.dir = dir;
        this.snapshot = load();
        this.fingerprint = fingerprint();
    }

    /** Reloads if the directory changed; returns whether a new keyring is in force. */
    public synchronized boolean reloadIfChanged() {
        String now = fingerprint();
        if (now.equals(fingerprint)) {
            return false;
        }
        fingerprint = now;
        try {
            Snapshot s = load();
            String before = snapshot.active();
            snapshot = s;
            LOG.infof("master keyring reloaded: versions %s, active %s%s", s.keys().keySet(), s.active(),
                    before.equals(s.active()) ? "" : " (was " + before + ")");
            return true;
        } catch (InvalidKeyringException e) {
            LOG.errorf("master keyring in %s is not usable, keeping the previous one: %s", dir, e.getMessage());
            return false;
        }
    }

    public String activeKeyId() {
        return snapshot.active();
    }

    public java.util.Set<String> keyIds() {
        return Collections.unmodifiableSet(snapshot.keys().keySet());
    }

    /** Wraps a swarm's PKCS #8 private key under the active master key; {@code pkcs8} is cleared. */
    public SwarmKeyRecord wrap(Bytes swarmId, byte[] pkcs8) {
        Snapshot s = snapshot;
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(s.keys().get(s.active()), "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(swarmId, s.active()));
            return new SwarmKeyRecord(swarmId, s.active(), Bytes.of(nonce), Bytes.of(c.doFinal(pkcs8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM wrap failed: " + e.getMessage(), e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The PKCS #8 key inside {@code record}; the caller clears it after use. */
    public byte[] unwrap(SwarmKeyRecord record) throws InvalidKeyringException {
        byte[] key = snapshot.keys().get(record.masterKeyId());
        if (key == null) {
            throw new InvalidKeyringException("swarm key " + record.key() + " is wrapped under master key '" + record.masterKeyId()
                    + "', which is not in " + dir + " (have " + snapshot.keys().keySet() + ")");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, record.nonce().toArray()));
            c.updateAAD(aad(record.swarmId(), record.masterKeyId()));
            return c.doFinal(record.wrapped().toArray());
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyringException("swarm key " + record.key() + " does not unwrap under master key '" + record.masterKeyId()
                    + "': the key file changed or the record was altered");
        }
    }

    private static byte[] aad(Bytes swarmId, String keyId) {
        return swarmId.concat(Bytes.of(keyId.getBytes(StandardCharsets.UTF_8))).toArray();
    }

    private Snapshot load() throws InvalidKeyringException {
        if (!Files.isDirectory(dir)) {
            throw new InvalidKeyringException("master key directory " + dir + " does not exist");
        }
        Map<String, byte[]> keys = new TreeMap<>();
        String active = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                // Kubernetes secret volumes hold ..data and ..<timestamp> entries beside the key links.
                if (name.startsWith(".") || Files.isDirectory(f)) {
                    continue;
                }
                byte[] content = Files.readAllBytes(f);
                if (name.equals(ACTIVE_FILE)) {
                    active = new String(content, StandardCharsets.UTF_8).trim();
                    continue;
                }
                keys.put(name, keyBytes(name, content));
            }
        } catch (IOException e) {
            throw new InvalidKeyringException("cannot read " + dir + ": " + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new InvalidKeyringException("no master key in " + dir + ": add a file named for its key id holding 32 random bytes (base64)");
        }
        if (active == null || active.isEmpty()) {
            throw new InvalidKeyringException("no active master key: write one of " + keys.keySet() + " into " + dir.resolve(ACTIVE_FILE));
        }
        if (!keys.containsKey(active)) {
            throw new InvalidKeyringException("the active master key '" + active + "' has no file in " + dir + " (have " + keys.keySet() + ")");
        }
        return new Snapshot(Map.copyOf(keys), active);
    }

    private static byte[] keyBytes(String id, byte[] content) throws InvalidKeyringException {
        if (content.length == 32) {
            return content;
        }
        String text = new String(content, StandardCharsets.US_ASCII).trim();
        try {
            byte[] k = Base64.getDecoder().decode(text);
            if (k.length == 32) {
                return k;
            }
        } catch (IllegalArgumentException ignored) {
            // Reported below with what we expected.
        }
        throw new InvalidKeyringException("master key '" + id + "' must be 32 bytes, raw or base64 (e.g. 'openssl rand -base64 32')");
    }

    /** Names and contents, hashed: mtimes are too coarse to see two quick writes (and key files are tiny). */
    private String fingerprint() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            java.util.List<Path> sorted = new java.util.ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            for (Path f : sorted) {
                if (Files.isRegularFile(f)) {
                    d.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                    d.update((byte) 0);
                    d.update(Files.readAllBytes(f));
                    d.update((byte) 0);
                }
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (IOException | GeneralSecurityException e) {
            return "unreadable";
        }
    }

    /** A keyring that cannot be used as it is, with what to do about it. */
    public static final class InvalidKeyringException extends Exception {
        public InvalidKeyringException(String message) {
            super(message);
        }
    }
}
