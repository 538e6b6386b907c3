package org.patientvault.mapping.deid;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Objects;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.deid.internal.Hmac;

/**
 * The secrets of one release (one cohort export to one recipient): a random 256-bit release key, from which every
 * pseudonym, every patient's date shift and every replacement DICOM UID is derived by HMAC-SHA256. Create one per
 * release, use it for all of that release's FHIR resources and DICOM instances, then drop it: the same patient gets the
 * same pseudonym, shift and UIDs everywhere in the release, and nothing links two releases (their keys are independent).
 *
 * <p>Values this release produced are recognisable by it (and only by it): pseudonyms and UIDs carry a 32-bit tag
 * that is an HMAC of the rest, which is what makes de-identifying an already de-identified resource a no-op.
 *
 * <p>Thread-safe; each derivation costs one or two HMAC-SHA256 computations (about a microsecond). Pseudonyms are
 * cached (at most 65,536 entries, then the cache is cleared), so original identifiers stay in this object's memory for
 * the release's lifetime; it is never serialised. The key never appears in {@link #toString()}, logs or exceptions.
 */
public final class DeidRelease {
    /** Identifier system of pseudonymous identifiers in a release. */
    public static final String PSEUDONYM_SYSTEM = IdentitySystems.BASE + "/sid/pseudonym";
    /** Code system of the per-release marker tag in {@code meta.tag}. */
    public static final String RELEASE_TAG_SYSTEM = IdentitySystems.BASE + "/CodeSystem/deid-release";
    /** Default bound of the per-patient date shift, in days (either direction). */
    public static final int DEFAULT_MAX_SHIFT_DAYS = 180;

    private static final int HASH_BYTES = 12;
    private static final int TAG_BYTES = 4;

    /** Pseudonyms repeat (every resource of a patient references it): a bounded cache saves two HMACs per hit. */
    private static final int CACHE_LIMIT = 1 << 16;

    private final Hmac hmac;
    private final java.util.concurrent.ConcurrentHashMap<String, String> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, String> uidCache =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> shifts = new java.util.concurrent.ConcurrentHashMap<>();
    private final int maxShiftDays;
    private final LocalDate referenceDate;
    private final String releaseTag;

    private DeidRelease(byte[] key, int maxShiftDays, LocalDate referenceDate) {
        if (maxShiftDays < 1) {
            throw new IllegalArgumentException("maxShiftDays must be at least 1");
        }
        this.hmac = new Hmac(key);
        this.maxShiftDays = maxShiftDays;
        this.referenceDate = Objects.requireNonNull(referenceDate, "referenceDate");
        this.releaseTag = Hmac.hex(hmac.mac("release-tag", ""), 0, 8);
    }

    /** A release with a fresh random key, shifts within ±{@value #DEFAULT_MAX_SHIFT_DAYS} days, ages as of today. */
    public static DeidRelease newRelease() {
        return newRelease(DEFAULT_MAX_SHIFT_DAYS, LocalDate.now());
    }

    /** A release with a fresh random key. */
    public static DeidRelease newRelease(int maxShiftDays, LocalDate referenceDate) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            return new DeidRelease(key, maxShiftDays, referenceDate);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * A release from a given key (at least 16 bytes; 32 random bytes recommended), e.g. to resume an interrupted
     * export with the same pseudonyms. The key is copied.
     *
     * @param referenceDate the date ages are computed at (the "over 89" bucket)
     */
    public static DeidRelease fromKey(byte[] key, int maxShiftDays, LocalDate referenceDate) {
        return new DeidRelease(key, maxShiftDays, referenceDate);
    }

    public int maxShiftDays() {
        return maxShiftDays;
    }

    public LocalDate referenceDate() {
        return referenceDate;
    }

    /** A marker identifying this release in output {@code meta.tag}; reveals nothing about the key or other releases. */
    public String releaseTag() {
        return releaseTag;
    }

    /**
     * The pseudonym of {@code value} in namespace {@code kind} (e.g. {@code "ref"} for {@code Type/id}, {@code "id"}
     * for {@code system|value}): 32 lower-case hex characters, a valid FHIR id. Stable within the release.
     */
    public String pseudonym(String kind, String value) {
        String key = kind + '\u0000' + value;
        String cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        String p = derivePseudonym(kind, value);
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(key, p);
        return p;
    }

