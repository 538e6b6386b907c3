package org.patientvault.mapping.deid;

import java.util.Locale;

/** What a profile rule does to the elements it matches (the names are those used in profile files). */
public enum DeidMethod {
    /** Keep the element as it is; no later rule looks inside it (the resident-ID/mobile scan still does). */
    KEEP,
    /** Remove the element. */
    REDACT,
    /** Shift a date, dateTime or instant by the patient's offset, keeping precision, time and zone. */
    DATE_SHIFT,
    /**
     * Replace by the release's keyed hash: identifiers get a pseudonymous value and system, references and resource
     * ids {@code Type/<pseudonym>}, DICOM UIDs ({@code "as": "dicom-uid"}) the release's {@code 2.25} UID.
     */
    CRYPTO_HASH,
    /** Coarsen: a date to its year ({@code "level": "year"}, with {@code topCodeAge}), an address to its province. */
    GENERALIZE,
    /** Replace a primitive value by the rule's fixed {@code value}. */
    SUBSTITUTE;

    /** Parses the profile spelling ({@code keep}, {@code redact}, {@code dateShift}, {@code cryptoHash}, ...). */
    public static DeidMethod parse(String s) {
        for (DeidMethod m : values()) {
            if (m.name().replace("_", "").equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new DeidProfileException("unknown method '" + s + "'; known: keep, redact, dateShift, cryptoHash, "
                + "generalize, substitute");
    }

    @Override
    public String toString() {
        String n = name().toLowerCase(Locale.ROOT);
        int u = n.indexOf('_');
        return u < 0 ? n : n.substring(0, u) + Character.toUpperCase(n.charAt(u + 1)) + n.substring(u + 2);
    }
}
