package org.patientvault.mapping;

/**
 * Identifier systems, code systems and extension URLs used by identity matching (DESIGN §4).
 * Constants only; safe to use from any module.
 */
public final class IdentitySystems {

    /** Canonical base of everything Patient Vault defines. */
    public static final String BASE = "https://patientvault.org/fhir";

    /** Chinese resident ID (居民身份证号), 18 characters, GB 11643 MOD 11-2 check digit. */
    public static final String RESIDENT_ID = BASE + "/sid/cn-resident-id";

    /** Organizations of hospitals and AI firms; value = their OAuth client id. */
    public static final String ORGANIZATION = BASE + "/sid/org";

    /** HL7 v2 table 0203 (identifier type); an MRN carries {@code type} = {@link #MRN_TYPE_CODE}. */
    public static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    /** Identifier type code for a medical record number. */
    public static final String MRN_TYPE_CODE = "MR";

    /** Base of Patient Vault extensions. */
    public static final String EXTENSION_BASE = BASE + "/StructureDefinition/";

    /**
     * Extension on the vault Patient holding one hospital's view of the demographics
     * (see {@code linking.PatientIdentityMerger}; the root package names no feature).
     */
    public static final String HOSPITAL_VIEW_EXTENSION = EXTENSION_BASE + "hospital-view";

    /**
     * Extension on a name, telecom, address or identifier of the Patient a patient reads: the hospital that recorded it
     * ({@code valueReference} by {@link #ORGANIZATION} identifier); one per hospital (see
     * {@code linking.PatientIdentityMerger#asSeenByPatient}).
     */
    public static final String RECORDED_BY_EXTENSION = EXTENSION_BASE + "recorded-by";

    /** Extension on a Provenance carrying one piece of {@code linking.LinkEvidence}. */
    public static final String LINK_EVIDENCE_EXTENSION = EXTENSION_BASE + "link-evidence";

    /** Code system of link outcomes ({@code linking.LinkDecision.Kind}), used in {@code Provenance.activity}. */
    public static final String LINK_DECISION_CODE_SYSTEM = BASE + "/CodeSystem/link-decision";

    private IdentitySystems() {
    }
}