    private String derivePseudonym(String kind, String value) {
        byte[] h = hmac.mac("pseudonym:" + kind, value);
        byte[] out = Arrays.copyOf(h, HASH_BYTES + TAG_BYTES);
        byte[] tag = hmac.mac("tag", h, 0, HASH_BYTES);
        System.arraycopy(tag, 0, out, HASH_BYTES, TAG_BYTES);
        return Hmac.hex(out, 0, out.length);
    }

    /** True when {@code s} is a pseudonym this release produced (whatever its namespace). */
    public boolean isOwnPseudonym(String s) {
        byte[] b = Hmac.unhex(s, HASH_BYTES + TAG_BYTES);
        return b != null && hasOwnTag(b);
    }

    private boolean hasOwnTag(byte[] b) {
        byte[] tag = hmac.mac("tag", b, 0, HASH_BYTES);
        return Hmac.equalPrefix(b, HASH_BYTES, tag, TAG_BYTES);
    }

    /** The pseudonymous id of the patient with logical id {@code patientId} (the vault's Patient id). */
    public String patientPseudonym(String patientId) {
        return pseudonym("ref", "Patient/" + patientId);
    }

    /**
     * The date shift of one patient, in days: derived from the key and the patient's logical id, never zero, within
     * ±{@link #maxShiftDays()}. It is a secret of the release: it is not written anywhere.
     */
    public int shiftDays(String patientId) {
        // every DICOM instance and FHIR resource of a patient asks: cache it like the pseudonyms (one HMAC saved per hit)
        if (patientId == null) {
            return deriveShift(null);
        }
        String key = patientId;
        Integer cached = shifts.get(key);
        if (cached != null) {
            return cached;
        }
        int shift = deriveShift(patientId);
        if (shifts.size() >= CACHE_LIMIT) {
            shifts.clear();
        }
        shifts.put(key, shift);
        return shift;
    }

    private int deriveShift(String patientId) {
        byte[] h = hmac.mac("shift", patientId == null ? "" : "Patient/" + patientId);
        long v = ((h[0] & 0xFFL) << 24 | (h[1] & 0xFFL) << 16 | (h[2] & 0xFFL) << 8 | (h[3] & 0xFFL));
        int magnitude = 1 + (int) (v % maxShiftDays);
        return (h[4] & 1) == 0 ? magnitude : -magnitude;
    }

    /**
     * The replacement of DICOM UID {@code uid} in this release: {@code 2.25.<decimal>} of 128 bits (96 derived from the
     * UID, 32 a tag), at most 44 characters. The FHIR side ({@code ImagingStudy} identifiers and uids) and the DICOM side
     * of one release call this with the same input, so both name the same new UIDs. A UID this release produced maps
     * to itself.
     */
    public String dicomUid(String uid) {
        // its own map keyed by the UID itself: a prefixed key would cost a concatenation per element of every instance
        String cached = uidCache.get(uid);
        if (cached != null) {
            return cached;
        }
        String derived = deriveUid(uid);
        if (uidCache.size() >= CACHE_LIMIT) {
            uidCache.clear();
        }
        uidCache.put(uid, derived);
        return derived;
    }

    private String deriveUid(String uid) {
        if (isOwnUid(uid)) {
            return uid;
        }
        byte[] h = hmac.mac("uid", uid);
        byte[] out = Arrays.copyOf(h, HASH_BYTES + TAG_BYTES);
        byte[] tag = hmac.mac("tag", h, 0, HASH_BYTES);
        System.arraycopy(tag, 0, out, HASH_BYTES, TAG_BYTES);
        return "2.25." + new BigInteger(1, out);
    }

    /** True when {@code uid} is a UID this release produced. */
    public boolean isOwnUid(String uid) {
        if (uid == null || !uid.startsWith("2.25.") || uid.length() > 44) {
            return false;
        }
        String digits = uid.substring(5);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        byte[] raw = new BigInteger(digits).toByteArray();
        byte[] b = new byte[HASH_BYTES + TAG_BYTES];
        if (raw.length > b.length + 1 || raw.length == b.length + 1 && raw[0] != 0) {
            return false;
        }
        int n = Math.min(raw.length, b.length);
        System.arraycopy(raw, raw.length - n, b, b.length - n, n);
        return hasOwnTag(b);
    }

    @Override
    public String toString() {
        return "DeidRelease[tag=" + releaseTag + ", maxShiftDays=" + maxShiftDays + "]";
    }
}
