package org.patientvault.consent;

import java.util.Set;
import org.patientvault.mapping.IdentitySystems;

/**
 * The code systems, identifier systems and extension URLs the consent model understands.
 * Every string a patient-authored {@code Consent} may carry is listed here; anything else is rejected
 * by {@link ConsentValidator} and {@link ConsentModel}.
 */
public final class ConsentCodes {
    private ConsentCodes() {
    }

    /** Canonical base of everything the vault publishes. */
    public static final String BASE = "https://patientvault.org/fhir";

    /** The vault's purpose-of-use code system (published as {@code fhir/CodeSystem-consent-purpose.json}). */
    public static final String PURPOSE_SYSTEM = BASE + "/CodeSystem/consent-purpose";
    /** Purpose code: use of the patient's data to train or evaluate AI models. */
    public static final String PURPOSE_AI_TRAINING = "ai-training";

    /** HL7 v3 ActReason, from which HRESCH (research, accepted as AI training) and TREAT are accepted. */
    public static final String V3_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    public static final String HRESCH = "HRESCH";
    public static final String TREAT = "TREAT";

    /** The vault's data-class code system (published as {@code fhir/CodeSystem-data-class.json}). */
    public static final String DATA_CLASS_SYSTEM = BASE + "/CodeSystem/data-class";

    /** DICOM controlled terminology, used in {@code provision.code} for imaging modalities. */
    public static final String DICOM_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM";
    /** DICOM acquisition modalities (CID 29 plus common derived/document modalities) accepted in {@code provision.code}. */
    public static final Set<String> DICOM_MODALITIES = Set.of(
            "AR", "ASMT", "AU", "BDUS", "BI", "BMD", "CR", "CT", "DG", "DOC", "DX", "ECG", "EPS", "ES", "GM", "HD",
            "IO", "IVOCT", "IVUS", "KER", "KO", "LEN", "LS", "MG", "MR", "NM", "OAM", "OCT", "OP", "OPM", "OPT",
            "OPV", "OSS", "OT", "PR", "PT", "PX", "REG", "RESP", "RF", "RG", "RTDOSE", "RTIMAGE", "RTPLAN",
            "RTRECORD", "RTSTRUCT", "SC", "SEG", "SM", "SMR", "SR", "SRF", "TG", "US", "VA", "XA", "XC");

    /** FHIR consent scope code system and its two codes the vault uses. */
    public static final String SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope";

    /** Extension on {@code Consent.provision}: valueBoolean, true = this provision is about cross-border transfer. */
    public static final String CROSS_BORDER_EXTENSION = BASE + "/StructureDefinition/cross-border";

    /** Identifier system of hospitals and AI firms: value = their OAuth client id (spelled once, in mapping). */
    public static final String ORG_SYSTEM = IdentitySystems.ORGANIZATION;

    /**
     * Identifier system for recipient groups. {@code provision.actor.reference.identifier} =
     * ({@link #RECIPIENT_GROUP_SYSTEM}, {@link #ANY_AI_FIRM}) means "any AI firm approved by the vault".
     * It lives in its own system so that no OAuth client id can ever collide with it.
     */
    public static final String RECIPIENT_GROUP_SYSTEM = BASE + "/sid/recipient-group";
    public static final String ANY_AI_FIRM = "any-ai-firm";

    /** v3 ParticipationType; {@code IRCP} (information recipient) is the only actor role accepted. */
    public static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    public static final String IRCP = "IRCP";

    /** Accepted {@code Consent.category} codings. */
    public static final String LOINC = "http://loinc.org";
    public static final String CONSENT_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentcategorycodes";
    public static final Set<String> LOINC_CATEGORIES = Set.of("59284-0", "64292-6", "57016-8");
    public static final Set<String> CONSENT_CATEGORIES = Set.of(
            "research", "rsdid", "npp", "opt-in", "opt-out", "hipaa-auth", "hipaa-research", "emrgonly");
}
