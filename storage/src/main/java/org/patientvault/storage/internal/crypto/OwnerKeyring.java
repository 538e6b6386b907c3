package org.patientvault.storage.internal.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.patientvault.storage.ObjectInfo;
import org.patientvault.storage.ObjectIntegrityException;
import org.patientvault.storage.ObjectNotFoundException;
import org.patientvault.storage.ObjectStore;
import org.patientvault.storage.OwnerKeyDestroyedException;

/**
 * Per-owner keys, each a random AES-256 key wrapped by the master key and stored as a 64-byte object
 * {@code keys/<owner>/<keyId>} in the same bucket. An owner may end up with several keys (two replicas creating
 * one at the same time both succeed and neither key is lost); writers use the lexicographically smallest, readers
 * use the id named in the object header. Unwrapped keys are cached for a short TTL, so a destroy on another
 * replica takes effect here within that TTL.
 */
public final class OwnerKeyring {

    public static final String PREFIX = "keys/";
    private static final byte[] MAGIC = {'P', 'V', 'K', '1'};

    private record Cached(SecretKey key, Instant expires) {}

    private record Current(String keyId, Instant expires) {}

    /** An owner key and its id. */
    public record OwnerKey(String keyId, SecretKey key) {}

    private final ObjectStore store;
    private final SecretKey masterKey;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> keys = new ConcurrentHashMap<>();
    private final Map<String, Current> current = new ConcurrentHashMap<>();
    /** Striped locks for creating owner keys: bounded, whatever the number of owners. */
    private final Object[] creating = new Object[64];

    public OwnerKeyring(ObjectStore store, SecretKey masterKey, Duration ttl, Clock clock) {
        this.store = store;
        this.masterKey = masterKey;
        this.ttl = ttl;
        this.clock = clock;
        java.util.Arrays.setAll(creating, i -> new Object());
    }

    /** The key new objects of this owner are encrypted with; created on first use. */
    public OwnerKey current(String owner) {
        Current c = current.get(owner);
        if (c != null && c.expires().isAfter(clock.instant())) {
            return new OwnerKey(c.keyId(), byId(owner, c.keyId()));
        }
        // One creator per owner in this process: two threads writing an owner's first objects at once (a cohort's
        // files are written in parallel) would each create a key, and one could read the other's while it is still
        // being written and take it for destroyed.
        synchronized (creating[Math.floorMod(owner.hashCode(), creating.length)]) {
            Current again = current.get(owner);
            if (again != null && again.expires().isAfter(clock.instant())) {
                return new OwnerKey(again.keyId(), byId(owner, again.keyId()));
            }
            return createOrFind(owner);
        }
    }

    private OwnerKey createOrFind(String owner) {
        String keyId = smallestKeyId(owner);
        if (keyId == null) {
            String fresh = HexFormat.of().formatHex(SegmentFormat.randomBytes(12));
            byte[] ownerKey = SegmentFormat.randomBytes(32);
            byte[] wrapped = SegmentFormat.wrap(masterKey, ownerKey, aad(owner, fresh));
            byte[] body = new byte[MAGIC.length + wrapped.length];
            System.arraycopy(MAGIC, 0, body, 0, MAGIC.length);
            System.arraycopy(wrapped, 0, body, MAGIC.length, wrapped.length);
            store.put(path(owner, fresh), new ByteArrayInputStream(body), body.length, "application/octet-stream");
            // Re-list: if another replica created one concurrently, every writer converges on the same smallest id.
            keyId = smallestKeyId(owner);
            if (keyId == null) {
                throw new OwnerKeyDestroyedException("Key of owner '" + owner
                        + "' was destroyed while it was being created");
            }
        }
        current.put(owner, new Current(keyId, clock.instant().plus(ttl)));
        return new OwnerKey(keyId, byId(owner, keyId));
    }

    /** The key named in an object header; {@link OwnerKeyDestroyedException} if it no longer exists. */
    public SecretKey byId(String owner, String keyId) {
        String cacheKey = owner + "/" + keyId;
        Cached cached = keys.get(cacheKey);
        if (cached != null && cached.expires().isAfter(clock.instant())) {
            return cached.key();
        }
        byte[] body;
        try (InputStream in = store.get(path(owner, keyId))) {
            body = in.readNBytes(256);
        } catch (ObjectNotFoundException e) {
            keys.remove(cacheKey);
            throw new OwnerKeyDestroyedException("The key of owner '" + owner
                    + "' has been destroyed (crypto-shredded); its objects can no longer be read");
        } catch (IOException e) {
            throw new org.patientvault.storage.StorageUnavailableException("Reading an owner key failed", e);
        }
        if (body.length < MAGIC.length
                || !java.util.Arrays.equals(java.util.Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw new ObjectIntegrityException("Key object of owner '" + owner + "' is corrupt");
        }
        try {
            byte[] raw = SegmentFormat.unwrap(masterKey, java.util.Arrays.copyOfRange(body, MAGIC.length, body.length),
                    aad(owner, keyId));
            SecretKey key = SegmentFormat.aesKey(raw);
            keys.put(cacheKey, new Cached(key, clock.instant().plus(ttl)));
            return key;
        } catch (GeneralSecurityException e) {
            throw new ObjectIntegrityException("Key of owner '" + owner
                    + "' cannot be unwrapped: wrong master key or tampered key object");
        }
    }

    /** Deletes every key of the owner; returns how many were deleted. */
    public int destroy(String owner) {
        List<String> ids;
        try (Stream<ObjectInfo> s = store.list(PREFIX + owner + "/")) {
            ids = s.map(ObjectInfo::key).toList();
        }
        ids.forEach(store::delete);
        current.remove(owner);
        keys.keySet().removeIf(k -> k.startsWith(owner + "/"));
        return ids.size();
    }

    private String smallestKeyId(String owner) {
        String prefix = PREFIX + owner + "/";
        try (Stream<ObjectInfo> s = store.list(prefix)) {
            return s.map(i -> i.key().substring(prefix.length())).filter(id -> !id.contains("/")).sorted()
                    .findFirst().orElse(null);
        }
    }

    private static String path(String owner, String keyId) {
        return PREFIX + owner + "/" + keyId;
    }

    private static byte[] aad(String owner, String keyId) {
        return ("pv-owner-key|" + owner + "|" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
