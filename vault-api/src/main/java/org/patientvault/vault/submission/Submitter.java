package org.patientvault.vault.submission;

import org.hl7.fhir.r4.model.Reference;

/**
 * Who submitted a bundle: a stable key for replay detection and, once known, the submitting Organization that
 * becomes the Provenance author.
 *
 * @param key          stable identity of the submitter (e.g. the OAuth client id); never a secret
 * @param organization the submitting Organization, or null when the caller is not an organization
 */
public record Submitter(String key, Reference organization) {

    /** Submissions made without an authenticated organization (e.g. internal loads). */
    public static final Submitter UNATTRIBUTED = new Submitter("unattributed", null);
}
